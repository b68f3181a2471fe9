package slack

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// A block action that names no user or no team is refused: it would run as
// user "" in no workspace.
func TestBlockActionsWithoutUserOrTeamRefused(t *testing.T) {
	tests := map[string]func(string) string{
		"no user": func(p string) string {
			return strings.Replace(p, `"user": {"id": "U123ABC", "username": "kari", "name": "kari", "team_id": "T1"},`, "", 1)
		},
		"empty user id": func(p string) string { return strings.Replace(p, `"id": "U123ABC"`, `"id": ""`, 1) },
		"no team": func(p string) string {
			p = strings.Replace(p, `"team": {"id": "T1", "domain": "acme"},`, "", 1)
			return strings.Replace(p, `, "team_id": "T1"`, "", 1)
		},
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			f := slackfake.New(t)
			a, logs := newTestAdapter(t, f, nil)
			h := newRecorder(nil)
			payload := mod(strings.Replace(blockActionsPayload, "RESPONSE_URL", f.ResponseURL(), 1))
			w := serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(payload), time.Now()))
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d", w.Code)
			}
			quiesce(t, a)
			if h.count() != 0 {
				t.Errorf("handler called with user %q, workspace %q", h.reqs[0].User, h.reqs[0].Workspace)
			}
			if !strings.Contains(logs.String(), "block action without a user or team refused") {
				t.Errorf("the refusal is not logged:\n%s", logs)
			}
		})
	}
}

// One payload carrying many actions runs at most one of them: Slack sends
// one per press, so more is not a press.
func TestBlockActionsRunsOneAction(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(nil)
	one := `{"action_id": "run_0", "block_id": "b1", "value": "/case done CB-1042 acknowledge", "type": "button", "action_ts": "1700000100.000001"}`
	many := strings.TrimSuffix(strings.Repeat(strings.ReplaceAll(one, "acknowledge", "step")+",", 20), ",")
	payload := strings.Replace(blockActionsPayload, `"actions": [`, `"actions": [`+one+", "+many+", ", 1)
	payload = strings.Replace(payload, "RESPONSE_URL", f.ResponseURL(), 1)
	serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(payload), time.Now()))
	quiesce(t, a)
	if n := h.count(); n != 1 {
		t.Fatalf("handler called %d times for one payload, want 1", n)
	}
	if got := h.reqs[0].Action.Value; got != "/case done CB-1042 acknowledge" {
		t.Errorf("ran %q, want the first action", got)
	}
}
