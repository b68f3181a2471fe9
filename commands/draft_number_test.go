package commands_test

import "testing"

// Drafts are numbered per case: the first draft of the second case is its
// draft 1, which approve, edit and redraft take, whatever the first case's
// drafts are numbered in the database.
func TestDraftsAreNumberedPerCase(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return reason=damaged order=1 amount=299 currency=DKK")
	h.send("kari", "/return reason=damaged order=2 amount=299 currency=DKK")
	h.send("ola", "/case draft RMA-1001")
	h.send("ola", "/case draft RMA-1001")
	r := h.send("ola", "/case draft RMA-1002")
	wantContains(t, r, "Draft 1 for RMA-1002")
	if len(r.Buttons) == 0 || r.Buttons[0].Command != "/case approve RMA-1002 1" {
		t.Errorf("buttons %+v, want approve RMA-1002 1 first", r.Buttons)
	}
	wantContains(t, h.send("ola", "/case redraft RMA-1002 1 tone=brief"), "Draft 2 for RMA-1002")
	wantContains(t, h.send("ola", "/case edit RMA-1002 2"), "Draft 2 for RMA-1002", "/case approve RMA-1002 2")
	wantContains(t, h.send("ola", "/case approve RMA-1002 1"), "Approved reply for RMA-1002")
	wantContains(t, h.send("ola", "/case approve RMA-1001 3"), "RMA-1001 has no draft 3")
}
