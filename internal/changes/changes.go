// Package changes lets tests wait for a fake's state to change without
// polling: the fake calls Notify after every change, a waiter re-evaluates
// its condition on each.
package changes

import (
	"slices"
	"sync"
	"time"
)

// Signal wakes its waiters on Notify. The zero value is ready to use.
type Signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// current returns the channel the next Notify closes.
func (s *Signal) current() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// Notify wakes every waiter.
func (s *Signal) Notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
	}
	s.ch = make(chan struct{})
}

// Wait reports whether cond held before timeout. cond is evaluated at once
// and after every Notify; the channel is taken before cond runs, so that no
// change between the two is missed.
func (s *Signal) Wait(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		ch := s.current()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return cond()
		}
	}
}

// Next finds the first of items after *cursor that match accepts, for a
// fake's journal read in order; consume moves the cursor past it. The
// caller holds the lock that guards items and cursor.
func Next[T any](items []T, cursor *int, match func(T) bool, consume bool) (T, bool) {
	var zero T
	i := slices.IndexFunc(items[*cursor:], match)
	if i < 0 {
		return zero, false
	}
	v := items[*cursor+i]
	if consume {
		*cursor += i + 1
	}
	return v, true
}
