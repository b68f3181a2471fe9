package storagetest

import (
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// testMatchCases checks the completion read: cases whose reference, order
// or customer starts with what was typed, within the scope and status,
// newest first, at most the limit; typed text is literal, never a pattern.
func testMatchCases(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	mk := func(id, prefix, workspace string, at time.Duration, fields map[string]string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: prefix}, Playbook: "p", Fields: fields,
			Platform: "slack", Workspace: workspace, Channel: "C1", OpenedAt: t0.Add(at)}, storage.Event{})
		return c
	}
	mk("a", "CB", "T1", 0, map[string]string{"order": "1042", "customer": "Kari Nordmann"})            // CB-1001
	mk("b", "CB", "T1", time.Hour, map[string]string{"order": "A_77", "customer": "Åse Berg"})         // CB-1002
	c := mk("c", "RMA", "T1", 2*time.Hour, map[string]string{"order": "2231", "customer": "kari ola"}) // RMA-1001
	mk("d", "CB", "T2", 3*time.Hour, map[string]string{"order": "1042"})                               // CB-1003, T2
	mk("e", "SUP", "T1", 4*time.Hour, nil)                                                             // SUP-1001, no fields
	closed := c
	closedAt := t0.Add(5 * time.Hour)
	closed.Status, closed.ClosedAt, closed.Outcome = storage.StatusClosed, &closedAt, "refunded"
	change(t, s, "close-c", func(tx storage.Tx) error {
		return tx.UpdateCase(ctx, &closed, &storage.Event{Kind: storage.EventClosed})
	})

	t1 := storage.WorkspaceScope("slack", "T1")
	tests := []struct {
		name   string
		scope  storage.Scope
		status storage.Status
		typed  string
		limit  int
		want   []string
	}{
		{"everything, newest first", t1, "", "", 0, []string{"SUP-1001", "RMA-1001", "CB-1002", "CB-1001"}},
		{"open only", t1, storage.StatusOpen, "", 0, []string{"SUP-1001", "CB-1002", "CB-1001"}},
		{"closed only", t1, storage.StatusClosed, "", 0, []string{"RMA-1001"}},
		{"reference, any case", t1, "", "cb-100", 0, []string{"CB-1002", "CB-1001"}},
		{"reference with #", t1, "", "#RMA", 0, []string{"RMA-1001"}},
		{"order", t1, "", "104", 0, []string{"CB-1001"}},
		{"customer, ASCII case folded", t1, "", "KARI", 0, []string{"RMA-1001", "CB-1001"}},
		{"customer as stored", t1, "", "Åse", 0, []string{"CB-1002"}},
		{"underscore is literal", t1, "", "A_", 0, []string{"CB-1002"}},
		{"percent is literal", t1, "", "%", 0, nil},
		{"other workspace", storage.WorkspaceScope("slack", "T2"), "", "1042", 0, []string{"CB-1003"}},
		{"all workspaces", storage.AllWorkspaces, "", "1042", 0, []string{"CB-1003", "CB-1001"}},
		{"limit", t1, "", "", 2, []string{"SUP-1001", "RMA-1001"}},
		{"no match", t1, "", "zz", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, err := s.MatchCases(ctx, tt.scope, tt.status, tt.typed, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cases {
				got = append(got, c.Ref.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("MatchCases(%q) = %v, want %v", tt.typed, got, tt.want)
			}
		})
	}
	if _, err := s.MatchCases(ctx, storage.Scope{}, "", "", 0); err == nil {
		t.Error("MatchCases with no scope: no error")
	}
}
