package changes

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	var s Signal
	var n atomic.Int64
	go func() {
		for range 5 {
			time.Sleep(time.Millisecond)
			n.Add(1)
			s.Notify()
		}
	}()
	if !s.Wait(5*time.Second, func() bool { return n.Load() == 5 }) {
		t.Fatal("Wait missed the fifth change")
	}
	if s.Wait(10*time.Millisecond, func() bool { return n.Load() == 6 }) {
		t.Fatal("Wait held a condition that never came true")
	}
}
