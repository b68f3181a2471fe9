package outbox

import (
	"reflect"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// TestCardStartsAThreadOfItsOwn: on a platform where a card's thread is not
// the card (Discord starts a thread from it, or the card is a forum post),
// the case's thread is what the platform said, thread posts go there, and a
// card update names both the card and its thread. The thread's name and
// tags travel with the card and its updates.
func TestCardStartsAThreadOfItsOwn(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		card := msg(t, storage.OutboxCard, reply("card"))
		card.ThreadName, card.Tags = "CB-1001 · Kari Nordmann", []string{"chargeback", "open"}
		update := msg(t, storage.OutboxCardUpdate, reply("card, closed"))
		update.ThreadName, update.Tags = "CB-1001 · Kari Nordmann", []string{"chargeback", "closed"}
		c := openCase(t, s, "", card, msg(t, storage.OutboxThread, reply("a note")), update)
		fake := &fakeNotifier{threads: true}
		w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
		for range 5 {
			if n, err := w.DeliverDue(t.Context()); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				break
			}
		}
		var got []bot.Message
		for _, p := range fake.delivered() {
			got = append(got, p.Msg)
		}
		want := []bot.Message{
			{Workspace: "T1", Channel: "C1", ThreadName: "CB-1001 · Kari Nordmann", Tags: []string{"chargeback", "open"}, Reply: reply("card")},
			{Workspace: "T1", Channel: "C1", Thread: "thread-of-ts-1", Reply: reply("a note")},
			{Workspace: "T1", Channel: "C1", UpdateID: "ts-1", Thread: "thread-of-ts-1",
				ThreadName: "CB-1001 · Kari Nordmann", Tags: []string{"chargeback", "closed"}, Reply: reply("card, closed")},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("posted\n%+v\nwant\n%+v", got, want)
		}
		cs, err := s.Case(t.Context(), storage.AllWorkspaces, c.Ref)
		if err != nil || cs.CardMessageID != "ts-1" || cs.Thread != "thread-of-ts-1" {
			t.Errorf("case card %q thread %q, %v; want ts-1 in thread-of-ts-1", cs.CardMessageID, cs.Thread, err)
		}
	})
}
