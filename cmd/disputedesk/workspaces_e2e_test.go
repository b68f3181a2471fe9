package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// TestSlackWorkspacesAreIsolated runs two Slack workspaces against one
// serve and one database: nothing of one is visible to or changeable from
// the other, by command, button or thread message, and the answer for a
// case of the other workspace is the answer for a case that does not exist.
func TestSlackWorkspacesAreIsolated(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			fake := slackfake.New(t)
			dbURL := newDB(t)
			srv := serve(t, slackEnv(fake, dbURL)...)
			client := fake.Client(srv.base, slackfake.SigningSecret)
			t1 := slackfake.SlashOpts{TeamID: "T1", ChannelID: "C1"}
			t2 := slackfake.SlashOpts{TeamID: "T2", ChannelID: "C2", UserID: "U2MALLORY"}
			slash := func(opt slackfake.SlashOpts, cmd, text string) string {
				t.Helper()
				resp, body, err := client.SlashCommand(cmd, text, opt)
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("%s %s from %s: %v %v", cmd, text, opt.TeamID, err, resp)
				}
				return string(body)
			}

			if body := slash(t1, "/dispute", `chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann"`); !strings.Contains(body, "Opened CB-1001") {
				t.Fatalf("T1 open: %s\n%s", body, srv.logs.String())
			}
			if body := slash(t2, "/return", "order=2231 reason=damaged"); !strings.Contains(body, "Opened RMA-1001") {
				t.Fatalf("T2 open: %s", body)
			}
			card := cardsOf("CB-1001", fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("CB-1001", m)) == 1 }))[0]
			before := slash(t1, "/case", "show CB-1001")

			for _, text := range []string{"show CB-1001", "close CB-1001 outcome=won", "note CB-1001 from T2", "assign CB-1001 @me", "done CB-1001 acknowledge"} {
				got := slash(t2, "/case", text)
				absent := slash(t2, "/case", strings.ReplaceAll(text, "CB-1001", "CB-1999"))
				if !strings.Contains(got, "there is no case CB-1001") || strings.ReplaceAll(absent, "CB-1999", "CB-1001") != got {
					t.Errorf("/case %s from T2 answered %s; for a case that does not exist %s", text, got, absent)
				}
			}
			if got := slash(t2, "/case", "list all"); strings.Contains(got, "CB-1001") || !strings.Contains(got, "RMA-1001") {
				t.Errorf("T2's /case list all: %s", got)
			}
			if got := slash(t1, "/case", "show RMA-1001"); !strings.Contains(got, "there is no case RMA-1001") {
				t.Errorf("T1 sees T2's case: %s", got)
			}

			// A button of T1's card, pressed with T2's identity, runs nothing.
			responseURL := fake.ResponseURL()
			press := slackfake.BlockAction("T2", card.Channel, "U2MALLORY", card.TS, "", "note", "/case close CB-1001 outcome=lost", responseURL)
			if resp, _, err := client.Interaction(press, slackfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("button press: %v %v", err, resp)
			}
			fake.WaitResponses(t, 10*time.Second, func([]json.RawMessage) bool {
				return strings.Contains(joined(fake.ResponsesTo(responseURL)), "there is no case CB-1001")
			})
			// A message in the same channel and thread ids, from T2, is not T1's thread.
			msg := slackfake.MessageEvent("T2", "EvT2", card.Channel, "U2MALLORY", "a message from T2", "1700000900.000100", card.TS)
			if resp, _, err := client.Event(msg, slackfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("event: %v %v", err, resp)
			}
			// T1's own note goes through after T2's attempts: once it shows,
			// everything T2 sent before it has been handled.
			slash(t1, "/case", "note CB-1001 from T1")
			after := slash(t1, "/case", "show CB-1001")
			if strings.Contains(after, "from T2") || strings.Contains(after, "closed") || !strings.Contains(after, "from T1") {
				t.Errorf("T1's case after T2's attempts:\n%s\nbefore:\n%s", after, before)
			}

			// The console sees both and says whose each is.
			out, _, _ := cli(t, []string{"DATABASE_URL=" + dbURL}, "/case list all\n", "console")
			for _, want := range []string{"CB-1001", "slack T1 #C1", "RMA-1001", "slack T2 #C2"} {
				if !strings.Contains(out, want) {
					t.Errorf("console /case list all lacks %q:\n%s", want, out)
				}
			}
			out, _, _ = cli(t, []string{"DATABASE_URL=" + dbURL}, "/case show CB-1001\n", "console", "--workspace", "slack:T2")
			if !strings.Contains(out, "there is no case CB-1001") {
				t.Errorf("console --workspace slack:T2 shows T1's case:\n%s", out)
			}
		})
	}
}

func joined(rs []json.RawMessage) string {
	var b strings.Builder
	for _, r := range rs {
		b.Write(r)
	}
	return b.String()
}
