package dispatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/disputedesk/disputedesk/bot"
)

// answers records what an Answer was told to do.
type answers struct {
	mu    sync.Mutex
	acks  []*bot.Reply
	lates []bot.Reply
	// ackErr, when set, is what Ack returns for a reply.
	ackErr error
}

func (r *answers) answer(budget time.Duration) Answer {
	return Answer{
		Budget: budget,
		Ack: func(reply *bot.Reply) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.acks = append(r.acks, reply)
			if reply != nil {
				return r.ackErr
			}
			return nil
		},
		Late: func(_ context.Context, reply bot.Reply) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.lates = append(r.lates, reply)
		},
	}
}

func (r *answers) get() ([]*bot.Reply, []bot.Reply) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.acks, r.lates
}

func sleeper(d time.Duration, text string) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, _ *bot.Request) (bot.Reply, error) {
		time.Sleep(d)
		return bot.Reply{Text: text}, nil
	})
}

func closeNow(t *testing.T, d *Dispatcher) {
	t.Helper()
	if err := d.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// The platform is acknowledged exactly once and the reply delivered exactly
// once, wherever the handler finishes relative to the budget.
func TestAnswerHandoff(t *testing.T) {
	const budget = 2500 * time.Millisecond
	tests := []struct {
		name   string
		takes  time.Duration
		inAck  bool // the reply must go in the ack
		late   bool // the reply must go late
		ackErr error
	}{
		{name: "in time", takes: time.Second, inAck: true},
		{name: "too slow", takes: 3 * time.Second, late: true},
		{name: "ack refuses the reply", takes: time.Second, ackErr: ErrLater, late: true},
		// Neither is required: either is right, once.
		{name: "exactly at the deadline", takes: budget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range 200 {
				synctest.Test(t, func(t *testing.T) {
					d := New(Config{})
					rec := &answers{ackErr: tt.ackErr}
					d.Answer(sleeper(tt.takes, "the reply"), &bot.Request{ID: fmt.Sprint("r", i)}, rec.answer(budget))
					time.Sleep(2 * budget)
					closeNow(t, d)
					acks, lates := rec.get()
					if len(acks) != 1 {
						t.Fatalf("acked %d times, want once: %v", len(acks), acks)
					}
					inAck := acks[0] != nil && tt.ackErr == nil
					delivered := len(lates)
					if inAck {
						delivered++
					}
					if delivered != 1 || acks[0] != nil && acks[0].Text != "the reply" || len(lates) == 1 && lates[0].Text != "the reply" {
						t.Fatalf("reply delivered %d times (ack %v, late %v), want once", delivered, acks[0], lates)
					}
					if tt.inAck && !inAck || tt.late && len(lates) != 1 {
						t.Fatalf("ack %v, late %v: want in ack %v, late %v", acks[0], lates, tt.inAck, tt.late)
					}
				})
			}
		})
	}
}

func TestAnswerBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{Workers: 1})
		release := make(chan struct{})
		if err := d.Submit("first", func(context.Context) { <-release }); err != nil {
			t.Fatal(err)
		}
		rec := &answers{}
		start := time.Now()
		d.Answer(sleeper(0, "never"), &bot.Request{ID: "second"}, rec.answer(2500*time.Millisecond))
		acks, lates := rec.get()
		if len(acks) != 1 || acks[0] == nil || acks[0].Text != BusyText || acks[0].Visibility != bot.Ephemeral || len(lates) != 0 {
			t.Fatalf("acks %v, lates %v: want one busy ack", acks, lates)
		}
		if waited := time.Since(start); waited > 1250*time.Millisecond {
			t.Errorf("waited %v for a worker, more than half the budget", waited)
		}
		time.Sleep(5 * time.Second)
		if acks, _ := rec.get(); len(acks) != 1 {
			t.Errorf("acked %d times, want once", len(acks))
		}
		close(release)
		closeNow(t, d)
	})
}

func TestAnswerDuplicate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{})
		release := make(chan struct{})
		h := bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
			<-release
			return bot.Reply{Text: "first"}, nil
		})
		first, again := &answers{}, &answers{}
		d.Answer(h, &bot.Request{ID: "same"}, first.answer(time.Second))
		d.Answer(h, &bot.Request{ID: "same"}, again.answer(time.Second))
		if acks, lates := again.get(); len(acks) != 1 || acks[0] != nil || len(lates) != 0 {
			t.Fatalf("duplicate: acks %v, lates %v; want one empty ack", acks, lates)
		}
		close(release)
		closeNow(t, d)
		if acks, lates := first.get(); len(acks) != 1 || len(lates)+len(acks) == 0 {
			t.Errorf("first: acks %v, lates %v", acks, lates)
		}
	})
}

// Close waits for the work running, which empties the registry, and
// takes no more work.
func TestCloseDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{})
		var finished atomic.Int32
		for _, id := range []string{"a", "b"} {
			if err := d.Submit(id, func(context.Context) { time.Sleep(time.Second); finished.Add(1) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Submit("a", func(context.Context) {}); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("Submit of a running id = %v, want ErrDuplicate", err)
		}
		closeNow(t, d)
		if n := finished.Load(); n != 2 || d.inflight.len() != 0 || d.Running() != 0 {
			t.Fatalf("after Close: %d finished, %d in flight, %d running", n, d.inflight.len(), d.Running())
		}
		if err := d.Submit("c", func(context.Context) { t.Error("ran after Close") }); !errors.Is(err, ErrBusy) {
			t.Fatalf("Submit after Close = %v, want ErrBusy", err)
		}
	})
}

// A drain that runs out of time cancels the work and says so.
func TestCloseCancelsOnTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{})
		var cause error
		if err := d.Submit("slow", func(ctx context.Context) { <-ctx.Done(); cause = ctx.Err() }); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := d.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Close = %v, want DeadlineExceeded", err)
		}
		if !errors.Is(cause, context.Canceled) || d.inflight.len() != 0 {
			t.Fatalf("work's context ended with %v, %d in flight", cause, d.inflight.len())
		}
	})
}

type fixable struct{ msg string }

func (e *fixable) Error() string       { return "fixable: " + e.msg }
func (e *fixable) UserMessage() string { return e.msg }

func TestFailure(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantText   string // prefix
		wantFailed bool
		wantLogged bool
	}{
		{"user error", fmt.Errorf("open: %w", &fixable{"say which order with order="}), "say which order with order=", false, false},
		{"our error", errors.New("database is down"), "Something went wrong on our side (ref ", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			reply := Failure(t.Context(), slog.New(slog.NewTextHandler(&logs, nil)), tt.err, "request_id", "R1")
			if !strings.HasPrefix(reply.Text, tt.wantText) || reply.Failed != tt.wantFailed || reply.Visibility != bot.Ephemeral {
				t.Fatalf("reply = %+v", reply)
			}
			if !tt.wantLogged {
				if logs.Len() != 0 {
					t.Errorf("a user error was logged: %s", &logs)
				}
				return
			}
			_, rest, _ := strings.Cut(reply.Text, "(ref ")
			ref, _, _ := strings.Cut(rest, ")")
			if log := logs.String(); len(ref) != 8 || strings.Count(log, "error_ref="+ref) != 1 || strings.Count(log, "\n") != 1 ||
				!strings.Contains(log, "request_id=R1") || !strings.Contains(log, `error="database is down"`) {
				t.Errorf("ref %q, log:\n%s", ref, log)
			}
		})
	}
}

func TestHandleTurnsPanicIntoFailure(t *testing.T) {
	var logs bytes.Buffer
	d := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	defer closeNow(t, d)
	reply := d.Handle(t.Context(), bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { panic("boom") }), &bot.Request{ID: "R2"})
	if !reply.Failed || !strings.Contains(reply.Text, "(ref ") || !strings.Contains(logs.String(), "panic: boom") {
		t.Fatalf("reply %+v, log:\n%s", reply, &logs)
	}
}

func TestEmpty(t *testing.T) {
	for _, tt := range []struct {
		r    bot.Reply
		want bool
	}{
		{bot.Reply{}, true},
		{bot.Reply{Text: " \n"}, true},
		{bot.Reply{Text: "ok"}, false},
		{bot.Reply{Form: &bot.Form{}}, false},
		{bot.Reply{Buttons: []bot.Button{{Label: "x"}}}, false},
	} {
		if got := Empty(tt.r); got != tt.want {
			t.Errorf("Empty(%+v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}
