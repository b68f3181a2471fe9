package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// caseState is a case's row and state, by reference.
func (h *harness) caseState(ref string) (storage.Case, storage.CaseState) {
	h.t.Helper()
	r, err := storage.ParseRef(ref)
	if err != nil {
		h.t.Fatal(err)
	}
	cs, err := h.store.Case(context.Background(), storage.AllWorkspaces, r)
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.store.State(context.Background(), cs.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return cs, st
}

// A second open case of the same playbook for one order asks first and
// opens nothing; a retry of that request asks again; duplicate=ok opens
// it. Another playbook, a closed case or another workspace do not ask.
func TestOpenDuplicateAsksFirst(t *testing.T) {
	h := newHarness(t)
	wantContains(t, h.send("kari", "/return order=2231 reason=lost"), "Opened RMA-1001")
	before := h.snapshot()
	r := h.sendID("dup-1", "kari", "/return order=2231 reason=damaged sku=MUG-1")
	wantContains(t, r, "RMA-1001 is already open for order 2231: nothing was opened",
		"Go to it: /case show RMA-1001", "Open anyway: /case open return order=2231 reason=damaged sku=MUG-1 duplicate=ok")
	if h.snapshot() != before {
		t.Error("the question opened something")
	}
	wantContains(t, h.sendID("dup-1", "kari", "/return order=2231 reason=damaged sku=MUG-1"), "is already open for order 2231")
	wantContains(t, h.send("kari", "/case open return order=2231 reason=damaged sku=MUG-1 duplicate=ok"), "Opened RMA-1002")
	wantContains(t, h.send("kari", "/dispute chargeback order=2231 amount=5 currency=EUR"), "Opened CB-1001")

	// On Slack, buttons; another workspace's case is not a duplicate.
	wantContains(t, h.slack(bot.Request{Text: "/dispute chargeback order=77 amount=5 currency=EUR dispute_id=dp_1"}), "Opened CB-1002")
	wantContains(t, h.in("T2", "C1", bot.Request{Text: "/dispute chargeback order=88 amount=5 currency=EUR dispute_id=dp_1"}), "Opened CB-1003")
	r = h.slack(bot.Request{Text: "/dispute chargeback order=99 amount=5 currency=EUR dispute_id=DP_1"})
	if len(r.Buttons) != 2 || r.Buttons[0].Command != "/case show CB-1002" || !strings.HasSuffix(r.Buttons[1].Command, "duplicate=ok") {
		t.Fatalf("duplicate on Slack: %+v", r)
	}
	wantContains(t, r, "CB-1002 is already open for dispute id dp_1")
	if got, _ := h.press(r, "Open anyway"); !strings.HasPrefix(got.Text, "Opened CB-1004") {
		t.Errorf("Open anyway: %s", got.Text)
	}
	// Once the first is closed, it is no duplicate.
	h.send("kari", "/case void RMA-1001 reason=test")
	h.send("kari", "/case void RMA-1002 reason=test")
	wantContains(t, h.send("kari", "/return order=2231 reason=lost"), "Opened RMA-1003")
}

// Links go both ways, on both timelines and both /case show; a link to
// itself, to a missing case or to another workspace's is refused.
func TestLinkCases(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/return order=1 reason=lost"})
	h.slack(bot.Request{Text: "/dispute supplier supplier=Acme order=PO-1 issue=defect"})
	h.in("T2", "C1", bot.Request{Text: "/return order=2 reason=lost"}) // RMA-1002, elsewhere
	h.claim()
	wantContains(t, h.slack(bot.Request{Text: "/case link RMA-1001 SUP-1001 supplier"}), "Linked RMA-1001 and SUP-1001 (supplier).")
	for ref, other := range map[string]string{"RMA-1001": "SUP-1001", "SUP-1001": "RMA-1001"} {
		wantContains(t, h.send("kari", "/case show "+ref), "Linked cases", other+" · supplier", "linked: supplier "+other)
	}
	var cards int
	for _, m := range h.claim() {
		if m.Kind == storage.OutboxThread {
			cards++
		}
	}
	if cards != 2 {
		t.Errorf("%d thread posts after the link, want one in each case's thread", cards)
	}
	before := h.snapshot()
	wantContains(t, h.slack(bot.Request{Text: "/case link RMA-1001 RMA-1001"}), "cannot be linked to itself")
	wantContains(t, h.slack(bot.Request{Text: "/case link RMA-1001 RMA-1002"}), "there is no case RMA-1002")
	wantContains(t, h.send("kari", "/case link RMA-1001 RMA-1002"), "different workspaces")
	wantContains(t, h.slack(bot.Request{Text: "/case link RMA-1001 SUP-1001 supplier"}), "linked already")
	wantContains(t, h.slack(bot.Request{Text: "/case link RMA-1001 SUP-1001 cousin"}), "not a kind of link")
	if h.snapshot() != before {
		t.Error("a refused link changed something")
	}
}

// Undo makes a done step pending again and its deadline unmet, on the
// timeline; a pending step has nothing to undo.
func TestUndoStep(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	h.send("kari", "/case done CB-1001 submit_evidence")
	met := func() bool {
		_, st := h.caseState("CB-1001")
		for _, d := range st.Deadlines {
			if d.ID == "evidence_due" {
				return d.MetAt != nil
			}
		}
		t.Fatalf("no evidence_due deadline: %+v", st.Deadlines)
		return false
	}
	if !met() {
		t.Fatal("submit_evidence done did not meet evidence_due")
	}
	wantContains(t, h.send("ola", "/case undo CB-1001 submit_evidence wrong case"), "Undone on CB-1001", "pending again (it was done)")
	if _, st := h.caseState("CB-1001"); len(st.Steps) != 0 || met() {
		t.Errorf("after undo: steps %+v, deadline met %v; want none and unmet", st.Steps, met())
	}
	wantContains(t, h.send("kari", "/case show CB-1001"), "step: done ", "step: undid done ", ": wrong case", "Evidence due to the processor no longer met")
	wantContains(t, h.send("kari", "/case undo CB-1001 submit_evidence"), "not done or skipped: nothing to undo")
	wantContains(t, h.send("kari", "/case done CB-1001 submit_evidence"), "Done on CB-1001")
	if !met() {
		t.Error("done again, evidence_due is not met")
	}
}

// key= clears an optional detail; a required one cannot be cleared.
func TestSetClearsAField(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return order=2231 reason=lost sku=MUG-1 amount=20 currency=EUR")
	wantContains(t, h.send("kari", "/case set RMA-1001 sku="), "Updated RMA-1001: sku=empty (was MUG-1)")
	if cs, _ := h.caseState("RMA-1001"); cs.Fields["sku"] != "" {
		t.Errorf("sku is %q after clearing", cs.Fields["sku"])
	}
	before := h.snapshot()
	wantContains(t, h.send("kari", "/case set RMA-1001 order="), "order= is required on a return")
	wantContains(t, h.send("kari", "/case set RMA-1001 currency="), "clear amount= to clear both")
	if h.snapshot() != before {
		t.Error("a refused clear changed something")
	}
	wantContains(t, h.send("kari", "/case set RMA-1001 amount="), "amount=empty (was EUR 20.00)")
	if cs, _ := h.caseState("RMA-1001"); cs.Amount != nil {
		t.Errorf("amount %+v after clearing", cs.Amount)
	}
}

func TestUnassign(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return order=1 reason=lost")
	wantContains(t, h.send("kari", "/case unassign RMA-1001"), "not assigned to anyone")
	h.send("kari", "/case assign RMA-1001 @ola")
	wantContains(t, h.send("kari", "/case unassign RMA-1001"), "no longer assigned to @ola")
	if cs, _ := h.caseState("RMA-1001"); cs.Assignee != "" {
		t.Errorf("assignee %q", cs.Assignee)
	}
	wantContains(t, h.send("kari", "/case show RMA-1001"), "assigned: @ola", "unassigned: was @ola")
}

func TestVoid(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return order=1 reason=lost")
	wantContains(t, h.send("kari", "/case void RMA-1001"), `say why RMA-1001 was opened by mistake`)
	wantContains(t, h.send("kari", `/case void RMA-1001 reason="wrong order"`), "Voided RMA-1001: wrong order")
	if cs, _ := h.caseState("RMA-1001"); cs.Status != storage.StatusClosed || cs.Outcome != storage.OutcomeVoid {
		t.Errorf("after void: %s %q", cs.Status, cs.Outcome)
	}
	wantContains(t, h.send("kari", "/case void RMA-1001 reason=again"), "closed already (void)")
}

// --fix N corrects note N: the shown note is the new text, the old one
// stays on the timeline.
func TestNoteFix(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return order=1 reason=lost")
	h.send("kari", "/case note RMA-1001 Called the carier")
	h.send("kari", "/case note RMA-1001 Carrier has it")
	wantContains(t, h.send("kari", "/case note RMA-1001 --fix 1 Called the carrier"), "Corrected note 1 on RMA-1001")
	show := render(h.send("kari", "/case show RMA-1001"))
	for _, want := range []string{"1. Called the carrier (@kari", "· corrected", "2. Carrier has it", "note: Called the carier", "note_fixed: Called the carrier"} {
		if !strings.Contains(show, want) {
			t.Errorf("/case show lacks %q:\n%s", want, show)
		}
	}
	wantContains(t, h.send("kari", "/case note RMA-1001 --fix 3 x"), "has 2 note(s): there is no note 3")
	wantContains(t, h.send("kari", "/case note RMA-1001 --fix one x"), "give the number of the note")
}

// Closing with steps or deadlines open, or an odd amount, asks first and
// closes nothing; force=yes (or the button) closes.
func TestCloseAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	before := h.snapshot()
	r := h.send("kari", "/case close CB-1001 outcome=won amount=60")
	wantContains(t, r, "CB-1001 is not closed yet", "step(s) are not done or skipped: acknowledge", "deadlines still open",
		"EUR 60.00 is more than the EUR 49.90 disputed", "To close it anyway: /case close CB-1001 amount=60 outcome=won force=yes")
	wantContains(t, h.send("kari", "/case close CB-1001 outcome=won amount=0"), "the amount is zero, but money moved")
	if h.snapshot() != before {
		t.Error("a questioned close changed something")
	}
	r = h.slack(bot.Request{Text: "/return order=5 reason=lost"})
	q := h.slack(bot.Request{Text: "/case close RMA-1001 outcome=rejected"})
	if got, ok := h.press(q, "Close anyway"); !ok || !strings.HasPrefix(got.Text, "Closed RMA-1001") {
		t.Errorf("Close anyway: %+v then %s", q, got.Text)
	}
	wantContains(t, h.send("kari", "/case close CB-1001 outcome=won amount=49,90 force=yes"), "Closed CB-1001: won, EUR 49.90.")
	_ = r
}
