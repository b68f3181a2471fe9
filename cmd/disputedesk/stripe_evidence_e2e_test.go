package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/disputedesk/disputedesk/internal/slackfake"
	"github.com/disputedesk/disputedesk/internal/stripefake"
)

// disputeEvent is a dispute event of type typ for dispute id, due at due.
func disputeEvent(evt, typ, id string, due time.Time) []byte {
	return fmt.Appendf(nil, `{"id":%q,"object":"event","api_version":"2025-01-27.acacia","created":%d,"type":%q,
"data":{"object":{"id":%q,"object":"dispute","amount":12900,"currency":"eur","reason":"product_not_received","status":"needs_response",
"charge":"ch_%s","payment_intent":"pi_%s","created":%d,"is_charge_refundable":false,"metadata":{"order_id":"5501"},
"evidence_details":{"due_by":%d},"payment_method_details":{"type":"card","card":{"brand":"visa","network_reason_code":"13.1"}}}}}`,
		evt, time.Now().Unix(), typ, id, id, id, time.Now().Add(-time.Hour).Unix(), due.Unix())
}

// postStripe signs payload as Stripe does and posts it to srv's webhook.
func postStripe(t *testing.T, srv *server, secret string, payload []byte) {
	t.Helper()
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()})
	req, _ := http.NewRequest(http.MethodPost, srv.base+"/webhooks/stripe", bytes.NewReader(sp.Payload))
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stripe event: status %d\n%s", resp.StatusCode, srv.logs.String())
	}
}

// stripeSlack is a Slack workspace and serve with Stripe's webhook and API
// (at api), leads U0LEAD; slash and press act in it as a user.
type stripeSlack struct {
	t     *testing.T
	fake  *slackfake.Server
	srv   *server
	slack *slackfake.Client
}

const stripeWhsec = "whsec_e2e"

func newStripeSlack(t *testing.T, dbURL, api, key string) *stripeSlack {
	fake := slackfake.New(t)
	srv := serve(t, append(slackEnv(fake, dbURL), "STRIPE_WEBHOOK_SECRET="+stripeWhsec,
		"DISPUTEDESK_STRIPE_CHANNEL=slack:"+slackfake.TeamID+"/"+slackfake.ChannelID,
		"STRIPE_API_KEY="+key, "STRIPE_API_BASE="+api, "DISPUTEDESK_LEADS=slack:U0LEAD")...)
	return &stripeSlack{t: t, fake: fake, srv: srv, slack: fake.Client(srv.base, slackfake.SigningSecret)}
}

func (s *stripeSlack) post(payload []byte) {
	s.t.Helper()
	postStripe(s.t, s.srv, stripeWhsec, payload)
}

// card waits for ref's card.
func (s *stripeSlack) card(ref string) slackfake.Message {
	s.t.Helper()
	return cardsOf(ref, s.fake.WaitFor(s.t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf(ref, m)) == 1 }))[0]
}

func (s *stripeSlack) slash(user, text string) []byte {
	s.t.Helper()
	resp, body, err := s.slack.SlashCommand("/case", text, slackfake.SlashOpts{UserID: user})
	if err != nil || resp.StatusCode != http.StatusOK {
		s.t.Fatalf("/case %s: %v %v %s\n%s", text, err, resp, body, s.srv.logs.String())
	}
	return body
}

// press presses a button as user and waits for the private answer, through
// its response_url, to say want.
func (s *stripeSlack) press(user, actionID, value, want string) {
	s.t.Helper()
	url := s.fake.ResponseURL()
	if _, _, err := s.slack.Interaction(slackfake.BlockAction("", "", user, "", "", actionID, value, url), slackfake.SignOpts{}); err != nil {
		s.t.Fatal(err)
	}
	s.fake.WaitResponses(s.t, 10*time.Second, func([]json.RawMessage) bool {
		rs := s.fake.ResponsesTo(url)
		return len(rs) > 0 && strings.Contains(string(rs[0]), want)
	})
}

// button finds the button labelled label in a Slack answer's blocks, and
// returns its action id and value.
func button(body []byte, label string) (actionID, value string) {
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "button" {
				if txt, _ := v["text"].(map[string]any); txt["text"] == label {
					actionID, _ = v["action_id"].(string)
					value, _ = v["value"].(string)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var doc any
	_ = json.Unmarshal(body, &doc)
	walk(doc)
	return actionID, value
}

// The real serve, its stripe-go client pointed at a recording fake of
// Stripe's API (STRIPE_API_BASE), stages a case's evidence, asks a lead's
// approval to submit it, submits it once on the lead's press, and sends
// nothing without that press, on an agent's press, on a second press or
// after the dispute's due_by.
func TestStripeEvidenceStagedAndSubmitted(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			api := stripefake.New(t)
			s := newStripeSlack(t, newDB(t), api.URL(), stripefake.Key)
			s.post(disputeEvent("evt_1", "charge.dispute.created", "dp_e2e", time.Now().Add(7*24*time.Hour)))
			s.card("CB-1001")
			s.slash("U0OLA", `evidence CB-1001 kind=shipping_tracking_number ref="PostNord 0037"`)
			s.slash("U0OLA", `evidence CB-1001 kind=receipt ref=order-5501.pdf`)

			if body := s.slash("U0OLA", "stripe stage CB-1001"); !strings.Contains(string(body), "Staged 2 evidence field(s) of CB-1001") ||
				!strings.Contains(string(body), "Not uploaded: receipt") {
				t.Errorf("stage answered %s", body)
			}
			held, submitted := api.Evidence("dp_e2e")
			if held["shipping_tracking_number"] != "PostNord 0037" || !strings.Contains(held["uncategorized_text"], "receipt: order-5501.pdf") || submitted != 0 {
				t.Errorf("Stripe holds %v, submitted %d times; want the evidence staged, not submitted", held, submitted)
			}

			// Typed, even by a lead and with confirm=yes, submit only asks.
			ask := s.slash("U0LEAD", "stripe submit CB-1001 confirm=yes")
			actionID, value := button(ask, "Submit to Stripe")
			if value == "" {
				t.Fatalf("submit asked %s; want the approval button", ask)
			}
			if _, n := api.Evidence("dp_e2e"); n != 0 {
				t.Fatalf("submitted %d times without the approval; want 0", n)
			}
			s.press("U0OLA", actionID, value, "Only a lead may submit")
			s.press("U0LEAD", actionID, value, "Submitted the evidence of CB-1001 to Stripe")
			s.press("U0LEAD", actionID, value, "submitted to Stripe already")
			if _, n := api.Evidence("dp_e2e"); n != 1 {
				t.Errorf("submitted %d times; want once", n)
			}

			// A dispute whose due_by has passed: the lead's press sends nothing.
			s.post(disputeEvent("evt_2", "charge.dispute.created", "dp_late", time.Now().Add(-time.Hour)))
			s.card("CB-1002")
			s.slash("U0OLA", `evidence CB-1002 kind=shipping_tracking_number ref="PostNord 0038"`)
			if body := s.slash("U0OLA", "stripe submit CB-1002"); !strings.Contains(string(body), "no longer takes it") {
				t.Errorf("submit after due_by asked %s; want it refused", body)
			}
			s.press("U0LEAD", actionID, strings.ReplaceAll(value, "CB-1001", "CB-1002"), "the evidence of CB-1002 was due")
			if held, n := api.Evidence("dp_late"); n != 0 || len(held) != 0 {
				t.Errorf("after due_by Stripe got %v, submitted %d; want nothing", held, n)
			}
			for _, c := range api.Calls() {
				if !strings.HasPrefix(c.Path, "/v1/disputes/dp_e2e") {
					t.Errorf("Stripe was called: %s %s; want only dp_e2e's updates", c.Method, c.Path)
				}
			}
		})
	}
}
