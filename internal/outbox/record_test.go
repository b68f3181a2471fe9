package outbox

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// downStore is a store whose database goes away: while down, recording a
// delivery fails as a connection to a stopped PostgreSQL does.
type downStore struct {
	store
	mu        sync.Mutex
	sentFails int  // OutboxSent calls still to fail
	down      bool // every call fails
}

var errConnRefused = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (d *downStore) fails(sent bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if sent && d.sentFails > 0 {
		d.sentFails--
		return true
	}
	return d.down
}

func (d *downStore) setDown(down bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.down = down
}

func (d *downStore) OutboxSent(ctx context.Context, id int64, posted storage.Posted, at time.Time) error {
	if d.fails(true) {
		return errConnRefused
	}
	return d.store.OutboxSent(ctx, id, posted, at)
}

func (d *downStore) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storage.OutboxMessage, error) {
	if d.fails(false) {
		return nil, errConnRefused
	}
	return d.store.ClaimOutbox(ctx, now, lease, limit)
}

func (d *downStore) OutboxRelease(ctx context.Context, ids ...int64) error {
	if d.fails(false) {
		return errConnRefused
	}
	return d.store.OutboxRelease(ctx, ids...)
}

// TestPostedThenDatabaseAway: the card is posted while the database stops
// for a moment; recording it is tried again until the database is back, so
// the card is not posted a second time when its lease runs out.
func TestPostedThenDatabaseAway(t *testing.T) {
	clk := newClock()
	s := &downStore{store: openSQLite(t, clk), sentFails: 3}
	c := openCase(t, s.store, "", msg(t, storage.OutboxCard, reply("card")), msg(t, storage.OutboxThread, reply("post")))
	fake := &fakeNotifier{}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
	deliver(t, w, 1)
	clk.Add(time.Hour) // every lease has run out
	deliver(t, w, 1)
	deliver(t, w, 0)
	if got := texts(fake); len(got) != 2 || got[0] != "card" || got[1] != "post" {
		t.Errorf("delivered %q, want the card once, then its post", got)
	}
	if got, err := s.Case(t.Context(), storage.AllWorkspaces, c.Ref); err != nil || got.CardMessageID != "ts-1" {
		t.Errorf("case card %q, %v; want ts-1", got.CardMessageID, err)
	}
}

// TestPostedThenDatabaseAwayLonger: the database is away for longer than
// the lease allows recording for. The pass gives up, and the next one,
// once the database is back, records the post before claiming anything:
// the card is not posted again, though its lease has run out. The rest of
// the batch is released at once rather than held for the lease.
func TestPostedThenDatabaseAwayLonger(t *testing.T) {
	clk := newClock()
	s := &downStore{store: openSQLite(t, clk), sentFails: 1 << 30}
	openCase(t, s.store, "", msg(t, storage.OutboxCard, reply("card")))
	enqueue(t, s.store, channelMsg(t, "C9", "summary"))
	fake := &fakeNotifier{}
	// A 4 s lease leaves a second for recording.
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now, Lease: 4 * time.Second}
	if n, err := w.DeliverDue(t.Context()); n != 1 || !errors.Is(err, errConnRefused) {
		t.Fatalf("DeliverDue = %d, %v; want the card posted and the database's error", n, err)
	}
	s.setDown(true)
	if _, err := w.DeliverDue(t.Context()); !errors.Is(err, errConnRefused) {
		t.Fatalf("DeliverDue while the database is down = %v", err)
	}
	s.mu.Lock()
	s.sentFails, s.down = 0, false
	s.mu.Unlock()
	clk.Add(time.Second) // within the summary's lease, past the card's recording
	deliver(t, w, 1)     // the summary, released
	clk.Add(time.Hour)
	deliver(t, w, 0)
	if got := texts(fake); len(got) != 2 || got[0] != "card" || got[1] != "summary" {
		t.Errorf("delivered %q, want the card once and the summary", got)
	}
}
