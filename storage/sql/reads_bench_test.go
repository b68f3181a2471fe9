package sql

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

// BenchmarkReads measures the reads behind /case show, /case list,
// /case due and /case find on the internal/gendata databases (10
// thousand cases; 100 thousand and a million with
// DISPUTEDESK_BENCH_LARGE=1), within the target workspace (slack/T1),
// each size generated once for all four. With DISPUTEDESK_BENCH_EXPLAIN=1
// the plans of their queries are logged with their timings.
//
//   - show: the case by reference, its state, timeline and outbox
//     failures (an open case, and an old closed one);
//   - list: the workspace's open cases, newest 25 and the count, then
//     each row's state (what /case list reads for its rows' deadlines);
//   - due: the open deadlines of the workspace, all and mine;
//   - find: an old order number and a common word.
func BenchmarkReads(b *testing.B) {
	onGenerated(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		target := storage.WorkspaceScope("slack", "T1")
		open, _, err := s.FindCases(ctx, storage.CaseQuery{Scope: target, Status: storage.StatusOpen, Limit: 1})
		if err != nil || len(open) == 0 {
			b.Fatalf("no open case in %v: %v", target, err)
		}
		old, _, err := s.FindCases(ctx, storage.CaseQuery{Scope: target, Playbook: "chargeback", Status: storage.StatusClosed, Limit: 20})
		if err != nil || len(old) == 0 {
			b.Fatalf("no closed chargeback: %v", err)
		}
		closed := old[len(old)-1]
		mine := open[0].Assignee
		if mine == "" {
			mine = open[0].OpenedBy
		}
		list := storage.CaseQuery{Scope: target, Status: storage.StatusOpen, Limit: 25}
		due := storage.DeadlineFilter{Scope: target}
		dueMine := storage.DeadlineFilter{Scope: target, Mine: mine}
		finds := map[string]storage.CaseQuery{
			"order":  {Scope: target, Text: closed.Fields["order"]},
			"common": {Scope: target, Text: "brightway"},
		}
		if os.Getenv("DISPUTEDESK_BENCH_EXPLAIN") == "1" {
			logPlan := func(name, q string, args ...any) {
				b.Logf("%s:\n%s", name, explainAnalyze(b, s, q, args...))
			}
			logPlan("show/case", selectCaseByRef, closed.Ref.Prefix, closed.Ref.Number)
			logPlan("show/timeline", `SELECT id, case_id, at, actor, kind, body, data FROM case_events WHERE case_id = ? ORDER BY at, id`, closed.ID)
			logPlan("show/deadlines", selectDeadlines, closed.ID)
			for name, q := range map[string]storage.CaseQuery{"list": list, "find/order": finds["order"], "find/common": finds["common"]} {
				cond, args, err := s.findQuery(q)
				if err != nil {
					b.Fatal(err)
				}
				logPlan(name, `SELECT `+caseColumns+` FROM cases WHERE 1 = 1`+cond+` ORDER BY opened_at DESC, id DESC LIMIT 26`, args...)
			}
			for name, f := range map[string]storage.DeadlineFilter{"due": due, "due/mine": dueMine} {
				q, args, err := deadlinesQuery(f)
				if err != nil {
					b.Fatal(err)
				}
				logPlan(name, q, args...)
			}
		}
		show := func(b *testing.B, ref storage.Ref) {
			for b.Loop() {
				c, err := s.Case(ctx, target, ref)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.State(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Timeline(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
				if _, err := s.OutboxFailures(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run("show/open", func(b *testing.B) { show(b, open[0].Ref) })
		b.Run("show/closed", func(b *testing.B) { show(b, closed.Ref) })
		b.Run("list", func(b *testing.B) {
			var n, total int
			for b.Loop() {
				cs, t, err := s.FindCases(ctx, list)
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range cs {
					if _, err := s.State(ctx, c.ID); err != nil {
						b.Fatal(err)
					}
				}
				n, total = len(cs), t
			}
			b.ReportMetric(float64(n), "cases/op")
			b.ReportMetric(float64(total), "total/op")
		})
		for _, d := range []struct {
			name string
			f    storage.DeadlineFilter
		}{{"due", due}, {"due/mine", dueMine}} {
			b.Run(d.name, func(b *testing.B) {
				var n int
				for b.Loop() {
					ds, err := s.Deadlines(ctx, d.f)
					if err != nil {
						b.Fatal(err)
					}
					n = len(ds)
				}
				b.ReportMetric(float64(n), "deadlines/op")
			})
		}
		for _, name := range []string{"order", "common"} {
			b.Run(fmt.Sprintf("find/%s", name), func(b *testing.B) {
				var n int
				for b.Loop() {
					cs, _, err := s.FindCases(ctx, finds[name])
					if err != nil {
						b.Fatal(err)
					}
					n = len(cs)
				}
				b.ReportMetric(float64(n), "cases/op")
			})
		}
	})
}
