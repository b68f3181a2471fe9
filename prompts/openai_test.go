package prompts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOpenAIPlainResponse(t *testing.T) {
	m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		completion(w, answerJSON("en", goodBody, "reply within 2 business days"))
	})
	o, _ := newTestOpenAI(t, m, nil)
	stream, pieces := collect()
	d, err := o.Draft(context.Background(), promptRequest("return"), stream)
	if err != nil {
		t.Fatalf("Draft: %v", err)
	}
	want := Draft{Language: "en", Body: goodBody, Promises: []string{"reply within 2 business days"}, Source: "model"}
	if !draftEqual(d, want) {
		t.Errorf("got %+v, want %+v", d, want)
	}
	if got := strings.Join(*pieces, ""); got != d.Body {
		t.Errorf("streamed %q, want the body %q", got, d.Body)
	}
}

// TestOpenAIStream streams the answer in small chunks, with escapes cut in
// two, and checks the body arrives piece by piece, in order, before the
// answer is complete.
func TestOpenAIStream(t *testing.T) {
	body := "Hei Kari,\n\n\"Takk\" for at du sa ifra – vi er lei oss 😟 for at pakken kom skadet.\n\tSaken din er RMA-1007.\n\nHilsen Ola"
	answer := answerJSON("nb", body)
	// Escape the emoji as a surrogate pair, as some servers do.
	answer = strings.Replace(answer, "😟", `\ud83d\ude1f`, 1)
	firstText := make(chan struct{})
	m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		w.Header().Set("Content-Type", "text/event-stream")
		chunks := runeChunks(answer, 3)
		half := len(chunks) / 2
		for _, c := range chunks[:half] {
			sseChunk(w, c)
		}
		// The rest only once the drafter has shown text.
		select {
		case <-firstText:
		case <-time.After(3 * time.Second):
		}
		for _, c := range chunks[half:] {
			sseChunk(w, c)
		}
		sseEnd(w, "stop")
	})
	o, _ := newTestOpenAI(t, m, nil)
	var pieces []string
	stream := func(s string) {
		if len(pieces) == 0 {
			close(firstText)
		}
		pieces = append(pieces, s)
	}
	req := promptRequest("return")
	req.Language = "nb"
	start := time.Now()
	d, err := o.Draft(context.Background(), req, stream)
	if err != nil {
		t.Fatalf("Draft: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("no text before the answer was complete: the drafter does not stream")
	}
	if d.Body != body || d.Language != "nb" {
		t.Errorf("got %q in %s, want %q in nb", d.Body, d.Language, body)
	}
	if got := strings.Join(pieces, ""); got != body {
		t.Errorf("pieces %q concatenate to %q, want the body", pieces, got)
	}
	if len(pieces) < 5 {
		t.Errorf("got %d pieces, want the body word by word", len(pieces))
	}
	if r := m.requests(); len(r) != 1 || !r[0].Body.Stream {
		t.Errorf("requests %+v, want one with stream=true", r)
	}
}

// TestOpenAIStructuredOutput checks the request on the wire: the model, the
// prompts and a strict json_schema response format with the draft's schema.
func TestOpenAIStructuredOutput(t *testing.T) {
	m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		sse(w, runeChunks(answerJSON("en", goodBody), 8)...)
	})
	o, _ := newTestOpenAI(t, m, nil)
	req := promptRequest("return")
	if _, err := o.Draft(context.Background(), req, nil); err != nil {
		t.Fatalf("Draft: %v", err)
	}
	seen := m.requests()
	if len(seen) != 1 {
		t.Fatalf("got %d requests, want 1", len(seen))
	}
	got := seen[0]
	if got.Auth != "Bearer "+testKey {
		t.Errorf("Authorization %q, want the bearer key", got.Auth)
	}
	if got.Body.Model != "llama3.1:8b" || !got.Body.Stream {
		t.Errorf("model %q stream %v, want llama3.1:8b streamed", got.Body.Model, got.Body.Stream)
	}
	system, user, _ := RenderPrompt(req)
	masked, _ := Mask(user)
	if len(got.Body.Messages) != 2 || got.Body.Messages[0].Role != "system" || got.Body.Messages[0].Content != system ||
		got.Body.Messages[1].Role != "user" || got.Body.Messages[1].Content != masked[0] {
		t.Errorf("messages are not [system, masked user]: %+v", got.Body.Messages)
	}
	rf := got.Body.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || !rf.JSONSchema.Strict || rf.JSONSchema.Name == "" {
		t.Fatalf("response_format %s, want a strict json_schema", got.Raw)
	}
	var schema struct {
		Type                 string   `json:"type"`
		Required             []string `json:"required"`
		AdditionalProperties *bool    `json:"additionalProperties"`
		Properties           map[string]struct {
			Type  string            `json:"type"`
			Enum  []string          `json:"enum"`
			Items map[string]string `json:"items"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(rf.JSONSchema.Schema, &schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	slices.Sort(schema.Required)
	if schema.Type != "object" || !slices.Equal(schema.Required, []string{"body", "language", "promises"}) ||
		schema.AdditionalProperties == nil || *schema.AdditionalProperties {
		t.Errorf("schema %s: want an object requiring body, language, promises and nothing else", rf.JSONSchema.Schema)
	}
	p := schema.Properties
	if p["language"].Type != "string" || !slices.Equal(p["language"].Enum, Languages) || p["body"].Type != "string" ||
		p["promises"].Type != "array" || p["promises"].Items["type"] != "string" || len(p) != 3 {
		t.Errorf("schema properties %s, want language (enum of Languages), body string, promises string array", rf.JSONSchema.Schema)
	}
}

func TestOpenAIPlainTextAnswers(t *testing.T) {
	tests := []struct {
		name, content string
		want          Draft
	}{
		{"prose", "  Hi Kari,\n\nwe are on it. Case RMA-1007.\n\nOla\n", Draft{Body: "Hi Kari,\n\nwe are on it. Case RMA-1007.\n\nOla", Source: "model"}},
		{"fenced json", "```json\n" + answerJSON("de", "Hallo Kari,\nwir kümmern uns.") + "\n```\n", Draft{Language: "de", Body: "Hallo Kari,\nwir kümmern uns.", Source: "model"}},
		{"fenced prose", "```\nHi Kari, we are on it.\n```", Draft{Body: "Hi Kari, we are on it.", Source: "model"}},
		{"language tag", answerJSON("en-GB", "Hi."), Draft{Language: "en", Body: "Hi.", Source: "model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
				sse(w, runeChunks(tt.content, 2)...)
			})
			o, _ := newTestOpenAI(t, m, nil)
			stream, pieces := collect()
			d, err := o.Draft(context.Background(), promptRequest("return"), stream)
			if err != nil {
				t.Fatalf("Draft: %v", err)
			}
			if !draftEqual(d, tt.want) {
				t.Errorf("got %+v, want %+v", d, tt.want)
			}
			if got := strings.Join(*pieces, ""); got != d.Body {
				t.Errorf("streamed %q, want %q", got, d.Body)
			}
		})
	}
}

// TestOpenAIMasks checks that no e-mail or phone number of the case leaves
// the process, and that the draft has them back.
func TestOpenAIMasks(t *testing.T) {
	var placeholders []string
	m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		// Answer with whatever stands for the e-mail and phone in the prompt.
		user := req.Messages[1].Content
		at := strings.Index(user, "Reach me at ")
		rest := strings.TrimPrefix(user[at:], "Reach me at ")
		email, rest, _ := strings.Cut(rest, " or ")
		phone, _, _ := strings.Cut(rest, ". Mvh")
		placeholders = []string{email, phone}
		body := "Hi Kari, we will write to " + email + " and call " + phone + " within 2 business days. Case RMA-1007. Ola"
		sse(w, runeChunks(answerJSON("en", body, "call "+phone), 4)...)
	})
	o, _ := newTestOpenAI(t, m, nil)
	req := promptRequest("return")
	req.Facts.Customer = "Kari Nordmann <" + testEmail + ">"
	stream, pieces := collect()
	d, err := o.Draft(context.Background(), req, stream)
	if err != nil {
		t.Fatalf("Draft: %v", err)
	}
	raw := string(m.requests()[0].Raw)
	for _, pii := range []string{testEmail, testPhone, "912 34 567", "91234567"} {
		if strings.Contains(raw, pii) {
			t.Errorf("the request holds %q:\n%s", pii, raw)
		}
	}
	if placeholders[0] == "" || placeholders[1] == "" {
		t.Fatalf("no placeholders in the prompt")
	}
	want := "Hi Kari, we will write to " + testEmail + " and call " + testPhone + " within 2 business days. Case RMA-1007. Ola"
	if d.Body != want {
		t.Errorf("body %q, want %q", d.Body, want)
	}
	if got := strings.Join(*pieces, ""); got != want {
		t.Errorf("streamed %q, want %q", got, want)
	}
	if len(d.Promises) != 1 || d.Promises[0] != "call "+testPhone {
		t.Errorf("promises %q, want the phone restored", d.Promises)
	}
}

// TestOpenAIFencesInjection checks the prompt on the wire: the customer's
// instructions travel only inside the fence.
func TestOpenAIFencesInjection(t *testing.T) {
	m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
		sse(w, answerJSON("en", goodBody))
	})
	o, _ := newTestOpenAI(t, m, nil)
	if _, err := o.Draft(context.Background(), promptRequest("chargeback"), nil); err != nil {
		t.Fatal(err)
	}
	msgs := m.requests()[0].Body.Messages
	checkFenced(t, msgs[0].Content, msgs[1].Content)
}

func TestOpenAILogs(t *testing.T) {
	for _, logPrompts := range []bool{false, true} {
		t.Run(fmt.Sprint("LogPrompts=", logPrompts), func(t *testing.T) {
			m := newFakeModel(t, func(w http.ResponseWriter, r *http.Request, n int, req wireRequest) {
				if n == 0 {
					apiError(w, 503, "busy")
					return
				}
				sse(w, answerJSON("en", "Hi Kari, we will mail "+testEmail+" today. Case RMA-1007. Ola"))
			})
			o, logs := newTestOpenAI(t, m, func(c *OpenAIConfig) { c.LogPrompts = logPrompts })
			if _, err := o.Draft(context.Background(), promptRequest("return"), nil); err != nil {
				t.Fatal(err)
			}
			out := logs.String()
			for _, secret := range []string{testKey, testEmail, testPhone} {
				if strings.Contains(out, secret) {
					t.Errorf("the logs hold %q:\n%s", secret, out)
				}
			}
			if got := strings.Contains(out, "really upset"); got != logPrompts {
				t.Errorf("prompt logged: %v, want %v:\n%s", got, logPrompts, out)
			}
		})
	}
}

func TestOpenAIConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  OpenAIConfig
		want string
	}{
		{"no model", OpenAIConfig{APIKey: "k"}, "OPENAI_MODEL"},
		{"no key for api.openai.com", OpenAIConfig{Model: "gpt-4o-mini"}, "OPENAI_API_KEY"},
		{"bad URL", OpenAIConfig{Model: "m", BaseURL: "localhost:11434"}, "not an http(s) URL"},
		{"negative timeout", OpenAIConfig{Model: "m", BaseURL: "http://localhost:11434/v1", Timeout: -time.Second}, "negative timeout"},
		{"ollama needs no key", OpenAIConfig{Model: "llama3.1:8b", BaseURL: "http://localhost:11434/v1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewOpenAI(tt.cfg)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	cfg := OpenAIConfig{APIKey: testKey, Model: "m"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "openai", cfg)
	if s := buf.String() + fmt.Sprint(cfg) + fmt.Sprintf("%+v", cfg); strings.Contains(s, testKey) {
		t.Errorf("the config prints its key: %s", s)
	}
}
