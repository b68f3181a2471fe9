package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/testclock"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/storage"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// clock is a settable time for the store and the worker alike.
type clock = testclock.Clock

func newClock() *clock { return testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) }

// post is one call of fakeNotifier.Post.
type post struct {
	Msg bot.Message
	ID  string // "" when it failed
}

// fakeNotifier is a platform: it records every post and fails those that
// errs says, in order (a nil error: success). Posted messages get ids
// ts-1, ts-2... and live, as on Slack, in the thread they were posted in or
// their own; with threads set, a top-level message starts a thread of its
// own, "thread-of-ts-N", as a Discord card does.
type fakeNotifier struct {
	mu      sync.Mutex
	errs    []error
	calls   []post
	n       int
	before  func() // run at each post, when set
	posted  chan post
	threads bool
}

func (f *fakeNotifier) Post(ctx context.Context, m bot.Message) (bot.Posted, error) {
	if f.before != nil {
		f.before()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	if len(f.errs) > 0 {
		err, f.errs = f.errs[0], f.errs[1:]
	}
	p := post{Msg: m}
	if err == nil {
		f.n++
		p.ID = fmt.Sprint("ts-", f.n)
	}
	f.calls = append(f.calls, p)
	if f.posted != nil && err == nil {
		f.posted <- p
	}
	if err != nil {
		return bot.Posted{}, err
	}
	switch {
	case m.UpdateID != "":
		return bot.Posted{MessageID: m.UpdateID, ThreadID: m.Thread}, nil
	case m.Thread != "":
		return bot.Posted{MessageID: p.ID, ThreadID: m.Thread}, nil
	case f.threads:
		return bot.Posted{MessageID: p.ID, ThreadID: "thread-of-" + p.ID}, nil
	}
	return bot.Posted{MessageID: p.ID, ThreadID: p.ID}, nil
}

// delivered returns the successful posts.
func (f *fakeNotifier) delivered() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ok []post
	for _, p := range f.calls {
		if p.ID != "" {
			ok = append(ok, p)
		}
	}
	return ok
}

func (f *fakeNotifier) attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// store is the real store, on clk's time.
type store interface {
	storage.Store
	storage.Outbox
}

// dialects runs fn on SQLite and on PostgreSQL.
func dialects(t *testing.T, fn func(t *testing.T, open func(t *testing.T, clk *clock) store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, func(t *testing.T, clk *clock) store { return openStore(t, filepath.Join(t.TempDir(), "dd.db"), clk) })
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, func(t *testing.T, clk *clock) store { return openStore(t, pgtest.URL(t), clk) })
	})
}

func openSQLite(t *testing.T, clk *clock) store {
	return openStore(t, filepath.Join(t.TempDir(), "dd.db"), clk)
}

func openStore(t *testing.T, url string, clk *clock) store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), url, sqlstore.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

// reply is a payload as the commands write it: a bot.Reply as JSON.
func reply(text string) bot.Reply {
	return bot.Reply{Text: text, Title: "CB-1001", Fields: []bot.Field{{Label: "Order", Value: "#1042"}},
		Buttons: []bot.Button{{Label: "Done", Command: "/case done CB-1001 acknowledge", Style: "primary"}}}
}

func encode(t *testing.T, r bot.Reply) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// openCase opens a case on slack in C1 with thread (may be empty) and
// enqueues msgs for it in the same transaction, filling them in.
func openCase(t *testing.T, s store, thread string, msgs ...*storage.OutboxMessage) storage.Case {
	t.Helper()
	c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Platform: "slack", Workspace: "T1", Channel: "C1", Thread: thread}
	if _, _, err := s.Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		if err := tx.CreateCase(t.Context(), &c, &storage.Event{Kind: storage.EventOpened}); err != nil {
			return nil, err
		}
		for _, m := range msgs {
			m.CaseID = c.ID
			if err := tx.Enqueue(t.Context(), m); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// enqueue writes msgs in one transaction.
func enqueue(t *testing.T, s store, msgs ...*storage.OutboxMessage) {
	t.Helper()
	if _, _, err := s.Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		for _, m := range msgs {
			if err := tx.Enqueue(t.Context(), m); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
}

func msg(t *testing.T, kind storage.OutboxKind, r bot.Reply) *storage.OutboxMessage {
	return &storage.OutboxMessage{Kind: kind, Platform: "slack", Channel: "C1", Payload: encode(t, r)}
}

func channelMsg(t *testing.T, channel, text string) *storage.OutboxMessage {
	return &storage.OutboxMessage{Kind: storage.OutboxChannel, Platform: "slack", Channel: channel, Payload: encode(t, reply(text))}
}

// deliver runs one pass and checks how many messages it posted.
func deliver(t *testing.T, w *Worker, want int) {
	t.Helper()
	n, err := w.DeliverDue(t.Context())
	if err != nil {
		t.Fatalf("DeliverDue: %v", err)
	}
	if n != want {
		t.Fatalf("DeliverDue posted %d, want %d", n, want)
	}
}

func failures(t *testing.T, s store, caseID int64) []storage.OutboxMessage {
	t.Helper()
	list, err := s.OutboxFailures(t.Context(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestDeliverOnce(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		cardReply := reply("Chargeback CB-1001: Kari Nordmann, «æøå» 📦")
		cardMsg := msg(t, storage.OutboxCard, cardReply)
		c := openCase(t, s, "", cardMsg)
		summary := channelMsg(t, "C9", "Daily summary")
		enqueue(t, s, summary)
		fake := &fakeNotifier{}
		w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}

		deliver(t, w, 2)
		want := []post{
			{Msg: bot.Message{Workspace: "T1", Channel: "C1", Reply: cardReply}, ID: "ts-1"},
			{Msg: bot.Message{Channel: "C9", Reply: reply("Daily summary")}, ID: "ts-2"},
		}
		if got := fake.delivered(); !reflect.DeepEqual(got, want) {
			t.Fatalf("posted\n%+v\nwant\n%+v", got, want)
		}
		clk.Add(time.Hour)
		deliver(t, w, 0)
		if n := fake.attempts(); n != 2 {
			t.Errorf("%d posts, want 2: each message once", n)
		}
		got, err := s.Case(t.Context(), storage.AllWorkspaces, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if got.CardMessageID != "ts-1" || got.Thread != "ts-1" {
			t.Errorf("case card %q thread %q, want ts-1 and ts-1", got.CardMessageID, got.Thread)
		}
	})
}

// TestRetryThenDeliver: a message the platform refuses (HTTP 500) while it
// takes others backs off on its own, by Backoff, and goes once it is taken.
func TestRetryThenDeliver(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		m := channelMsg(t, "C1", "reminder")
		enqueue(t, s, m)
		fake := &fakeNotifier{errs: []error{errors.New("slack: HTTP 500"), nil, errors.New("slack: HTTP 500")}}
		var backoffs []int
		w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now,
			Backoff: func(attempt int) time.Duration {
				backoffs = append(backoffs, attempt)
				return time.Duration(attempt) * 10 * time.Second
			}}

		deliver(t, w, 0) // fails; again in 10s
		enqueue(t, s, channelMsg(t, "C2", "other"))
		clk.Add(5 * time.Second) // past the platform's hold
		deliver(t, w, 1)         // the other message: the platform answers
		clk.Add(5*time.Second - time.Microsecond)
		deliver(t, w, 0)
		if n := fake.attempts(); n != 2 {
			t.Fatalf("%d posts before the backoff ended, want 2", n)
		}
		clk.Add(time.Microsecond)
		deliver(t, w, 0) // fails again; again in 20s
		clk.Add(20*time.Second - time.Microsecond)
		deliver(t, w, 0)
		clk.Add(time.Microsecond)
		deliver(t, w, 1)
		clk.Add(time.Hour)
		deliver(t, w, 0)

		if n, d := fake.attempts(), len(fake.delivered()); n != 4 || d != 2 {
			t.Errorf("%d posts, %d delivered; want 4 and 2", n, d)
		}
		if !slices.Equal(backoffs, []int{1, 2}) {
			t.Errorf("Backoff called with %v, want [1 2]", backoffs)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	enqueue(t, s, channelMsg(t, "C1", "reminder"))
	limited := &bot.DeliveryError{Err: errors.New("slack: rate_limited"), RetryAfter: 7 * time.Second}
	fake := &fakeNotifier{errs: []error{fmt.Errorf("post: %w", limited)}}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now,
		Backoff: func(int) time.Duration { t.Error("Backoff called; RetryAfter must win"); return time.Hour }}

	deliver(t, w, 0)
	clk.Add(7*time.Second - time.Microsecond)
	deliver(t, w, 0)
	clk.Add(time.Microsecond)
	deliver(t, w, 1)
	if n := fake.attempts(); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}

func TestPermanentFailure(t *testing.T) {
	dialects(t, func(t *testing.T, open func(*testing.T, *clock) store) {
		clk := newClock()
		s := open(t, clk)
		c := openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")))
		gone := &bot.DeliveryError{Err: errors.New("slack: channel_not_found"), Permanent: true}
		fake := &fakeNotifier{errs: []error{fmt.Errorf("post card: %w", gone)}}
		w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}

		deliver(t, w, 0)
		list := failures(t, s, c.ID)
		if len(list) != 1 || list[0].Status != storage.OutboxFailed || list[0].Attempts != 1 || list[0].LastError != "post card: slack: channel_not_found" {
			t.Fatalf("OutboxFailures = %+v, want the card failed once with the platform's reason", list)
		}
		clk.Add(24 * time.Hour)
		deliver(t, w, 0)
		if n := fake.attempts(); n != 1 {
			t.Errorf("%d posts, want 1: a permanent failure is not retried", n)
		}
	})
}

// TestNoNotifierGivesUp: without a notifier for its platform a message is
// retried for RetryFor, like a failed post.
func TestNoNotifierGivesUp(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	c := openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")))
	discord := &fakeNotifier{}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"discord": discord}, Now: clk.Now, RetryFor: 2 * time.Second,
		Backoff: func(int) time.Duration { return time.Second }}
	for range 4 {
		deliver(t, w, 0)
		clk.Add(time.Second)
	}
	list := failures(t, s, c.ID)
	if len(list) != 1 || list[0].Attempts != 3 || list[0].LastError != "gave up after trying for 2s (3 attempts): no notifier for platform slack" {
		t.Errorf("OutboxFailures = %+v, want the card failed after 2s without a notifier", list)
	}
	if n := discord.attempts(); n != 0 {
		t.Errorf("%d posts through another platform's notifier", n)
	}
}

func TestBadPayload(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	bad := msg(t, storage.OutboxCard, reply(""))
	bad.Payload = `{"Text": "Kari Nordmann`
	c := openCase(t, s, "", bad)
	fake := &fakeNotifier{}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
	deliver(t, w, 0)
	if n := fake.attempts(); n != 0 {
		t.Errorf("%d posts of a payload that is not a reply, want 0", n)
	}
	list := failures(t, s, c.ID)
	if len(list) != 1 || !strings.HasPrefix(list[0].LastError, "payload is not a reply") || strings.Contains(list[0].LastError, "Kari") {
		t.Errorf("OutboxFailures = %+v, want the card failed for its payload, without its text", list)
	}
}

// claimWatch reports each claim's size on claims.
type claimWatch struct {
	storage.Outbox
	claims chan int
}

func (c *claimWatch) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storage.OutboxMessage, error) {
	msgs, err := c.Outbox.ClaimOutbox(ctx, now, lease, limit)
	select {
	case c.claims <- len(msgs):
	default:
	}
	return msgs, err
}

func TestDefaultBackoff(t *testing.T) {
	for attempt := -1; attempt <= 40; attempt++ {
		full := 5 * time.Minute
		if attempt <= 9 {
			full = min(time.Second<<(max(attempt, 1)-1), full)
		}
		for range 20 {
			if d := DefaultBackoff(attempt); d > full || d < full*3/4 {
				t.Fatalf("DefaultBackoff(%d) = %v, want between %v and %v", attempt, d, full*3/4, full)
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("æ", maxReason) // two bytes each
	got := truncate(long)
	if len(got) > maxReason+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("truncate cut %d bytes to %d: %q...", len(long), len(got), got[:10])
	}
	if got := truncate("short"); got != "short" {
		t.Errorf("truncate(short) = %q", got)
	}
}
