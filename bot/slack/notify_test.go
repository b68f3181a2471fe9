package slack

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

func TestPost(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	card := bot.Reply{
		Text:    "<@U123ABC> opened CB-1042: CB-1042 · Chargeback",
		Title:   "CB-1042 · Chargeback",
		Fields:  []bot.Field{{Label: "Status", Value: "open"}},
		Buttons: []bot.Button{{Label: "Close", Command: "/case close CB-1042", Style: "danger"}},
	}

	// A card's thread on Slack is the card itself.
	posted, err := a.Post(context.Background(), bot.Message{Channel: "C1", Reply: card})
	if err != nil || posted.MessageID != f.Messages()[0].TS || posted.ThreadID != posted.MessageID {
		t.Fatalf("Post = %+v, %v; want the ts Slack gave, as message and thread", posted, err)
	}
	cardTS := posted.MessageID
	c := f.NextCall(t, "chat.postMessage", wait)
	if c.Params["channel"] != "C1" || c.Params["text"] != "<@U123ABC> opened CB-1042: CB-1042 · Chargeback" ||
		c.Params["thread_ts"] != "" || !strings.Contains(c.Params["blocks"], `"type":"header"`) {
		t.Errorf("chat.postMessage got %v", c.Params)
	}

	posted, err = a.Post(context.Background(), bot.Message{Channel: "C1", Thread: "1700000000.000100", Reply: bot.Reply{Text: "<@U123ABC>: Noted on CB-1042."}})
	if err != nil || posted.ThreadID != "1700000000.000100" {
		t.Fatalf("thread post = %+v, %v; want it in the card's thread", posted, err)
	}
	c = f.NextCall(t, "chat.postMessage", wait)
	if _, blocks := c.Params["blocks"]; c.Params["thread_ts"] != "1700000000.000100" || blocks {
		t.Errorf("thread post got %v", c.Params)
	}

	posted, err = a.Post(context.Background(), bot.Message{Channel: "C1", UpdateID: cardTS, Thread: cardTS, Reply: bot.Reply{Text: "CB-1042 · closed"}})
	if want := (bot.Posted{MessageID: cardTS, ThreadID: cardTS}); err != nil || posted != want {
		t.Fatalf("update = %+v, %v; want %+v", posted, err, want)
	}
	c = f.NextCall(t, "chat.update", wait)
	if c.Params["ts"] != cardTS || c.Params["text"] != "CB-1042 · closed" || c.Params["blocks"] != "[]" {
		t.Errorf("chat.update got %v", c.Params)
	}
}

func TestPostErrors(t *testing.T) {
	tests := []struct {
		name           string
		update         bool
		respond        http.HandlerFunc
		wantPermanent  bool
		wantRetryAfter time.Duration
	}{
		{"server error", false, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "<html>oops</html>")
		}, false, 0},
		{"rate limited", false, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
		}, false, 7 * time.Second},
		{"channel not found", false, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"ok":false,"error":"channel_not_found"}`)
		}, true, 0},
		{"not in channel", false, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"ok":false,"error":"not_in_channel"}`)
		}, true, 0},
		{"token revoked", false, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"ok":false,"error":"token_revoked"}`)
		}, true, 0},
		{"Slack's internal error", false, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"ok":false,"error":"internal_error"}`)
		}, false, 0},
		{"message to update gone", true, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"ok":false,"error":"message_not_found"}`)
		}, true, 0},
		{"update server error", true, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
		}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := slackfake.New(t)
			a, _ := newTestAdapter(t, f, nil)
			f.Handle("chat.postMessage", tt.respond)
			f.Handle("chat.update", tt.respond)
			m := bot.Message{Channel: "C1", Reply: bot.Reply{Text: "hello"}}
			if tt.update {
				m.UpdateID = "1700000000.000100"
			}
			_, err := a.Post(context.Background(), m)
			de, ok := errors.AsType[*bot.DeliveryError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want a *bot.DeliveryError", err, err)
			}
			if de.Permanent != tt.wantPermanent || de.RetryAfter != tt.wantRetryAfter {
				t.Errorf("got Permanent=%v RetryAfter=%v, want %v %v (%v)", de.Permanent, de.RetryAfter, tt.wantPermanent, tt.wantRetryAfter, err)
			}
		})
	}
}

func TestPostNetworkErrorIsRetryable(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	f.Close()
	_, err := a.Post(context.Background(), bot.Message{Channel: "C1", Reply: bot.Reply{Text: "hello"}})
	de, ok := errors.AsType[*bot.DeliveryError](err)
	if !ok || de.Permanent || de.RetryAfter != 0 {
		t.Fatalf("err = %#v, want a retryable *bot.DeliveryError", err)
	}
}

func TestPostWithoutChannelIsPermanent(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	_, err := a.Post(context.Background(), bot.Message{Reply: bot.Reply{Text: "hello"}})
	if de, ok := errors.AsType[*bot.DeliveryError](err); !ok || !de.Permanent {
		t.Fatalf("err = %v, want a permanent *bot.DeliveryError", err)
	}
}
