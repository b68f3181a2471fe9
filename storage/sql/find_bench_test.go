package sql

import (
	"context"
	"os"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

// BenchmarkFind measures /case find and a filtered /case list on 10
// thousand cases and, with DISPUTEDESK_BENCH_LARGE=1, a million
// (internal/gendata), within the target workspace and across all of
// them (the console): a rare word (an order number), a name (customer
// first and last name), a common word (a supplier's, thousands of
// matches, so the count runs too) and a list filtered by status,
// playbook and a field. With DISPUTEDESK_BENCH_EXPLAIN=1 the plans are
// logged with their timings.
func BenchmarkFind(b *testing.B) {
	onGenerated(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		target := storage.WorkspaceScope("slack", "T1")
		// An order number of an old case, a rare word.
		old, _, err := s.FindCases(ctx, storage.CaseQuery{Scope: target, Playbook: "chargeback", Status: storage.StatusClosed, Limit: 20})
		if err != nil || len(old) == 0 {
			b.Fatalf("no closed chargeback to take an order from: %v", err)
		}
		order := old[len(old)-1].Fields["order"]
		queries := []struct {
			name string
			q    storage.CaseQuery
		}{
			{"order", storage.CaseQuery{Text: order}},
			{"customer", storage.CaseQuery{Text: "Léa Müller"}},
			{"common", storage.CaseQuery{Text: "brightway"}},
			{"list", storage.CaseQuery{Status: storage.StatusOpen, Playbook: "return", Fields: map[string]string{"customer": "hansen"}}},
		}
		for _, sc := range []struct {
			name  string
			scope storage.Scope
		}{{"workspace", target}, {"all", storage.AllWorkspaces}} {
			for _, qq := range queries {
				q := qq.q
				q.Scope = sc.scope
				if os.Getenv("DISPUTEDESK_BENCH_EXPLAIN") == "1" {
					cond, args, err := s.findQuery(q)
					if err != nil {
						b.Fatal(err)
					}
					b.Logf("%s/%s:\n%s", sc.name, qq.name, explainAnalyze(b, s, `SELECT `+caseColumns+` FROM cases WHERE 1 = 1`+cond+` ORDER BY opened_at DESC, id DESC LIMIT 21`, args...))
				}
				b.Run(sc.name+"/"+qq.name, func(b *testing.B) {
					var n, total int
					for b.Loop() {
						cs, t, err := s.FindCases(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						n, total = len(cs), t
					}
					b.ReportMetric(float64(n), "cases/op")
					b.ReportMetric(float64(total), "total/op")
				})
			}
		}
	})
}
