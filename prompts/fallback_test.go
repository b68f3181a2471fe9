package prompts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fakeDrafter answers with a fixed draft or error, after an optional delay,
// streaming the body in words.
type fakeDrafter struct {
	draft Draft
	err   error
	delay time.Duration
	calls int
}

func (f *fakeDrafter) Draft(ctx context.Context, req Request, stream func(string)) (Draft, error) {
	f.calls++
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return Draft{}, fmt.Errorf("fake: %w", ctx.Err())
		}
	}
	if f.err != nil {
		return Draft{}, f.err
	}
	if stream != nil {
		for _, w := range strings.SplitAfter(f.draft.Body, " ") {
			stream(w)
		}
	}
	return f.draft, nil
}

// fakeLint flags a body containing "refund" and one without the case
// reference.
func fakeLint(req Request, d Draft) []Problem {
	var p []Problem
	if strings.Contains(d.Body, "refund") {
		p = append(p, Problem{Rule: "promise", Msg: "promises a refund the policy does not allow"})
	}
	if !strings.Contains(d.Body, req.Facts.Ref) {
		p = append(p, Problem{Rule: "reference", Msg: "does not name the case reference " + req.Facts.Ref})
	}
	return p
}

var offlineStandIn = Draft{Language: "en", Body: "Hi Kari, we are looking into it. Case RMA-1007. Ola", Source: "offline"}

func TestFallbackWithFakes(t *testing.T) {
	modelOK := Draft{Language: "en", Body: "Hi Kari, sorry, we are on it: RMA-1007. Ola", Source: "model"}
	tests := []struct {
		name      string
		model     Drafter
		offline   *fakeDrafter
		want      Draft
		noteHas   string
		wantErr   bool
		streamGot string
	}{
		{name: "model passes", model: &fakeDrafter{draft: modelOK}, offline: &fakeDrafter{draft: offlineStandIn},
			want: modelOK, streamGot: modelOK.Body},
		{name: "no model", offline: &fakeDrafter{draft: offlineStandIn},
			want: offlineStandIn, streamGot: offlineStandIn.Body},
		{name: "model error", model: &fakeDrafter{err: &StatusError{StatusCode: 502}}, offline: &fakeDrafter{draft: offlineStandIn},
			want: offlineStandIn, noteHas: "the model's server failed (502 Bad Gateway); here is the offline draft", streamGot: offlineStandIn.Body},
		{name: "rate limited", model: &fakeDrafter{err: &StatusError{StatusCode: 429}}, offline: &fakeDrafter{draft: offlineStandIn},
			want: offlineStandIn, noteHas: "rate-limited"},
		{name: "malformed", model: &fakeDrafter{err: fmt.Errorf("model draft: %w: no body", ErrMalformed)}, offline: &fakeDrafter{draft: offlineStandIn},
			want: offlineStandIn, noteHas: "the model's answer could not be read"},
		{name: "lint fails", model: &fakeDrafter{draft: Draft{Language: "en", Body: "Full refund today! RMA-1007", Source: "model"}},
			offline: &fakeDrafter{draft: offlineStandIn}, want: offlineStandIn,
			noteHas:   "the model's draft promises a refund the policy does not allow; here is the offline draft",
			streamGot: "Full refund today! RMA-1007"},
		{name: "wrong language", model: &fakeDrafter{draft: Draft{Language: "de", Body: "Hallo Kari, RMA-1007. Ola", Source: "model"}},
			offline: &fakeDrafter{draft: offlineStandIn}, want: offlineStandIn, noteHas: "the model wrote in German, not English"},
		{name: "offline's own note and problems", model: &fakeDrafter{err: errors.New("boom")},
			offline: &fakeDrafter{draft: Draft{Language: "en", Body: "Hi Kari, we are on it. Ola", Source: "offline", Note: "unknown tone"}},
			want: Draft{Language: "en", Body: "Hi Kari, we are on it. Ola", Source: "offline",
				Problems: []string{"does not name the case reference RMA-1007"}},
			noteHas: "the model could not write a draft; here is the offline draft (unknown tone)"},
		{name: "offline fails", model: &fakeDrafter{err: errors.New("boom")}, offline: &fakeDrafter{err: errors.New("template")}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Fallback{Model: tt.model, Offline: tt.offline, Lint: fakeLint}
			var streamed strings.Builder
			d, err := f.Draft(context.Background(), promptRequest("return"), func(s string) { streamed.WriteString(s) })
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", d)
				}
				return
			}
			if err != nil {
				t.Fatalf("Draft: %v", err)
			}
			note := d.Note
			d.Note = ""
			if !draftEqual(d, tt.want) {
				t.Errorf("got %+v, want %+v", d, tt.want)
			}
			if tt.noteHas == "" && note != "" || !strings.Contains(note, tt.noteHas) {
				t.Errorf("note %q, want %q", note, tt.noteHas)
			}
			if tt.streamGot != "" && streamed.String() != tt.streamGot {
				t.Errorf("streamed %q, want %q", streamed.String(), tt.streamGot)
			}
		})
	}
}

// TestFallbackBoundsTheModel checks a hanging model cannot hold a draft up:
// by ModelTimeout, and by the caller's deadline less the offline reserve.
func TestFallbackBoundsTheModel(t *testing.T) {
	tests := []struct {
		name     string
		timeout  time.Duration
		deadline time.Duration
		max      time.Duration
	}{
		{"ModelTimeout", 200 * time.Millisecond, 0, 600 * time.Millisecond},
		{"caller's deadline", 10 * time.Second, 500 * time.Millisecond, 500 * time.Millisecond},
		{"no time left", 10 * time.Second, 100 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := &fakeDrafter{draft: offlineStandIn, delay: time.Minute}
			f := &Fallback{Model: model, Offline: &fakeDrafter{draft: offlineStandIn}, Lint: fakeLint, ModelTimeout: tt.timeout}
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			start := time.Now()
			d, err := f.Draft(ctx, promptRequest("return"), nil)
			if took := time.Since(start); took > tt.max {
				t.Errorf("took %s, want at most %s", took, tt.max)
			}
			if err != nil || d.Source != "offline" || d.Note == "" {
				t.Errorf("got %+v, %v; want the offline draft with a note", d, err)
			}
		})
	}
}

// TestFallbackOpenAI runs the model drafter against the fake model server
// and the real offline drafter and linter: each case ends in a linted draft,
// the offline one where the model fails.
func TestFallbackOpenAI(t *testing.T) {
	refundBody := strings.Replace(goodBody, "and refund you within 14 days once the item is back with us",
		"and we will refund you within 14 days once the item is back with us", 1)
	tests := []struct {
		name    string
		answer  func(w http.ResponseWriter, r *http.Request, n int)
		req     func() Request
		source  string
		noteHas string
		timeout time.Duration // the OpenAI drafter's; 0 means 5s
		max     time.Duration
	}{
		{name: "plain response", source: "model",
			answer: func(w http.ResponseWriter, r *http.Request, n int) { completion(w, answerJSON("en", goodBody)) }},
		{name: "streamed", source: "model",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				sse(w, runeChunks(answerJSON("en", goodBody), 5)...)
			}},
		{name: "plain text, no JSON", source: "model",
			answer: func(w http.ResponseWriter, r *http.Request, n int) { sse(w, runeChunks(goodBody, 6)...) }},
		{name: "429 then success", source: "model",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					w.Header().Set("Retry-After", "1")
					apiError(w, 429, "Rate limit reached")
					return
				}
				sse(w, answerJSON("en", goodBody))
			}},
		{name: "500 then success", source: "model",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					apiError(w, 500, "boom")
					return
				}
				sse(w, answerJSON("en", goodBody))
			}},
		{name: "persistent 500", source: "offline", noteHas: "the model's server failed (500 Internal Server Error)",
			answer: func(w http.ResponseWriter, r *http.Request, n int) { apiError(w, 500, "boom") }},
		{name: "429 exhausted", source: "offline", noteHas: "rate-limited",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Retry-After", "30")
				apiError(w, 429, "Rate limit reached")
			}, max: time.Second},
		{name: "timeout", source: "offline", noteHas: "did not answer within", timeout: 500 * time.Millisecond, max: 1500 * time.Millisecond,
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			}},
		{name: "malformed JSON", source: "offline", noteHas: "could not be read",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				sse(w, `{"language":"en","body":"Hi Kari, we are`, ` on it`)
			}},
		{name: "wrong language", source: "offline", noteHas: "the model wrote in German, not English",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				sse(w, answerJSON("de", "Hallo Kari, es tut uns leid. Ihr Fall RMA-1007. Wir melden uns innerhalb von 2 Werktagen. Ola"))
			}},
		{name: "wrong language, declared right", source: "offline", noteHas: "the model's draft reads as German",
			answer: func(w http.ResponseWriter, r *http.Request, n int) {
				sse(w, answerJSON("en", "Hallo Kari, vielen Dank für Ihre Nachricht, und es tut uns leid, dass die Ware beschädigt ankam. "+
					"Wir werden uns innerhalb von 2 Werktagen bei Ihnen melden. Ihr Fall: RMA-1007. Mit freundlichen Grüßen, Ola"))
			}},
		{name: "refund the policy does not allow", source: "offline", noteHas: "the model's draft promises a refund",
			req: func() Request {
				r := promptRequest("return")
				delete(r.Facts.Policy, "refund_within")
				return r
			},
			answer: func(w http.ResponseWriter, r *http.Request, n int) { sse(w, answerJSON("en", refundBody)) }},
	}
	off, err := NewOffline()
	if err != nil {
		t.Fatalf("NewOffline: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) { tt.answer(w, r, n) })
			o, _ := newTestOpenAI(t, m, func(c *OpenAIConfig) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			var logs bytes.Buffer
			f := &Fallback{Model: o, Offline: off, Lint: Lint, ModelTimeout: 3 * time.Second,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			req := promptRequest("return")
			if tt.req != nil {
				req = tt.req()
			}
			var streamed strings.Builder
			start := time.Now()
			d, err := f.Draft(context.Background(), req, func(s string) { streamed.WriteString(s) })
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Draft: %v", err)
			}
			if d.Source != tt.source {
				t.Errorf("source %q (note %q), want %q", d.Source, d.Note, tt.source)
			}
			if tt.noteHas == "" && d.Note != "" || !strings.Contains(d.Note, tt.noteHas) {
				t.Errorf("note %q, want %q", d.Note, tt.noteHas)
			}
			if want := Lint(req, d); len(want) != len(d.Problems) {
				t.Errorf("problems %q, want the linter's %v", d.Problems, want)
			}
			t.Logf("%s draft in %s, note %q, problems %q", d.Source, d.Language, d.Note, d.Problems)
			if d.Source == "model" && (len(d.Problems) > 0 || d.Body != goodBody || d.Language != "en") {
				t.Errorf("model draft %+v, want the model's body without problems", d)
			}
			if d.Source == "offline" && (d.Body == "" || d.Language != "en") {
				t.Errorf("offline draft %+v, want an English body", d)
			}
			if tt.max > 0 && took > tt.max {
				t.Errorf("took %s, want at most %s", took, tt.max)
			}
			if d.Source == "model" && streamed.String() != d.Body {
				t.Errorf("streamed %q, want the body", streamed.String())
			}
			if strings.Contains(logs.String(), testEmail) || strings.Contains(logs.String(), testKey) {
				t.Errorf("the logs hold the e-mail or the key:\n%s", logs.String())
			}
		})
	}
}
