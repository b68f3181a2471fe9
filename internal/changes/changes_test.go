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

func TestNext(t *testing.T) {
	items := []int{1, 2, 3, 2}
	cursor := 0
	even := func(v int) bool { return v%2 == 0 }
	if v, ok := Next(items, &cursor, even, false); !ok || v != 2 || cursor != 0 {
		t.Fatalf("peek = %d, %v, cursor %d; want 2, true, 0", v, ok, cursor)
	}
	if v, ok := Next(items, &cursor, even, true); !ok || v != 2 || cursor != 2 {
		t.Fatalf("first = %d, %v, cursor %d; want 2, true, 2", v, ok, cursor)
	}
	if v, ok := Next(items, &cursor, even, true); !ok || v != 2 || cursor != 4 {
		t.Fatalf("second = %d, %v, cursor %d; want the last 2, cursor 4", v, ok, cursor)
	}
	if _, ok := Next(items, &cursor, even, true); ok {
		t.Fatal("found past the end")
	}
}
