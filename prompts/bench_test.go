package prompts

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"
)

// BenchmarkTimeToFirstText measures the time from the Draft call to the
// first text handed to the stream callback, which is what the agent waits
// for before the draft starts to appear. The fake model streams its first
// chunk at once and the rest 5ms later; ns/op counts only the time to the
// first text, and ms-to-first-text reports the median and p95.
func BenchmarkTimeToFirstText(b *testing.B) {
	answer := answerJSON("en", goodBody, "reply within 2 business days")
	first, rest := answer[:len(`{"language":"en","body":"Hi Kari,\n\nThank `)], answer[len(`{"language":"en","body":"Hi Kari,\n\nThank `):]
	m := newFakeModel(b, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		w.Header().Set("Content-Type", "text/event-stream")
		sseChunk(w, first)
		time.Sleep(5 * time.Millisecond)
		sse(w, runeChunks(rest, 4)...)
	})
	o, _ := newTestOpenAI(b, m, nil)
	off, err := NewOffline()
	if err != nil {
		b.Fatal(err)
	}
	drafters := []struct {
		name string
		d    Drafter
	}{
		{"openai", o},
		{"fallback", &Fallback{Model: o, Offline: off, Lint: Lint}},
	}
	req := promptRequest("return")
	for _, dr := range drafters {
		b.Run(dr.name, func(b *testing.B) {
			var waits []time.Duration
			for b.Loop() {
				var start time.Time
				got := false
				stream := func(string) {
					if !got {
						got = true
						waits = append(waits, time.Since(start))
						b.StopTimer()
					}
				}
				start = time.Now()
				d, err := dr.d.Draft(context.Background(), req, stream)
				if !got {
					b.StopTimer()
				}
				if err != nil || d.Source != "model" || !got {
					b.Fatalf("got %+v, %v, streamed %v; want the model's streamed draft", d, err, got)
				}
				b.StartTimer()
			}
			slices.Sort(waits)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(waits[len(waits)/2]), "ms-to-first-text")
			b.ReportMetric(ms(waits[len(waits)*95/100]), "p95-ms-to-first-text")
		})
	}
}

// BenchmarkLint measures the linter on a good draft in each language, the
// check every draft passes through before an agent sees it.
func BenchmarkLint(b *testing.B) {
	for _, lang := range Languages {
		req := Request{Facts: lintFacts(), Language: lang, MaxLen: 2000}
		d := Draft{Language: lang, Body: lintGood[lang]}
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				if p := Lint(req, d); len(p) != 0 {
					b.Fatalf("Lint = %v, want none", p)
				}
			}
		})
	}
}

// BenchmarkMask measures masking a customer's message with an e-mail
// address, a phone number, a street address and labelled order numbers.
func BenchmarkMask(b *testing.B) {
	text := customerText() + "\nSend it to Karl Johans gate 22, 0159 Oslo, or 12 Baker Street, London NW1 6XE. " +
		"Order 114-2231-5571, Bestellung #10421234, EUR 1 299,00."
	for b.Loop() {
		if _, m := Mask(text); m.Masked() < 4 {
			b.Fatalf("masked %d values, want at least 4", m.Masked())
		}
	}
}
