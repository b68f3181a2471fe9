package outbox

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// TestCaseOrder: a case's card goes first; its thread posts and the card
// update follow in order, on the card's id.
func TestCaseOrder(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		a := []*storage.OutboxMessage{
			msg(t, storage.OutboxCard, reply("card")),
			msg(t, storage.OutboxThread, reply("first post")),
			msg(t, storage.OutboxCardUpdate, reply("card, updated")),
			msg(t, storage.OutboxThread, reply("second post")),
		}
		openCase(t, s, "", a...)
		b := []*storage.OutboxMessage{msg(t, storage.OutboxCard, reply("B card")), msg(t, storage.OutboxThread, reply("B post"))}
		openCase(t, s, "1700000000.000100", b...) // opened in a thread of its own
		fake := &fakeNotifier{}
		w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}

		for range 10 {
			if n, err := w.DeliverDue(t.Context()); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				break
			}
		}
		var gotA, gotB []bot.Message
		for _, p := range fake.delivered() {
			if strings.HasPrefix(p.Msg.Reply.Text, "B ") {
				gotB = append(gotB, p.Msg)
			} else {
				gotA = append(gotA, p.Msg)
			}
		}
		cardA := fake.delivered()[0].ID // A's card goes out first, in the first pass
		wantA := []bot.Message{
			{Workspace: "T1", Channel: "C1", Reply: reply("card")},
			{Workspace: "T1", Channel: "C1", Thread: cardA, Reply: reply("first post")},
			{Workspace: "T1", Channel: "C1", UpdateID: cardA, Thread: cardA, Reply: reply("card, updated")},
			{Workspace: "T1", Channel: "C1", Thread: cardA, Reply: reply("second post")},
		}
		if !reflect.DeepEqual(gotA, wantA) {
			t.Errorf("case A posted\n%+v\nwant\n%+v", gotA, wantA)
		}
		wantB := []bot.Message{
			{Workspace: "T1", Channel: "C1", Reply: reply("B card")},
			{Workspace: "T1", Channel: "C1", Thread: "1700000000.000100", Reply: reply("B post")},
		}
		if !reflect.DeepEqual(gotB, wantB) {
			t.Errorf("case B posted\n%+v\nwant\n%+v", gotB, wantB)
		}
		if n := fake.attempts(); n != 6 {
			t.Errorf("%d posts, want 6", n)
		}
	})
}

// TestLeaseRunsOut: a slow platform eats into the lease; what the worker
// cannot post in time is handed back for the next claim, not held.
func TestLeaseRunsOut(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	enqueue(t, s, channelMsg(t, "C1", "one"), channelMsg(t, "C2", "two"), channelMsg(t, "C3", "three"))
	fake := &fakeNotifier{before: func() { clk.Add(20 * time.Second) }}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now, Lease: time.Minute}
	deliver(t, w, 2) // at 0s and 20s; at 40s a 15s post and 15s of recording could outlast the lease
	deliver(t, w, 1) // the third was released, so the next pass takes it
	deliver(t, w, 0)
	if n := fake.attempts(); n != 3 {
		t.Errorf("%d posts, want 3", n)
	}
}
