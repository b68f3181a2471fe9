package sql

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/gendata"
	"github.com/disputedesk/disputedesk/storage"
)

// TestBulkLoad checks that bulk-loaded cases read back as they were given,
// with their timelines and deadlines, numbered after what the prefix had,
// and that CreateCase continues the numbering.
func TestBulkLoad(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		first := openBench(t, s, "CB") // CB-1001, before the load

		var records []storage.CaseRecord
		for r := range gendata.Records(gendata.Config{Cases: 1200, Seed: 5, Now: now}) {
			records = append(records, r)
		}
		// Two loads: the second numbers after the first.
		if err := s.BulkLoad(ctx, records[:700]); err != nil {
			t.Fatal(err)
		}
		if err := s.BulkLoad(ctx, records[700:]); err != nil {
			t.Fatal(err)
		}
		next := map[string]int64{"CB": 1002, "RMA": 1001, "MC": 1001, "SUP": 1001, "RCL": 1001}
		for i, r := range records {
			if want := next[r.Case.Ref.Prefix]; r.Case.Ref.Number != want {
				t.Fatalf("record %d numbered %s, want number %d", i, r.Case.Ref, want)
			}
			next[r.Case.Ref.Prefix]++
		}
		for _, i := range []int{0, 1, 699, 700, 1199} {
			r := records[i]
			got, err := s.Case(ctx, storage.AllWorkspaces, r.Case.Ref)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r.Case) {
				t.Errorf("Case(%s) =\n %+v\nloaded\n %+v", r.Case.Ref, got, r.Case)
			}
			evs, err := s.Timeline(ctx, got.ID)
			if err != nil || len(evs) != len(r.Events) {
				t.Fatalf("Timeline(%s) = %d events, %v; loaded %d", r.Case.Ref, len(evs), err, len(r.Events))
			}
			for j := range evs {
				evs[j].ID = 0
			}
			if !reflect.DeepEqual(evs, r.Events) {
				t.Errorf("Timeline(%s) =\n %+v\nloaded\n %+v", r.Case.Ref, evs, r.Events)
			}
			st, err := s.State(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(r.Deadlines)
			slices.SortFunc(want, func(a, b storage.Deadline) int { return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.ID, b.ID)) })
			if !reflect.DeepEqual(st.Deadlines, want) {
				t.Errorf("deadlines of %s =\n %+v\nloaded\n %+v", r.Case.Ref, st.Deadlines, want)
			}
		}
		// Opening a case after the load takes the next number and an id
		// past the loaded ones.
		after := openBench(t, s, "CB")
		if after.Ref.Number != next["CB"] || after.ID <= records[len(records)-1].Case.ID || first.Ref.Number != 1001 {
			t.Errorf("case opened after the load is %s (id %d), want CB-%d with an id past %d", after.Ref, after.ID, next["CB"], records[len(records)-1].Case.ID)
		}
	})
}

// openBench opens a benchCase with prefix through Update.
func openBench(tb testing.TB, s *Store, prefix string) storage.Case {
	tb.Helper()
	c := benchCase()
	c.Ref.Prefix = prefix
	if _, _, err := s.Update(context.Background(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.CreateCase(context.Background(), &c, &storage.Event{Kind: storage.EventOpened})
	}); err != nil {
		tb.Fatal(err)
	}
	return c
}
