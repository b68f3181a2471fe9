package sql

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/gendata"
	"github.com/disputedesk/disputedesk/internal/summary"
	"github.com/disputedesk/disputedesk/storage"
)

// BenchmarkSummary measures building a channel's daily summary: the
// read behind it (SummaryCases of the target channel over 90 days, and
// its deadlines due within 72 hours, overdue ones included), the summary
// built and rendered from it and, in /chart, with its chart, on 10 thousand
// cases and, with DISPUTEDESK_BENCH_LARGE=1, a million. The target
// channel's 90 days are the same at both sizes (internal/gendata), so the
// time should stay nearly flat. The database is generated once per size
// (b.Loop runs the setup once); with DISPUTEDESK_BENCH_EXPLAIN=1 the plans
// of both queries are logged with their timings.
func BenchmarkSummary(b *testing.B) {
	onGenerated(b, func(b *testing.B, s *Store) {
		ctx, now := context.Background(), benchNow
		scope := gendata.TargetScope()
		since := now.Add(-gendata.Days * 24 * time.Hour)
		f := storage.DeadlineFilter{Scope: scope, Before: now.Add(72 * time.Hour)}
		if os.Getenv("DISPUTEDESK_BENCH_EXPLAIN") == "1" {
			q, args, err := summaryQuery(scope, since)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("SummaryCases:\n%s", explainAnalyze(b, s, q, args...))
			q, args, err = deadlinesQuery(f)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("Deadlines:\n%s", explainAnalyze(b, s, q, args...))
		}
		ch := storage.ChannelSettings{Platform: scope.Platform, Workspace: scope.Workspace, Channel: scope.Channels[0]}
		b.Run("read", func(b *testing.B) {
			var cases, due int
			for b.Loop() {
				cs, err := s.SummaryCases(ctx, scope, since)
				if err != nil {
					b.Fatal(err)
				}
				ds, err := s.Deadlines(ctx, f)
				if err != nil {
					b.Fatal(err)
				}
				cases, due = len(cs), len(ds)
			}
			b.ReportMetric(float64(cases), "cases/op")
			b.ReportMetric(float64(due), "deadlines/op")
		})
		b.Run("built", func(b *testing.B) {
			for b.Loop() {
				sum, err := summary.Read(ctx, s, ch, now.Add(-24*time.Hour), now, nil)
				if err != nil {
					b.Fatal(err)
				}
				summary.Render(sum, summary.Options{})
			}
		})
		b.Run("chart", func(b *testing.B) {
			for b.Loop() {
				if _, err := summary.Compose(ctx, s, ch, now.Add(-24*time.Hour), now, nil, summary.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// explainAnalyze runs q under EXPLAIN ANALYZE (EXPLAIN QUERY PLAN on
// SQLite, which has no timings) and returns the plan.
func explainAnalyze(tb testing.TB, s *Store, q string, args ...any) string {
	tb.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if s.Dialect() == "postgres" {
		prefix = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	rows, err := s.db.QueryxContext(context.Background(), s.db.Rebind(prefix+q), args...)
	if err != nil {
		tb.Fatalf("explain %s: %v", q, err)
	}
	return planLines(tb, rows)
}
