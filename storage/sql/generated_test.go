package sql

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/gendata"
)

// benchNow is the benchmarks' clock: the generated data ends here.
var benchNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// onGenerated runs fn as sub-benchmarks dialect/size on a database
// filled by internal/gendata and ANALYZEd: 10 thousand cases and, with
// DISPUTEDESK_BENCH_LARGE=1, 100 thousand and a million
// (DISPUTEDESK_BENCH_SIZE=1M, say, keeps one of them). Each database is generated once
// per size, before fn's b.Loop.
func onGenerated(b *testing.B, fn func(b *testing.B, s *Store)) {
	sizes := []struct {
		name  string
		cases int
	}{{"10k", 10_000}}
	if os.Getenv("DISPUTEDESK_BENCH_LARGE") == "1" {
		sizes = append(sizes, []struct {
			name  string
			cases int
		}{{"100k", 100_000}, {"1M", 1_000_000}}...)
	}
	if only := os.Getenv("DISPUTEDESK_BENCH_SIZE"); only != "" {
		// One size of the above, to generate only what a run measures.
		sizes = slices.DeleteFunc(sizes, func(s struct {
			name  string
			cases int
		}) bool {
			return s.name != only
		})
	}
	for _, d := range []struct {
		name string
		open func(testing.TB) *Store
	}{{"postgres", openPostgres}, {"sqlite", openSQLite}} {
		b.Run(d.name, func(b *testing.B) {
			for _, size := range sizes {
				b.Run(size.name, func(b *testing.B) {
					ctx := context.Background()
					s := migrated(b, d.open(b))
					start := time.Now()
					st, err := gendata.Fill(ctx, s, gendata.Config{Cases: size.cases, Seed: 1, Now: benchNow})
					if err != nil {
						b.Fatal(err)
					}
					if err := s.Analyze(ctx); err != nil {
						b.Fatal(err)
					}
					b.Logf("generated %d cases, %d events, %d deadlines in %v (with ANALYZE)", st.Cases, st.Events, st.Deadlines, time.Since(start).Round(time.Millisecond))
					fn(b, s)
				})
			}
		})
	}
}
