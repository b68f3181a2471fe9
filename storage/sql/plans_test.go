package sql

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/internal/gendata"
	"github.com/disputedesk/disputedesk/storage"
)

// TestQueryPlans checks that the playbook state reads are index reads:
// Deadlines scans the partial index of unmet deadlines in due order (no
// sort, no scan of met deadlines), and each read of State finds a case's
// rows by case_id. On PostgreSQL sequential scans are disabled for the
// EXPLAIN, so the test asks whether an index can serve the query rather
// than what the planner prefers for a few hundred rows.
func TestQueryPlans(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		// 150 cases, a third closed, each with 8 deadlines of which 6 are met.
		if _, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			for i := range 150 {
				c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", OpenedBy: fmt.Sprint("U", i%7), Assignee: fmt.Sprint("U", i%5)}
				if i%3 == 0 {
					c.Status = storage.StatusClosed
				}
				if err := tx.CreateCase(ctx, &c, &storage.Event{}); err != nil {
					return nil, err
				}
				var ds []storage.Deadline
				for j := range 8 {
					d := storage.Deadline{ID: fmt.Sprint("d", j), Due: t0.Add(time.Duration(i*8+j) * time.Hour)}
					if j < 6 {
						d.MetAt = &t0
					}
					ds = append(ds, d)
				}
				if err := tx.SetDeadlines(ctx, c.ID, ds, &storage.Event{}); err != nil {
					return nil, err
				}
				for j := range 2 {
					step := fmt.Sprint("s", j)
					if err := tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: step, Status: storage.StepDone}, &storage.Event{}); err != nil {
						return nil, err
					}
					if err := tx.SetCheck(ctx, storage.Check{CaseID: c.ID, StepID: step, Item: 1, Checked: true}, &storage.Event{}); err != nil {
						return nil, err
					}
				}
				if err := tx.AddEvidence(ctx, &storage.Evidence{CaseID: c.ID, Kind: "receipt"}, &storage.Event{}); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			f storage.DeadlineFilter
			// inOrder: PostgreSQL reads the index in due order and stops
			// at the limit. Without a limit it may as well read the unmet
			// deadlines (by the same index) and sort them; SQLite always
			// reads in order.
			inOrder bool
		}{
			{storage.DeadlineFilter{Scope: storage.AllWorkspaces}, false},
			{storage.DeadlineFilter{Scope: storage.AllWorkspaces, Limit: 10}, true},
			{storage.DeadlineFilter{Scope: storage.AllWorkspaces, Before: t0.Add(100 * time.Hour)}, false},
			{storage.DeadlineFilter{Scope: storage.AllWorkspaces, Mine: "U1", Before: t0.Add(100 * time.Hour), Limit: 5}, false},
		} {
			q, args, err := deadlinesQuery(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			p := explain(t, s, q, args...)
			var ok bool
			switch s.Dialect() {
			case "postgres":
				ok = strings.Contains(p, "Index Scan on deadlines_unmet_due_idx") || strings.Contains(p, "Index Scan using deadlines_unmet_due_idx")
				if tc.inOrder {
					ok = strings.Contains(p, "Index Scan using deadlines_unmet_due_idx") && !strings.Contains(p, "Sort")
				}
			case "sqlite":
				ok = strings.Contains(p, "USING INDEX deadlines_unmet_due_idx") && !strings.Contains(p, "TEMP B-TREE")
			}
			if !ok {
				t.Errorf("Deadlines(%+v) plan does not read deadlines_unmet_due_idx (in order: %v):\n%s", tc.f, tc.inOrder, p)
			}
		}

		for _, q := range []string{selectSteps, selectChecks, selectEvidence, selectDeadlines, selectLinks} {
			p := explain(t, s, q, 42)
			ok := map[string]bool{
				"postgres": strings.Contains(p, "Index Cond: (case_id = ") && !strings.Contains(p, "Seq Scan"),
				"sqlite":   strings.Contains(p, "(case_id=?)") && strings.Contains(p, "SEARCH"),
			}[s.Dialect()]
			if !ok {
				t.Errorf("%s\nplan does not find the case's rows by index:\n%s", q, p)
			}
		}
	})
}

// explain returns the plan of q, one line per row.
func explain(tb testing.TB, s *Store, q string, args ...any) string {
	tb.Helper()
	ctx := context.Background()
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	prefix := "EXPLAIN QUERY PLAN "
	if s.Dialect() == "postgres" {
		prefix = "EXPLAIN "
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			tb.Fatal(err)
		}
	}
	rows, err := tx.QueryxContext(ctx, tx.Rebind(prefix+q), args...)
	if err != nil {
		tb.Fatalf("explain %s: %v", q, err)
	}
	return planLines(tb, rows)
}

// planLines reads the lines of an EXPLAIN. PostgreSQL gives one text
// column; SQLite gives id, parent, notused and detail.
func planLines(tb testing.TB, rows *sqlx.Rows) string {
	tb.Helper()
	defer rows.Close()
	var lines []string
	for rows.Next() {
		cols, err := rows.SliceScan()
		if err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(cols[len(cols)-1]))
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestOutboxPlans checks that the outbox reads are index reads, however
// many messages were sent before: claiming reads the partial index of
// pending messages by due time and each candidate's older pending messages
// by case, a case's failures come from the partial index of failed
// messages, resuming a platform reads the pending messages by due time, and
// CaseByThread reads the two case indexes.
func TestOutboxPlans(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		// 100 cases of 10 messages each, nearly all of them sent.
		if _, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			for i := range 100 {
				// In the workspace CaseByThread asks for: with none,
				// the statistics would make the channel indexes of
				// migration 00010 look empty, and cheaper than the thread's.
				c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Platform: "slack", Workspace: "T1", Channel: "C1",
					Thread: fmt.Sprint("th-", i), CardMessageID: fmt.Sprint("card-", i)}
				if err := tx.CreateCase(ctx, &c, &storage.Event{}); err != nil {
					return nil, err
				}
				for j := range 10 {
					m := &storage.OutboxMessage{CaseID: c.ID, Kind: storage.OutboxThread, Payload: fmt.Sprint(i, "/", j)}
					if err := tx.Enqueue(ctx, m); err != nil {
						return nil, err
					}
				}
			}
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE outbox SET status = 'sent' WHERE id % 20 NOT IN (0, 1)`,
			`UPDATE outbox SET status = 'failed' WHERE id % 20 = 1`,
			`ANALYZE`,
		} {
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		now := time.Now()
		for _, tc := range []struct {
			name string
			q    string
			args []any
			// want are what the plan must contain, dialect by dialect:
			// one of each group.
			want map[string][][]string
		}{
			// PostgreSQL may read the pending messages by due time or,
			// a bitmap of them, by case: either index holds only pending
			// messages.
			{"claim", claimDue + s.d.claimLock, []any{now, now, 16}, map[string][][]string{
				"postgres": {
					{"Index Scan using outbox_pending_due_idx on outbox o", "Bitmap Index Scan on outbox_pending_due_idx", "Bitmap Index Scan on outbox_case_pending_idx"},
					{"Index Only Scan using outbox_case_pending_idx on outbox p"},
				},
				"sqlite": {{"SEARCH o USING INDEX outbox_pending_due_idx"}, {"SEARCH p USING COVERING INDEX outbox_case_pending_idx"}},
			}},
			{"failures", selectFailures, []any{42}, map[string][][]string{
				"postgres": {{"using outbox_case_failed_idx on outbox o", "Bitmap Index Scan on outbox_case_failed_idx"}},
				"sqlite":   {{"SEARCH o USING INDEX outbox_case_failed_idx (case_id=?)"}},
			}},
			{"resume", resumeOutbox, []any{now, now, "slack"}, map[string][][]string{
				"postgres": {{"outbox_pending_due_idx"}},
				"sqlite":   {{"USING INDEX outbox_pending_due_idx"}},
			}},
			{"case by thread", selectCaseByThread, []any{"slack", "C1", "th-7", "th-7", "T1", "th-7"}, map[string][][]string{
				"postgres": {{"cases_thread_idx"}, {"cases_card_message_idx"}},
				"sqlite":   {{"USING INDEX cases_thread_idx"}, {"USING INDEX cases_card_message_idx"}},
			}},
		} {
			p := explain(t, s, tc.q, tc.args...)
			for _, group := range tc.want[s.Dialect()] {
				if !slices.ContainsFunc(group, func(w string) bool { return strings.Contains(p, w) }) {
					t.Errorf("%s: plan contains none of %q:\n%s", tc.name, group, p)
				}
			}
			if strings.Contains(p, "Seq Scan") || strings.Contains(p, "SCAN o\n") || strings.HasSuffix(p, "SCAN o") {
				t.Errorf("%s: plan scans a table:\n%s", tc.name, p)
			}
		}
	})
}

// TestSummaryPlans checks that the daily summary's reads start from the
// channel's indexes (migration 00010), never a scan of cases: SummaryCases
// unites ranges of the open, opened and closed indexes of the channel and
// reads the rows by id; Deadlines of a channel before a time starts from
// the channel's open cases (SQLite finds their deadlines by case). The
// duplicate check of an open, in the same workspace, reads the open cases'
// id indexes (migration 00016), not the workspace's open cases.
func TestSummaryPlans(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		// Four channels of two a day for two years.
		if _, err := gendata.Fill(ctx, s, gendata.Config{Cases: 5000, Seed: 2, Now: now, PerDay: 2}); err != nil {
			t.Fatal(err)
		}
		if err := s.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
		scope := gendata.TargetScope()
		sq, sargs, err := summaryQuery(scope, now.Add(-90*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		dq, dargs, err := deadlinesQuery(storage.DeadlineFilter{Scope: scope, Before: now.Add(72 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		oq, oargs, err := openCasesWithQuery(s.d, storage.WorkspaceScope(scope.Platform, scope.Workspace), "chargeback", map[string]string{"order": "#104200", "dispute_id": "dp_1"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			q    string
			args []any
			want map[string][]string
		}{
			{"duplicates at opening", s.db.Rebind(oq), oargs, map[string][]string{
				"postgres": {"cases_open_order_idx", "cases_open_dispute_id_idx"},
				"sqlite":   {"INDEX cases_open_order_idx", "INDEX cases_open_dispute_id_idx"},
			}},
			{"summary cases", sq, sargs, map[string][]string{
				"postgres": {"cases_channel_open_idx", "cases_channel_opened_idx", "cases_channel_closed_idx", "cases_pkey"},
				"sqlite":   {"INDEX cases_channel_open_idx", "INDEX cases_channel_opened_idx", "INDEX cases_channel_closed_idx", "SEARCH cases USING INTEGER PRIMARY KEY"},
			}},
			{"channel deadlines", dq, dargs, map[string][]string{
				// Which way PostgreSQL joins depends on the sizes: at a
				// few thousand cases it hashes the unmet deadlines due
				// before the bound; at a million (BENCHMARKS.md) it looks
				// up each open case's deadlines in deadlines_pkey.
				"postgres": {"Index Scan using cases_channel_open_idx on cases c"},
				// SQLite, without the statistics to tell, starts from
				// the due index, which holds the open cases' deadlines
				// only since closing retires them (migration 00015), or
				// from the channel's open cases.
				"sqlite": {"SEARCH d USING INDEX deadlines_unmet_due_idx (due<?)|SEARCH c USING INDEX cases_channel_open_idx",
					"SEARCH c USING INTEGER PRIMARY KEY (rowid=?)|SEARCH d USING INDEX sqlite_autoindex_deadlines_1 (case_id=?)"},
			}},
		} {
			p := explain(t, s, tc.q, tc.args...)
			// A want is alternatives separated by |.
			for _, w := range tc.want[s.Dialect()] {
				if !slices.ContainsFunc(strings.Split(w, "|"), func(alt string) bool { return strings.Contains(p, alt) }) {
					t.Errorf("%s: plan does not use %q:\n%s", tc.name, w, p)
				}
			}
			if strings.Contains(p, "Seq Scan") || strings.Contains(p, "SCAN cases") || strings.Contains(p, "SCAN c\n") || strings.Contains(p, "SCAN d") {
				t.Errorf("%s: plan scans a table:\n%s", tc.name, p)
			}
		}
	})
}

// TestDuplicatePlanWithoutStatistics: on a SQLite file never analyzed (a
// new install), the duplicate check still reads the open cases' id index,
// not every open case through cases_status_opened_idx, which an ORDER BY
// with a LIMIT, and an OR of two fields, once led it to walk.
func TestDuplicatePlanWithoutStatistics(t *testing.T) {
	ctx := context.Background()
	s := migrated(t, openSQLite(t))
	if _, err := gendata.Fill(ctx, s, gendata.Config{Cases: 2000, Seed: 3, Now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	scope := gendata.TargetScope()
	// One field and two: an OR of the two was planned as that walk too.
	for _, ids := range []map[string]string{{"order": "#104200"}, {"order": "#104200", "dispute_id": "dp_1"}} {
		q, args, err := openCasesWithQuery(s.d, storage.WorkspaceScope(scope.Platform, scope.Workspace), "chargeback", ids)
		if err != nil {
			t.Fatal(err)
		}
		if p := explain(t, s, q, args...); !strings.Contains(p, "INDEX cases_open_order_idx") || strings.Contains(p, "cases_status_opened_idx") {
			t.Errorf("duplicate check plan of %v without statistics:\n%s", ids, p)
		}
	}
}

// TestClaimPlanWithMessagesPutOff: with many messages put off (a platform
// down for hours, say), a claim on SQLite without statistics reads the due
// index up to its limit rather than the whole outbox by rowid, which an
// ORDER BY id once had it do: every claim, after every commit, 17 ms and
// the one writer held with 24,000 messages waiting.
func TestClaimPlanWithMessagesPutOff(t *testing.T) {
	ctx := context.Background()
	s := migrated(t, openSQLite(t))
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var ids []int64
	if _, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		for i := range 500 {
			m := storage.OutboxMessage{Platform: "slack", Workspace: "T1", Channel: fmt.Sprint("C", i%20), Kind: storage.OutboxChannel, Payload: "{}"}
			if err := tx.Enqueue(ctx, &m); err != nil {
				return nil, err
			}
			ids = append(ids, m.ID)
		}
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxPostpone(ctx, now.Add(24*time.Hour), ids...); err != nil {
		t.Fatal(err)
	}
	if p := explain(t, s, s.db.Rebind(claimDue), now, now, 256); !strings.Contains(p, "USING INDEX outbox_pending_due_idx") || strings.Contains(p, "SCAN o") {
		t.Errorf("claim plan:\n%s", p)
	}
}
