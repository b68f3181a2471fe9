package sql

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// TestSQLiteWritersQueue: writers that find the database's write lock
// taken get it in the order they came, once it is free. In SQLite's busy
// handler they slept and polled instead, with longer sleeps the longer
// they had waited, so the newest came first and the oldest waited on
// (issue 15: a 2.4 s ack at 16 clients, empty acks at 64).
func TestSQLiteWritersQueue(t *testing.T) {
	s := migrated(t, openSQLite(t))
	ctx := t.Context()
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _, _ = s.Update(ctx, storage.RequestKey{}, func(storage.Tx) ([]byte, error) {
			close(held)
			<-release
			return nil, nil
		})
	}()
	<-held
	const writers = 6
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	for i := range writers {
		wg.Go(func() {
			key := storage.RequestKey{Platform: "test", ID: "w" + strconv.Itoa(i)}
			if _, _, err := s.Update(ctx, key, func(storage.Tx) ([]byte, error) {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil, nil
			}); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
		time.Sleep(150 * time.Millisecond) // writer i is waiting before i+1 comes
	}
	close(release)
	wg.Wait()
	if want := []int{0, 1, 2, 3, 4, 5}; !slices.Equal(order, want) {
		t.Errorf("writers got the lock in the order %v, want %v, the order they came", order, want)
	}
}

// TestSQLiteWriterWaitEndsWithContext: a writer waiting in the queue
// gives up when its context ends, and the queue goes on without it.
func TestSQLiteWriterWaitEndsWithContext(t *testing.T) {
	s := migrated(t, openSQLite(t))
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _, _ = s.Update(t.Context(), storage.RequestKey{}, func(storage.Tx) ([]byte, error) {
			close(held)
			<-release
			return nil, nil
		})
	}()
	<-held
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, err := s.Update(ctx, storage.RequestKey{}, func(storage.Tx) ([]byte, error) { return nil, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Update while the lock is held, with a 50ms context: %v, want DeadlineExceeded", err)
	}
	close(release)
	<-done
	if _, _, err := s.Update(t.Context(), storage.RequestKey{}, func(storage.Tx) ([]byte, error) { return nil, nil }); err != nil {
		t.Errorf("Update once the lock is free: %v", err)
	}
}
