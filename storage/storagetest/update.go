package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

func testAtomic(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c, _ := openCase(t, s, key("open"), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", OpenedBy: "U1", Fields: map[string]string{"order": "1"}}, storage.Event{})
	before := getCase(t, s, c.Ref)

	resp, replayed, err := s.Update(ctx, key("assign"), func(tx storage.Tx) ([]byte, error) {
		got, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, c.Ref)
		if err != nil {
			return nil, err
		}
		got.Assignee = "U9"
		got.Fields["order"] = "2"
		if err := tx.UpdateCase(ctx, &got, &storage.Event{Actor: "U1", Kind: storage.EventAssigned, Body: "to U9"}); err != nil {
			return nil, err
		}
		if err := tx.AppendEvent(ctx, &storage.Event{CaseID: got.ID, Actor: "U1", Kind: storage.EventNote, Body: "note"}); err != nil {
			return nil, err
		}
		return []byte("assigned"), fmt.Errorf("assign: %w", &userError{"U9 is on holiday"})
	})
	var ue *userError
	if !errors.As(err, &ue) || ue.msg != "U9 is on holiday" {
		t.Fatalf("Update error = %v, want the caller's *userError", err)
	}
	if replayed || resp != nil {
		t.Errorf("failed Update returned %q, replayed=%v; want nothing", resp, replayed)
	}
	after := getCase(t, s, c.Ref)
	diffCase(t, "after rolled back update", after, before)
	if n := len(timeline(t, s, c.ID)); n != 1 {
		t.Errorf("timeline has %d events after a rolled back update, want 1", n)
	}

	// The failed request was not recorded: the same key runs for real.
	resp, replayed, err = s.Update(ctx, key("assign"), func(tx storage.Tx) ([]byte, error) {
		got, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, c.Ref)
		if err != nil {
			return nil, err
		}
		got.Assignee = "U8"
		return []byte("assigned to U8"), tx.UpdateCase(ctx, &got, &storage.Event{Actor: "U1", Kind: storage.EventAssigned})
	})
	if err != nil || replayed || string(resp) != "assigned to U8" {
		t.Fatalf("retry after a failure: %q, replayed=%v, %v; want a fresh run", resp, replayed, err)
	}
	if got := getCase(t, s, c.Ref); got.Assignee != "U8" {
		t.Errorf("assignee %q, want U8", got.Assignee)
	}
	if n := len(timeline(t, s, c.ID)); n != 2 {
		t.Errorf("timeline has %d events, want 2", n)
	}
}

func testReplay(t *testing.T, s storage.Store) {
	ctx := t.Context()
	k := storage.RequestKey{Platform: "slack", ID: "trigger-123"}
	open := func(answer string) func(storage.Tx) ([]byte, error) {
		return func(tx storage.Tx) ([]byte, error) {
			c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}
			if err := tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}); err != nil {
				return nil, err
			}
			return []byte(answer + " " + c.Ref.String()), nil
		}
	}
	resp, replayed, err := s.Update(ctx, k, open("first"))
	if err != nil || replayed || string(resp) != "first CB-1001" {
		t.Fatalf("first Update: %q, replayed=%v, %v", resp, replayed, err)
	}
	resp, replayed, err = s.Update(ctx, k, open("second"))
	if err != nil || !replayed || string(resp) != "first CB-1001" {
		t.Fatalf("same key again: %q, replayed=%v, %v; want the first response replayed", resp, replayed, err)
	}
	countCases(t, s, 1)
	c := getCase(t, s, storage.Ref{Prefix: "CB", Number: 1001})
	if n := len(timeline(t, s, c.ID)); n != 1 {
		t.Errorf("timeline has %d events after a replay, want 1", n)
	}

	// The same ID on another platform is another request; an empty ID is
	// not idempotent: both run. The replay's rolled back open may have
	// taken a number (PostgreSQL's sequences), so numbers are unique and
	// increasing, not gapless.
	numbers := []int64{1001}
	for i, k := range []storage.RequestKey{{Platform: "discord", ID: k.ID}, {Platform: "console"}, {Platform: "console"}} {
		resp, replayed, err = s.Update(ctx, k, open("new"))
		var ref storage.Ref
		if err == nil {
			ref, err = storage.ParseRef(strings.TrimPrefix(string(resp), "new "))
		}
		if err != nil || replayed || ref.Prefix != "CB" {
			t.Fatalf("call %d (%+v): %q, replayed=%v, %v; want a new case", i, k, resp, replayed, err)
		}
		numbers = append(numbers, ref.Number)
	}
	if !uniqueIncreasing(numbers) {
		t.Errorf("numbers %v, want them unique and increasing", numbers)
	}
	countCases(t, s, 4)
}

func testReplayAfterError(t *testing.T, s storage.Store) {
	ctx := t.Context()
	k := key("retry-me")
	if _, _, err := s.Update(ctx, k, func(tx storage.Tx) ([]byte, error) {
		c := storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return"}
		return []byte("opened RMA-1001"), tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened})
	}); err != nil {
		t.Fatal(err)
	}
	// The retry's fn fails (say, a validation that now sees the case): the
	// caller still gets the first answer.
	resp, replayed, err := s.Update(ctx, k, func(tx storage.Tx) ([]byte, error) {
		return nil, &userError{"RMA already open for this order"}
	})
	if err != nil || !replayed || string(resp) != "opened RMA-1001" {
		t.Errorf("failing retry: %q, replayed=%v, %v; want the first response replayed", resp, replayed, err)
	}
	countCases(t, s, 1)
}

func testConcurrentSameKey(t *testing.T, s storage.Store) {
	ctx := t.Context()
	const n = 8
	type result struct {
		resp     string
		replayed bool
		err      error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			resp, replayed, err := s.Update(ctx, key("double-click"), func(tx storage.Tx) ([]byte, error) {
				c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", OpenedBy: fmt.Sprint("G", i)}
				if err := tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}); err != nil {
					return nil, err
				}
				return []byte(fmt.Sprintf("goroutine %d opened %s", i, c.Ref)), nil
			})
			results[i] = result{string(resp), replayed, err}
		})
	}
	close(start)
	wg.Wait()
	fresh := 0
	for i, r := range results {
		if r.err != nil {
			t.Errorf("goroutine %d: %v", i, r.err)
			continue
		}
		if !r.replayed {
			fresh++
		}
		// The opens rolled back may have taken numbers (PostgreSQL's
		// sequences): the one kept is a CB number, not always 1001.
		if r.resp != results[0].resp || !strings.Contains(r.resp, "opened CB-") {
			t.Errorf("goroutine %d got %q, goroutine 0 got %q; want one CB response for all", i, r.resp, results[0].resp)
		}
	}
	if fresh != 1 {
		t.Errorf("%d responses not replayed, want exactly 1", fresh)
	}
	countCases(t, s, 1)
}

func testConcurrentOpens(t *testing.T, s storage.Store) {
	ctx := t.Context()
	const workers, each = 4, 5
	var mu sync.Mutex
	var numbers []int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := range each {
				var c storage.Case
				_, _, err := s.Update(ctx, key(fmt.Sprintf("w%d-%d", w, i)), func(tx storage.Tx) ([]byte, error) {
					c = storage.Case{Ref: storage.Ref{Prefix: "SUP"}, Playbook: "supplier-dispute", Amount: &storage.Money{Minor: int64(w*100 + i), Currency: "EUR"}}
					return nil, tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened})
				})
				if err != nil {
					t.Errorf("worker %d open %d: %v", w, i, err)
					continue
				}
				mu.Lock()
				numbers = append(numbers, c.Ref.Number)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	// Unique, from 1001 on; gapless here since no open rolled back,
	// though numbering promises only unique and increasing.
	slices.Sort(numbers)
	if len(numbers) != workers*each || numbers[0] < 1001 || !uniqueIncreasing(numbers) {
		t.Errorf("numbers %v, want %d unique numbers from 1001", numbers, workers*each)
	}
	countCases(t, s, workers*each)
}

func countCases(t *testing.T, s storage.Store, want int) {
	t.Helper()
	list, err := s.Cases(t.Context(), storage.CaseFilter{Scope: storage.AllWorkspaces})
	if err != nil {
		t.Fatalf("Cases: %v", err)
	}
	if len(list) != want {
		t.Errorf("%d cases, want %d", len(list), want)
	}
}
