package commands

import (
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

func TestStatusTag(t *testing.T) {
	catalog, err := playbooks.Load("")
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := catalog.Get("chargeback")
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	open := storage.Case{Status: storage.StatusOpen, Fields: map[string]string{}}
	due := func(d time.Duration, met bool) storage.Deadline {
		dl := storage.Deadline{ID: "evidence_due", Due: now.Add(d)}
		if met {
			dl.MetAt = &now
		}
		return dl
	}
	var done storage.CaseState
	steps, _ := pb.Progress(open.Fields, storage.CaseState{})
	for _, s := range steps {
		done.Steps = append(done.Steps, storage.StepState{StepID: s.ID, Status: storage.StepDone})
	}
	for _, tc := range []struct {
		name string
		cs   storage.Case
		st   storage.CaseState
		want string
	}{
		{"open, deadline ahead", open, storage.CaseState{Deadlines: []storage.Deadline{due(time.Hour, false)}}, "open"},
		{"a deadline passed", open, storage.CaseState{Deadlines: []storage.Deadline{due(-time.Minute, false)}}, "overdue"},
		{"a passed deadline that was met", open, storage.CaseState{Deadlines: []storage.Deadline{due(-time.Hour, true)}}, "open"},
		{"every step finished", open, done, "waiting"},
		{"overdue beats waiting", open, storage.CaseState{Steps: done.Steps, Deadlines: []storage.Deadline{due(-time.Hour, false)}}, "overdue"},
		{"closed beats everything", storage.Case{Status: storage.StatusClosed}, storage.CaseState{Deadlines: []storage.Deadline{due(-time.Hour, false)}}, "closed"},
	} {
		if got := statusTag(pb, tc.cs, tc.st, now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestStatusTagIgnoresInfoDeadlines: the customer's withdrawal period
// (Directive 2011/83/EU Art. 9) passing does not make our case overdue.
func TestStatusTagIgnoresInfoDeadlines(t *testing.T) {
	catalog, err := playbooks.Load("")
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := catalog.Get("return")
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	cs := storage.Case{Status: storage.StatusOpen, Fields: map[string]string{"reason": "damaged"}}
	passed := storage.CaseState{Deadlines: []storage.Deadline{{ID: "withdrawal_period", Due: now.Add(-time.Hour)}}}
	if got := statusTag(pb, cs, passed, now); got != tagOpen {
		t.Errorf("customer's deadline passed: %s, want open", got)
	}
	passed.Deadlines = append(passed.Deadlines, storage.Deadline{ID: "refund_due", Due: now.Add(-time.Minute)})
	if got := statusTag(pb, cs, passed, now); got != tagOverdue {
		t.Errorf("our refund deadline passed: %s, want overdue", got)
	}
}
