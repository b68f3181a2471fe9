// Package outbox delivers the outbox: the messages the commands write with
// storage.Tx.Enqueue in the transaction of the change that causes them (a
// case's card, posts in its thread, card updates, channel messages). A
// Worker claims due messages from storage.Outbox, posts each through its
// platform's bot.Notifier and records the result: sent, retried later with
// backoff, or failed for good.
//
// Delivery is at least once: a worker that dies between posting and
// recording (or whose post outlasts its lease) leaves a message that is
// posted again once its lease runs out. A case's messages go out in order,
// one at a time, and those that need the case's card wait until it is
// posted (the storage decides what is claimable).
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

const (
	// The defaults of the Worker's settings.
	defaultPoll        = 500 * time.Millisecond
	defaultLease       = time.Minute
	defaultMaxAttempts = 12
	// maxBackoff caps DefaultBackoff.
	maxBackoff = 5 * time.Minute

	// batch is how many messages one pass claims. They are posted one
	// after another, and Slack allows about one message per second per
	// channel, so a batch takes seconds, well within a lease.
	batch = 16
	// maxPostTime bounds one post; less when the lease is short (see
	// Worker.postTime).
	maxPostTime = 30 * time.Second
	// recordTime bounds writing a delivery's result, which is done even
	// when the worker is stopping, so a post that went out is recorded.
	recordTime = 10 * time.Second
	// maxErrorWait is the longest Run waits after a failed pass (the
	// database is away): the wait doubles from Poll up to it.
	maxErrorWait = 30 * time.Second
	// maxReason bounds the error text kept as a message's last error.
	maxReason = 1000
)

// Worker delivers outbox messages through each platform's Notifier. Set its
// fields before the first call and do not change them afterwards; the zero
// values of the optional ones are the defaults. A Worker must not be
// copied after first use. Several Workers, in one process or in replicas,
// may deliver from one database: the storage's claim keeps them from
// posting a message twice while its lease holds.
type Worker struct {
	Store     storage.Outbox
	Notifiers map[string]bot.Notifier // by platform
	Now       func() time.Time        // nil: time.Now
	// Logger receives a record per failed post and per failed pass (and,
	// at debug level, per delivery), never the payload, which holds
	// customer text; nothing is logged when nil. The caller names the
	// component.
	Logger *slog.Logger
	Poll   time.Duration // how often to look for due messages; 0: 500ms
	// Lease is how long a claimed message is this worker's; 0: 1 minute.
	// A post is cut off well before it ends (at half of it, at most 30 s),
	// and a message of the batch that could not be posted in time is left
	// for the next claim.
	Lease time.Duration
	// MaxAttempts is the number of failed attempts after which a message
	// fails permanently; 0: 12. A message whose platform has no notifier
	// here is retried, and counted, as a failed post.
	MaxAttempts int
	// Backoff is the wait after the attempt-th failed post (counting from
	// 1); nil: DefaultBackoff, 1s, 2s, 4s ... capped at 5 minutes, with
	// jitter. A platform's RetryAfter overrides it.
	Backoff func(attempt int) time.Duration

	once sync.Once
	wake chan struct{}
}

// DefaultBackoff is the default backoff: 1s after the first failed
// attempt, then doubling up to 5 minutes, each less a random quarter at
// most, so that messages that failed together do not come back together.
func DefaultBackoff(attempt int) time.Duration {
	d := maxBackoff
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 10 {
		d = min(time.Second<<(attempt-1), maxBackoff)
	}
	return d - rand.N(d/4+1)
}

func (w *Worker) init() { w.once.Do(func() { w.wake = make(chan struct{}, 1) }) }

// Wake makes Run look for due messages now instead of at its next poll;
// the commands call it after committing a transaction that enqueued. It
// never blocks, and wakes made while Run is busy coalesce into one pass.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx is done, then returns nil. It looks
// at once, again right after every pass that claimed something (a case's
// next message may now be due), on Wake, and every Poll. A failed pass
// (the database is away) is logged and tried again later. When ctx ends
// during a post, that post is allowed to finish and its result is
// recorded; the rest of the batch is left for the next claim. Run returns
// an error only when the Worker has no Store.
func (w *Worker) Run(ctx context.Context) error {
	if w.Store == nil {
		return errors.New("outbox worker: no store")
	}
	w.init()
	timer := time.NewTimer(w.poll())
	timer.Stop()
	defer timer.Stop()
	wait := time.Duration(0)
	for {
		claimed, _, err := w.pass(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil:
			wait = min(max(2*wait, w.poll()), maxErrorWait)
			w.log().ErrorContext(ctx, "deliver outbox", "error", err, "retry_in", wait)
		case claimed > 0:
			wait = 0
			continue
		default:
			wait = w.poll()
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// DeliverDue claims what is due now and delivers it, once: it returns how
// many messages were posted. Its error is a failure to claim or to record
// a result; failed posts are recorded (to try again, or as failed) and
// logged, not returned.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	if w.Store == nil {
		return 0, errors.New("outbox worker: no store")
	}
	_, sent, err := w.pass(ctx)
	return sent, err
}

// pass claims one batch and delivers it in order, one message at a time.
// It stops early when ctx is done, when a result cannot be recorded, and
// before a post that could outlast the lease.
func (w *Worker) pass(ctx context.Context) (claimed, sent int, err error) {
	now := w.now()
	lease := w.lease()
	msgs, err := w.Store.ClaimOutbox(ctx, now, lease, batch)
	if err != nil {
		return 0, 0, err
	}
	// Leave a post's time before the lease ends: a message posted after
	// it may be claimed and posted by another worker too.
	last := now.Add(lease - w.postTime())
	for i, m := range msgs {
		if ctx.Err() != nil || w.now().After(last) {
			// Hand the rest back rather than hold it for the lease: a
			// restarted or other worker can deliver it at once.
			rest := make([]int64, 0, len(msgs)-i)
			for _, r := range msgs[i:] {
				rest = append(rest, r.ID)
			}
			rctx, cancel := recordContext(ctx)
			defer cancel()
			if err := w.Store.OutboxRelease(rctx, rest...); err != nil {
				return len(msgs), sent, err
			}
			break
		}
		ok, err := w.deliver(ctx, m)
		if ok {
			sent++
		}
		if err != nil {
			return len(msgs), sent, err
		}
	}
	return len(msgs), sent, nil
}

// deliver posts m and records the result. It reports whether m was posted;
// its error is a failure to record.
func (w *Worker) deliver(ctx context.Context, m storage.OutboxMessage) (bool, error) {
	attempt := m.Attempts + 1
	log := w.log().With("outbox_id", m.ID, "case_id", m.CaseID, "kind", string(m.Kind), "platform", m.Platform, "attempt", attempt)
	msg, err := message(m)
	if err != nil {
		return false, w.fail(ctx, log, m, err.Error())
	}
	var id string
	if n := w.Notifiers[m.Platform]; n == nil {
		// Retried like a failed post: a restart (or another replica)
		// with the platform configured delivers it while it has
		// attempts left.
		err = fmt.Errorf("no notifier for platform %s", m.Platform)
	} else {
		// The post is not cut short by ctx: once started, it finishes
		// (or times out) and its result is recorded, so a stopping
		// worker does not leave a posted message to be posted again.
		postCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.postTime())
		id, err = n.Post(postCtx, msg)
		cancel()
	}
	if err == nil {
		rctx, cancel := recordContext(ctx)
		defer cancel()
		if err := w.Store.OutboxSent(rctx, m.ID, id, w.now()); err != nil {
			return true, fmt.Errorf("outbox message %d was posted (%s) but not recorded, so it may be posted again: %w", m.ID, id, err)
		}
		log.DebugContext(ctx, "outbox message delivered", "message_id", id)
		return true, nil
	}

	var de *bot.DeliveryError
	isDelivery := errors.As(err, &de)
	switch {
	case isDelivery && de.Permanent:
		return false, w.fail(ctx, log, m, err.Error())
	case attempt >= w.maxAttempts():
		return false, w.fail(ctx, log, m, fmt.Sprintf("gave up after %d attempts: %v", attempt, err))
	case isDelivery && de.RetryAfter > 0:
		return false, w.retry(ctx, log, m, err.Error(), de.RetryAfter)
	default:
		return false, w.retry(ctx, log, m, err.Error(), w.backoff(attempt))
	}
}

// retry logs a failed attempt at m and records it, to try again after wait.
func (w *Worker) retry(ctx context.Context, log *slog.Logger, m storage.OutboxMessage, reason string, wait time.Duration) error {
	next := w.now().Add(wait)
	log.WarnContext(ctx, "outbox message not delivered; will retry", "error", reason, "retry_in", wait)
	rctx, cancel := recordContext(ctx)
	defer cancel()
	if err := w.Store.OutboxRetry(rctx, m.ID, truncate(reason), next); err != nil {
		return fmt.Errorf("record retry of outbox message %d: %w", m.ID, err)
	}
	return nil
}

// fail logs that m cannot be delivered and records it as failed.
func (w *Worker) fail(ctx context.Context, log *slog.Logger, m storage.OutboxMessage, reason string) error {
	log.ErrorContext(ctx, "outbox message failed permanently", "error", reason)
	rctx, cancel := recordContext(ctx)
	defer cancel()
	if err := w.Store.OutboxFailed(rctx, m.ID, truncate(reason)); err != nil {
		return fmt.Errorf("record failure of outbox message %d: %w", m.ID, err)
	}
	return nil
}

// message turns m into what its platform's Notifier posts. Its error means
// m can never be posted.
func message(m storage.OutboxMessage) (bot.Message, error) {
	var r bot.Reply
	if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
		// json's errors name types and offsets, never the payload's text.
		return bot.Message{}, fmt.Errorf("payload is not a reply: %w", err)
	}
	msg := bot.Message{Channel: m.Channel, Reply: r}
	switch m.Kind {
	case storage.OutboxCard, storage.OutboxChannel:
	case storage.OutboxCardUpdate:
		if m.CardMessageID == "" {
			return bot.Message{}, errors.New("no card to update")
		}
		msg.UpdateID = m.CardMessageID
	case storage.OutboxThread:
		if m.Thread == "" {
			return bot.Message{}, errors.New("no thread to post in")
		}
		msg.Thread = m.Thread
	default:
		return bot.Message{}, fmt.Errorf("unknown kind %q", m.Kind)
	}
	return msg, nil
}

// recordContext is the context a result is recorded with: not cancelled
// with ctx, so a stopping worker still records what it did, but bounded.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTime)
}

// truncate bounds an error text kept in the database, on a rune boundary.
func truncate(s string) string {
	if len(s) <= maxReason {
		return s
	}
	i := maxReason
	for i > 0 && s[i]&0xC0 == 0x80 { // a UTF-8 continuation byte
		i--
	}
	return s[:i] + "…"
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (w *Worker) poll() time.Duration {
	if w.Poll > 0 {
		return w.Poll
	}
	return defaultPoll
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return defaultLease
}

// postTime bounds one post: half the lease, at most maxPostTime.
func (w *Worker) postTime() time.Duration { return min(w.lease()/2, maxPostTime) }

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return defaultMaxAttempts
}

func (w *Worker) backoff(attempt int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt)
	}
	return DefaultBackoff(attempt)
}
