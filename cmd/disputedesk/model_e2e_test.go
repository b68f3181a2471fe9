package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeModel is an OpenAI-compatible server that streams one answer as
// structured output and keeps the requests it received.
type fakeModel struct {
	mu       sync.Mutex
	requests []string
	answer   map[string]any // language, body, promises
	// started, when set, is told of each request; the answer then waits
	// until release is closed.
	started chan<- struct{}
	release <-chan struct{}
}

func (f *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, string(b))
	f.mu.Unlock()
	if f.started != nil {
		f.started <- struct{}{}
		<-f.release
	}
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	content, _ := json.Marshal(f.answer)
	w.Header().Set("Content-Type", "text/event-stream")
	// The JSON is sent in small pieces, as a model streams tokens: never
	// inside a UTF-8 character.
	for s := []rune(string(content)); len(s) > 0; {
		n := min(len(s), 7)
		chunk, _ := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion.chunk", "model": "m",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": string(s[:n])}}}})
		fmt.Fprintf(w, "data: %s\n\n", chunk)
		s = s[n:]
	}
	fmt.Fprint(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
}

func TestConsoleDraftsWithAModel(t *testing.T) {
	model := &fakeModel{answer: map[string]any{
		"language": "en",
		"body": "Hi Kari, thank you for telling us, and I'm sorry the mug arrived broken. " +
			"We will send a replacement and reply within 2 business days. We will write to «EMAIL_1». Your case is RMA-1001. Best wishes, Ola",
		"promises": []string{},
	}}
	srv := httptest.NewServer(model)
	defer srv.Close()
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db"), "OPENAI_BASE_URL=" + srv.URL + "/v1", "OPENAI_MODEL=test-model"}
	script := `/return reason=damaged order=2231 customer="Kari Nordmann"` + "\n" +
		`/case draft RMA-1001 "My mug arrived broken! Write to kari.nordmann@example.no or call +47 912 34 567."` + "\n"
	out, stderr, code := cli(t, env, script, "console", "--user", "ola")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	for _, want := range []string{"Draft 1 for RMA-1001 (en, warm, model)", "I'm sorry the mug arrived broken", "We will write to kari.nordmann@example.no."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	model.mu.Lock()
	defer model.mu.Unlock()
	if len(model.requests) != 1 {
		t.Fatalf("%d requests to the model, want 1", len(model.requests))
	}
	sent := model.requests[0]
	for _, secret := range []string{"kari.nordmann@example.no", "912 34 567"} {
		if strings.Contains(sent, secret) {
			t.Errorf("the prompt sent to the model contains %q", secret)
		}
	}
	if !strings.Contains(sent, "test-model") || !strings.Contains(sent, "json_schema") {
		t.Errorf("the request does not ask test-model for structured output: %.300s", sent)
	}
}

// A model that answers with something the policy does not allow is replaced
// by the offline draft, and the agent is told why.
func TestConsoleDraftFallsBackWhenTheModelOverpromises(t *testing.T) {
	model := &fakeModel{answer: map[string]any{
		"language": "en",
		"body":     "Hi Kari, sorry about the mug. We will refund EUR 500 today and send a gift card. Case RMA-1001.",
		"promises": []string{"refund EUR 500"},
	}}
	srv := httptest.NewServer(model)
	defer srv.Close()
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db"), "OPENAI_BASE_URL=" + srv.URL + "/v1"}
	script := `/return reason=damaged order=2231 customer="Kari Nordmann"` + "\n/case draft RMA-1001 lang=en\n"
	out, _, _ := cli(t, env, script, "console", "--user", "ola")
	if !strings.Contains(out, "Draft 1 for RMA-1001 (en, warm, offline)") || !strings.Contains(out, "here is the offline draft") {
		t.Errorf("no offline fallback with a reason:\n%s", out)
	}
	if strings.Contains(out, "EUR 500") {
		t.Errorf("the over-promising draft reached the agent as the draft:\n%s", out)
	}
}
