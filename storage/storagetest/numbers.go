package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// testOpensDoNotWait opens a case of a prefix while another open of the
// same prefix has taken its number and not committed: the second must not
// wait for the first (a number is not a lock held for a transaction). On a
// store whose write transactions are serialised anyway (SQLite's BEGIN
// IMMEDIATE), there is nothing to show and the test is skipped.
func testOpensDoNotWait(t *testing.T, s storage.Store) {
	if d, ok := s.(interface{ Dialect() string }); ok && d.Dialect() == "sqlite" {
		t.Skip("SQLite serialises write transactions at BEGIN")
	}
	ctx := t.Context()
	openCase(t, s, key("warm"), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}, storage.Event{})

	numbered, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, _, err := s.Update(ctx, key("slow"), func(tx storage.Tx) ([]byte, error) {
			c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}
			if err := tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}); err != nil {
				return nil, err
			}
			close(numbered)
			<-release
			return []byte(c.Ref.String()), nil
		})
		first <- err
	}()
	select {
	case <-numbered:
	case err := <-first:
		t.Fatalf("first open: %v", err)
	}
	quick, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var second storage.Case
	_, _, err := s.Update(quick, key("quick"), func(tx storage.Tx) ([]byte, error) {
		second = storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}
		return nil, tx.CreateCase(quick, &second, &storage.Event{Kind: storage.EventOpened})
	})
	close(release)
	if errors.Is(err, context.DeadlineExceeded) || quick.Err() != nil {
		t.Fatalf("a second open of CB waited for the first's transaction: %v", err)
	}
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first open: %v", err)
	}
	if second.Ref.Number <= 1001 {
		t.Errorf("second open got %s, want a number after CB-1001", second.Ref)
	}
}

// uniqueIncreasing reports whether numbers, in the order taken, are
// distinct and increasing: what numbering promises (gaps are allowed, as
// after a rolled back open).
func uniqueIncreasing(numbers []int64) bool {
	for i := 1; i < len(numbers); i++ {
		if numbers[i] <= numbers[i-1] {
			return false
		}
	}
	return true
}
