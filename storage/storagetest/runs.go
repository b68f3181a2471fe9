package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// claimRun claims job's run key in its own transaction, committed unless
// fail is set, and reports whether it claimed it.
func claimRun(t *testing.T, s storage.Store, job, key string, fail bool) (bool, error) {
	var claimed bool
	errFail := errors.New("rolled back on purpose")
	_, _, err := s.Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		var err error
		if claimed, err = tx.ClaimRun(t.Context(), job, key); err != nil {
			return nil, err
		}
		if fail {
			return nil, errFail
		}
		return nil, nil
	})
	if fail && errors.Is(err, errFail) {
		err = nil
	}
	return claimed, err
}

// testClaimRun: a run key is claimed once; a rolled back claim leaves it
// free; the same key of another job is another run.
func testClaimRun(t *testing.T, s storage.Store) {
	if ok, err := claimRun(t, s, "reminder", "k1", true); err != nil || !ok {
		t.Fatalf("first claim (rolled back) = %v, %v; want true", ok, err)
	}
	if ok, err := claimRun(t, s, "reminder", "k1", false); err != nil || !ok {
		t.Fatalf("claim after a rollback = %v, %v; want true", ok, err)
	}
	if ok, err := claimRun(t, s, "reminder", "k1", false); err != nil || ok {
		t.Fatalf("second claim = %v, %v; want false", ok, err)
	}
	if ok, err := claimRun(t, s, "summary", "k1", false); err != nil || !ok {
		t.Fatalf("claim of another job's key = %v, %v; want true", ok, err)
	}
}

// testClaimRunConcurrent: of concurrent claims of one key, exactly one wins.
func testClaimRunConcurrent(t *testing.T, s storage.Store) {
	const n = 8
	for round := range 5 {
		key := "concurrent-" + string(rune('a'+round))
		var wg sync.WaitGroup
		won := make([]bool, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				won[i], errs[i] = claimRun(t, s, "reminder", key, false)
			}()
		}
		close(start)
		wg.Wait()
		winners := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("claim %d: %v", i, errs[i])
			}
			if won[i] {
				winners++
			}
		}
		if winners != 1 {
			t.Fatalf("%s: %d claims won, want exactly 1", key, winners)
		}
	}
}

// testSnooze: a snooze is read back within a transaction, a later one
// replaces it, each is on the timeline, and a case without one reads zero.
func testSnooze(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c := openPlain(t, s, "open-snoozed", "CB", "U1")
	other := openPlain(t, s, "open-other", "CB", "U1")
	until := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	read := func(caseID int64) time.Time {
		t.Helper()
		var got time.Time
		change(t, s, "", func(tx storage.Tx) error {
			var err error
			got, err = tx.SnoozedUntil(ctx, caseID)
			return err
		})
		return got
	}
	if got := read(c.ID); !got.IsZero() {
		t.Fatalf("SnoozedUntil before a snooze = %v, want zero", got)
	}
	for i, u := range []time.Time{until, until.Add(24 * time.Hour)} {
		change(t, s, fmt.Sprint("snooze-", i), func(tx storage.Tx) error {
			return tx.Snooze(ctx, c.ID, u.In(time.FixedZone("CET", 3600)), &storage.Event{Body: "silenced"})
		})
		if got := read(c.ID); !got.Equal(u) {
			t.Errorf("SnoozedUntil after snooze %d = %v, want %v", i, got, u)
		}
	}
	if got := read(other.ID); !got.IsZero() {
		t.Errorf("another case is snoozed: %v", got)
	}
	var snoozes int
	for _, ev := range timeline(t, s, c.ID) {
		if ev.Kind == storage.EventSnoozed {
			snoozes++
		}
	}
	if snoozes != 2 {
		t.Errorf("%d snoozed events, want 2", snoozes)
	}
	_, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.Snooze(ctx, c.ID+1000, until, &storage.Event{})
	})
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Snooze of a missing case: %v, want ErrNotFound", err)
	}
}

// testClaimedRuns: the claimed keys of a job are reported, a rolled back
// claim and another job's key are not.
func testClaimedRuns(t *testing.T, s storage.Store) {
	for _, c := range []struct {
		job, key string
		fail     bool
	}{{"reminder", "a", false}, {"reminder", "b", true}, {"summary", "c", false}} {
		if _, err := claimRun(t, s, c.job, c.key, c.fail); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ClaimedRuns(t.Context(), "reminder", []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["a"] {
		t.Errorf("ClaimedRuns = %v, want only a", got)
	}
	if none, err := s.ClaimedRuns(t.Context(), "reminder", nil); err != nil || len(none) != 0 {
		t.Errorf("ClaimedRuns of no keys = %v, %v", none, err)
	}
}
