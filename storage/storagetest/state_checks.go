package storagetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

func testDeadlines(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	open := func(id, prefix, openedBy, assignee, platform, channel string, status storage.Status) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: prefix}, Playbook: strings.ToLower(prefix) + "-playbook",
			Status: status, OpenedBy: openedBy, Assignee: assignee, Platform: platform, Channel: channel}, storage.Event{})
		return c
	}
	// CB-1001: opened by U1, U2's, in its own zone
	a, _ := openCase(t, s, key("a"), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "cb-playbook", Status: storage.StatusOpen,
		OpenedBy: "U1", Assignee: "U2", Platform: "slack", Workspace: "T1", Channel: "C1", Fields: map[string]string{"timezone": "Europe/Oslo"}}, storage.Event{})
	b := open("b", "RMA", "U1", "", "discord", "C2", storage.StatusOpen) // RMA-1001: U1's, unassigned
	c := open("c", "CB", "U3", "U1", "slack", "C1", storage.StatusOpen)  // CB-1002: U1's
	d := open("d", "SUP", "U3", "", "console", "", storage.StatusClosed) // SUP-1001: closed
	open("e", "RCL", "U1", "", "slack", "C3", storage.StatusOpen)        // RCL-1001: no deadlines
	met := t0.Add(time.Hour)
	set := func(c storage.Case, ds ...storage.Deadline) {
		t.Helper()
		change(t, s, fmt.Sprint("deadlines-", c.Ref, "-", ds[0].ID, len(ds)), func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, c.ID, ds, &storage.Event{Kind: storage.EventDeadline})
		})
	}
	aDue := storage.Deadline{CaseID: a.ID, ID: "evidence_due", Title: "Bevis til Stripe – æøå", Due: t0.Add(48 * time.Hour).In(cet),
		Rule: "evidence_details.due_by", Basis: "2026-05-03T09:00:00Z", Source: "Stripe"}
	set(a, aDue, storage.Deadline{ID: "step:ack", Due: t0.Add(2 * time.Hour), MetAt: &met}) // met: never listed
	set(b, storage.Deadline{ID: "refund_due", Due: t0.Add(24 * time.Hour)}, storage.Deadline{ID: "step:ack", Due: t0.Add(time.Hour)})
	set(c, storage.Deadline{ID: "evidence_due", Due: t0.Add(24 * time.Hour)}, storage.Deadline{ID: "a_first", Due: t0.Add(24 * time.Hour)})
	set(d, storage.Deadline{ID: "x", Due: t0.Add(30 * time.Minute)})

	list := func(f storage.DeadlineFilter) []string {
		t.Helper()
		due, err := s.Deadlines(ctx, f)
		if err != nil {
			t.Fatalf("Deadlines(%+v): %v", f, err)
		}
		var got []string
		for _, d := range due {
			got = append(got, d.Ref.String()+"/"+d.ID)
		}
		return got
	}
	all := []string{"RMA-1001/step:ack", "RMA-1001/refund_due", "CB-1002/a_first", "CB-1002/evidence_due", "CB-1001/evidence_due"}
	cases := []struct {
		name string
		f    storage.DeadlineFilter
		want []string
	}{
		{"all unmet of open cases, soonest first, then by case and id", storage.DeadlineFilter{Scope: storage.AllWorkspaces}, all},
		{"mine: assigned, or opened and unassigned", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U1"}, all[:4]},
		{"mine U2", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U2"}, all[4:]},
		{"mine U3: opened, but assigned or closed", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U3"}, nil},
		{"before is exclusive", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Before: t0.Add(24 * time.Hour)}, all[:1]},
		{"before in another zone", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Before: t0.Add(24*time.Hour + time.Microsecond).In(cet)}, all[:4]},
		{"limit", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Limit: 2}, all[:2]},
		{"all together", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U1", Before: t0.Add(25 * time.Hour), Limit: 3}, all[:3]},
		{"nothing due yet", storage.DeadlineFilter{Scope: storage.AllWorkspaces, Before: t0}, nil},
	}
	for _, tc := range cases {
		if got := list(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Deadlines(%+v) = %v, want %v", tc.name, tc.f, got, tc.want)
		}
	}

	// A listed deadline carries its case's reminder details.
	due, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U2"})
	if err != nil || len(due) != 1 {
		t.Fatalf("Deadlines(U2) = %d, %v; want 1", len(due), err)
	}
	got := due[0]
	want := storage.DueDeadline{Deadline: aDue, Ref: a.Ref, Playbook: "cb-playbook", Assignee: "U2", OpenedBy: "U1", Channel: "C1", Platform: "slack",
		Workspace: "T1", CaseZone: "Europe/Oslo"}
	if got.Ref != want.Ref || got.Playbook != want.Playbook || got.Assignee != want.Assignee || got.OpenedBy != want.OpenedBy ||
		got.Channel != want.Channel || got.Platform != want.Platform || got.Workspace != want.Workspace || got.CaseZone != want.CaseZone {
		t.Errorf("DueDeadline case details\n got %+v\nwant %+v", got, want)
	}
	diffState(t, "DueDeadline", storage.CaseState{Deadlines: []storage.Deadline{got.Deadline}}, storage.CaseState{Deadlines: []storage.Deadline{want.Deadline}})

	// Closing a case hides its deadlines, reopening shows them again;
	// meeting a deadline hides it.
	setStatus := func(ref storage.Ref, status storage.Status, kind storage.EventKind) {
		t.Helper()
		change(t, s, fmt.Sprint(kind, "-", ref), func(tx storage.Tx) error {
			c, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, ref)
			if err != nil {
				return err
			}
			c.Status = status
			return tx.UpdateCase(ctx, &c, &storage.Event{Kind: kind})
		})
	}
	setStatus(c.Ref, storage.StatusClosed, storage.EventClosed)
	if got, want := list(storage.DeadlineFilter{Scope: storage.AllWorkspaces}), []string{all[0], all[1], all[4]}; !slices.Equal(got, want) {
		t.Errorf("after closing CB-1002: %v, want %v", got, want)
	}
	setStatus(c.Ref, storage.StatusOpen, storage.EventReopened)
	setStatus(d.Ref, storage.StatusOpen, storage.EventReopened)
	if got, want := list(storage.DeadlineFilter{Scope: storage.AllWorkspaces}), append([]string{"SUP-1001/x"}, all...); !slices.Equal(got, want) {
		t.Errorf("after reopening CB-1002 and SUP-1001: %v, want %v", got, want)
	}
	set(b, storage.Deadline{ID: "step:ack", Due: t0.Add(time.Hour), MetAt: &met})
	if got, want := list(storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U1"}), all[1:4]; !slices.Equal(got, want) {
		t.Errorf("after meeting RMA-1001/step:ack: %v, want %v", got, want)
	}
}

func testStateInvalid(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open", "CB", "U1")
	other := openPlain(t, s, "open-other", "CB", "U1")
	due := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		fn   func(tx storage.Tx) error
	}{
		{"step without id", func(tx storage.Tx) error {
			return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, Status: storage.StepDone}, &storage.Event{})
		}},
		{"step started", func(tx storage.Tx) error {
			return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: "started"}, &storage.Event{})
		}},
		{"step without status", func(tx storage.Tx) error {
			return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack"}, &storage.Event{})
		}},
		{"check item 0", func(tx storage.Tx) error {
			return tx.SetCheck(ctx, storage.Check{CaseID: c.ID, StepID: "ack", Item: 0, Checked: true}, &storage.Event{})
		}},
		{"check without step", func(tx storage.Tx) error {
			return tx.SetCheck(ctx, storage.Check{CaseID: c.ID, Item: 1, Checked: true}, &storage.Event{})
		}},
		{"deadline without id", func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "ok", Due: due}, {Due: due}}, &storage.Event{})
		}},
		{"deadline without due", func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "evidence_due"}}, &storage.Event{})
		}},
		{"deadline of another case", func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{CaseID: other.ID, ID: "evidence_due", Due: due}}, &storage.Event{})
		}},
		{"event of another case", func(tx storage.Tx) error {
			return tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepDone}, &storage.Event{CaseID: other.ID})
		}},
	}
	for _, tc := range cases {
		if _, _, err := s.Update(ctx, key(tc.name), func(tx storage.Tx) ([]byte, error) { return nil, tc.fn(tx) }); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	for _, id := range []int64{c.ID, other.ID} {
		diffState(t, fmt.Sprintf("State of case %d after invalid writes", id), state(t, s, id), storage.CaseState{})
		if n := len(timeline(t, s, id)); n != 1 {
			t.Errorf("case %d: timeline has %d events after invalid writes, want 1", id, n)
		}
	}
}
