package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/logbuf"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// The adapter's tests run against the one Slack fake, internal/slackfake.
const (
	testSecret   = slackfake.SigningSecret
	testBotToken = slackfake.BotToken
	testAppToken = slackfake.AppToken
	// wait bounds waiting for what the adapter sends Slack.
	wait = 5 * time.Second
)

// recorder is a bot.Handler that records requests and answers with reply,
// or with what answer returns when it is set.
type recorder struct {
	mu     sync.Mutex
	reqs   []*bot.Request
	got    chan *bot.Request
	answer func(ctx context.Context, req *bot.Request) (bot.Reply, error)
}

func newRecorder(answer func(ctx context.Context, req *bot.Request) (bot.Reply, error)) *recorder {
	return &recorder{got: make(chan *bot.Request, 100), answer: answer}
}

func (r *recorder) Handle(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	r.got <- req
	if r.answer == nil {
		return bot.Reply{}, nil
	}
	return r.answer(ctx, req)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// next returns the next request the handler got.
func (r *recorder) next(t testing.TB) *bot.Request {
	t.Helper()
	select {
	case req := <-r.got:
		return req
	case <-time.After(5 * time.Second):
		t.Fatal("handler not called within 5s")
		return nil
	}
}

// reply answers every request with the same reply.
func reply(rep bot.Reply) func(context.Context, *bot.Request) (bot.Reply, error) {
	return func(context.Context, *bot.Request) (bot.Reply, error) { return rep, nil }
}

// newTestAdapter returns an adapter in HTTP mode against f, its routes and
// its log.
func newTestAdapter(t testing.TB, f *slackfake.Server, mod func(*Config)) (*Adapter, *logbuf.Buffer) {
	t.Helper()
	logs := &logbuf.Buffer{}
	cfg := Config{
		BotToken:      testBotToken,
		SigningSecret: testSecret,
		APIURL:        f.APIURL(),
		Logger:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:           func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) },
	}
	if mod != nil {
		mod(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.kit.Close(ctx)
	})
	return a, logs
}

// quiesce waits until the adapter's workers are idle.
func quiesce(t testing.TB, a *Adapter) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for a.kit.Running() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("workers still busy after 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// signed returns a request to path signed as Slack signs it, at time at.
func signed(t testing.TB, path, contentType, body string, at time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
	r.Header.Set("X-Slack-Signature", slackfake.Sign(testSecret, at, []byte(body)))
	return r
}

// serve runs r through a mux with the adapter's routes.
func serve(a *Adapter, h bot.Handler, r *http.Request) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	a.HTTPRoutes(mux, h)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

// slashBody is a slash command as Slack posts it.
func slashBody(f *slackfake.Server, command, text string) string {
	return url.Values{
		"token":        {"legacy"},
		"team_id":      {"T1"},
		"team_domain":  {"acme"},
		"channel_id":   {"C1"},
		"channel_name": {"disputes"},
		"user_id":      {"U123ABC"},
		"user_name":    {"kari"},
		"command":      {command},
		"text":         {text},
		"response_url": {f.ResponseURL()},
		"trigger_id":   {"13345224609.738474920.8088930838d88f008e0"},
		"api_app_id":   {"A1"},
	}.Encode()
}

// interactionBody is an interaction payload as Slack posts it.
func interactionBody(payload string) string {
	return url.Values{"payload": {payload}}.Encode()
}

func decodeJSON(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return m
}
