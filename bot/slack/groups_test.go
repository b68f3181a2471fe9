package slack

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// With UserGroups set, a request carries the groups its user is in, from one
// usergroups.list shared by the requests within groupsTTL; without it,
// Slack is not asked.
func TestUserGroupsBecomeRoles(t *testing.T) {
	for _, on := range []bool{true, false} {
		f := slackfake.New(t)
		f.AddUserGroup(slackfake.UserGroup{ID: "S0LEADS", Users: []string{"U123ABC", "U9"}})
		f.AddUserGroup(slackfake.UserGroup{ID: "S0ONCALL", Users: []string{"U9"}})
		f.AddUserGroup(slackfake.UserGroup{ID: "S0FIN", Users: []string{"U123ABC"}})
		a, _ := newTestAdapter(t, f, func(c *Config) { c.UserGroups = on })
		h := newRecorder(reply(bot.Reply{Text: "ok"}))
		for range 3 {
			if w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "list"), time.Now())); w.Code != 200 {
				t.Fatalf("status = %d: %s", w.Code, w.Body)
			}
			req := h.next(t)
			var want []string
			if on {
				want = []string{"S0LEADS", "S0FIN"}
			}
			if !slices.Equal(req.Roles, want) {
				t.Errorf("UserGroups=%v: Roles = %q, want %q", on, req.Roles, want)
			}
		}
		want := 0
		if on {
			want = 1
		}
		if n := f.Calls("usergroups.list"); n != want {
			t.Errorf("UserGroups=%v: usergroups.list called %d times, want %d", on, n, want)
		}
	}
}

// When usergroups.list fails (no usergroups:read scope), the user has no
// groups, the handler still runs and the log says what to fix.
func TestUserGroupsWithoutScope(t *testing.T) {
	f := slackfake.New(t)
	f.AddUserGroup(slackfake.UserGroup{ID: "S0LEADS", Users: []string{"U123ABC"}})
	f.FailNextWith("usergroups.list", "missing_scope")
	a, logs := newTestAdapter(t, f, func(c *Config) { c.UserGroups = true })
	h := newRecorder(reply(bot.Reply{Text: "ok"}))
	serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "list"), time.Now()))
	if req := h.next(t); len(req.Roles) != 0 {
		t.Errorf("Roles = %q after a failed usergroups.list, want none", req.Roles)
	}
	if !strings.Contains(logs.String(), "usergroups:read") {
		t.Errorf("log does not name the missing scope:\n%s", logs)
	}
}
