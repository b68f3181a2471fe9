package outbox

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
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
