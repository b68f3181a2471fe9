package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// syncBuf collects log lines while Run writes them.
type syncBuf struct {
	ch chan map[string]any
}

func (b *syncBuf) Write(p []byte) (int, error) {
	for line := range strings.SplitSeq(strings.TrimSpace(string(p)), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err == nil {
			b.ch <- r
		}
	}
	return len(p), nil
}

// TestDatabaseDownRun: while the database is down, Run says so once, then
// once per interval with the count of failed passes, not once per pass;
// when it is back, Run says so and delivers at once.
func TestDatabaseDownRun(t *testing.T) {
	clk := newClock()
	s := &downStore{store: openSQLite(t, clk), down: true}
	watch := &claimWatch{Outbox: s, claims: make(chan int, 1000)}
	logs := &syncBuf{ch: make(chan map[string]any, 1000)}
	fake := &fakeNotifier{posted: make(chan post, 10)}
	w := &Worker{Store: watch, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now, Poll: time.Millisecond,
		Logger: newJSONLogger(logs)}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	timeout := time.After(20 * time.Second)
	passes := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-watch.claims:
			case <-timeout:
				t.Fatal("timed out waiting for Run's passes")
			}
		}
	}
	// drain returns the records so far; a pass logs before the next one
	// claims, so after passes(n) the passes before the last have logged.
	drain := func() []map[string]any {
		var got []map[string]any
		for {
			select {
			case r := <-logs.ch:
				got = append(got, r)
			default:
				return got
			}
		}
	}
	next := func() map[string]any {
		t.Helper()
		select {
		case r := <-logs.ch:
			return r
		case <-timeout:
			t.Fatal("timed out waiting for a log record")
			return nil
		}
	}

	passes(9)
	got := drain()
	if len(got) != 1 || got[0]["level"] != "ERROR" || got[0]["failed_passes"] != float64(1) || !strings.Contains(got[0]["error"].(string), "connection refused") {
		t.Fatalf("after 8 failed passes the log has %v, want one error", got)
	}
	clk.Add(reportEvery)
	if r := next(); r["level"] != "ERROR" || r["failed_passes"].(float64) < 9 {
		t.Fatalf("after another interval the log has %v, want an error counting the failed passes", r)
	}
	passes(1)
	if got := drain(); len(got) != 0 {
		t.Fatalf("within the interval the log has %v, want nothing more", got)
	}

	enqueue(t, s.store, channelMsg(t, "C1", "waited"))
	s.setDown(false)
	select {
	case p := <-fake.posted:
		if p.Msg.Reply.Text != "waited" {
			t.Errorf("posted %q, want the message that waited", p.Msg.Reply.Text)
		}
	case <-timeout:
		t.Fatal("nothing delivered after the database came back")
	}
	if r := next(); r["level"] != "INFO" || r["failed_passes"].(float64) < 10 {
		t.Errorf("after the database came back the log has %v, want a record of it", r)
	}
}

var _ storage.Outbox = (*downStore)(nil)

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// TestRun: Run delivers a case's messages one pass after another without
// waiting for the poll, Wake makes it look at once, and it returns nil
// when ctx ends.
func TestRun(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")), msg(t, storage.OutboxThread, reply("post")))
	watch := &claimWatch{Outbox: s, claims: make(chan int, 100)}
	fake := &fakeNotifier{posted: make(chan post, 10)}
	w := &Worker{Store: watch, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now, Poll: time.Hour}
	w.Wake() // before Run: does not block, and
	w.Wake() // wakes coalesce

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	timeout := time.After(10 * time.Second)
	next := func(what string) post {
		t.Helper()
		select {
		case p := <-fake.posted:
			return p
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
			return post{}
		}
	}
	if p := next("the card"); p.Msg.Reply.Text != "card" {
		t.Fatalf("first post %q, want the card", p.Msg.Reply.Text)
	}
	if p := next("the thread post"); p.Msg.Reply.Text != "post" || p.Msg.Thread != "ts-1" {
		t.Fatalf("second post %q in thread %q, want the thread post in ts-1", p.Msg.Reply.Text, p.Msg.Thread)
	}
	// Idle: an empty claim, then nothing until the hour's poll.
	for idle := false; !idle; {
		select {
		case n := <-watch.claims:
			idle = n == 0
		case <-timeout:
			t.Fatal("timed out waiting for Run to go idle")
		}
	}
	enqueue(t, s, channelMsg(t, "C9", "woken"))
	w.Wake()
	if p := next("the woken message"); p.Msg.Reply.Text != "woken" {
		t.Fatalf("post %q, want the woken message", p.Msg.Reply.Text)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil on cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx was cancelled")
	}
	if n := fake.attempts(); n != 3 {
		t.Errorf("%d posts, want 3", n)
	}
}

func TestRunNoStore(t *testing.T) {
	if err := (&Worker{}).Run(t.Context()); err == nil {
		t.Error("Run without a store succeeded")
	}
	if _, err := (&Worker{}).DeliverDue(t.Context()); err == nil {
		t.Error("DeliverDue without a store succeeded")
	}
}

// TestLogs: one record per failure, with what an operator needs and never
// the payload.
func TestLogs(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	secret := "Kari Nordmann, kari@example.com, +47 912 34 567"
	enqueue(t, s, channelMsg(t, "C1", secret))
	var buf bytes.Buffer
	fake := &fakeNotifier{errs: []error{errors.New("slack: HTTP 500"), &bot.DeliveryError{Err: errors.New("slack: is_archived"), Permanent: true}}}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now,
		Logger:  slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Backoff: func(int) time.Duration { return time.Second }}
	deliver(t, w, 0)
	clk.Add(2 * time.Second) // past the platform's hold
	deliver(t, w, 0)

	var records []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		records = append(records, r)
	}
	if len(records) != 2 {
		t.Fatalf("%d log records, want 2 (one per failure):\n%s", len(records), buf.String())
	}
	for i, want := range []struct {
		level, error string
		attempt      float64
	}{{"WARN", "slack: HTTP 500", 1}, {"ERROR", "slack: is_archived", 2}} {
		r := records[i]
		if r["level"] != want.level || r["error"] != want.error || r["attempt"] != want.attempt ||
			r["outbox_id"] != float64(1) || r["kind"] != "channel" || r["platform"] != "slack" {
			t.Errorf("log record %d = %v, want level %s, error %q, attempt %v, outbox_id, kind and platform", i, r, want.level, want.error, want.attempt)
		}
	}
	if strings.Contains(buf.String(), "Kari") || strings.Contains(buf.String(), "example.com") {
		t.Errorf("the logs show the payload:\n%s", buf.String())
	}
}

// TestRestart: what one worker leaves pending, another delivers: a message
// for a platform it had no notifier for, and one claimed by a worker that
// died before posting.
func TestRestart(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		first := channelMsg(t, "C1", "first")
		enqueue(t, s, first)
		unconfigured := &Worker{Store: s, Now: clk.Now, Backoff: func(int) time.Duration { return time.Minute }}
		for range 2 {
			deliver(t, unconfigured, 0)
			clk.Add(time.Minute)
		}
		msgs, err := s.ClaimOutbox(t.Context(), clk.Now(), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].Attempts != 2 || msgs[0].LastError != "no notifier for platform slack" {
			t.Fatalf("after two passes without a notifier the message is %+v, want pending, 2 attempts, no notifier", msgs)
		}
		// That claim was a worker that died: its lease runs out.

		second := channelMsg(t, "C2", "second")
		enqueue(t, s, second)
		fake := &fakeNotifier{}
		restarted := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
		deliver(t, restarted, 1) // the second; the first is leased
		clk.Add(time.Minute)
		deliver(t, restarted, 1)
		var got []string
		for _, p := range fake.delivered() {
			got = append(got, p.Msg.Reply.Text)
		}
		if !slices.Equal(got, []string{"second", "first"}) {
			t.Errorf("delivered %q, want second, then first once its lease ran out", got)
		}
	})
}
