package storagetest

import (
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// testOpenCase opens a case with its deadlines in one call: the case, the
// opened event then the deadline event on its timeline, the deadlines in
// its state and due.
func testOpenCase(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	met := t0.Add(time.Minute)
	c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Platform: "slack", Workspace: "T1", Channel: "C1", OpenedAt: t0}
	ev := storage.Event{Actor: "U1", Kind: storage.EventOpened, Body: "opened"}
	dev := storage.Event{Actor: "U1", Body: "Evidence due, Acknowledge"}
	ds := []storage.Deadline{
		{ID: "evidence_due", Title: "Evidence due", Due: t0.Add(48 * time.Hour), Rule: "2 days", Basis: "opened", Source: "Visa"},
		{ID: "step:ack", Due: t0.Add(time.Hour)},
		{ID: "step:ack", Due: t0.Add(2 * time.Hour), MetAt: &met}, // the last of an id wins
	}
	change(t, s, "open", func(tx storage.Tx) error { return tx.OpenCase(ctx, &c, &ev, ds, &dev) })
	if c.ID == 0 || c.Ref.Number != 1001 || ev.ID == 0 || dev.ID <= ev.ID || ev.CaseID != c.ID || dev.CaseID != c.ID {
		t.Fatalf("OpenCase filled case %d %s, events %+v and %+v", c.ID, c.Ref, ev, dev)
	}
	tl := timeline(t, s, c.ID)
	if len(tl) != 2 || tl[0].Kind != storage.EventOpened || tl[1].Kind != storage.EventDeadline || tl[1].Body != dev.Body || tl[1].ID != dev.ID {
		t.Fatalf("timeline %+v, want opened then the deadline event", tl)
	}
	st := state(t, s, c.ID)
	if len(st.Deadlines) != 2 || st.Deadlines[0].ID != "step:ack" || st.Deadlines[0].MetAt == nil || !st.Deadlines[0].Due.Equal(t0.Add(2*time.Hour)) ||
		st.Deadlines[1].ID != "evidence_due" || st.Deadlines[1].Source != "Visa" || st.Deadlines[1].RetiredAt != nil {
		t.Fatalf("deadlines %+v, want step:ack (met) and evidence_due", st.Deadlines)
	}
	due, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.AllWorkspaces})
	if err != nil || len(due) != 1 || due[0].ID != "evidence_due" || due[0].Ref != c.Ref {
		t.Fatalf("Deadlines = %+v, %v; want the open evidence_due", due, err)
	}
	if err := func() error {
		_, _, err := s.Update(ctx, key("bad"), func(tx storage.Tx) ([]byte, error) {
			bad := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}
			return nil, tx.OpenCase(ctx, &bad, &storage.Event{Kind: storage.EventOpened}, []storage.Deadline{{ID: "x"}}, &storage.Event{})
		})
		return err
	}(); err == nil {
		t.Error("OpenCase with a deadline without a due time succeeded")
	}
}

// testRetiredDeadlines closes a case with an unmet and a met deadline:
// closing retires the unmet one (said on the close's event, and no longer
// due), reopening restores it, and a void (a close) retires it again.
func testRetiredDeadlines(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	met := t0.Add(time.Minute)
	c := storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return", OpenedAt: t0}
	ds := []storage.Deadline{{ID: "refund_due", Due: t0.Add(24 * time.Hour)}, {ID: "step:ack", Due: t0.Add(time.Hour), MetAt: &met}}
	change(t, s, "open", func(tx storage.Tx) error {
		return tx.OpenCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}, ds, &storage.Event{Kind: storage.EventDeadline})
	})
	dueIDs := func() []string {
		t.Helper()
		due, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.AllWorkspaces})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range due {
			ids = append(ids, d.ID)
		}
		return ids
	}
	setStatus := func(id string, status storage.Status, kind storage.EventKind) storage.Event {
		t.Helper()
		ev := storage.Event{Kind: kind}
		change(t, s, id, func(tx storage.Tx) error {
			got, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, c.Ref)
			if err != nil {
				return err
			}
			got.Status = status
			return tx.UpdateCase(ctx, &got, &ev)
		})
		return ev
	}
	retired := func(want bool) {
		t.Helper()
		for _, d := range state(t, s, c.ID).Deadlines {
			switch {
			case d.ID == "step:ack" && d.RetiredAt != nil:
				t.Errorf("the met step:ack was retired: %+v", d)
			case d.ID == "refund_due" && (d.RetiredAt != nil) != want:
				t.Errorf("refund_due retired at %v, want retired %v", d.RetiredAt, want)
			}
		}
	}

	ev := setStatus("close", storage.StatusClosed, storage.EventClosed)
	if ev.Data[storage.DataRetiredDeadlines] != "refund_due" {
		t.Errorf("close event data %v, want %s=refund_due", ev.Data, storage.DataRetiredDeadlines)
	}
	retired(true)
	if tl := timeline(t, s, c.ID); tl[len(tl)-1].Data[storage.DataRetiredDeadlines] != "refund_due" {
		t.Errorf("stored close event %+v does not name the retired deadline", tl[len(tl)-1])
	}
	// An edit of the closed case retires nothing more.
	if ev := setStatus("edit", storage.StatusClosed, storage.EventFields); ev.Data[storage.DataRetiredDeadlines] != "" {
		t.Errorf("edit of a closed case retired %v", ev.Data)
	}

	ev = setStatus("reopen", storage.StatusOpen, storage.EventReopened)
	if ev.Data[storage.DataRestoredDeadlines] != "refund_due" {
		t.Errorf("reopen event data %v, want %s=refund_due", ev.Data, storage.DataRestoredDeadlines)
	}
	retired(false)
	if got := dueIDs(); len(got) != 1 || got[0] != "refund_due" {
		t.Errorf("due after reopening: %v, want refund_due", got)
	}

	setStatus("void", storage.StatusClosed, storage.EventClosed)
	retired(true)
	if got := dueIDs(); len(got) != 0 {
		t.Errorf("due after voiding: %v, want none", got)
	}

	// Deadlines set on a closed case (its details corrected) are retired
	// when unmet, as closing it would have.
	change(t, s, "late", func(tx storage.Tx) error {
		return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "late", Due: t0}, {ID: "done", Due: t0, MetAt: &met}}, &storage.Event{})
	})
	for _, d := range state(t, s, c.ID).Deadlines {
		if want := d.ID != "done" && d.ID != "step:ack"; (d.RetiredAt != nil) != want {
			t.Errorf("deadline %s of the closed case: retired at %v, want retired %v", d.ID, d.RetiredAt, want)
		}
	}
}
