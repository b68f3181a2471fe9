package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// failingStore fails Deadlines while down.
type failingStore struct {
	storage.Store
	mu   sync.Mutex
	down bool
}

func (s *failingStore) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

func (s *failingStore) Deadlines(ctx context.Context, f storage.DeadlineFilter) ([]storage.DueDeadline, error) {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		return nil, errors.New("connection refused")
	}
	return s.Store.Deadlines(ctx, f)
}

// lockedBuf is a log written by Run and read by the test.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestRun: Run looks every Every, wakes the outbox after a pass that
// queued, and logs a failure once when it starts and once when it ends.
func TestRun(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/dd.db", 1, "U1")
	s := &failingStore{Store: e.stores[0], down: true}
	logs := &lockedBuf{}
	woken := make(chan struct{}, 10)
	r := &Reminders{Store: s, Now: e.clk.Now, Every: time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Wake: func() { woken <- struct{}{} }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	time.Sleep(50 * time.Millisecond) // many passes while down
	e.clk.Set(due.Add(-4 * time.Hour))
	s.setDown(false)
	select {
	case <-woken:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not wake the outbox after queueing a reminder")
	}
	time.Sleep(20 * time.Millisecond) // more passes, queueing nothing
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if n := len(woken); n != 0 {
		t.Errorf("woken %d more times after passes that queued nothing", n)
	}
	out := logs.String()
	if n := strings.Count(out, "deadline reminders failed"); n != 1 {
		t.Errorf("failure logged %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "deadline reminders work again"); n != 1 {
		t.Errorf("recovery logged %d times, want once:\n%s", n, out)
	}
	want(t, "Run", e.delivered(t), r4)
}
