// Package outbox delivers the outbox: the messages the commands write with
// storage.Tx.Enqueue in the transaction of the change that causes them (a
// case's card, posts in its thread, card updates, channel messages). A
// Worker claims due messages from storage.Outbox, posts each through its
// platform's bot.Notifier and records the result: sent, retried later with
// backoff, or failed for good.
//
// A platform's 429 is "wait this long", never a failed attempt: the
// platform gets none of the worker's messages until then. A server or
// network error holds the platform too, for a wait that grows with its
// failures up to a few seconds, so one message at a time finds out whether
// it answers again; once it does, whatever waited is due at once. A message
// fails for good when the platform says it cannot take it, or when it has
// kept failing for Worker.RetryFor (a day).
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

	"github.com/cenkalti/backoff/v5"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

const (
	// The defaults of the Worker's settings.
	defaultPoll     = 500 * time.Millisecond
	defaultLease    = 2 * time.Minute
	defaultRetryFor = 24 * time.Hour
	// maxBackoff caps DefaultBackoff.
	maxBackoff = 5 * time.Minute
	// firstHold and maxHold bound how long a failing platform is held:
	// short, because the hold is how soon delivery resumes once it
	// answers, and a probe every few seconds costs it nothing.
	firstHold = time.Second
	maxHold   = 4 * time.Second

	// batch is how many messages one pass claims at least, and per
	// delivery in flight (Worker.Concurrency): a claim is one query
	// whatever its size, and a batch's messages are of distinct cases, so
	// up to Concurrency channels are posted to at once.
	batch = 16
	// maxPostTime bounds one post; less when the lease is short (see
	// Worker.postTime).
	maxPostTime = 30 * time.Second
	// maxRecordFor bounds the retries of recording a post (the database
	// is restarting, say); less when the lease is short (Worker.recordFor).
	maxRecordFor = 30 * time.Second
	// recordTime bounds writing a delivery's result, which is done even
	// when the worker is stopping, so a post that went out is recorded.
	recordTime = 10 * time.Second
	// maxErrorWait is the longest Run waits after a failed pass (the
	// database is away): the wait doubles from Poll up to it, and is how
	// soon delivery resumes once the database is back.
	maxErrorWait = 2 * time.Second
	// reportEvery is how often Run logs that its passes keep failing.
	reportEvery = 30 * time.Second
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
	// Logger receives a record per failed post (of a platform's outage,
	// the first and its end; the rest at debug level), per failed pass
	// and, at debug level, per delivery; never the payload, which holds
	// customer text. Nothing is logged when nil. The caller names the
	// component.
	Logger *slog.Logger
	Poll   time.Duration // how often to look for due messages; 0: 500ms
	// Lease is how long a claimed message is this worker's; 0: 2 minutes.
	// A post is cut off at a quarter of it (at most 30 s), recording a
	// post is retried for another quarter (at most 30 s), and a message
	// of the batch that could not be posted and recorded before the lease
	// ends (less a tenth, for other workers' clocks) is left for the next
	// claim.
	Lease time.Duration
	// RetryFor is how long a message is tried again after its first
	// failed attempt before it fails permanently; 0: 24 hours. A 429 is
	// no failed attempt. A message whose platform has no notifier here is
	// retried as a failed post.
	RetryFor time.Duration
	// Backoff is the wait after the attempt-th failed post (counting from
	// 1) of a message whose platform was answering; nil: DefaultBackoff,
	// 1s, 2s, 4s ... capped at 5 minutes, with jitter. While the platform
	// keeps failing, its messages wait for its hold instead, and a
	// platform's RetryAfter overrides both.
	Backoff func(attempt int) time.Duration
	// Concurrency is how many channels a pass posts to at once; 0: 1.
	// The messages of one channel go one after another, in order, and a
	// case's messages are claimed one at a time (its next once the one
	// before is settled), so neither order changes.
	Concurrency int
	// Pace is each platform's limit of messages per channel (by platform
	// name; none: no limit). A message beyond it waits for its slot
	// without an attempt, rather than meeting a 429 that would hold the
	// whole platform.
	Pace map[string]Pace

	once sync.Once
	wake chan struct{}
	// mu is held by a pass; st by a delivery of the pass, briefly, for
	// what follows, which the pass's deliveries share.
	mu        sync.Mutex
	st        sync.Mutex
	platforms map[string]*platform // by name
	channels  map[string]*bucket   // by platform/workspace/channel
	// What a pass could not write while the database was away, for the
	// next one: posts to record, and claimed messages to release while
	// their lease, until releaseBy, is still this worker's.
	unrecorded []sentRecord
	unreleased []int64
	releaseBy  time.Time
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

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		w.platforms = map[string]*platform{}
		w.channels = map[string]*bucket{}
	})
}

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
// (the database is away) is tried again after a wait that grows to 2 s;
// that the passes fail is logged once, then once every 30 s with their
// count, and their end once. When ctx ends during a post, that post is
// allowed to finish and its result is recorded; the rest of the batch is
// left for the next claim. Run returns an error only when the Worker has
// no Store.
func (w *Worker) Run(ctx context.Context) error {
	if w.Store == nil {
		return errors.New("outbox worker: no store")
	}
	w.init()
	timer := time.NewTimer(w.poll())
	timer.Stop()
	defer timer.Stop()
	retry := backoff.ExponentialBackOff{InitialInterval: w.poll(), RandomizationFactor: 0.2, Multiplier: 2, MaxInterval: maxErrorWait}
	var down outage
	for {
		claimed, _, err := w.pass(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		switch {
		case err != nil:
			wait = retry.NextBackOff()
			down.failed(ctx, w.log(), w.now(), err, wait)
			timer.Reset(wait)
		case down.passes > 0:
			down.over(ctx, w.log(), w.now())
			retry.Reset()
			continue
		case claimed > 0:
			continue
		default:
			timer.Reset(w.poll())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// outage is Run's account of passes failing in a row.
type outage struct {
	since, reported time.Time
	passes          int
}

// failed counts a failed pass and logs it if it is the first, or the first
// for reportEvery.
func (o *outage) failed(ctx context.Context, log *slog.Logger, now time.Time, err error, wait time.Duration) {
	o.passes++
	if o.passes == 1 {
		o.since = now
	} else if now.Sub(o.reported) < reportEvery {
		return
	}
	o.reported = now
	log.ErrorContext(ctx, "outbox cannot reach its database; retrying", "error", err, "failed_passes", o.passes,
		"down_for", now.Sub(o.since), "retry_in", wait)
}

// over logs that the passes succeed again.
func (o *outage) over(ctx context.Context, log *slog.Logger, now time.Time) {
	log.InfoContext(ctx, "outbox reaches its database again", "failed_passes", o.passes, "down_for", now.Sub(o.since))
	*o = outage{}
}

// DeliverDue claims what is due now and delivers it, once: it returns how
// many messages were posted. Its error is a failure to claim or to record
// a result; failed posts are recorded (to try again, or as failed) and
// logged, not returned.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	if w.Store == nil {
		return 0, errors.New("outbox worker: no store")
	}
	w.init()
	_, sent, err := w.pass(ctx)
	return sent, err
}

// pass claims one batch and delivers it in order, one message at a time.
// It stops early when ctx is done, when a result cannot be recorded, and
// before a post that could outlast the lease.
func (w *Worker) pass(ctx context.Context) (claimed, sent int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.settle(ctx); err != nil {
		return 0, 0, err
	}
	now := w.now()
	w.forget(now.Add(-w.lease()))
	lease := w.lease()
	msgs, err := w.Store.ClaimOutbox(ctx, now, lease, w.batch())
	if err != nil {
		return 0, 0, err
	}
	// The lease, less a margin for the clocks of other workers, must
	// outlive each post and the recording of its result: a message
	// recorded after it may be claimed and posted by another worker too.
	end := now.Add(lease - lease/10)
	last := end.Add(-w.postTime() - w.recordFor())
	sent, err = w.deliverAll(ctx, msgs, end, last)
	return len(msgs), sent, err
}

// deliver posts m and records the result, by end. It reports whether m was
// posted; its error is a failure to record.
func (w *Worker) deliver(ctx context.Context, m storage.OutboxMessage, end time.Time) (bool, error) {
	attempt := m.Attempts + 1
	log := w.log().With("outbox_id", m.ID, "case_id", m.CaseID, "kind", string(m.Kind), "platform", m.Platform, "attempt", attempt)
	msg, err := message(m)
	if err != nil {
		return false, w.fail(ctx, log, m, err.Error())
	}
	n := w.Notifiers[m.Platform]
	if n == nil {
		// Retried like a failed post: a restart (or another replica)
		// with the platform configured delivers it within RetryFor.
		err := fmt.Errorf("no notifier for platform %s", m.Platform)
		return false, w.retry(ctx, log, m, err.Error(), w.backoff(attempt), slog.LevelWarn)
	}
	w.st.Lock()
	p := w.platform(m.Platform)
	until := p.until
	slot := w.slot(m, w.now())
	w.st.Unlock()
	if w.now().Before(until) {
		return false, w.postpone(ctx, m, until)
	}
	if !slot.IsZero() {
		return false, w.postpone(ctx, m, slot)
	}
	// The post is not cut short by ctx: once started, it finishes (or
	// times out) and its result is recorded, so a stopping worker does
	// not leave a posted message to be posted again.
	postCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.postTime())
	posted, err := n.Post(postCtx, msg)
	cancel()
	now := w.now()

	var de *bot.DeliveryError
	isDelivery := errors.As(err, &de)
	switch {
	case err == nil:
		if err := w.recordSent(ctx, log, m.ID, storage.Posted(posted), now, end); err != nil {
			return true, err
		}
		log.DebugContext(ctx, "outbox message delivered", "message_id", posted.MessageID, "thread_id", posted.ThreadID)
		return true, w.answered(ctx, m.Platform, p, now)
	case isDelivery && de.Permanent:
		if err := w.fail(ctx, log, m, err.Error()); err != nil {
			return false, err
		}
		return false, w.answered(ctx, m.Platform, p, now)
	case isDelivery && de.RetryAfter > 0:
		// Not an attempt: the platform took the request and asked to wait.
		w.st.Lock()
		level := p.failed(false)
		p.until = later(p.until, now.Add(de.RetryAfter))
		until := p.until
		w.st.Unlock()
		log.Log(ctx, level, "outbox platform asks to wait", "error", err.Error(), "retry_in", until.Sub(now))
		return false, w.postpone(ctx, m, until)
	}
	// A server or network error: hold the platform. The message that
	// finds it failing backs off on its own, so that one the platform
	// keeps refusing while it takes others does not hold it for ever;
	// while it keeps failing, its messages wait for the hold.
	w.st.Lock()
	first := !p.failing
	level := p.failed(true)
	p.until = now.Add(p.hold.NextBackOff())
	next := p.until
	w.st.Unlock()
	if first {
		next = later(next, now.Add(w.backoff(attempt)))
	}
	return false, w.retry(ctx, log, m, err.Error(), next.Sub(now), level)
}

// retry logs a failed attempt at m at level and records it, to try again
// after wait, or as failed when m has kept failing for RetryFor.
func (w *Worker) retry(ctx context.Context, log *slog.Logger, m storage.OutboxMessage, reason string, wait time.Duration, level slog.Level) error {
	now := w.now()
	if m.FailingSince != nil && now.Sub(*m.FailingSince) >= w.retryFor() {
		return w.fail(ctx, log, m, fmt.Sprintf("gave up after trying for %v (%d attempts): %s", w.retryFor(), m.Attempts+1, reason))
	}
	next := now.Add(wait)
	log.Log(ctx, level, "outbox message not delivered; will retry", "error", reason, "retry_in", wait)
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
	msg := bot.Message{Workspace: m.Workspace, Channel: m.Channel, ThreadName: m.ThreadName, Tags: m.Tags, Reply: r}
	switch m.Kind {
	case storage.OutboxCard, storage.OutboxChannel:
	case storage.OutboxCardUpdate:
		if m.CardMessageID == "" {
			return bot.Message{}, errors.New("no card to update")
		}
		msg.UpdateID, msg.Thread = m.CardMessageID, m.Thread
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

// postTime bounds one post: a quarter of the lease, at most maxPostTime.
func (w *Worker) postTime() time.Duration { return min(w.lease()/4, maxPostTime) }

// recordFor bounds the retries of recording one post: a quarter of the
// lease, at most maxRecordFor.
func (w *Worker) recordFor() time.Duration { return min(w.lease()/4, maxRecordFor) }

func (w *Worker) retryFor() time.Duration {
	if w.RetryFor > 0 {
		return w.RetryFor
	}
	return defaultRetryFor
}
