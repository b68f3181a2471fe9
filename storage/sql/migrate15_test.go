package sql

import (
	"context"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// TestMigration15 takes a database with a closed case down to version 14
// and up again: the closed case's unmet deadline is backfilled as
// retired, the open case's is not, and numbering goes on after the
// prefix's last number (from its case_numbers row into the PostgreSQL
// sequence and back).
func TestMigration15(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		due := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		openCB := func(id string) storage.Case {
			t.Helper()
			c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}
			if _, _, err := s.Update(ctx, storage.RequestKey{Platform: "console", ID: id}, func(tx storage.Tx) ([]byte, error) {
				return nil, tx.OpenCase(ctx, &c, &storage.Event{Kind: storage.EventOpened},
					[]storage.Deadline{{ID: "evidence_due", Due: due}}, &storage.Event{Kind: storage.EventDeadline})
			}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		closed, opened := openCB("a"), openCB("b")
		if _, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			c := closed
			c.Status = storage.StatusClosed
			return nil, tx.UpdateCase(ctx, &c, &storage.Event{Kind: storage.EventClosed})
		}); err != nil {
			t.Fatal(err)
		}
		p, err := s.provider()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DownTo(ctx, 14); err != nil {
			t.Fatalf("down to 14: %v", err)
		}
		var last int64
		if err := s.db.GetContext(ctx, &last, `SELECT last FROM case_numbers WHERE prefix = 'CB'`); err != nil || last != 1002 {
			t.Fatalf("case_numbers of CB at 14: %d, %v; want 1002", last, err)
		}
		if _, _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			c       storage.Case
			retired bool
		}{{closed, true}, {opened, false}} {
			st, err := s.State(ctx, tc.c.ID)
			if err != nil || len(st.Deadlines) != 1 || (st.Deadlines[0].RetiredAt != nil) != tc.retired {
				t.Errorf("%s after the backfill: %+v, %v; want retired %v", tc.c.Ref, st.Deadlines, err, tc.retired)
			}
		}
		if next := openCB("c"); next.Ref.Number != 1003 {
			t.Errorf("next case after migrating up: %s, want CB-1003", next.Ref)
		}
	})
}
