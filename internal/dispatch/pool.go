package dispatch

import (
	"context"
	"sync"
	"time"
)

// pool runs tasks on at most a fixed number of goroutines and can be
// drained: never a bare goroutine per event.
type pool struct {
	slots   chan struct{}
	timeout time.Duration
	// ctx is the parent of every task's context, cancelled when a drain
	// runs out of time.
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newPool(n int, timeout time.Duration) *pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &pool{slots: make(chan struct{}, n), timeout: timeout, ctx: ctx, cancel: cancel}
}

// do runs f on a goroutine of its own once a slot is free, waiting at most
// wait for one. It reports false, and f does not run, when no slot freed in
// time or the pool is closed.
func (p *pool) do(wait time.Duration, f func(ctx context.Context)) bool {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return false
	}
	p.wg.Add(1)
	p.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-t.C:
		p.wg.Done()
		return false
	}
	go func() {
		defer func() {
			<-p.slots
			p.wg.Done()
		}()
		ctx, cancel := context.WithTimeout(p.ctx, p.timeout)
		defer cancel()
		f(ctx)
	}()
	return true
}

// close stops taking work and waits for the work running. When ctx ends
// first it cancels the work's context, waits for it to return and returns
// ctx's error.
func (p *pool) close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		p.cancel()
		<-done
		return ctx.Err()
	}
}

// inflight is the set of request ids being handled, so that a request a
// platform delivers again (a Slack Events API retry, a Discord
// re-delivery) is never handled twice at once. Once the first delivery is
// done, the core recognises a repeat by its id.
type inflight struct {
	mu  sync.Mutex
	ids map[string]struct{}
}

// start reports whether id was not being handled, and marks it as handled.
// An empty id is never a duplicate.
func (s *inflight) start(id string) bool {
	if id == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	if s.ids == nil {
		s.ids = map[string]struct{}{}
	}
	s.ids[id] = struct{}{}
	return true
}

// end marks id as handled.
func (s *inflight) end(id string) {
	if id == "" {
		return
	}
	s.mu.Lock()
	delete(s.ids, id)
	s.mu.Unlock()
}

// len is how many ids are being handled.
func (s *inflight) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}
