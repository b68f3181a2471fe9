package prompts

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestOpenAIAnswerChunks feeds answers to the stream reader cut at every
// byte, and one byte at a time, and checks the body comes out whole.
func TestOpenAIAnswerChunks(t *testing.T) {
	tests := []struct {
		name, answer, body, lang string
	}{
		{"escapes", `{"language":"en","body":"Line \"one\"\n\tTab \\ slash \/ caf\u00e9 \ud83d\ude00 end","promises":["x"]}`,
			"Line \"one\"\n\tTab \\ slash / café 😀 end", "en"},
		{"body first, nested values", ` {"body":"Hi  there,\n\nbye","promises":["a \"b\"",  "c"], "language" : "sv"}`,
			"Hi  there,\n\nbye", "sv"},
		{"key escaped", `{"language":"da","bo\u0064y":"Hej æøå"}`, "Hej æøå", "da"},
		{"decoy keys", `{"language":"de","promises":["body","body"],"x":{"body":"no"},"body":"ja"}`, "ja", "de"},
		{"plain", "Hi Kari 👋,\r\n\nwe fixed it.  ", "Hi Kari 👋,\r\n\nwe fixed it.", ""},
		{"fenced", "```json\n{\"language\":\"en\",\"body\":\"ok then\",\"promises\":[]}\n```", "ok then", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			splits := [][]string{{tt.answer}}
			for i := 1; i < len(tt.answer); i++ {
				splits = append(splits, []string{tt.answer[:i], tt.answer[i:]})
			}
			var bytewise []string
			for i := 0; i < len(tt.answer); i++ {
				bytewise = append(bytewise, tt.answer[i:i+1])
			}
			splits = append(splits, bytewise)
			for _, chunks := range splits {
				var pieces []string
				a := newModelAnswer(strings.ToUpper, func(s string) {
					if !utf8.ValidString(s) {
						t.Errorf("piece %q is not valid UTF-8", s)
					}
					pieces = append(pieces, s)
				})
				for _, c := range chunks {
					a.write(c)
				}
				d, err := a.draft(strings.ToUpper)
				if err != nil {
					t.Fatalf("chunks %q: %v", chunks, err)
				}
				want := strings.ToUpper(tt.body)
				if d.Body != want || d.Language != tt.lang {
					t.Fatalf("chunks %q: got %q in %q, want %q in %q", chunks, d.Body, d.Language, want, tt.lang)
				}
				if got := strings.Join(pieces, ""); got != want {
					t.Fatalf("chunks %q: pieces %q, want %q", chunks, pieces, want)
				}
			}
		})
	}
}
