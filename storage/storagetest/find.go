package storagetest

import (
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// testFindCases checks /case find and the list filters: words anywhere in
// the reference, fields, notes and evidence references, folded (Søren =
// soren); field filters by the start of a word of that field; the other
// filters; within the scope, newest first, bounded with a count.
func testFindCases(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	mk := func(id, prefix, playbook, workspace string, at time.Duration, assignee string, fields map[string]string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: prefix}, Playbook: playbook, Fields: fields, Assignee: assignee,
			Platform: "slack", Workspace: workspace, Channel: "C1", OpenedBy: "U1", OpenedAt: t0.Add(at)}, storage.Event{})
		return c
	}
	cb := mk("a", "CB", "chargeback", "T1", 0, "U2", map[string]string{"order": "#1042", "customer": "Søren Østergaard", "dispute_id": "dp_1Q2w3E"}) // CB-1001
	sup := mk("b", "SUP", "supplier-dispute", "T1", time.Hour, "", map[string]string{"order": "PO-5521", "supplier": "Shenzhen Lights Co"})          // SUP-1001
	rma := mk("c", "RMA", "return", "T1", 2*time.Hour, "U2", map[string]string{"order": "114-2231", "customer": "SOREN hansen", "sku": "MUG-BLUE"})  // RMA-1001
	mk("d", "CB", "chargeback", "T2", 3*time.Hour, "", map[string]string{"order": "1042", "customer": "Søren Other"})                                // CB-1002 in T2
	closed := rma
	closedAt := t0.Add(5 * time.Hour)
	closed.Status, closed.ClosedAt, closed.Outcome = storage.StatusClosed, &closedAt, "refunded"
	change(t, s, "close-c", func(tx storage.Tx) error {
		return tx.UpdateCase(ctx, &closed, &storage.Event{Kind: storage.EventClosed, Body: "Refund sent via Klarna"})
	})
	change(t, s, "note-a", func(tx storage.Tx) error {
		return tx.AppendEvent(ctx, &storage.Event{CaseID: cb.ID, Kind: storage.EventNote, Body: "Customer sent the Posten tracking screenshot"})
	})
	change(t, s, "evidence-b", func(tx storage.Tx) error {
		return tx.AddEvidence(ctx, &storage.Evidence{CaseID: sup.ID, Kind: "tracking", Ref: "1Z999AA10123456784"}, &storage.Event{})
	})
	// A field corrected: the old value is no longer found, the new one is.
	sup.Fields = map[string]string{"order": "PO-5521", "supplier": "Guangzhou Lamps Ltd"}
	change(t, s, "fields-b", func(tx storage.Tx) error {
		return tx.UpdateCase(ctx, &sup, &storage.Event{Kind: storage.EventFields})
	})

	t1 := storage.WorkspaceScope("slack", "T1")
	tests := []struct {
		name string
		q    storage.CaseQuery
		want []string
	}{
		{"everything, newest first", storage.CaseQuery{Scope: t1}, []string{"RMA-1001", "SUP-1001", "CB-1001"}},
		{"accent folded", storage.CaseQuery{Scope: t1, Text: "soren"}, []string{"RMA-1001", "CB-1001"}},
		{"accent typed", storage.CaseQuery{Scope: t1, Text: "SØREN"}, []string{"RMA-1001", "CB-1001"}},
		{"ø folds to o", storage.CaseQuery{Scope: t1, Text: "ostergaard"}, []string{"CB-1001"}},
		{"all words must match", storage.CaseQuery{Scope: t1, Text: "soren hansen"}, []string{"RMA-1001"}},
		{"reference", storage.CaseQuery{Scope: t1, Text: "cb-1001"}, []string{"CB-1001"}},
		{"order with #", storage.CaseQuery{Scope: t1, Text: "#1042"}, []string{"CB-1001"}},
		{"part of an order", storage.CaseQuery{Scope: t1, Text: "2231"}, []string{"RMA-1001"}},
		{"dispute id, any case", storage.CaseQuery{Scope: t1, Text: "DP_1q2W3e"}, []string{"CB-1001"}},
		{"product", storage.CaseQuery{Scope: t1, Text: "mug-blue"}, []string{"RMA-1001"}},
		{"note added later", storage.CaseQuery{Scope: t1, Text: "posten"}, []string{"CB-1001"}},
		{"closing note", storage.CaseQuery{Scope: t1, Text: "klarna"}, []string{"RMA-1001"}},
		{"evidence reference", storage.CaseQuery{Scope: t1, Text: "1z999aa"}, []string{"SUP-1001"}},
		{"changed field: new value", storage.CaseQuery{Scope: t1, Text: "guangzhou"}, []string{"SUP-1001"}},
		{"changed field: old value gone", storage.CaseQuery{Scope: t1, Text: "shenzhen"}, nil},
		{"short word", storage.CaseQuery{Scope: t1, Text: "co"}, nil},
		{"percent is literal", storage.CaseQuery{Scope: t1, Text: "%"}, nil},
		{"field filter, start of a word", storage.CaseQuery{Scope: t1, Fields: map[string]string{"customer": "sor"}}, []string{"RMA-1001", "CB-1001"}},
		{"field filter, second word", storage.CaseQuery{Scope: t1, Fields: map[string]string{"customer": "Hansen"}}, []string{"RMA-1001"}},
		{"field filter is that field only", storage.CaseQuery{Scope: t1, Fields: map[string]string{"supplier": "soren"}}, nil},
		{"field filter, order part", storage.CaseQuery{Scope: t1, Fields: map[string]string{"order": "2231"}}, []string{"RMA-1001"}},
		{"field filter, not inside a word", storage.CaseQuery{Scope: t1, Fields: map[string]string{"order": "231"}}, nil},
		{"field filter and text", storage.CaseQuery{Scope: t1, Text: "lamps", Fields: map[string]string{"order": "po-5521"}}, []string{"SUP-1001"}},
		{"status", storage.CaseQuery{Scope: t1, Status: storage.StatusOpen, Text: "soren"}, []string{"CB-1001"}},
		{"playbook", storage.CaseQuery{Scope: t1, Playbook: "chargeback"}, []string{"CB-1001"}},
		{"assignee", storage.CaseQuery{Scope: t1, Assignee: "U2"}, []string{"RMA-1001", "CB-1001"}},
		{"mine", storage.CaseQuery{Scope: t1, Mine: "U1"}, []string{"SUP-1001"}},
		{"since", storage.CaseQuery{Scope: t1, Since: t0.Add(time.Hour)}, []string{"RMA-1001", "SUP-1001"}},
		{"other workspace", storage.CaseQuery{Scope: storage.WorkspaceScope("slack", "T2"), Text: "soren"}, []string{"CB-1002"}},
		{"other workspace sees none of T1", storage.CaseQuery{Scope: storage.WorkspaceScope("slack", "T2"), Text: "posten"}, nil},
		{"channel outside the scope", storage.CaseQuery{Scope: storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C9"}}, Text: "soren"}, nil},
		{"all workspaces", storage.CaseQuery{Scope: storage.AllWorkspaces, Text: "soren"}, []string{"CB-1002", "RMA-1001", "CB-1001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, total, err := s.FindCases(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cases {
				got = append(got, c.Ref.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("FindCases(%+v) = %v, want %v", tt.q, got, tt.want)
			}
			if total != len(tt.want) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
		})
	}

	t.Run("limit and count", func(t *testing.T) {
		cases, total, err := s.FindCases(ctx, storage.CaseQuery{Scope: storage.AllWorkspaces, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(cases) != 2 || cases[0].Ref.String() != "CB-1002" || total != 4 {
			t.Errorf("Limit 2: %d cases (first %v), total %d; want 2 (CB-1002 first), total 4", len(cases), cases, total)
		}
	})
	if _, _, err := s.FindCases(ctx, storage.CaseQuery{Text: "soren"}); err == nil {
		t.Error("FindCases with no scope: no error")
	}
}
