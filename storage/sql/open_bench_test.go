package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkOpensParallel measures opens per second of one prefix with 1,
// 4 and 16 opens at a time: what openRequest writes (the case, its
// events, two deadlines, the card's outbox row, the request record). Run
// it with PGTEST_DURABLE=1 so that each commit waits for its WAL flush,
// as on a real server: opens of one prefix no longer queue behind each
// other's transactions for the number, so the flushes of concurrent
// commits can overlap (group commit).
func BenchmarkOpensParallel(b *testing.B) {
	for _, d := range []struct {
		name string
		open func(testing.TB) *Store
	}{{"postgres", openPostgres}, {"sqlite", openSQLite}} {
		b.Run(d.name, func(b *testing.B) {
			s := migrated(b, d.open(b))
			ctx := context.Background()
			if err := openRequest(ctx, s, "warm"); err != nil {
				b.Fatal(err)
			}
			var seq atomic.Int64
			for _, conns := range []int{1, 4, 16} {
				b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
					s.db.SetMaxIdleConns(conns) // no reconnects between opens
					start := time.Now()
					var wg sync.WaitGroup
					var failed atomic.Value
					per := (b.N + conns - 1) / conns
					for range conns {
						wg.Go(func() {
							for range per {
								if err := openRequest(ctx, s, "o"+strconv.FormatInt(seq.Add(1), 10)); err != nil {
									failed.Store(err)
									return
								}
							}
						})
					}
					wg.Wait()
					if err, ok := failed.Load().(error); ok {
						b.Fatal(err)
					}
					b.ReportMetric(float64(per*conns)/time.Since(start).Seconds(), "opens/s")
				})
			}
		})
	}
}

// BenchmarkPreparedOpen asks whether prepared statements cut what an open
// costs PostgreSQL: the open's statements (the case with its events and
// deadlines in one, the request record) in a transaction, sent as
// unnamed statements (parsed and planned each time, what lib/pq does
// through database/sql) or prepared once on the connection. It reports
// the server backend's CPU per open, read from /proc (so the server must
// run on this machine: the pgtest throwaway server).
func BenchmarkPreparedOpen(b *testing.B) {
	s := migrated(b, openPostgres(b))
	ctx := context.Background()
	s.db.SetMaxOpenConns(1) // one backend, whose CPU is read
	var pid int
	if err := s.db.GetContext(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
		b.Fatal(err)
	}
	q := openCaseHead + rows(openCaseEventRow, 2) + openCaseEvents + openCaseDeadlines + rows(openCaseDeadlineRow, 2) + openCaseDeadlinesEnd + openCaseTail
	q = s.db.Rebind(q)
	record := s.db.Rebind(`INSERT INTO processed_requests (platform, request_id, response, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform, request_id) DO NOTHING`)
	c := benchCase()
	head, tail := searchParts(&c)
	now := time.Now().UTC()
	args := func() []any {
		return []any{"CB", "CB", c.Playbook, "open", `{"order":"#10042"}`, c.Amount.Minor, c.Amount.Currency,
			c.Platform, c.Workspace, c.Channel, "", "", c.OpenedBy, "",
			"", nil, "", now, now, nil, nil, head, tail,
			now, "U1", "opened", "Case opened", "{}", now, "U1", "deadline", "Evidence due", "{}",
			"evidence_due", "Evidence due", now.Add(time.Hour), "7 days", "opened", "", nil,
			"step:ack", "Acknowledge", now.Add(time.Hour), "1 day", "opened", "", nil}
	}
	for _, prepared := range []bool{false, true} {
		name := "unprepared"
		if prepared {
			name = "prepared"
		}
		b.Run(name, func(b *testing.B) {
			// Prepared on the pool, whose one connection is the conn below:
			// Tx.StmtContext then runs them as prepared on it. A statement
			// prepared on a Conn would be prepared again by every
			// Tx.StmtContext (database/sql re-prepares a statement that
			// belongs to a Conn), a round trip more per statement.
			var openStmt, recordStmt *dbsql.Stmt
			var err error
			if prepared {
				if openStmt, err = s.db.PrepareContext(ctx, q); err != nil {
					b.Fatal(err)
				}
				defer openStmt.Close()
				if recordStmt, err = s.db.PrepareContext(ctx, record); err != nil {
					b.Fatal(err)
				}
				defer recordStmt.Close()
			}
			conn, err := s.db.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			cpu0 := backendCPU(b, pid)
			i := 0
			for b.Loop() {
				i++
				tx, err := conn.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				id := name + strconv.Itoa(i)
				if prepared {
					_, err = tx.StmtContext(ctx, openStmt).ExecContext(ctx, args()...)
					if err == nil {
						_, err = tx.StmtContext(ctx, recordStmt).ExecContext(ctx, "slack", id, "{}", now)
					}
				} else {
					_, err = tx.ExecContext(ctx, q, args()...)
					if err == nil {
						_, err = tx.ExecContext(ctx, record, "slack", id, "{}", now)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((backendCPU(b, pid)-cpu0).Microseconds())/float64(b.N), "server-cpu-µs/op")
			if prepared {
				// Each open ran both prepared statements, not copies
				// prepared again per transaction.
				var runs int
				if err := conn.QueryRowContext(ctx, `SELECT COALESCE(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements`).Scan(&runs); err != nil {
					b.Fatal(err)
				}
				if runs < 2*b.N {
					b.Fatalf("the prepared statements ran %d times in %d opens, want %d: they were prepared again", runs, b.N, 2*b.N)
				}
			}
		})
	}
}

// backendCPU is the user and system CPU time process pid has used, from
// /proc/pid/stat (in clock ticks of 10 ms).
func backendCPU(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Skipf("backend CPU: %v (the server must run on this machine)", err)
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
