// Package dispatch is the adapters' dispatch kit: a bounded worker pool that
// drains on shutdown, the registry of requests in flight, the handoff between
// a platform's synchronous acknowledgement and a late answer, and the one
// mapping from an error to what the user sees.
//
// A platform that wants an answer within seconds calls Answer with its own
// Ack and Late: Slack acks a slash command with its reply, or empty and
// answers later through the response_url; Discord answers an interaction
// with its reply (type 4, or 9 for a form), or with a type 5 deferred
// response and later edits the original message. Work acknowledged at once
// and answered later (Slack's buttons and events) goes through Submit and
// Handle. The kit imports no platform SDK.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/bot"
)

// Defaults.
const (
	// defaultWorkers: a request spends most of its time waiting on the
	// database (on SQLite, in the one writer's queue), not on a CPU, so
	// more requests in hand than cores; with 16, 64 clients got "busy"
	// answers on SQLite while the machine was a third idle (issue 15).
	defaultWorkers = 64
	// defaultWait is how long a request waits for a free worker before it
	// is answered as busy.
	defaultWait = 500 * time.Millisecond
	// defaultTaskTimeout bounds one handler call and the delivery of its
	// reply; a Slack response_url and a Discord interaction token both stay
	// valid for at least 15 minutes.
	defaultTaskTimeout = 5 * time.Minute
)

// Errors of Submit.
var (
	// ErrBusy means no worker freed in time, or the Dispatcher is closed.
	ErrBusy = errors.New("dispatch: no worker free")
	// ErrDuplicate means a request with the same id is being handled: a
	// platform delivered it again before the first delivery finished.
	ErrDuplicate = errors.New("dispatch: request already being handled")
	// ErrLater is what an Answer's Ack returns when it acknowledged the
	// platform without the reply on purpose (a Slack modal opens only
	// after the ack, an empty reply has nothing to show): the reply goes to
	// Late, and nothing is wrong.
	ErrLater = errors.New("dispatch: reply goes after the acknowledgement")
)

// Config configures a Dispatcher. The zero value is usable.
type Config struct {
	// Workers bounds how many requests are handled at once; 0 means 64.
	Workers int
	// Wait is how long a request waits for a free worker; 0 means 500ms.
	Wait time.Duration
	// TaskTimeout bounds one task; 0 means 5 minutes.
	TaskTimeout time.Duration
	// Logger logs failures, once each; nil means slog.Default().
	Logger *slog.Logger
}

// Dispatcher runs adapters' requests. Create it with New and Close it on
// shutdown; it is safe for concurrent use.
type Dispatcher struct {
	pool     *pool
	inflight inflight
	wait     time.Duration
	log      *slog.Logger
}

// New returns a running Dispatcher.
func New(cfg Config) *Dispatcher {
	d := &Dispatcher{wait: cfg.Wait, log: cfg.Logger}
	if d.wait <= 0 {
		d.wait = defaultWait
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	workers, timeout := cfg.Workers, cfg.TaskTimeout
	if workers <= 0 {
		workers = defaultWorkers
	}
	if timeout <= 0 {
		timeout = defaultTaskTimeout
	}
	d.pool = newPool(workers, timeout)
	return d
}

// Submit runs work for the request id on a worker. It returns ErrDuplicate
// when a request with that id is being handled (an empty id never is) and
// ErrBusy when no worker freed within Config.Wait; work then does not run.
// work's context ends with the task's timeout or a drain that ran out of time.
func (d *Dispatcher) Submit(id string, work func(ctx context.Context)) error {
	return d.submit(id, d.wait, work)
}

func (d *Dispatcher) submit(id string, wait time.Duration, work func(ctx context.Context)) error {
	if !d.inflight.start(id) {
		return ErrDuplicate
	}
	ok := d.pool.do(wait, func(ctx context.Context) {
		defer d.inflight.end(id)
		work(ctx)
	})
	if !ok {
		d.inflight.end(id)
		return ErrBusy
	}
	return nil
}

// Handle calls h. An error or a panic becomes the reply Failure makes of it,
// so the caller always has something to show.
func (d *Dispatcher) Handle(ctx context.Context, h bot.Handler, req *bot.Request) (reply bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			reply = Failure(ctx, d.log, fmt.Errorf("panic: %v\n%s", p, debug.Stack()), "request_id", req.ID)
		}
	}()
	reply, err := h.Handle(ctx, req)
	if err != nil {
		return Failure(ctx, d.log, err, "request_id", req.ID)
	}
	return reply
}

// Answer says how to answer one request that the platform wants answered
// within a deadline.
type Answer struct {
	// Budget is how long the handler may run before Ack(nil) goes out.
	Budget time.Duration
	// Ack answers the platform's request, exactly once: with the reply
	// when the handler finished within Budget; with nil (an empty or
	// deferred acknowledgement) when Budget ran out first or the request
	// is already being handled; with a busy reply when no worker was free.
	// It may run on a timer's goroutine. An error means the reply did not
	// go out in the acknowledgement and the platform was acknowledged
	// without it: the reply is then passed to Late.
	Ack func(reply *bot.Reply) error
	// Late delivers a reply that did not go in the acknowledgement, on the
	// worker, with the task's context.
	Late func(ctx context.Context, reply bot.Reply)
}

// Answer handles req on a worker and answers it through a: in the
// acknowledgement when the handler returns within a.Budget, otherwise
// through a.Late after an empty acknowledgement at a.Budget. Waiting for a
// worker takes at most half the budget, to leave time to answer busy.
func (d *Dispatcher) Answer(h bot.Handler, req *bot.Request, a Answer) {
	var hand handoff
	timer := time.AfterFunc(a.Budget, func() {
		if hand.decide() {
			d.log.Debug("acknowledged before the reply was ready", "request_id", req.ID)
			_ = a.Ack(nil)
		}
	})
	err := d.submit(req.ID, min(d.wait, a.Budget/2), func(ctx context.Context) {
		reply := d.Handle(ctx, h, req)
		if !hand.decide() {
			a.Late(ctx, reply)
			return
		}
		timer.Stop()
		if err := a.Ack(&reply); err != nil {
			a.Late(ctx, reply)
		}
	})
	if err == nil {
		return
	}
	timer.Stop()
	if !hand.decide() {
		return
	}
	if errors.Is(err, ErrDuplicate) {
		_ = a.Ack(nil)
		return
	}
	d.log.Warn("no worker free; answered busy", "request_id", req.ID)
	_ = a.Ack(&bot.Reply{Text: BusyText, Visibility: bot.Ephemeral})
}

// handoff decides, once, whether a reply goes in the acknowledgement (the
// handler finished first) or later (the budget ran out first).
type handoff struct {
	mu      sync.Mutex
	decided bool
}

// decide reports whether the caller is first.
func (h *handoff) decide() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.decided {
		return false
	}
	h.decided = true
	return true
}

// Running reports how many tasks are running, for a gauge or a test that
// waits for the workers to be idle.
func (d *Dispatcher) Running() int { return len(d.pool.slots) }

// Close stops taking work and waits for the work running, so that every
// reply of a committed change still goes out. When ctx ends first it
// cancels the work's context, waits for it to return and returns ctx's error.
func (d *Dispatcher) Close(ctx context.Context) error {
	return d.pool.close(ctx)
}
