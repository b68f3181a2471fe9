package sql

import (
	"context"
	"strings"

	"github.com/disputedesk/disputedesk/internal/gendata"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

// TestFillSearch checks that Migrate fills in the search text of cases
// that have none, as cases written before migration 00011 do, notes and
// evidence included.
func TestFillSearch(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Platform: "slack", Workspace: "T1", Channel: "C1",
			Fields: map[string]string{"customer": "Søren"}}
		if _, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			if err := tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}); err != nil {
				return nil, err
			}
			if err := tx.AppendEvent(ctx, &storage.Event{CaseID: c.ID, Kind: storage.EventNote, Body: "Posten lost it"}); err != nil {
				return nil, err
			}
			return nil, tx.AddEvidence(ctx, &storage.Evidence{CaseID: c.ID, Kind: "tracking", Ref: "LX123456789NO"}, &storage.Event{})
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE cases SET search = '', search_notes = ''`); err != nil {
			t.Fatal(err)
		}
		scope := storage.WorkspaceScope("slack", "T1")
		if got, _, _ := s.FindCases(ctx, storage.CaseQuery{Scope: scope, Text: "soren"}); len(got) != 0 {
			t.Fatalf("before Migrate: found %d cases, want none (search text emptied)", len(got))
		}
		if _, _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"soren", "cb-1001", "posten", "lx123456789no"} {
			got, _, err := s.FindCases(ctx, storage.CaseQuery{Scope: scope, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Errorf("after Migrate, find %q: %d cases, want 1", text, len(got))
			}
		}
	})
}

// TestFindPlans checks that a find can be served by the search index:
// the trigram GIN index on PostgreSQL (with sequential and plain index
// scans off, so that the test asks whether the index applies rather
// than what the planner prefers for 2,000 cases), the FTS5 table on
// SQLite; and that a field filter's key is not an index condition, only
// its word.
func TestFindPlans(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		if _, err := gendata.Fill(ctx, s, gendata.Config{Cases: 2000, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() == "postgres" {
			// explain's transaction is its own: set them for the session.
			s.db.SetMaxOpenConns(1)
			if _, err := s.db.ExecContext(ctx, "SET enable_indexscan = off"); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []storage.CaseQuery{
			{Scope: storage.AllWorkspaces, Text: "brightway"},
			{Scope: storage.AllWorkspaces, Fields: map[string]string{"customer": "hansen"}},
		} {
			cond, args, err := s.findQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			p := explain(t, s, `SELECT id FROM cases WHERE 1 = 1`+cond+` ORDER BY opened_at DESC, id DESC LIMIT 21`, args...)
			ok := map[string]bool{
				"postgres": strings.Contains(p, "cases_search_trgm_idx") && !strings.Contains(p, "Index Cond: (search ~~ '% customer"),
				"sqlite":   strings.Contains(p, "SCAN cases_fts VIRTUAL TABLE INDEX"),
			}[s.Dialect()]
			if !ok {
				t.Errorf("find %+v: the plan does not read the search index:\n%s", q, p)
			}
		}
	})
}
