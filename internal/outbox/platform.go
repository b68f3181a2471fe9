package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/disputedesk/disputedesk/storage"
)

// platform is what a Worker knows of a platform's health: none of its
// messages is posted before until.
type platform struct {
	until time.Time
	// failures counts the posts that failed (429, 5xx, network) since it
	// last answered; failing says the last one was not a 429.
	failures int
	failing  bool
	hold     backoff.ExponentialBackOff
}

func newPlatform() *platform {
	return &platform{hold: backoff.ExponentialBackOff{InitialInterval: firstHold, RandomizationFactor: 0.25,
		Multiplier: 2, MaxInterval: maxHold}}
}

// platform returns what the worker knows of a platform. w.st is held.
func (w *Worker) platform(name string) *platform {
	p := w.platforms[name]
	if p == nil {
		p = newPlatform()
		w.platforms[name] = p
	}
	return p
}

// failed counts a failed post, retryable (5xx, network) or a 429, and
// returns the level to log it at: the first since the platform answered
// is a warning, the rest of the outage is detail.
func (p *platform) failed(retryable bool) slog.Level {
	if retryable && !p.failing {
		p.hold.Reset()
	}
	p.failing = retryable
	p.failures++
	if p.failures == 1 {
		return slog.LevelWarn
	}
	return slog.LevelDebug
}

// answered records that platform took a post (or refused one for good,
// which is an answer too). After an outage (more than one failed post in a
// row) it makes the platform's waiting messages due at once: they need not
// wait out backoffs that the outage made long. After a single failure it
// does not, or a message the platform refuses while it takes others would
// be tried again after each of them.
func (w *Worker) answered(ctx context.Context, name string, p *platform, now time.Time) error {
	w.st.Lock()
	failures := p.failures
	p.until, p.failures, p.failing = time.Time{}, 0, false
	w.st.Unlock()
	if failures < 2 {
		return nil
	}
	rctx, cancel := recordContext(ctx)
	defer cancel()
	n, err := w.Store.OutboxResume(rctx, name, now)
	if err != nil {
		return fmt.Errorf("resume outbox of %s: %w", name, err)
	}
	w.log().InfoContext(ctx, "outbox platform answers again", "platform", name, "failed_posts", failures, "resumed", n)
	return nil
}

// postpone records that m waits for its platform until next, which is not
// a failed attempt.
func (w *Worker) postpone(ctx context.Context, m storage.OutboxMessage, next time.Time) error {
	rctx, cancel := recordContext(ctx)
	defer cancel()
	if err := w.Store.OutboxPostpone(rctx, next, m.ID); err != nil {
		return fmt.Errorf("postpone outbox message %d: %w", m.ID, err)
	}
	return nil
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (w *Worker) backoff(attempt int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt)
	}
	return DefaultBackoff(attempt)
}
