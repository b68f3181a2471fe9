package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// Corrections (issue 12): an undone step, links between cases.

// An undone step is written as pending: State leaves it out, so the step
// is pending again, while its row is kept and the undo is on the timeline;
// doing it again afterwards works as the first time.
func testStepUndo(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "CB", "U1")
	done := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	change(t, s, "done", func(tx storage.Tx) error {
		return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepDone, By: "U1", At: done}, &storage.Event{Body: "done"})
	})
	change(t, s, "undo", func(tx storage.Tx) error {
		if err := tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepPending, By: "U2"}, &storage.Event{Body: "undone"}); err != nil {
			return err
		}
		if st, err := tx.State(ctx, c.ID); err != nil || len(st.Steps) != 0 {
			t.Errorf("Tx.State after the undo = %+v, %v; want no steps", st.Steps, err)
		}
		return nil
	})
	if st := state(t, s, c.ID); len(st.Steps) != 0 {
		t.Errorf("State after the undo = %+v, want the step pending (no StepState)", st.Steps)
	}
	if evs := timeline(t, s, c.ID); len(evs) != 3 || evs[1].Body != "done" || evs[2].Body != "undone" {
		t.Errorf("timeline = %+v, want opened, done, undone", evs)
	}
	change(t, s, "again", func(tx storage.Tx) error {
		return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepSkipped, By: "U3", At: done.Add(time.Hour)}, &storage.Event{})
	})
	if st := state(t, s, c.ID); len(st.Steps) != 1 || st.Steps[0].Status != storage.StepSkipped || st.Steps[0].By != "U3" {
		t.Errorf("State after skipping again = %+v, want ack skipped by U3", st.Steps)
	}
}

// Links are stored both ways with an event on each case, replace an
// earlier link of the pair, and are refused to the case itself, across
// workspaces and to a missing case, changing nothing.
func testLinks(t *testing.T, s storage.Store) {
	ctx := t.Context()
	open := func(id, workspace string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return",
			Platform: "slack", Workspace: workspace, OpenedBy: "U1"}, storage.Event{})
		return c
	}
	a, b, far := open("a", "T1"), open("b", "T1"), open("far", "T2")
	at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	link := func(id string, l storage.CaseLink) error {
		_, _, err := s.Update(ctx, key(id), func(tx storage.Tx) ([]byte, error) {
			return nil, tx.LinkCases(ctx, l, &storage.Event{Body: "to other"}, &storage.Event{Body: "from other"})
		})
		return err
	}
	if err := link("ab", storage.CaseLink{CaseID: a.ID, OtherID: b.ID, Kind: storage.LinkDuplicate, By: "U1", At: at}); err != nil {
		t.Fatal(err)
	}
	want := func(c storage.Case, other storage.Case, kind storage.LinkKind) {
		t.Helper()
		st := state(t, s, c.ID)
		if len(st.Links) != 1 {
			t.Fatalf("links of %s = %+v, want one to %s", c.Ref, st.Links, other.Ref)
		}
		got := st.Links[0]
		if got.CaseID != c.ID || got.OtherID != other.ID || got.Other != other.Ref || got.Kind != kind || got.By != "U1" || !got.At.Equal(at) {
			t.Errorf("link of %s = %+v, want to %s (%d), %s, by U1 at %v", c.Ref, got, other.Ref, other.ID, kind, at)
		}
	}
	want(a, b, storage.LinkDuplicate)
	want(b, a, storage.LinkDuplicate)
	for _, c := range []storage.Case{a, b} {
		evs := timeline(t, s, c.ID)
		if last := evs[len(evs)-1]; len(evs) != 2 || last.Kind != storage.EventLinked {
			t.Errorf("timeline of %s = %+v, want opened and linked", c.Ref, evs)
		}
	}
	if err := link("ba", storage.CaseLink{CaseID: b.ID, OtherID: a.ID, Kind: storage.LinkSupplier, By: "U1", At: at}); err != nil {
		t.Fatal(err)
	}
	want(a, b, storage.LinkSupplier)
	want(b, a, storage.LinkSupplier)

	for name, l := range map[string]storage.CaseLink{
		"itself":           {CaseID: a.ID, OtherID: a.ID, Kind: storage.LinkRelated},
		"other workspace":  {CaseID: a.ID, OtherID: far.ID, Kind: storage.LinkRelated},
		"unknown kind":     {CaseID: a.ID, OtherID: far.ID, Kind: "cousin"},
		"missing other":    {CaseID: a.ID, OtherID: far.ID + 1000, Kind: storage.LinkRelated},
		"missing the case": {CaseID: far.ID + 1000, OtherID: a.ID, Kind: storage.LinkRelated},
	} {
		err := link("bad "+name, l)
		if err == nil {
			t.Errorf("LinkCases %s: no error", name)
		}
		if missing := name == "missing other" || name == "missing the case"; missing != errors.Is(err, storage.ErrNotFound) {
			t.Errorf("LinkCases %s: error %v, ErrNotFound %v", name, err, missing)
		}
	}
	if st := state(t, s, far.ID); len(st.Links) != 0 {
		t.Errorf("links of the other workspace's case = %+v, want none", st.Links)
	}
	if evs := timeline(t, s, a.ID); len(evs) != 3 {
		t.Errorf("a refused link wrote to the timeline: %+v", evs)
	}
}
