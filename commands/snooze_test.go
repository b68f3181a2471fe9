package commands_test

import (
	"strings"
	"testing"
)

// TestSnooze: /case snooze silences a case's reminders for a while, on the
// timeline; a length it cannot read, or over 14 days, changes nothing.
func TestSnooze(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/case open chargeback order=1042 amount=49,90 currency=EUR")
	before := h.snapshot()
	for _, tc := range []struct{ line, want string }{
		{"/case snooze CB-1001", "say how long with hours or days"},
		{"/case snooze CB-1001 tomorrow", `not "tomorrow"`},
		{"/case snooze CB-1001 0h", "a whole number of hours or days"},
		{"/case snooze CB-1001 15d", "at most 14 days"},
		{"/case snooze CB-1999 24h", "there is no case CB-1999"},
	} {
		if got := render(h.send("kari", tc.line)); !strings.Contains(got, tc.want) {
			t.Errorf("%s answered %q, want %q", tc.line, got, tc.want)
		}
	}
	if h.snapshot() != before {
		t.Error("a refused snooze changed the case")
	}
	wantContains(t, h.send("kari", "/case snooze CB-1001 24h Waiting for the bank's letter"),
		"Reminders for CB-1001 are silenced until 2026-11-23 09:30 UTC")
	wantContains(t, h.send("kari", "/case show CB-1001"),
		"snoozed: reminders silenced until 2026-11-23 09:30 UTC: Waiting for the bank's letter")
	h.send("kari", "/case close CB-1001 outcome=won force=yes")
	wantContains(t, h.send("kari", "/case snooze CB-1001 3d"), "CB-1001 is closed")
}
