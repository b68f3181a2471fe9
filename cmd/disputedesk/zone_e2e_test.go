package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// The real serve shows a case's times in the zone Slack gives for the
// user (users.info tz) until the channel has its own (/case zone), then
// in the channel's, for every reader: card and /case due agree.
func TestTimesInSlackZonesEndToEnd(t *testing.T) {
	fake := slackfake.New(t)
	fake.AddUser(slackfake.User{ID: "U0OSLO", TZ: "Europe/Oslo"})
	fake.AddUser(slackfake.User{ID: "U0NYC", TZ: "America/New_York"})
	srv := serve(t, slackEnv(fake, filepath.Join(t.TempDir(), "cases.db"))...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	send := func(user, text string) string {
		t.Helper()
		_, body, err := client.SlashCommand("/case", text, slackfake.SlashOpts{UserID: user})
		if err != nil {
			t.Fatalf("%s: %v %s", text, err, body)
		}
		return string(body)
	}
	if got := send("U0OSLO", "open chargeback order=1042 amount=49,90 currency=EUR due_by=2026-12-01T09:00:00Z"); !strings.Contains(got, "Opened CB-1001") {
		t.Fatalf("open: %s\n%s", got, srv.logs)
	}
	for user, want := range map[string]string{"U0OSLO": "2026-12-01 10:00 CET", "U0NYC": "2026-12-01 04:00 EST"} {
		if got := send(user, "due"); !strings.Contains(got, want) || !strings.Contains(got, "your zone") {
			t.Errorf("/case due as %s, whose zone Slack gives: want %s, said as theirs:\n%s", user, want, got)
		}
	}
	if got := send("U0NYC", "zone Europe/Oslo"); !strings.Contains(got, "now shown in Europe/Oslo") {
		t.Fatalf("/case zone: %s", got)
	}
	for _, user := range []string{"U0OSLO", "U0NYC"} {
		for _, cmd := range []string{"due", "show CB-1001"} {
			if got := send(user, cmd); !strings.Contains(got, "2026-12-01 10:00 CET") {
				t.Errorf("/case %s as %s in a channel in Europe/Oslo:\n%s", cmd, user, got)
			}
		}
	}
}
