package prompts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"
)

func TestOpenAIRetry(t *testing.T) {
	tests := []struct {
		name    string
		fail    func(w http.ResponseWriter)
		backoff time.Duration // pace without Retry-After
		min     time.Duration
		max     time.Duration
	}{
		{
			name: "429 honours Retry-After",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "1")
				apiError(w, http.StatusTooManyRequests, "Rate limit reached")
			},
			backoff: 30 * time.Second, // would time the test out if used
			min:     time.Second, max: 3 * time.Second,
		},
		{
			name: "429 honours retry-after-ms",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After-Ms", "200")
				w.Header().Set("Retry-After", "30")
				apiError(w, http.StatusTooManyRequests, "Rate limit reached")
			},
			backoff: 30 * time.Second,
			min:     200 * time.Millisecond, max: 2 * time.Second,
		},
		{
			name:    "500 with backoff",
			fail:    func(w http.ResponseWriter) { apiError(w, http.StatusInternalServerError, "boom") },
			backoff: 50 * time.Millisecond,
			min:     50 * time.Millisecond, max: 2 * time.Second,
		},
		{
			name: "503 without a JSON error",
			fail: func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprint(w, "<html>upstream down</html>")
			},
			backoff: 50 * time.Millisecond,
			min:     50 * time.Millisecond, max: 2 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
				if n == 0 {
					tt.fail(w)
					return
				}
				sse(w, runeChunks(answerJSON("en", goodBody), 16)...)
			})
			o, logs := newTestOpenAI(t, m, func(c *OpenAIConfig) { c.Timeout = 10 * time.Second })
			o.newBackOff = func() backoff.BackOff { return backoff.NewConstantBackOff(tt.backoff) }
			start := time.Now()
			d, err := o.Draft(context.Background(), promptRequest("return"), nil)
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Draft: %v", err)
			}
			if d.Body != goodBody {
				t.Errorf("body %q, want the second answer's", d.Body)
			}
			if n := len(m.requests()); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
			if took < tt.min || took > tt.max {
				t.Errorf("took %s, want between %s and %s", took, tt.min, tt.max)
			}
			if !strings.Contains(logs.String(), "retrying") {
				t.Errorf("the retry is not logged:\n%s", logs)
			}
		})
	}
}

func TestOpenAIErrors(t *testing.T) {
	tests := []struct {
		name     string
		answer   func(w http.ResponseWriter, n int)
		edit     func(*OpenAIConfig)
		requests int
		check    func(t *testing.T, err error)
	}{
		{
			name: "persistent 500",
			answer: func(w http.ResponseWriter, n int) {
				apiError(w, http.StatusInternalServerError, "The server had an error")
			},
			requests: 3,
			check: func(t *testing.T, err error) {
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != 500 || se.Message != "The server had an error" {
					t.Errorf("got %v, want a 500 StatusError", err)
				}
			},
		},
		{
			name:     "429 beyond the budget is not waited for",
			answer:   func(w http.ResponseWriter, n int) { w.Header().Set("Retry-After", "60"); apiError(w, 429, "slow down") },
			requests: 1,
			check: func(t *testing.T, err error) {
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != 429 {
					t.Errorf("got %v, want a 429 StatusError", err)
				}
			},
		},
		{
			name: "401 is not retried and the echoed key is scrubbed",
			answer: func(w http.ResponseWriter, n int) {
				apiError(w, http.StatusUnauthorized, "Incorrect API key provided: "+testKey)
			},
			requests: 1,
			check: func(t *testing.T, err error) {
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != 401 {
					t.Errorf("got %v, want a 401 StatusError", err)
				}
				if strings.Contains(err.Error(), testKey) {
					t.Errorf("error %q holds the API key", err)
				}
			},
		},
		{
			name: "400 is not retried",
			answer: func(w http.ResponseWriter, n int) {
				apiError(w, http.StatusBadRequest, "response_format not supported")
			},
			requests: 1,
			check: func(t *testing.T, err error) {
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != 400 {
					t.Errorf("got %v, want a 400 StatusError", err)
				}
			},
		},
		{
			name:     "no retries configured",
			answer:   func(w http.ResponseWriter, n int) { apiError(w, http.StatusBadGateway, "bad gateway") },
			edit:     func(c *OpenAIConfig) { c.MaxRetries = -1 },
			requests: 1,
			check:    func(t *testing.T, err error) {},
		},
		{
			name: "error event mid-stream",
			answer: func(w http.ResponseWriter, n int) {
				sseChunk(w, `{"language":"en","body":"Hi `)
				fmt.Fprint(w, "data: {\"error\":{\"message\":\"overloaded\"}}\n\n")
			},
			requests: 1,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "overloaded") {
					t.Errorf("got %v, want the stream's error", err)
				}
			},
		},
		{
			name:     "refusal",
			answer:   func(w http.ResponseWriter, n int) { fmt.Fprint(w, refusalStream) },
			requests: 1,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "refused: I can't help with that") {
					t.Errorf("got %v, want the refusal", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) { tt.answer(w, n) })
			o, logs := newTestOpenAI(t, m, tt.edit)
			_, err := o.Draft(context.Background(), promptRequest("return"), nil)
			if err == nil {
				t.Fatal("Draft succeeded, want an error")
			}
			tt.check(t, err)
			if n := len(m.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if strings.Contains(logs.String(), testKey) {
				t.Errorf("the logs hold the API key:\n%s", logs)
			}
		})
	}
}

const refusalStream = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't help with that\"},\"finish_reason\":null}]}\n\n" +
	"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"

func TestOpenAIMalformed(t *testing.T) {
	tests := []struct {
		name, content, finish string
	}{
		{"cut off", `{"language":"en","body":"Hi Kari, we`, "stop"},
		{"token limit", answerJSON("en", "Hi Kari."), "length"},
		{"not JSON", `{language: en, body: "Hi"}`, "stop"},
		{"empty body", answerJSON("en", "  "), "stop"},
		{"no body", `{"language":"en","promises":[]}`, "stop"},
		{"unknown language", answerJSON("fr", "Bonjour Kari."), "stop"},
		{"no language", `{"body":"Hi Kari.","promises":[]}`, "stop"},
		{"text after the object", answerJSON("en", "Hi Kari.") + " I hope this helps!", "stop"},
		{"two bodies", `{"language":"en","body":"Hi Kari.","body":"Pay up.","promises":[]}`, "stop"},
		{"empty answer", "", "stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
				w.Header().Set("Content-Type", "text/event-stream")
				for _, c := range runeChunks(tt.content, 5) {
					sseChunk(w, c)
				}
				sseEnd(w, tt.finish)
			})
			o, _ := newTestOpenAI(t, m, nil)
			_, err := o.Draft(context.Background(), promptRequest("return"), nil)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("got %v, want ErrMalformed", err)
			}
			if n := len(m.requests()); n != 1 {
				t.Errorf("%d requests, want 1: a malformed answer is not retried", n)
			}
		})
	}
}

func TestOpenAITimeout(t *testing.T) {
	m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		w.Header().Set("Content-Type", "text/event-stream")
		sseChunk(w, `{"language":"en","body":"Hi `)
		select { // a model that stalls mid-answer
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	o, _ := newTestOpenAI(t, m, func(c *OpenAIConfig) { c.Timeout = 300 * time.Millisecond })
	start := time.Now()
	_, err := o.Draft(context.Background(), promptRequest("return"), nil)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("took %s, want about the 300ms timeout", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context.DeadlineExceeded", err)
	}
}
