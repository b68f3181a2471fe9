package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// A signed charge.dispute.created reaches the real binary: the case's card
// is posted in the channel DISPUTEDESK_STRIPE_CHANNEL names, once, however
// often Stripe sends the event; a stale signature stores nothing.
func TestStripeWebhookPostsCard(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			const whsec = "whsec_e2e"
			fake := slackfake.New(t)
			dbURL := newDB(t)
			srv := serve(t, append(slackEnv(fake, dbURL), "STRIPE_WEBHOOK_SECRET=whsec_old,"+whsec,
				"DISPUTEDESK_STRIPE_CHANNEL=slack:"+slackfake.TeamID+"/C0DISPUTES")...)
			due := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Second)
			payload := fmt.Appendf(nil, `{"id":"evt_e2e","object":"event","api_version":"2025-01-27.acacia","created":%d,"type":"charge.dispute.created",
"data":{"object":{"id":"dp_e2e","object":"dispute","amount":12900,"currency":"eur","reason":"fraudulent","status":"needs_response",
"charge":"ch_e2e","payment_intent":"pi_e2e","created":%d,"is_charge_refundable":false,"metadata":{"order_id":"5501"},
"evidence_details":{"due_by":%d},"payment_method_details":{"type":"card","card":{"brand":"mastercard","network_reason_code":"4837"}}}}}`,
				time.Now().Unix(), time.Now().Add(-time.Hour).Unix(), due.Unix())
			post := func(signedAt time.Time) int {
				sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: whsec, Timestamp: signedAt})
				req, _ := http.NewRequest(http.MethodPost, srv.base+"/webhooks/stripe", bytes.NewReader(sp.Payload))
				req.Header.Set("Stripe-Signature", sp.Header)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := post(time.Now().Add(-10 * time.Minute)); got != http.StatusUnauthorized {
				t.Fatalf("stale signature: status %d; want 401\n%s", got, srv.logs.String())
			}
			for range 3 {
				if got := post(time.Now()); got != http.StatusOK {
					t.Fatalf("status %d; want 200\n%s", got, srv.logs.String())
				}
			}
			msgs := fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("CB-1001", m)) == 1 })
			card := cardsOf("CB-1001", msgs)[0]
			if card.Channel != "C0DISPUTES" {
				t.Errorf("card posted in %s; want C0DISPUTES", card.Channel)
			}
			for _, want := range []string{"5501", "EUR 129.00", "Stripe opened CB-1001"} {
				if !strings.Contains(card.Text+string(card.Blocks), want) {
					t.Errorf("card lacks %q: %s %s", want, card.Text, card.Blocks)
				}
			}
			time.Sleep(300 * time.Millisecond) // a second card would be posted by now
			if n := len(cardsOf("CB-", fake.Messages())); n != 1 {
				t.Errorf("%d cards; want 1 for one event sent three times", n)
			}
			srv.stop()
			if n := caseCount(t, dbURL); n != 1 {
				t.Errorf("%d cases; want 1", n)
			}
		})
	}
}
