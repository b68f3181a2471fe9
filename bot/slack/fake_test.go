package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/disputedesk/disputedesk/bot"
)

const (
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	testBotToken = "xoxb-test-token"
	testAppToken = "xapp-1-test-token"
)

// call is one request the fake Slack received.
type call struct {
	Method string     // Web API method, "response_url" or "ack"
	Form   url.Values // form-encoded Web API parameters
	JSON   []byte     // a JSON body (views.open, response_url, a Socket Mode ack)
}

// fakeSlack speaks Slack's Web API (auth.test, chat.*, views.open,
// apps.connections.open), a response_url endpoint and a Socket Mode websocket.
type fakeSlack struct {
	t     testing.TB
	srv   *httptest.Server
	calls chan call
	// respond, when set, answers a Web API method instead of the default.
	mu      sync.Mutex
	respond map[string]http.HandlerFunc
	// envelopes are written to the Socket Mode websocket.
	envelopes chan string
	connected chan struct{}
}

func newFakeSlack(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{
		t:         t,
		calls:     make(chan call, 100),
		respond:   map[string]http.HandlerFunc{},
		envelopes: make(chan string, 10),
		connected: make(chan struct{}, 10),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// APIURL is the Web API base URL.
func (f *fakeSlack) APIURL() string { return f.srv.URL + "/api/" }

// ResponseURL is a response_url.
func (f *fakeSlack) ResponseURL() string { return f.srv.URL + "/response/1" }

// on replaces the answer to a Web API method.
func (f *fakeSlack) on(method string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.respond[method] = h
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" {
		f.serveSocket(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.URL.Path, "/response/") {
		f.calls <- call{Method: "response_url", JSON: body}
		_, _ = io.WriteString(w, "ok")
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := call{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		c.JSON = body
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.calls <- c
	f.mu.Lock()
	h := f.respond[method]
	f.mu.Unlock()
	if h != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "auth.test":
		_, _ = io.WriteString(w, `{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"disputedesk","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
	case "chat.postMessage":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100"}`, c.Form.Get("channel"))
	case "chat.update":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, c.Form.Get("channel"), c.Form.Get("ts"))
	case "chat.postEphemeral":
		_, _ = io.WriteString(w, `{"ok":true,"message_ts":"1700000000.000200"}`)
	case "views.open":
		_, _ = io.WriteString(w, `{"ok":true,"view":{"id":"V1","type":"modal"}}`)
	case "apps.connections.open":
		if r.Header.Get("Authorization") != "Bearer "+testAppToken {
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		fmt.Fprintf(w, `{"ok":true,"url":"ws%s/ws"}`, strings.TrimPrefix(f.srv.URL, "http"))
	default:
		_, _ = io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// serveSocket is Socket Mode: hello, then the envelopes queued, while every
// message the client writes (an ack) is recorded.
func (f *fakeSlack) serveSocket(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with Origin: https://api.slack.com.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"},"debug_info":{"host":"fake"}}`)); err != nil {
		return
	}
	f.connected <- struct{}{}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		defer cancel()
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			f.calls <- call{Method: "ack", JSON: msg}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case env := <-f.envelopes:
			if err := conn.WriteMessage(websocket.TextMessage, []byte(env)); err != nil {
				return
			}
		}
	}
}

// next returns the next call to method, skipping others (auth.test, say).
func (f *fakeSlack) next(method string) call {
	f.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case c := <-f.calls:
			if c.Method == method {
				return c
			}
		case <-timeout:
			f.t.Fatalf("no %s call within 5s", method)
			return call{}
		}
	}
}

// none fails if a call to method arrives within d.
func (f *fakeSlack) none(method string, d time.Duration) {
	f.t.Helper()
	timeout := time.After(d)
	for {
		select {
		case c := <-f.calls:
			if c.Method == method {
				f.t.Fatalf("unexpected %s call: %s %s", method, c.Form, c.JSON)
			}
		case <-timeout:
			return
		}
	}
}

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

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestAdapter returns an adapter in HTTP mode against f, its routes and
// its log.
func newTestAdapter(t testing.TB, f *fakeSlack, mod func(*Config)) (*Adapter, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
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
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(testSecret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
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
func slashBody(f *fakeSlack, command, text string) string {
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
