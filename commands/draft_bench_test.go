package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/prompts"
)

// streamingModel answers like an OpenAI-compatible server streaming
// structured output: the first tokens at once, the rest after rest.
func streamingModel(rest time.Duration) *httptest.Server {
	chunk := func(w io.Writer, s string) {
		b, _ := json.Marshal(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": "m",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": s}}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		chunk(w, `{"language":"en","body":"Hi Kari, thank you `)
		w.(http.Flusher).Flush()
		time.Sleep(rest)
		chunk(w, `for telling us, and I'm sorry the mug arrived broken. We will send a replacement and reply within 2 business days. Your case is RMA-1001. Best wishes, Ola","promises":[]}`)
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
}

// BenchmarkDraftFirstText measures what an agent waits for: from the
// command to the first words of the draft on screen, through the router,
// the store, the prompt, the masker and a streaming model. ns/op is the
// whole command; ms-to-first-text the wait for the first words.
func BenchmarkDraftFirstText(b *testing.B) {
	srv := streamingModel(50 * time.Millisecond)
	defer srv.Close()
	model, err := prompts.NewOpenAI(prompts.OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "m"})
	if err != nil {
		b.Fatal(err)
	}
	h := newHarnessWith(b, model)
	h.send("ola", `/return reason=damaged order=2231 customer="Kari Nordmann"`)
	var first time.Duration
	n := 0
	for b.Loop() {
		n++
		start := time.Now()
		var shown time.Duration
		req := &bot.Request{ID: fmt.Sprintf("bench-%d", n), Platform: bot.PlatformConsole, User: "ola", Text: "/case draft RMA-1001 lang=en",
			Progress: func(string) {
				if shown == 0 {
					shown = time.Since(start)
				}
			}}
		reply, err := h.router.Handle(context.Background(), req)
		if err != nil || shown == 0 {
			b.Fatalf("no text shown before the reply: %v %q", err, reply.Text)
		}
		first += shown
	}
	b.ReportMetric(float64(first.Microseconds())/float64(n)/1000, "ms-to-first-text")
}
