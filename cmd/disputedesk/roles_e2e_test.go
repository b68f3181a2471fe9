package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// A Slack user group in DISPUTEDESK_LEADS: the real serve asks Slack who is
// in it (usergroups.list) and lets its members, and only them, close a
// chargeback as accepted.
func TestSlackGroupLeadsEndToEnd(t *testing.T) {
	fake := slackfake.New(t)
	fake.AddUserGroup(slackfake.UserGroup{ID: "S0LEADS", Handle: "dispute-leads", Users: []string{"U0LEAD"}})
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	srv := serve(t, append(slackEnv(fake, dbURL), "DISPUTEDESK_LEADS=slack:S0LEADS")...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	send := func(user, text string) string {
		t.Helper()
		_, body, err := client.SlashCommand("/case", text, slackfake.SlashOpts{UserID: user})
		var ack struct{ Text string }
		if err != nil || json.Unmarshal(body, &ack) != nil {
			t.Fatalf("%s: %v %s", text, err, body)
		}
		return ack.Text
	}
	if got := send("U0AGENT", "open chargeback order=1042 amount=49,90 currency=EUR"); !strings.Contains(got, "Opened CB-1001") {
		t.Fatalf("open: %s\n%s", got, srv.logs)
	}
	if got := send("U0AGENT", "close CB-1001 outcome=accepted force=yes"); !strings.Contains(got, "Only a lead may close CB-1001 as accepted: ask <!subteam^S0LEADS>") {
		t.Errorf("an agent outside the group: %s", got)
	}
	if got := send("U0LEAD", "close CB-1001 outcome=accepted force=yes"); !strings.Contains(got, "Closed CB-1001: accepted") {
		t.Errorf("a member of the lead group: %s", got)
	}
}
