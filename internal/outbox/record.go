package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/disputedesk/disputedesk/storage"
)

// sentRecord is a post that went out and is not yet recorded.
type sentRecord struct {
	id     int64
	posted storage.Posted
	at     time.Time
}

// recordSent records that message id was posted as posted, trying
// again while the database is away (a restart, a failover) for up to
// recordFor and never past end, when the lease may have run out: a post
// not recorded is posted again. What it cannot record is kept for the
// next pass, which records it before claiming anything, and returned as
// an error.
func (w *Worker) recordSent(ctx context.Context, log *slog.Logger, id int64, posted storage.Posted, at, end time.Time) error {
	budget := min(w.recordFor(), end.Sub(w.now()))
	// Not cancelled with ctx: a stopping worker still records its post.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(budget, 0))
	defer cancel()
	var last error // Retry returns the context's error when time is up
	_, err := backoff.Retry(rctx, func() (struct{}, error) {
		actx, cancel := context.WithTimeout(rctx, recordTime)
		defer cancel()
		last = w.Store.OutboxSent(actx, id, posted, at)
		if errors.Is(last, storage.ErrNotFound) {
			return struct{}{}, backoff.Permanent(last)
		}
		return struct{}{}, last
	}, backoff.WithBackOff(&backoff.ExponentialBackOff{InitialInterval: 100 * time.Millisecond,
		RandomizationFactor: 0.25, Multiplier: 2, MaxInterval: 2 * time.Second}))
	if err != nil && last != nil {
		err = last
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotFound):
		return fmt.Errorf("record outbox message %d as posted (%s): %w", id, posted.MessageID, err)
	}
	w.st.Lock()
	w.unrecorded = append(w.unrecorded, sentRecord{id: id, posted: posted, at: at})
	w.st.Unlock()
	log.WarnContext(ctx, "outbox message posted but not recorded yet; recording it once the database answers (if another worker claims it first, it is posted again)",
		"message_id", posted.MessageID, "error", err)
	return fmt.Errorf("record outbox message %d as posted (%s): %w", id, posted.MessageID, err)
}

// owe keeps msgs, claimed until end, to release once the database answers.
func (w *Worker) owe(end time.Time, msgs []storage.OutboxMessage) {
	if len(msgs) == 0 {
		return
	}
	w.st.Lock()
	defer w.st.Unlock()
	for _, m := range msgs {
		w.unreleased = append(w.unreleased, m.ID)
	}
	w.releaseBy = end
}

// release hands msgs, claimed until end, back for any worker to claim.
func (w *Worker) release(ctx context.Context, end time.Time, msgs []storage.OutboxMessage) error {
	ids := make([]int64, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	rctx, cancel := recordContext(ctx)
	defer cancel()
	if err := w.Store.OutboxRelease(rctx, ids...); err != nil {
		w.owe(end, msgs)
		return fmt.Errorf("release outbox messages: %w", err)
	}
	return nil
}

// settle writes what earlier passes could not: the posts to record, then
// the messages to release, unless their lease has run out (another worker
// may hold them now). w.mu is held.
func (w *Worker) settle(ctx context.Context) error {
	for len(w.unrecorded) > 0 {
		r := w.unrecorded[0]
		rctx, cancel := recordContext(ctx)
		err := w.Store.OutboxSent(rctx, r.id, r.posted, r.at)
		cancel()
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("record outbox message %d as posted (%s): %w", r.id, r.posted.MessageID, err)
		}
		w.unrecorded = w.unrecorded[1:]
		w.log().InfoContext(ctx, "outbox message recorded as posted, late", "outbox_id", r.id, "message_id", r.posted.MessageID)
	}
	if len(w.unreleased) == 0 {
		return nil
	}
	if w.now().Before(w.releaseBy) {
		rctx, cancel := recordContext(ctx)
		defer cancel()
		if err := w.Store.OutboxRelease(rctx, w.unreleased...); err != nil {
			return fmt.Errorf("release outbox messages: %w", err)
		}
	}
	w.unreleased = nil
	return nil
}
