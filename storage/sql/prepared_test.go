package sql

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// TestOpenPathPrepared: on PostgreSQL the open path's statements (the
// open's CTE, its outbox row, the request record) are prepared once on a
// connection and run from there in every transaction, not parsed and
// planned again per open.
func TestOpenPathPrepared(t *testing.T) {
	ctx := context.Background()
	s := migrated(t, openPostgres(t))
	s.db.SetMaxOpenConns(1) // pg_prepared_statements is the session's
	const opens = 5
	for i := range opens {
		_, _, err := s.Update(ctx, storage.RequestKey{Platform: "slack", ID: fmt.Sprint("prep-", i)}, func(tx storage.Tx) ([]byte, error) {
			c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Platform: "slack", Workspace: "T1", Channel: "C1", OpenedBy: "U1"}
			ds := []storage.Deadline{{ID: "evidence_due", Title: "Evidence", Due: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}}
			if err := tx.OpenCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}, ds, &storage.Event{}); err != nil {
				return nil, err
			}
			return []byte("{}"), tx.Enqueue(ctx, &storage.OutboxMessage{CaseID: c.ID, Platform: "slack", Workspace: "T1", Channel: "C1", Kind: storage.OutboxCard, Payload: "{}"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.db.QueryxContext(ctx, `SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	runs := map[string]int{}
	for rows.Next() {
		var q string
		var n int
		if err := rows.Scan(&q, &n); err != nil {
			t.Fatal(err)
		}
		for _, what := range []string{"INSERT INTO case_events", "INSERT INTO outbox", "INSERT INTO processed_requests"} {
			if strings.Contains(q, what) {
				runs[what] += n
			}
		}
	}
	for _, what := range []string{"INSERT INTO case_events", "INSERT INTO outbox", "INSERT INTO processed_requests"} {
		if runs[what] != opens {
			t.Errorf("the prepared statement of %q ran %d times in %d opens, want %d (all: %v)", what, runs[what], opens, opens, runs)
		}
	}
}
