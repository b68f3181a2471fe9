package prompts

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/logbuf"

	"github.com/cenkalti/backoff/v5"
)

// The fake model: an OpenAI-compatible server speaking the real wire format.

// wireRequest is the part of a chat completions request the tests check,
// decoded from the wire without go-openai.
type wireRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

// seenRequest is one request as the fake model received it.
type seenRequest struct {
	Method, Path, Auth string
	Raw                []byte
	Body               wireRequest
}

// fakeModel serves POST /v1/chat/completions with answer, called with the
// request's number (0 first).
type fakeModel struct {
	srv    *httptest.Server
	answer func(w http.ResponseWriter, r *http.Request, n int, req wireRequest)

	mu   sync.Mutex
	seen []seenRequest
}

func newFakeModel(t testing.TB, answer func(w http.ResponseWriter, r *http.Request, n int, req wireRequest)) *fakeModel {
	t.Helper()
	m := &fakeModel{answer: answer}
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var req wireRequest
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost || json.Unmarshal(raw, &req) != nil {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`)
			return
		}
		m.mu.Lock()
		n := len(m.seen)
		m.seen = append(m.seen, seenRequest{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Raw: raw, Body: req})
		m.mu.Unlock()
		m.answer(w, r, n, req)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *fakeModel) requests() []seenRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.seen)
}

// sse writes content as a stream of chat.completion.chunk events, one per
// piece, then a stop chunk and [DONE].
func sse(w http.ResponseWriter, pieces ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, p := range pieces {
		sseChunk(w, p)
	}
	sseEnd(w, "stop")
}

func sseChunk(w http.ResponseWriter, content string) {
	c, _ := json.Marshal(content)
	fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","+
		"\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},\"finish_reason\":null}]}\n\n", c)
	w.(http.Flusher).Flush()
}

func sseEnd(w http.ResponseWriter, finish string) {
	fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","+
		"\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":%q}]}\n\ndata: [DONE]\n\n", finish)
	w.(http.Flusher).Flush()
}

// completion writes content as one non-streamed chat.completion.
func completion(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	c, _ := json.Marshal(content)
	fmt.Fprintf(w, `{"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"m",`+
		`"choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],`+
		`"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`, c)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"server_error","code":null}}`, msg)
}

// answerJSON is the structured answer the drafter asks for.
func answerJSON(lang, body string, promises ...string) string {
	b, _ := json.Marshal(struct {
		Language string   `json:"language"`
		Body     string   `json:"body"`
		Promises []string `json:"promises"`
	}{lang, body, append([]string{}, promises...)})
	return string(b)
}

// runeChunks cuts s into pieces of n runes.
func runeChunks(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

// goodBody is a reply to the return request that the linter accepts.
const goodBody = "Hi Kari,\n\nThank you for letting us know, and I am sorry that your order arrived damaged. " +
	"Could you send us a photo of the item and its packaging? Then we can send you a prepaid return label " +
	"and refund you within 14 days once the item is back with us.\n\n" +
	"We will get back to you within 2 business days. Your case reference is RMA-1007.\n\nBest regards,\nOla"

func newTestOpenAI(t testing.TB, m *fakeModel, edit func(*OpenAIConfig)) (*OpenAI, *logbuf.Buffer) {
	t.Helper()
	var logs logbuf.Buffer
	cfg := OpenAIConfig{
		APIKey:  testKey,
		BaseURL: m.srv.URL + "/v1",
		Model:   "llama3.1:8b",
		Timeout: 5 * time.Second,
		Logger:  slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	o, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	o.newBackOff = func() backoff.BackOff { return backoff.NewConstantBackOff(10 * time.Millisecond) }
	return o, &logs
}

// collect returns a stream callback and the pieces it received.
func collect() (func(string), *[]string) {
	var pieces []string
	return func(s string) { pieces = append(pieces, s) }, &pieces
}

func draftEqual(a, b Draft) bool {
	return a.Language == b.Language && a.Body == b.Body && slices.Equal(a.Promises, b.Promises) &&
		a.Source == b.Source && slices.Equal(a.Problems, b.Problems) && a.Note == b.Note
}
