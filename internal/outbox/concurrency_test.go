package outbox

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// openCaseIn opens a case in channel with its card and n thread posts.
func openCaseIn(t *testing.T, s store, channel string, n int) storage.Case {
	t.Helper()
	msgs := []*storage.OutboxMessage{msg(t, storage.OutboxCard, reply(channel+" card"))}
	for i := range n {
		msgs = append(msgs, msg(t, storage.OutboxThread, reply(fmt.Sprintf("%s post %d", channel, i+1))))
	}
	for _, m := range msgs {
		m.Channel = channel
	}
	c := openCase(t, s, "", msgs...)
	return c
}

// TestChannelsInParallel: with Concurrency, posts to different channels
// are in flight together (issue 15: one at a time, the outbox fell
// thousands of cards behind), while each case's card and thread posts
// still go in order, each post in the card's thread.
func TestChannelsInParallel(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		const channels = 12
		for i := range channels {
			openCaseIn(t, s, fmt.Sprintf("C%02d", i), 2)
		}
		var inFlight, most atomic.Int64
		fake := &fakeNotifier{before: func() {
			n := inFlight.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(20 * time.Millisecond)
			inFlight.Add(-1)
		}}
		w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now, Concurrency: 6}
		for range 10 {
			if n, err := w.DeliverDue(t.Context()); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				break
			}
		}
		if got := most.Load(); got < 2 || got > 6 {
			t.Errorf("at most %d posts in flight, want 2 to 6 (Concurrency)", got)
		}
		byChannel := map[string][]post{}
		for _, p := range fake.delivered() {
			byChannel[p.Msg.Channel] = append(byChannel[p.Msg.Channel], p)
		}
		for i := range channels {
			ch := fmt.Sprintf("C%02d", i)
			got := byChannel[ch]
			var texts []string
			for _, p := range got {
				texts = append(texts, p.Msg.Reply.Text)
			}
			if want := []string{ch + " card", ch + " post 1", ch + " post 2"}; !slices.Equal(texts, want) {
				t.Errorf("%s got %q, want %q", ch, texts, want)
				continue
			}
			if got[1].Msg.Thread != got[0].ID || got[2].Msg.Thread != got[0].ID {
				t.Errorf("%s thread posts in %q and %q, want the card's %q", ch, got[1].Msg.Thread, got[2].Msg.Thread, got[0].ID)
			}
		}
		if n := fake.attempts(); n != 3*channels {
			t.Errorf("%d posts, want %d: each message once", n, 3*channels)
		}
	})
}

// TestChannelPace: a channel gets its platform's burst at once, then one
// message per Every, each waiting for its slot without an attempt, while
// another channel is not held up by it.
func TestChannelPace(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	for i := range 5 {
		enqueue(t, s, channelMsg(t, "C1", fmt.Sprintf("C1 #%d", i+1)))
	}
	enqueue(t, s, channelMsg(t, "C2", "C2 #1"))
	fake := &fakeNotifier{}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now,
		Concurrency: 4, Pace: map[string]Pace{"slack": {Every: time.Second, Burst: 2}}}

	deliver(t, w, 3) // C1's burst of two, and C2
	deliver(t, w, 0)
	for i := range 3 {
		clk.Add(time.Second - time.Millisecond)
		deliver(t, w, 0)
		clk.Add(time.Millisecond)
		if n, err := w.DeliverDue(t.Context()); err != nil || n != 1 {
			t.Fatalf("second %d: posted %d (%v), want 1", i+1, n, err)
		}
	}
	var c1 []string
	for _, p := range fake.delivered() {
		if strings.HasPrefix(p.Msg.Reply.Text, "C1") {
			c1 = append(c1, p.Msg.Reply.Text)
		}
	}
	if want := []string{"C1 #1", "C1 #2", "C1 #3", "C1 #4", "C1 #5"}; !slices.Equal(c1, want) {
		t.Errorf("C1 got %q, want %q in order", c1, want)
	}
	if n := fake.attempts(); n != 6 {
		t.Errorf("%d posts, want 6: a message waiting for its slot is not tried", n)
	}
}
