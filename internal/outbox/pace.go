package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/disputedesk/disputedesk/storage"
)

// Pace is a platform's limit of new messages per channel: Burst at once,
// then one every Every. Slack's chat.postMessage allows about one message
// per second per channel, with short bursts
// (https://docs.slack.dev/apis/web-api/rate-limits#special-rate-limits);
// card updates (chat.update) count against another limit and are not
// paced.
type Pace struct {
	Every time.Duration
	Burst int
}

// bucket is a channel's pacing: its token bucket, when it was last asked,
// and the slots given to messages that wait for it, by outbox id, so that
// a message that comes back at its slot goes rather than queueing again.
type bucket struct {
	limit *rate.Limiter
	at    time.Time
	slots map[int64]time.Time
}

// slot reports when m may be posted, given its channel's pace: the zero
// time for now (and it counts as posted), or the slot it is given, after
// the slots given before. w.st is held.
func (w *Worker) slot(m storage.OutboxMessage, now time.Time) time.Time {
	pace, ok := w.Pace[m.Platform]
	if !ok || pace.Every <= 0 || m.Kind == storage.OutboxCardUpdate {
		return time.Time{}
	}
	key := m.Platform + "/" + m.Workspace + "/" + m.Channel
	b := w.channels[key]
	if b == nil {
		b = &bucket{limit: rate.NewLimiter(rate.Every(pace.Every), max(pace.Burst, 1)), slots: map[int64]time.Time{}}
		w.channels[key] = b
	}
	if at, ok := b.slots[m.ID]; ok {
		delete(b.slots, m.ID)
		if !now.Before(at) {
			return time.Time{} // its token was taken when the slot was given
		}
		b.slots[m.ID] = at
		return at
	}
	b.at = now
	// A reservation is never cancelled: the message is posted at its slot.
	wait := b.limit.ReserveN(now, 1).DelayFrom(now)
	if wait <= 0 {
		return time.Time{}
	}
	at := now.Add(wait)
	b.slots[m.ID] = at
	return at
}

// forget drops the slots older than before: their messages were delivered
// by another worker, or failed. w.mu is held and no delivery runs.
func (w *Worker) forget(before time.Time) {
	for key, b := range w.channels {
		for id, at := range b.slots {
			if at.Before(before) {
				delete(b.slots, id)
			}
		}
		if len(b.slots) == 0 && b.at.Before(before) {
			delete(w.channels, key)
		}
	}
}

// deliverAll delivers a claimed batch by end, posting nothing after last:
// each channel's messages in order, one after another, and up to
// Concurrency channels at once. The batch holds at most one message per
// case (the storage's claim), so this keeps each case's order. It returns
// how many were posted and the first failure to record.
func (w *Worker) deliverAll(ctx context.Context, msgs []storage.OutboxMessage, end, last time.Time) (int, error) {
	n := w.concurrency()
	if n == 1 || len(msgs) < 2 {
		return w.deliverRun(ctx, msgs, end, last)
	}
	var (
		sent  atomic.Int64
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	sem := make(chan struct{}, n)
	for _, run := range byChannel(msgs) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			k, err := w.deliverRun(ctx, run, end, last)
			sent.Add(int64(k))
			if err != nil {
				mu.Lock()
				first = cmpErr(first, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return int(sent.Load()), first
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// deliverRun delivers msgs in order, one at a time. It stops early when
// ctx is done or before a post that could outlast the lease (and releases
// the rest), and when a result cannot be recorded (and keeps the rest to
// release once the database answers, see settle).
func (w *Worker) deliverRun(ctx context.Context, msgs []storage.OutboxMessage, end, last time.Time) (sent int, err error) {
	for i, m := range msgs {
		if ctx.Err() != nil || w.now().After(last) {
			// Hand the rest back rather than hold it for the lease: a
			// restarted or other worker can deliver it at once.
			return sent, w.release(ctx, end, msgs[i:])
		}
		ok, err := w.deliver(ctx, m, end)
		if ok {
			sent++
		}
		if err != nil {
			rest := msgs[i:]
			if ok {
				rest = msgs[i+1:]
			}
			w.owe(end, rest)
			return sent, err
		}
	}
	return sent, nil
}

// byChannel splits msgs by channel, each run in the order of msgs, the
// runs in the order of their first message.
func byChannel(msgs []storage.OutboxMessage) [][]storage.OutboxMessage {
	var runs [][]storage.OutboxMessage
	at := map[string]int{}
	for _, m := range msgs {
		key := m.Platform + "/" + m.Workspace + "/" + m.Channel
		i, ok := at[key]
		if !ok {
			i = len(runs)
			at[key] = i
			runs = append(runs, nil)
		}
		runs[i] = append(runs[i], m)
	}
	return runs
}

func (w *Worker) concurrency() int { return max(w.Concurrency, 1) }

// batch is how many messages a pass claims: enough for every delivery in
// flight to have a few.
func (w *Worker) batch() int { return max(batch, 4*w.concurrency()) }
