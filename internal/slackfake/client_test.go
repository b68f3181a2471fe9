package slackfake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// verifyingBot is a stand-in for the bot's HTTP endpoints that checks
// requests the way the DESIGN says bot/slack must: read the body, verify it
// with slack.NewSecretsVerifier, restore it, parse it with slack-go.
func verifyingBot(t *testing.T, secret string) *httptest.Server {
	verify := func(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
		body, _ := io.ReadAll(r.Body)
		sv, err := slack.NewSecretsVerifier(r.Header, secret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			http.Error(w, "unverified: "+err.Error(), http.StatusUnauthorized)
			return nil, false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return body, true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+slackfake.CommandsPath, func(w http.ResponseWriter, r *http.Request) {
		if _, ok := verify(w, r); !ok {
			return
		}
		sc, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(sc)
	})
	mux.HandleFunc("POST "+slackfake.InteractionsPath, func(w http.ResponseWriter, r *http.Request) {
		if _, ok := verify(w, r); !ok {
			return
		}
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch cb.Type {
		case slack.InteractionTypeBlockActions:
			a := cb.ActionCallback.BlockActions[0]
			fmt.Fprintf(w, "%s %s %s %s %s %s", a.ActionID, a.Value, a.SelectedOption.Value, cb.Container.MessageTs, cb.Container.ThreadTs, cb.TriggerID)
		case slack.InteractionTypeViewSubmission:
			v := cb.View.State.Values
			fmt.Fprintf(w, "%s %s %s", cb.View.PrivateMetadata, v["order"]["order"].Value, v["reason"]["reason_select"].SelectedOption.Value)
		}
	})
	mux.HandleFunc("POST "+slackfake.EventsPath, func(w http.ResponseWriter, r *http.Request) {
		body, ok := verify(w, r)
		if !ok {
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		retry := r.Header.Get("X-Slack-Retry-Num")
		if ev.Type == slackevents.URLVerification {
			var ch slackevents.ChallengeResponse
			_ = json.Unmarshal(body, &ch)
			fmt.Fprint(w, ch.Challenge)
			return
		}
		switch e := ev.InnerEvent.Data.(type) {
		case *slackevents.MessageEvent:
			fmt.Fprintf(w, "message %s %s %s %s retry=%s", e.Channel, e.User, e.Text, e.ThreadTimeStamp, retry)
		case *slackevents.AppMentionEvent:
			fmt.Fprintf(w, "mention %s", e.Text)
		default:
			fmt.Fprintf(w, "other %T", e)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestClientSignsLikeSlack(t *testing.T) {
	s := slackfake.New(t)
	bot := verifyingBot(t, slackfake.SigningSecret)
	c := s.Client(bot.URL, slackfake.SigningSecret)

	resp, body, err := c.SlashCommand("/dispute", "open return order=77", slackfake.SlashOpts{ChannelID: "C5", UserName: "mette"})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("SlashCommand: %v %v %s", err, resp, body)
	}
	var sc slack.SlashCommand
	if err := json.Unmarshal(body, &sc); err != nil {
		t.Fatal(err)
	}
	if sc.Command != "/dispute" || sc.Text != "open return order=77" || sc.ChannelID != "C5" || sc.UserName != "mette" ||
		sc.TeamID != slackfake.TeamID || sc.TriggerID == "" || !strings.HasPrefix(sc.ResponseURL, s.URL()) || sc.APIAppID != slackfake.AppID {
		t.Errorf("slash command as parsed by slack-go = %+v", sc)
	}
	_, body2, _ := c.SlashCommand("/dispute", "x", slackfake.SlashOpts{})
	var sc2 slack.SlashCommand
	_ = json.Unmarshal(body2, &sc2)
	if sc2.TriggerID == sc.TriggerID || sc2.ResponseURL == sc.ResponseURL {
		t.Errorf("two commands share trigger %q or response_url %q", sc.TriggerID, sc.ResponseURL)
	}

	refused := []struct {
		name string
		opt  slackfake.SlashOpts
	}{
		{"forged", slackfake.SlashOpts{Forged: true}},
		{"stale", slackfake.SlashOpts{Timestamp: time.Now().Add(-10 * time.Minute)}},
		{"unsigned", slackfake.SlashOpts{Unsigned: true}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			resp, body, err := c.SlashCommand("/dispute", "list", tc.opt)
			if err != nil || resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("SlashCommand: %v, status %v, body %s; want 401", err, resp.StatusCode, body)
			}
		})
	}
	skewed := *c
	skewed.Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
	if resp, _, _ := skewed.SlashCommand("/dispute", "list", slackfake.SlashOpts{}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("clock 6 minutes ahead: status %d, want 401", resp.StatusCode)
	}

	_, body, err = c.Interaction(slackfake.BlockAction("", "C5", "U9", "1700000000.000100", "1699999999.000200", "case_close", "CB-1042", s.ResponseURL()), slackfake.SignOpts{})
	if got := strings.Fields(string(body)); err != nil || len(got) != 5 || got[0] != "case_close" || got[1] != "CB-1042" ||
		got[2] != "1700000000.000100" || got[3] != "1699999999.000200" {
		t.Errorf("block action: %v %q", err, body)
	}
	_, body, _ = c.Interaction(slackfake.BlockAction("", "C5", "U9", "1700000000.000100", "", "outcome_select", "won", ""), slackfake.SignOpts{})
	if got := strings.Fields(string(body)); len(got) != 4 || got[1] != "won" {
		t.Errorf("select action: %q, want selected_option.value won", body)
	}
	sub := slackfake.ViewSubmission("", "U9", "C5|1700000000.000100", map[string]string{"order": "1001", "reason/reason_select": "damaged"})
	_, body, _ = c.Interaction(sub, slackfake.SignOpts{})
	if string(body) != "C5|1700000000.000100 1001 damaged" {
		t.Errorf("view submission: %q", body)
	}
	if resp, _, _ := c.Interaction(sub, slackfake.SignOpts{Forged: true}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged interaction: status %d, want 401", resp.StatusCode)
	}

	_, body, _ = c.Event(slackfake.URLVerification("abc123"), slackfake.SignOpts{})
	if string(body) != "abc123" {
		t.Errorf("url_verification answered %q", body)
	}
	_, body, _ = c.Event(slackfake.MessageEvent("", "Ev9", "C5", "U9", "where is my refund", "1700000001.000100", "1700000000.000100"), slackfake.SignOpts{RetryNum: 2})
	if want := "message C5 U9 where is my refund 1700000000.000100 retry=2"; string(body) != want {
		t.Errorf("message event answered %q, want %q", body, want)
	}
	_, body, _ = c.Event(slackfake.AppMention("", "", "C5", "U9", "", "help", ""), slackfake.SignOpts{})
	if want := "mention <@" + slackfake.BotUserID + "> help"; string(body) != want {
		t.Errorf("app mention answered %q, want %q", body, want)
	}
	if resp, _, _ := c.Event(slackfake.URLVerification("x"), slackfake.SignOpts{Timestamp: time.Now().Add(-6 * time.Minute)}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("stale event: status %d, want 401", resp.StatusCode)
	}
}

func TestSign(t *testing.T) {
	// The example from Slack's "Verifying requests from Slack" guide.
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := slackfake.Sign("8f742231b10e8888abcd99yyyzzz85a5", time.Unix(1531420618, 0), []byte(body))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
