package outbox

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// The tests of this file drive a platform that answers 429 or 5xx for a
// while: what waits, what counts, and how soon it goes once it answers.

func rateLimited(after time.Duration) error {
	return fmt.Errorf("post: %w", &bot.DeliveryError{Err: errors.New("slack: rate_limited"), RetryAfter: after})
}

var errServer = errors.New("slack: HTTP 500")

// texts are the texts of the successful posts, in order.
func texts(f *fakeNotifier) []string {
	var got []string
	for _, p := range f.delivered() {
		got = append(got, p.Msg.Reply.Text)
	}
	return got
}

// TestRateLimitIsNotAnAttempt: 30 s of 429 (Retry-After 1 s) is more than
// the 12 attempts a message had; none of it counts, and the card and its
// thread posts all go out once Slack takes them.
func TestRateLimitIsNotAnAttempt(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	c := openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")),
		msg(t, storage.OutboxThread, reply("first post")), msg(t, storage.OutboxThread, reply("second post")))
	fake := &fakeNotifier{errs: slices.Repeat([]error{rateLimited(time.Second)}, 30)}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
	for range 40 {
		if _, err := w.DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Second)
	}
	if got := texts(fake); !slices.Equal(got, []string{"card", "first post", "second post"}) {
		t.Errorf("delivered %q, want the card and both thread posts", got)
	}
	if list := failures(t, s, c.ID); len(list) != 0 {
		t.Errorf("OutboxFailures = %v, want none: a 429 is not a failed attempt", msgErrors(list))
	}
	if n := fake.attempts(); n != 33 {
		t.Errorf("%d posts, want 33: one per Retry-After, then one each", n)
	}
}

// TestRateLimitHoldsThePlatform: after a 429 no other message goes to the
// platform before Retry-After has passed; then all of them go.
func TestRateLimitHoldsThePlatform(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	enqueue(t, s, channelMsg(t, "C1", "one"), channelMsg(t, "C2", "two"), channelMsg(t, "C3", "three"))
	fake := &fakeNotifier{errs: []error{rateLimited(7 * time.Second)}}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
	deliver(t, w, 0)
	if n := fake.attempts(); n != 1 {
		t.Fatalf("%d posts in the pass that met the 429, want 1", n)
	}
	clk.Add(7*time.Second - time.Microsecond)
	deliver(t, w, 0)
	clk.Add(time.Microsecond)
	deliver(t, w, 3)
	if got := texts(fake); !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Errorf("delivered %q, want all three in order", got)
	}
}

// TestServerErrorsKeepTrying: hours of HTTP 500 (40 failed attempts, far
// more than 12) do not make a card fail while it is within RetryFor.
func TestServerErrorsKeepTrying(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	c := openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")), msg(t, storage.OutboxThread, reply("post")))
	fake := &fakeNotifier{errs: slices.Repeat([]error{errServer}, 40)}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
	for range 50 {
		if _, err := w.DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		clk.Add(maxBackoff)
	}
	if got := texts(fake); !slices.Equal(got, []string{"card", "post"}) {
		t.Errorf("delivered %q, want the card and its post", got)
	}
	if list := failures(t, s, c.ID); len(list) != 0 {
		t.Errorf("OutboxFailures = %v, want none", msgErrors(list))
	}
}

// TestServerErrorsHoldThePlatform: while the platform fails, one message
// finds out at a time; the others wait for it instead of failing too. The
// outage is logged when it starts and when it ends.
func TestServerErrorsHoldThePlatform(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	enqueue(t, s, channelMsg(t, "C1", "one"), channelMsg(t, "C2", "two"), channelMsg(t, "C3", "three"))
	fake := &fakeNotifier{errs: slices.Repeat([]error{errServer}, 3)}
	var logs bytes.Buffer
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	deliver(t, w, 0)
	if n := fake.attempts(); n != 1 {
		t.Fatalf("%d posts in the pass that met the first 500, want 1", n)
	}
	for range 10 {
		clk.Add(10 * time.Second)
		if _, err := w.DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if got := texts(fake); !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Errorf("delivered %q, want all three in order", got)
	}
	if n := fake.attempts(); n != 6 {
		t.Errorf("%d posts, want 6: three failed probes, then each message once", n)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[1], "level=INFO msg=\"outbox platform answers again\" platform=slack failed_posts=3 resumed=") {
		t.Errorf("logs:\n%s\nwant a warning when the outage starts and a record when it ends", logs.String())
	}
}

// TestRecoveryIsPrompt: a message that backed off for an hour when the
// platform started failing goes out as soon as the platform takes another
// one, not when its hour is up.
func TestRecoveryIsPrompt(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	enqueue(t, s, channelMsg(t, "C1", "backed off"))
	fake := &fakeNotifier{errs: []error{errServer, errServer}}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now,
		Backoff: func(int) time.Duration { return time.Hour }}
	deliver(t, w, 0)
	enqueue(t, s, channelMsg(t, "C2", "new"))
	clk.Add(10 * time.Second)
	deliver(t, w, 0) // still failing
	clk.Add(10 * time.Second)
	deliver(t, w, 1)
	deliver(t, w, 1)
	if got := texts(fake); !slices.Equal(got, []string{"new", "backed off"}) {
		t.Errorf("delivered %q, want the new message, then at once the one that backed off", got)
	}
}

// TestThreadPostsFollowRepostedCard: a card that failed for good takes its
// thread posts with it; when the case's next change posts the card again,
// they follow it into its thread.
func TestThreadPostsFollowRepostedCard(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	c := openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")), msg(t, storage.OutboxThread, reply("lost post")))
	gone := &bot.DeliveryError{Err: errors.New("slack: not_in_channel"), Permanent: true}
	fake := &fakeNotifier{errs: []error{gone}}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now}
	deliver(t, w, 0)
	if list := failures(t, s, c.ID); len(list) != 2 {
		t.Fatalf("OutboxFailures = %v, want the card and its post", msgErrors(list))
	}
	repost := msg(t, storage.OutboxCard, reply("card again"))
	repost.CaseID = c.ID
	enqueue(t, s, repost)
	deliver(t, w, 1)
	deliver(t, w, 1)
	got := fake.delivered()
	if len(got) != 2 || got[0].Msg.Reply.Text != "card again" || got[1].Msg.Reply.Text != "lost post" || got[1].Msg.Thread != got[0].ID {
		t.Errorf("delivered %+v, want the card again, then the lost post in its thread", got)
	}
}

// TestGivesUpAfterRetryFor: a message that keeps failing fails for good
// once RetryFor has passed since its first failure, not before.
func TestGivesUpAfterRetryFor(t *testing.T) {
	clk := newClock()
	s := openSQLite(t, clk)
	c := openCase(t, s, "", msg(t, storage.OutboxCard, reply("card")))
	fake := &fakeNotifier{errs: slices.Repeat([]error{errServer}, 1000)}
	w := &Worker{Store: s, Notifiers: map[string]bot.Notifier{"slack": fake}, Now: clk.Now, RetryFor: time.Hour}
	for range 11 { // 55 minutes
		deliver(t, w, 0)
		clk.Add(maxBackoff)
	}
	if list := failures(t, s, c.ID); len(list) != 0 {
		t.Fatalf("failed after %d posts within RetryFor", fake.attempts())
	}
	for range 3 {
		deliver(t, w, 0)
		clk.Add(maxBackoff)
	}
	list := failures(t, s, c.ID)
	if len(list) != 1 || !strings.HasPrefix(list[0].LastError, "gave up after trying for 1h0m0s (") || !strings.HasSuffix(list[0].LastError, "): slack: HTTP 500") {
		t.Errorf("OutboxFailures = %d messages (%v), want the card, given up after an hour", len(list), msgErrors(list))
	}
}

func msgErrors(list []storage.OutboxMessage) []string {
	var errs []string
	for _, m := range list {
		errs = append(errs, fmt.Sprintf("%d %s: %s", m.ID, m.Kind, m.LastError))
	}
	return errs
}
