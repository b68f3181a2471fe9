package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// testSummaryCases checks what a daily summary reads: every open case, and
// the cases opened or closed at or after since (inclusive), oldest opened
// first, then by id, within the scope exactly.
func testSummaryCases(t *testing.T, s storage.Store) {
	ctx := t.Context()
	since := time.Date(2026, 6, 10, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	refs := map[string]storage.Ref{}
	open := func(name, platform, workspace, channel string, opened time.Time, closed *time.Time, status storage.Status) {
		t.Helper()
		c, _ := openCase(t, s, key("summary-"+name), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback",
			Status: status, Platform: platform, Workspace: workspace, Channel: channel, OpenedAt: opened, ClosedAt: closed,
			Fields: map[string]string{"name": name}}, storage.Event{})
		refs[name] = c.Ref
	}
	at := func(t time.Time) *time.Time { return &t }
	const o, x = storage.StatusOpen, storage.StatusClosed
	// In slack/T1/C1, in creation (id) order:
	open("old-open", "slack", "T1", "C1", since.Add(-400*day), nil, o)
	open("closed-long-ago", "slack", "T1", "C1", since.Add(-300*day), at(since.Add(-200*day)), x)
	open("opened-in-period", "slack", "T1", "C1", since.Add(time.Hour), at(since.Add(2*time.Hour)), x)
	open("closed-in-period", "slack", "T1", "C1", since.Add(-10*day), at(since.Add(3*time.Hour)), x)
	open("opened-at-since", "slack", "T1", "C1", since, nil, o)
	open("closed-at-since", "slack", "T1", "C1", since.Add(-5*day), at(since), x)
	open("closed-just-before", "slack", "T1", "C1", since.Add(-5*day), at(since.Add(-time.Second)), x)
	open("same-time-later-id", "slack", "T1", "C1", since.Add(time.Hour), nil, o)
	// Closed long ago and reopened: open again, so in every summary.
	open("reopened", "slack", "T1", "C1", since.Add(-90*day), at(since.Add(-80*day)), o)
	// Elsewhere, each opened in the period: another channel of T1, the
	// same channel name in another workspace and on another platform.
	open("t1-c2", "slack", "T1", "C2", since.Add(4*time.Hour), nil, o)
	open("t2-c1", "slack", "T2", "C1", since.Add(5*time.Hour), nil, o)
	open("discord-t1-c1", "discord", "T1", "C1", since.Add(6*time.Hour), nil, o)
	open("t2-c1-old-open", "slack", "T2", "C1", since.Add(-100*day), nil, o)

	c1 := []string{"old-open", "reopened", "closed-in-period", "closed-at-since", "opened-at-since", "opened-in-period", "same-time-later-id"}
	tests := []struct {
		name  string
		scope storage.Scope
		want  []string
	}{
		{"one channel", storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C1"}}, c1},
		{"two channels", storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C2", "C1"}}, append(slices.Clone(c1), "t1-c2")},
		{"workspace", storage.WorkspaceScope("slack", "T1"), append(slices.Clone(c1), "t1-c2")},
		{"other workspace", storage.Scope{Platform: "slack", Workspace: "T2", Channels: []string{"C1"}}, []string{"t2-c1-old-open", "t2-c1"}},
		{"other platform", storage.WorkspaceScope("discord", "T1"), []string{"discord-t1-c1"}},
		{"channel with nothing", storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C9"}}, nil},
		{"all workspaces", storage.AllWorkspaces, []string{"old-open", "t2-c1-old-open", "reopened", "closed-in-period", "closed-at-since",
			"opened-at-since", "opened-in-period", "same-time-later-id", "t1-c2", "t2-c1", "discord-t1-c1"}},
	}
	for _, tc := range tests {
		got, err := s.SummaryCases(ctx, tc.scope, since)
		if err != nil {
			t.Fatalf("%s: SummaryCases: %v", tc.name, err)
		}
		var names []string
		for _, c := range got {
			names = append(names, c.Fields["name"])
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("%s: SummaryCases(%+v) =\n %v\nwant\n %v", tc.name, tc.scope, names, tc.want)
		}
	}

	// The cases come whole, as Case reads them.
	got, err := s.SummaryCases(ctx, storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C1"}}, since)
	if err != nil || len(got) == 0 {
		t.Fatalf("SummaryCases: %d cases, %v", len(got), err)
	}
	for _, c := range got {
		if want := getCase(t, s, c.Ref); !reflect.DeepEqual(c, want) {
			t.Errorf("SummaryCases gave\n %+v\nCase gives\n %+v", c, want)
		}
	}
	// The same instant in another zone is the same since.
	if got2, err := s.SummaryCases(ctx, storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C1"}}, since.In(cet)); err != nil || len(got2) != len(got) {
		t.Errorf("SummaryCases with since in CET: %d cases, %v; want %d", len(got2), err, len(got))
	}
	if _, err := s.SummaryCases(ctx, storage.Scope{}, since); err == nil || errors.Is(err, storage.ErrNotFound) {
		t.Errorf("SummaryCases(no scope) error = %v, want a scope error", err)
	}
}

// testDeadlineAmount checks that a listed deadline carries its case's
// amount, the money at stake, and nil for a case without one.
func testDeadlineAmount(t *testing.T, s storage.Store) {
	ctx := t.Context()
	due := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	nok := &storage.Money{Minor: 1<<53 + 1, Currency: "NOK"}
	for i, amount := range []*storage.Money{nok, nil} {
		c, _ := openCase(t, s, key(fmt.Sprint("amount-", i)), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback",
			Platform: "slack", Workspace: "T1", Channel: "C1", Amount: amount}, storage.Event{})
		change(t, s, fmt.Sprint("amount-deadline-", i), func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "evidence_due", Due: due.Add(time.Duration(i) * time.Hour)}}, &storage.Event{})
		})
	}
	list, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C1"}}, Before: due.Add(72 * time.Hour)})
	if err != nil || len(list) != 2 {
		t.Fatalf("Deadlines = %d, %v; want 2", len(list), err)
	}
	if got := list[0].Amount; got == nil || *got != *nok {
		t.Errorf("Deadlines[0].Amount = %+v, want %+v", got, nok)
	}
	if got := list[1].Amount; got != nil {
		t.Errorf("Deadlines[1].Amount = %+v, want nil (the case has no amount)", got)
	}
}
