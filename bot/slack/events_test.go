package slack

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

const threadMessage = `{"type":"message","channel":"C1","user":"U123ABC","text":"Carrier says Trondheim","ts":"1700000000.000300","thread_ts":"1700000000.000100"}`

// postEvent posts an event in the background and returns where its
// response arrives.
func postEvent(t *testing.T, a *Adapter, h bot.Handler, id, inner, retry string) <-chan *httptest.ResponseRecorder {
	t.Helper()
	r := signed(t, "/slack/events", "application/json", eventBody(id, inner), time.Now())
	if retry != "" {
		r.Header.Set("X-Slack-Retry-Num", retry)
		r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- serve(a, h, r) }()
	return done
}

func status(t *testing.T, done <-chan *httptest.ResponseRecorder) int {
	t.Helper()
	select {
	case w := <-done:
		return w.Code
	case <-time.After(5 * time.Second):
		t.Fatal("no response within 5s")
		return 0
	}
}

// A message is acknowledged only once the handler has taken it (stored it,
// for a message in a case's thread): a 200 before that loses the message
// when the process stops or the handler fails.
func TestEventAcknowledgedAfterItIsHandled(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	release := make(chan struct{})
	h := newRecorder(func(context.Context, *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{}, nil
	})
	done := postEvent(t, a, h, "Ev10", threadMessage, "")
	h.next(t)
	select {
	case w := <-done:
		close(release)
		t.Fatalf("acknowledged %d while the handler was still running", w.Code)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if code := status(t, done); code != http.StatusOK {
		t.Errorf("status = %d, want 200", code)
	}
}

// A handler that fails on our side (the database down) is not
// acknowledged, so that Slack delivers the event again; the user is told
// only on Slack's last retry.
func TestEventFailedAskedAgain(t *testing.T) {
	for _, tt := range []struct {
		retry  string
		status int
		told   bool
	}{{"", http.StatusServiceUnavailable, false}, {"2", http.StatusServiceUnavailable, false}, {"3", http.StatusOK, true}} {
		t.Run("retry "+tt.retry, func(t *testing.T) {
			f := slackfake.New(t)
			a, _ := newTestAdapter(t, f, nil)
			h := newRecorder(reply(bot.Reply{Text: "disputedesk cannot reach its database", Visibility: bot.Ephemeral, Failed: true}))
			if code := status(t, postEvent(t, a, h, "Ev11", `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT> hi","ts":"1700000000.000400"}`, tt.retry)); code != tt.status {
				t.Errorf("status = %d, want %d", code, tt.status)
			}
			quiesce(t, a)
			if tt.told {
				f.NextCall(t, "chat.postEphemeral", wait)
			} else {
				f.NoCall(t, "chat.postEphemeral", 50*time.Millisecond)
			}
		})
	}
}

// A handler still running when the ack budget runs out is not
// acknowledged either: Slack delivers the event again, and the retry finds
// it done (recorded under its event id).
func TestEventStillRunningAskedAgain(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, func(c *Config) { c.AckBudget = 50 * time.Millisecond })
	release := make(chan struct{})
	defer close(release)
	h := newRecorder(func(context.Context, *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{}, nil
	})
	if code := status(t, postEvent(t, a, h, "Ev12", threadMessage, "")); code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", code)
	}
}

func TestURLVerification(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	w := serve(a, newRecorder(nil), signed(t, "/slack/events", "application/json",
		`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`, time.Now()))
	if w.Code != http.StatusOK || w.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("got %d %q", w.Code, w.Body)
	}
}

// eventBody is an event_callback as Slack posts it.
func eventBody(eventID, inner string) string {
	return fmt.Sprintf(`{"token":"legacy","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":%q,"event_time":1700000000,"event":%s}`, eventID, inner)
}

func TestEvents(t *testing.T) {
	tests := []struct {
		name  string
		inner string
		want  *bot.Request // nil: the handler is not called
	}{
		{
			name:  "message in a thread",
			inner: `{"type":"message","channel":"C1","user":"U123ABC","text":"Customer says the parcel &amp; invoice never came &lt;3","ts":"1700000000.000300","thread_ts":"1700000000.000100","channel_type":"channel"}`,
			want: &bot.Request{ID: "Ev1", Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1700000000.000100", User: "U123ABC",
				Text: "Customer says the parcel & invoice never came <3", Permalink: "https://disputedesk-test.slack.com/archives/C1/p1700000000000300?thread_ts=1700000000.000100&cid=C1"},
		},
		{
			name:  "app mention",
			inner: `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT> customer <@U999XYZ> says order 1042 never arrived","ts":"1700000000.000400","event_ts":"1700000000.000400"}`,
			want: &bot.Request{ID: "Ev1", Platform: "slack", Workspace: "T1", Channel: "C1", User: "U123ABC", Mentioned: true,
				Text: "customer @U999XYZ says order 1042 never arrived", Permalink: "https://disputedesk-test.slack.com/archives/C1/p1700000000000400"},
		},
		{
			name:  "app mention in a thread",
			inner: `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT|disputedesk> what next?","ts":"1700000000.000500","thread_ts":"1700000000.000100"}`,
			want: &bot.Request{ID: "Ev1", Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1700000000.000100", User: "U123ABC", Mentioned: true,
				Text: "what next?", Permalink: "https://disputedesk-test.slack.com/archives/C1/p1700000000000500?thread_ts=1700000000.000100&cid=C1"},
		},
		{name: "the bot's own message by bot_id", inner: `{"type":"message","channel":"C1","user":"U0BOT","bot_id":"B0BOT","text":"CB-1042 card","ts":"1700000000.000600","thread_ts":"1700000000.000100"}`},
		{name: "the bot's own message by user", inner: `{"type":"message","channel":"C1","user":"U0BOT","text":"CB-1042 card","ts":"1700000000.000600","thread_ts":"1700000000.000100"}`},
		{name: "another bot", inner: `{"type":"message","subtype":"bot_message","channel":"C1","bot_id":"B2","text":"hi","ts":"1700000000.000600","thread_ts":"1700000000.000100"}`},
		{name: "message outside a thread", inner: `{"type":"message","channel":"C1","user":"U123ABC","text":"hello","ts":"1700000000.000700"}`},
		{name: "edited message", inner: `{"type":"message","subtype":"message_changed","channel":"C1","message":{"type":"message","user":"U123ABC","text":"x","ts":"1700000000.000300","thread_ts":"1700000000.000100"},"ts":"1700000000.000800"}`},
		{name: "thread message that mentions the bot (the app_mention is handled)", inner: `{"type":"message","channel":"C1","user":"U123ABC","text":"<@U0BOT> help","ts":"1700000000.000300","thread_ts":"1700000000.000100"}`},
		{name: "event type slack-go does not know", inner: `{"type":"some_future_event","channel":"C1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := slackfake.New(t)
			a, _ := newTestAdapter(t, f, nil)
			h := newRecorder(nil)
			w := serve(a, h, signed(t, "/slack/events", "application/json", eventBody("Ev1", tt.inner), time.Now()))
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d: %s", w.Code, w.Body)
			}
			quiesce(t, a)
			if tt.want == nil {
				if h.count() != 0 {
					t.Fatalf("handler called: %+v", h.reqs[0])
				}
				return
			}
			req := h.next(t)
			tt.want.At = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
			tt.want.MaxText = 3000                        // a draft shows as one Block Kit section
			tt.want.Locale, tt.want.Zone = "en-US", "UTC" // users.info, as the fake answers it
			if !reflect.DeepEqual(req, tt.want) {
				t.Errorf("request:\n got %+v\nwant %+v", req, tt.want)
			}
		})
	}
}

func TestEventReplyPosted(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(reply(bot.Reply{
		Text:       "That sounds like a chargeback. Open a case?",
		Buttons:    []bot.Button{{Label: "Open chargeback", Command: "/case open chargeback order=1042", Style: "primary"}},
		Visibility: bot.Ephemeral,
	}))
	serve(a, h, signed(t, "/slack/events", "application/json",
		eventBody("Ev2", `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT> chargeback on 1042","ts":"1700000000.000400"}`), time.Now()))
	c := f.NextCall(t, "chat.postEphemeral", wait)
	if c.Params["channel"] != "C1" || c.Params["user"] != "U123ABC" || !strings.Contains(c.Params["blocks"], `"value":"/case open chargeback order=1042"`) {
		t.Errorf("chat.postEphemeral got %v", c.Params)
	}
}

func TestEventRetryNotHandledTwiceAtOnce(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	release := make(chan struct{})
	h := newRecorder(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{}, nil
	})
	inner := `{"type":"message","channel":"C1","user":"U123ABC","text":"note","ts":"1700000000.000300","thread_ts":"1700000000.000100"}`
	firstDone := postEvent(t, a, h, "Ev3", inner, "")
	first := h.next(t)
	// While the first delivery is being handled, retries are neither
	// handled nor acknowledged: the first may yet fail.
	for _, retry := range []string{"1", "2"} {
		if code := status(t, postEvent(t, a, h, "Ev3", inner, retry)); code != http.StatusServiceUnavailable {
			t.Errorf("retry %s while the first delivery ran: status = %d, want 503", retry, code)
		}
	}
	if n := h.count(); n != 1 {
		t.Errorf("handler called %d times while the first delivery ran, want 1", n)
	}
	close(release)
	if code := status(t, firstDone); code != http.StatusOK {
		t.Errorf("first delivery: status = %d, want 200", code)
	}
	quiesce(t, a)
	// After: goes to the handler, which dedups by ID.
	if code := status(t, postEvent(t, a, h, "Ev3", inner, "3")); code != http.StatusOK {
		t.Errorf("retry 3: status = %d, want 200", code)
	}
	again := h.next(t)
	if first.ID != "Ev3" || again.ID != first.ID {
		t.Errorf("IDs = %q, %q; want the event_id both times", first.ID, again.ID)
	}
}

func TestBusyEventAskedAgain(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, func(c *Config) { c.Workers = 1 })
	release := make(chan struct{})
	defer close(release)
	h := newRecorder(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{}, nil
	})
	inner := `{"type":"message","channel":"C1","user":"U123ABC","text":"note","ts":"1700000000.000300","thread_ts":"1700000000.000100"}`
	postEvent(t, a, h, "Ev4", inner, "")
	h.next(t)
	if code := status(t, postEvent(t, a, h, "Ev5", inner, "")); code != http.StatusServiceUnavailable {
		t.Fatalf("second with no worker free: %d, want 503", code)
	}
}

func TestRunInHTTPModeWaitsAndDrains(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	release := make(chan struct{})
	h := newRecorder(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "done", Visibility: bot.Ephemeral}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, h) }()
	postEvent(t, a, h, "Ev6", `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT> hi","ts":"1700000000.000400"}`, "")
	h.next(t)
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned %v before the running request finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	f.NextCall(t, "chat.postEphemeral", wait)
	// After shutdown, nothing more is taken.
	if w := serve(a, h, signed(t, "/slack/events", "application/json",
		eventBody("Ev7", `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT> hi","ts":"1700000000.000400"}`), time.Now())); w.Code != http.StatusServiceUnavailable {
		t.Errorf("after shutdown: %d, want 503", w.Code)
	}
}
