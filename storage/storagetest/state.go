package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// The playbook engine's state: steps, checklist ticks, evidence, deadlines.

// change runs fn in an Update under key id and fails t if it errs.
func change(t *testing.T, s storage.Store, id string, fn func(tx storage.Tx) error) {
	t.Helper()
	if _, _, err := s.Update(t.Context(), key(id), func(tx storage.Tx) ([]byte, error) { return nil, fn(tx) }); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
}

func state(t *testing.T, s storage.Store, caseID int64) storage.CaseState {
	t.Helper()
	st, err := s.State(t.Context(), caseID)
	if err != nil {
		t.Fatalf("State(%d): %v", caseID, err)
	}
	return st
}

// openPlain opens a case of prefix with nothing but its opener.
func openPlain(t *testing.T, s storage.Store, id, prefix, openedBy string) storage.Case {
	t.Helper()
	c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: prefix}, Playbook: "chargeback", OpenedBy: openedBy}, storage.Event{Actor: openedBy})
	return c
}

func testStateRoundTrip(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "CB", "U1")
	other := openPlain(t, s, "open-other", "CB", "U1")

	// A case with no state has an empty one; a missing case has none.
	if st := state(t, s, c.ID); len(st.Steps)+len(st.Checks)+len(st.Evidence)+len(st.Deadlines) != 0 {
		t.Errorf("State of a new case = %+v, want it empty", st)
	}
	if _, err := s.State(ctx, other.ID+1000); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("State(missing case) error = %v, want ErrNotFound", err)
	}
	if _, _, err := s.Update(ctx, key("tx-missing"), func(tx storage.Tx) ([]byte, error) {
		_, err := tx.State(ctx, other.ID+1000)
		return nil, err
	}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Tx.State(missing case) error = %v, want ErrNotFound", err)
	}

	at := time.Date(2026, 3, 2, 10, 15, 30, 123456000, cet)
	met := time.Date(2026, 3, 2, 23, 59, 59, 999999000, cet)
	step := storage.StepState{CaseID: c.ID, StepID: "acknowledge", Status: storage.StepDone, By: "U1", At: at,
		Note: "Svarte kunden: «takk for tålmodigheten» – æøå 📦, quotes \" and <b>&</b>"}
	check := storage.Check{CaseID: c.ID, StepID: "gather", Item: 2, Checked: true, By: "U2", At: at.Add(time.Minute)}
	// Nanoseconds: AddEvidence rewrites At as stored, to the microsecond.
	ev := storage.Evidence{CaseID: c.ID, Kind: "tracking", Ref: "LX123456789NO", By: "U2",
		Note: "Posten: levert i postkassen, Tromsø – ÆØÅ", At: time.Date(2026, 3, 2, 10, 17, 0, 123456789, cet)}
	deadlines := []storage.Deadline{
		{ID: "evidence_due", Title: "Send bevis til Stripe før fristen", Due: time.Date(2026, 3, 20, 23, 59, 0, 0, cet),
			Rule: "evidence_details.due_by", Basis: "2026-03-20T22:59:00Z", Source: "Stripe"},
		{CaseID: c.ID, ID: "step:acknowledge", Title: "Acknowledge the customer", Due: time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC),
			Rule: "opened + 1 business day", Basis: "opened_at", Source: "team", MetAt: &met},
	}
	events := []storage.Event{
		{Actor: "U1", Kind: storage.EventStep, Body: "acknowledge done"},
		{Actor: "U2", Kind: storage.EventCheck, Body: "gather #2 ticked"},
		{Actor: "U2", Kind: storage.EventEvidence, Body: "tracking LX123456789NO", Data: map[string]string{"kind": "tracking"}},
		{Actor: "engine", Kind: storage.EventDeadline, Body: "deadlines computed"},
	}
	var inTx storage.CaseState
	change(t, s, "write", func(tx storage.Tx) error {
		if err := tx.SetStep(ctx, step, &events[0]); err != nil {
			return err
		}
		if err := tx.SetCheck(ctx, check, &events[1]); err != nil {
			return err
		}
		if err := tx.AddEvidence(ctx, &ev, &events[2]); err != nil {
			return err
		}
		if err := tx.SetDeadlines(ctx, c.ID, deadlines, &events[3]); err != nil {
			return err
		}
		// The transaction sees its own writes.
		var err error
		inTx, err = tx.State(ctx, c.ID)
		return err
	})
	if ev.ID == 0 {
		t.Error("AddEvidence did not fill in the evidence's ID")
	}
	if want := time.Date(2026, 3, 2, 9, 17, 0, 123456000, time.UTC); !ev.At.Equal(want) || ev.At.Location() != time.UTC {
		t.Errorf("AddEvidence left At = %v, want it as stored, %v", ev.At, want)
	}
	for i, e := range events {
		if e.ID == 0 || e.CaseID != c.ID {
			t.Errorf("event %d (%s): ID=%d CaseID=%d, want an ID and case %d", i, e.Kind, e.ID, e.CaseID, c.ID)
		}
	}

	want := storage.CaseState{
		Steps:     []storage.StepState{step},
		Checks:    []storage.Check{check},
		Evidence:  []storage.Evidence{ev},
		Deadlines: []storage.Deadline{deadlines[1], deadlines[0]}, // by due
	}
	want.Deadlines[1].CaseID = c.ID
	diffState(t, "Tx.State", inTx, want)
	diffState(t, "State", state(t, s, c.ID), want)
	diffState(t, "State of another case", state(t, s, other.ID), storage.CaseState{})

	got := timeline(t, s, c.ID)
	if len(got) != 1+len(events) {
		t.Fatalf("timeline has %d events, want %d", len(got), 1+len(events))
	}
	for i := range events {
		diffEvent(t, got[1+i], events[i])
	}
}

func testStateUpserts(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "RMA", "U1")
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

	// Done, then skipped: one row, the second replaces the first.
	done := storage.StepState{CaseID: c.ID, StepID: "inspect", Status: storage.StepDone, By: "U1", At: t0, Note: "looked fine"}
	skipped := storage.StepState{CaseID: c.ID, StepID: "inspect", Status: storage.StepSkipped, By: "U2", At: t0.Add(time.Hour), Note: "ikke nødvendig – kunden beholder varen"}
	change(t, s, "done", func(tx storage.Tx) error {
		return tx.SetStep(ctx, done, &storage.Event{Actor: "U1", Kind: storage.EventStep})
	})
	diffState(t, "after done", state(t, s, c.ID), storage.CaseState{Steps: []storage.StepState{done}})
	change(t, s, "skipped", func(tx storage.Tx) error {
		return tx.SetStep(ctx, skipped, &storage.Event{Actor: "U2", Kind: storage.EventStep})
	})
	diffState(t, "after skipped", state(t, s, c.ID), storage.CaseState{Steps: []storage.StepState{skipped}})

	// Ticked, unticked, ticked: one row each time, never deleted.
	other := storage.Check{CaseID: c.ID, StepID: "inspect", Item: 1, Checked: true, By: "U1", At: t0}
	change(t, s, "tick-other", func(tx storage.Tx) error {
		return tx.SetCheck(ctx, other, &storage.Event{Kind: storage.EventCheck})
	})
	for i, checked := range []bool{true, false, true} {
		ck := storage.Check{CaseID: c.ID, StepID: "inspect", Item: 2, Checked: checked, By: fmt.Sprint("U", i+1), At: t0.Add(time.Duration(i+1) * time.Minute)}
		change(t, s, fmt.Sprint("tick-", i), func(tx storage.Tx) error {
			return tx.SetCheck(ctx, ck, &storage.Event{Actor: ck.By, Kind: storage.EventCheck})
		})
		diffState(t, fmt.Sprintf("after setting item 2 to %v", checked), state(t, s, c.ID),
			storage.CaseState{Steps: []storage.StepState{skipped}, Checks: []storage.Check{other, ck}})
	}

	// A deadline is replaced whole by its ID; the others are left alone.
	a := storage.Deadline{CaseID: c.ID, ID: "refund_due", Title: "Refund", Due: t0.Add(14 * 24 * time.Hour), Rule: "received + 14 days", Basis: "received_at", Source: "angrerettloven § 24"}
	b := storage.Deadline{CaseID: c.ID, ID: "step:inspect", Title: "Inspect", Due: t0.Add(48 * time.Hour), Rule: "2 days", Basis: "opened_at", Source: "team"}
	change(t, s, "deadlines", func(tx storage.Tx) error {
		return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{a, b}, &storage.Event{Kind: storage.EventDeadline})
	})
	metAt := t0.Add(3 * time.Hour)
	a2 := storage.Deadline{CaseID: c.ID, ID: "refund_due", Title: "Refund (extended)", Due: t0.Add(30 * 24 * time.Hour), Rule: "received + 30 days", Basis: "agreed", Source: "team", MetAt: &metAt}
	change(t, s, "deadlines-again", func(tx storage.Tx) error {
		return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{a2}, &storage.Event{Kind: storage.EventDeadline})
	})
	st := state(t, s, c.ID)
	diffState(t, "after replacing one deadline", storage.CaseState{Deadlines: st.Deadlines}, storage.CaseState{Deadlines: []storage.Deadline{b, a2}})
	// A met deadline can become unmet again (say, the due rule changed).
	a2.MetAt = nil
	change(t, s, "deadlines-unmet", func(tx storage.Tx) error {
		return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{a2}, &storage.Event{Kind: storage.EventDeadline})
	})
	st = state(t, s, c.ID)
	diffState(t, "after unmeeting a deadline", storage.CaseState{Deadlines: st.Deadlines}, storage.CaseState{Deadlines: []storage.Deadline{b, a2}})

	// opened, 2 steps, 4 checks, 3 deadline writes.
	if n := len(timeline(t, s, c.ID)); n != 10 {
		t.Errorf("timeline has %d events, want 10", n)
	}
}

func testStateOrder(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "SUP", "U1")
	other := openPlain(t, s, "open-other", "SUP", "U1")
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	t0CET := t0.In(cet)

	// In byte order "Zeta" sorts before "alpha", as on both dialects
	// whatever PostgreSQL's locale.
	steps := []storage.StepState{
		{StepID: "b", At: t0.Add(2 * time.Hour)},
		{StepID: "alpha", At: t0CET.Add(time.Hour)},
		{StepID: "Zeta", At: t0.Add(time.Hour)},
		{StepID: "a", At: t0CET},
	}
	checks := []storage.Check{
		{StepID: "verify", Item: 10}, {StepID: "verify", Item: 2}, {StepID: "gather", Item: 3},
		{StepID: "Zeta", Item: 1}, {StepID: "verify", Item: 1},
	}
	evidence := []*storage.Evidence{
		{Kind: "e1", At: t0.Add(time.Hour)},
		{Kind: "e2", At: t0CET},
		{Kind: "e3", At: t0CET.Add(time.Hour)},
		{Kind: "e4", At: t0},
	}
	deadlines := []storage.Deadline{
		{ID: "z", Due: t0}, {ID: "b", Due: t0.Add(time.Hour)}, {ID: "a", Due: t0CET.Add(time.Hour)},
		{ID: "Y", Due: t0CET.Add(-time.Hour)}, {ID: "B", Due: t0.Add(time.Hour)},
	}
	change(t, s, "write", func(tx storage.Tx) error {
		for _, st := range steps {
			st.CaseID, st.Status = c.ID, storage.StepDone
			if err := tx.SetStep(ctx, st, &storage.Event{}); err != nil {
				return err
			}
		}
		for _, ck := range checks {
			ck.CaseID, ck.Checked = c.ID, true
			if err := tx.SetCheck(ctx, ck, &storage.Event{}); err != nil {
				return err
			}
		}
		for _, e := range evidence {
			e.CaseID = c.ID
			if err := tx.AddEvidence(ctx, e, &storage.Event{}); err != nil {
				return err
			}
		}
		for _, d := range deadlines { // one at a time: each its own write
			if err := tx.SetDeadlines(ctx, c.ID, []storage.Deadline{d}, &storage.Event{}); err != nil {
				return err
			}
		}
		// The other case's state must not show in this one's.
		if err := tx.SetStep(ctx, storage.StepState{CaseID: other.ID, StepID: "a", Status: storage.StepDone, At: t0.Add(-time.Hour)}, &storage.Event{}); err != nil {
			return err
		}
		if err := tx.SetCheck(ctx, storage.Check{CaseID: other.ID, StepID: "a", Item: 1}, &storage.Event{}); err != nil {
			return err
		}
		if err := tx.AddEvidence(ctx, &storage.Evidence{CaseID: other.ID, Kind: "other"}, &storage.Event{}); err != nil {
			return err
		}
		return tx.SetDeadlines(ctx, other.ID, []storage.Deadline{{ID: "a", Due: t0.Add(-2 * time.Hour)}}, &storage.Event{})
	})

	st := state(t, s, c.ID)
	var got []string
	for _, x := range st.Steps {
		got = append(got, "step "+x.StepID)
	}
	for _, x := range st.Checks {
		got = append(got, fmt.Sprintf("check %s#%d", x.StepID, x.Item))
	}
	for _, x := range st.Evidence {
		got = append(got, "evidence "+x.Kind)
	}
	for _, x := range st.Deadlines {
		got = append(got, "deadline "+x.ID)
	}
	want := []string{
		"step a", "step Zeta", "step alpha", "step b", // by time, then step id
		"check Zeta#1", "check gather#3", "check verify#1", "check verify#2", "check verify#10", // by step id, then item as a number
		"evidence e2", "evidence e4", "evidence e1", "evidence e3", // by time, then id (the order added)
		"deadline Y", "deadline z", "deadline B", "deadline a", "deadline b", // by due, then id
	}
	if !slices.Equal(got, want) {
		t.Errorf("State order\n got %q\nwant %q", got, want)
	}
	if evidence[1].ID > evidence[3].ID {
		t.Errorf("evidence IDs %d (e2) > %d (e4): not in the order added", evidence[1].ID, evidence[3].ID)
	}
}

func testStateAtomic(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "CB", "U1")
	t0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	change(t, s, "before", func(tx storage.Tx) error {
		if err := tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepDone, By: "U1", At: t0}, &storage.Event{}); err != nil {
			return err
		}
		if err := tx.SetCheck(ctx, storage.Check{CaseID: c.ID, StepID: "gather", Item: 1, Checked: true, By: "U1", At: t0}, &storage.Event{}); err != nil {
			return err
		}
		if err := tx.AddEvidence(ctx, &storage.Evidence{CaseID: c.ID, Kind: "receipt", Ref: "r-1", At: t0}, &storage.Event{}); err != nil {
			return err
		}
		return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "evidence_due", Due: t0.Add(72 * time.Hour)}}, &storage.Event{})
	})
	before := state(t, s, c.ID)
	beforeEvents := timeline(t, s, c.ID)
	beforeCase := getCase(t, s, c.Ref)
	beforeDue, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.AllWorkspaces})
	if err != nil || len(beforeDue) != 1 {
		t.Fatalf("Deadlines before: %d, %v; want 1", len(beforeDue), err)
	}

	met := t0.Add(time.Hour)
	_, replayed, err := s.Update(ctx, key("fails"), func(tx storage.Tx) ([]byte, error) {
		if err := tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepSkipped, By: "U2"}, &storage.Event{Kind: storage.EventStep}); err != nil {
			return nil, err
		}
		if err := tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "respond", Status: storage.StepDone, By: "U2"}, &storage.Event{Kind: storage.EventStep}); err != nil {
			return nil, err
		}
		if err := tx.SetCheck(ctx, storage.Check{CaseID: c.ID, StepID: "gather", Item: 1, Checked: false, By: "U2"}, &storage.Event{Kind: storage.EventCheck}); err != nil {
			return nil, err
		}
		if err := tx.SetCheck(ctx, storage.Check{CaseID: c.ID, StepID: "gather", Item: 2, Checked: true, By: "U2"}, &storage.Event{Kind: storage.EventCheck}); err != nil {
			return nil, err
		}
		if err := tx.AddEvidence(ctx, &storage.Evidence{CaseID: c.ID, Kind: "photo", Ref: "p-1"}, &storage.Event{Kind: storage.EventEvidence}); err != nil {
			return nil, err
		}
		if err := tx.SetDeadlines(ctx, c.ID, []storage.Deadline{
			{ID: "evidence_due", Due: t0.Add(24 * time.Hour), MetAt: &met},
			{ID: "step:respond", Due: t0.Add(2 * time.Hour)},
		}, &storage.Event{Kind: storage.EventDeadline}); err != nil {
			return nil, err
		}
		st, err := tx.State(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if len(st.Steps) != 2 || len(st.Checks) != 2 || len(st.Evidence) != 2 || len(st.Deadlines) != 2 {
			return nil, fmt.Errorf("state inside the transaction: %+v", st)
		}
		return []byte("done"), &userError{"the customer withdrew the claim"}
	})
	var ue *userError
	if !errors.As(err, &ue) || replayed {
		t.Fatalf("Update = replayed %v, error %v; want the caller's *userError", replayed, err)
	}
	diffState(t, "State after a rolled back update", state(t, s, c.ID), before)
	after := timeline(t, s, c.ID)
	if len(after) != len(beforeEvents) || after[len(after)-1].ID != beforeEvents[len(beforeEvents)-1].ID {
		t.Errorf("timeline has %d events after a rolled back update, want the %d from before", len(after), len(beforeEvents))
	}
	diffCase(t, "case after a rolled back update", getCase(t, s, c.Ref), beforeCase)
	if due, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.AllWorkspaces}); err != nil || len(due) != 1 || !due[0].Due.Equal(beforeDue[0].Due) {
		t.Errorf("Deadlines after a rolled back update: %+v, %v; want %+v", due, err, beforeDue)
	}
}

func testStateEvents(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "MC", "U1")
	writes := []struct {
		name string
		kind storage.EventKind // the kind the method gives an event without one
		fn   func(tx storage.Tx, ev *storage.Event) error
	}{
		{"SetStep", storage.EventStep, func(tx storage.Tx, ev *storage.Event) error {
			return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepDone, By: "U1"}, ev)
		}},
		{"SetCheck", storage.EventCheck, func(tx storage.Tx, ev *storage.Event) error {
			return tx.SetCheck(ctx, storage.Check{CaseID: c.ID, StepID: "ack", Item: 1, Checked: true, By: "U1"}, ev)
		}},
		{"AddEvidence", storage.EventEvidence, func(tx storage.Tx, ev *storage.Event) error {
			return tx.AddEvidence(ctx, &storage.Evidence{CaseID: c.ID, Kind: "email", By: "U1"}, ev)
		}},
		{"SetDeadlines", storage.EventDeadline, func(tx storage.Tx, ev *storage.Event) error {
			return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "evidence_due", Due: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}}, ev)
		}},
	}
	for i, w := range writes {
		for _, given := range []storage.EventKind{w.kind, ""} {
			n := len(timeline(t, s, c.ID))
			ev := storage.Event{Actor: "U1", Kind: given, Body: w.name + " – æøå", Data: map[string]string{"via": "button"}}
			change(t, s, fmt.Sprintf("%s-%d-%q", w.name, i, given), func(tx storage.Tx) error { return w.fn(tx, &ev) })
			evs := timeline(t, s, c.ID)
			if len(evs) != n+1 {
				t.Errorf("%s wrote %d events, want 1", w.name, len(evs)-n)
				continue
			}
			if ev.ID == 0 || ev.CaseID != c.ID || ev.At.IsZero() {
				t.Errorf("%s filled the event as ID=%d CaseID=%d At=%v, want an ID, case %d and the time", w.name, ev.ID, ev.CaseID, ev.At, c.ID)
			}
			want := ev
			want.Kind = w.kind
			diffEvent(t, evs[n], want)
			// The case was touched in the same transaction: updated_at is
			// the transaction's time, which the event got too.
			if got := getCase(t, s, c.Ref); !got.UpdatedAt.Equal(ev.At) {
				t.Errorf("%s: case updated_at = %v, want the transaction's time %v", w.name, got.UpdatedAt, ev.At)
			}
		}
	}
	// A zero time is the transaction's. The timeline is opened, then two
	// events per write: the last step, check and evidence are 2, 4 and 6.
	st := state(t, s, c.ID)
	last := timeline(t, s, c.ID)
	if len(st.Steps) != 1 || len(st.Checks) != 1 || len(st.Evidence) != 2 {
		t.Fatalf("state %+v, want 1 step, 1 check and 2 evidence", st)
	}
	if stepAt, checkAt, evAt := st.Steps[0].At, st.Checks[0].At, st.Evidence[1].At; !stepAt.Equal(last[2].At) || !checkAt.Equal(last[4].At) || !evAt.Equal(last[6].At) {
		t.Errorf("zero times read back as step %v, check %v, evidence %v; want their transactions' %v, %v, %v", stepAt, checkAt, evAt, last[2].At, last[4].At, last[6].At)
	}

	// Without an event, or on a missing case, nothing is written.
	n := len(last)
	for _, w := range writes {
		_, _, err := s.Update(ctx, key("nil-"+w.name), func(tx storage.Tx) ([]byte, error) { return nil, w.fn(tx, nil) })
		if err == nil {
			t.Errorf("%s with a nil event succeeded", w.name)
		}
	}
	missing := c.ID + 1000
	for _, tc := range []struct {
		name string
		fn   func(tx storage.Tx) error
	}{
		{"SetStep", func(tx storage.Tx) error {
			return tx.SetStep(ctx, storage.StepState{CaseID: missing, StepID: "ack", Status: storage.StepDone}, &storage.Event{})
		}},
		{"SetCheck", func(tx storage.Tx) error {
			return tx.SetCheck(ctx, storage.Check{CaseID: missing, StepID: "ack", Item: 1}, &storage.Event{})
		}},
		{"AddEvidence", func(tx storage.Tx) error {
			return tx.AddEvidence(ctx, &storage.Evidence{CaseID: missing, Kind: "email"}, &storage.Event{})
		}},
		{"SetDeadlines", func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, missing, []storage.Deadline{{ID: "x", Due: time.Now()}}, &storage.Event{})
		}},
	} {
		_, _, err := s.Update(ctx, key("missing-"+tc.name), func(tx storage.Tx) ([]byte, error) { return nil, tc.fn(tx) })
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s on a missing case: error %v, want ErrNotFound", tc.name, err)
		}
	}
	if got := len(timeline(t, s, c.ID)); got != n {
		t.Errorf("timeline has %d events after failed writes, want %d", got, n)
	}
	diffState(t, "State after failed writes", state(t, s, c.ID), st)
}

// diffState reports where got differs from want, list by list. Times
// compare as instants and must read back in UTC.
func diffState(t *testing.T, what string, got, want storage.CaseState) {
	t.Helper()
	g, w := stateLines(got, true), stateLines(want, false)
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(g, "\n     "), strings.Join(w, "\n     "))
	}
}

// stateLines renders st one record a line, times in UTC. When read is
// true a time not in UTC is marked, as the store must return UTC.
func stateLines(st storage.CaseState, read bool) []string {
	stamp := func(tm time.Time) string {
		s := tm.UTC().Format(time.RFC3339Nano)
		if read && tm.Location() != time.UTC {
			s += " (not in UTC)"
		}
		return s
	}
	var lines []string
	for _, s := range st.Steps {
		lines = append(lines, fmt.Sprintf("step %d/%s %s by %s at %s note %q", s.CaseID, s.StepID, s.Status, s.By, stamp(s.At), s.Note))
	}
	for _, c := range st.Checks {
		lines = append(lines, fmt.Sprintf("check %d/%s#%d %v by %s at %s", c.CaseID, c.StepID, c.Item, c.Checked, c.By, stamp(c.At)))
	}
	for _, e := range st.Evidence {
		lines = append(lines, fmt.Sprintf("evidence %d of %d %s %q %q by %s at %s", e.ID, e.CaseID, e.Kind, e.Ref, e.Note, e.By, stamp(e.At)))
	}
	for _, d := range st.Deadlines {
		metAt := "<nil>"
		if d.MetAt != nil {
			metAt = stamp(*d.MetAt)
		}
		lines = append(lines, fmt.Sprintf("deadline %d/%s %q due %s rule %q basis %q source %q met %s",
			d.CaseID, d.ID, d.Title, stamp(d.Due), d.Rule, d.Basis, d.Source, metAt))
	}
	return lines
}
