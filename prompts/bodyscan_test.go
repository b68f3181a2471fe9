package prompts

import (
	"encoding/json"
	"strings"
	"testing"
)

// scanned is what a bodyScanner made of an object.
type scanned struct {
	body   string // as scanned
	pieces string // the onText calls, concatenated
	ends   int    // onEnd calls
}

// scan feeds chunks to a new bodyScanner.
func scan(chunks ...string) scanned {
	var got scanned
	s := &bodyScanner{
		onText: func(t string) { got.pieces += t },
		onEnd:  func() { got.ends++ },
	}
	for _, c := range chunks {
		s.write(c)
	}
	got.body = s.body.String()
	return got
}

// runeStarts are the indexes a range loop over s starts a rune at; an
// invalid byte is a rune of its own.
func runeStarts(s string) []int {
	var starts []int
	for i := range s {
		starts = append(starts, i)
	}
	return starts
}

// runeSplits returns s whole, cut in two at every rune start, and one rune
// at a time: the scanner is only ever given whole runes.
func runeSplits(s string) [][]string {
	splits := [][]string{{s}}
	var runes []string
	starts := append(runeStarts(s), len(s))
	for k, i := range starts[:len(starts)-1] {
		if i > 0 {
			splits = append(splits, []string{s[:i], s[i:]})
		}
		runes = append(runes, s[i:starts[k+1]])
	}
	return append(splits, runes)
}

func TestBodyScanner(t *testing.T) {
	tests := []struct {
		name, in, body string
		ends           int
	}{
		{"plain", `{"language":"en","body":"Hi Kari","promises":[]}`, "Hi Kari", 1},
		{"escapes", `{"body":"a\"b\\c\/d\ne\tf\rg\bh\fi"}`, "a\"b\\c/d\ne\tf\rg\bh\fi", 1},
		{"unicode escape", `{"body":"caf\u00e9 \u00C6"}`, "café Æ", 1},
		{"surrogate pair", `{"body":"\ud83d\ude00!"}`, "😀!", 1},
		{"lone high surrogate", `{"body":"\ud83dx"}`, "\uFFFDx", 1},
		{"lone high surrogate at the end", `{"body":"x\ud83d"}`, "x\uFFFD", 1},
		{"lone low surrogate", `{"body":"\ude00x"}`, "\uFFFDx", 1},
		{"two highs then a low", `{"body":"\ud83d\ud83d\ude00"}`, "\uFFFD😀", 1},
		{"high then an escaped letter", `{"body":"\ud83d\u0041"}`, "\uFFFDA", 1},
		{"invalid hex is replaced", `{"body":"\uZZ"}`, "\uFFFDZ", 1},
		{"raw UTF-8", `{"body":"Hej æøå 👋"}`, "Hej æøå 👋", 1},
		{"body last", ` { "promises" : ["a"], "language" : "sv" , "body" : "ja" } `, "ja", 1},
		{"escaped key", `{"bo\u0064y":"yes"}`, "yes", 1},
		{"nested decoys", `{"x":{"body":"no"},"y":[{"body":"no"},"body"],"body":"yes"}`, "yes", 1},
		{"body as a value", `{"x":"body","y":"z"}`, "", 0},
		{"no body", `{"language":"en","promises":[]}`, "", 0},
		{"body not a string", `{"body":12,"x":"y"}`, "", 0},
		{"first string under body", `{"body":null,"body":"second"}`, "second", 1},
		{"only the first body", `{"body":"one","body":"two"}`, "one", 1},
		{"inside an array", `[{"body":"no"}]`, "", 0},
		{"unterminated", `{"language":"en","body":"Hi Ka`, "Hi Ka", 0},
		{"empty body", `{"body":""}`, "", 1},
		{"braces in strings", `{"x":"}{[\"","body":"}{"}`, "}{", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunks := range runeSplits(tt.in) {
				got := scan(chunks...)
				if got.body != tt.body || got.pieces != tt.body || got.ends != tt.ends {
					t.Fatalf("chunks %q: body %q, pieces %q, %d ends; want %q, %d ends",
						chunks, got.body, got.pieces, got.ends, tt.body, tt.ends)
				}
			}
		})
	}
}

// firstBody is what encoding/json finds where the scanner looks: the first
// string value of a top-level "body" key. ok is false if s is not a JSON
// object.
func firstBody(s string) (body string, found, ok bool) {
	if !json.Valid([]byte(s)) || !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "{") {
		return "", false, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if _, err := dec.Token(); err != nil {
		return "", false, false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", false, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return "", false, false
		}
		if key == "body" && !found && len(raw) > 0 && raw[0] == '"' {
			if err := json.Unmarshal(raw, &body); err != nil {
				return "", false, false
			}
			found = true
		}
	}
	return body, found, true
}

// FuzzBodyScanner checks that the scanner agrees with encoding/json on
// every valid object, and that where a stream is cut never matters.
func FuzzBodyScanner(f *testing.F) {
	for _, s := range []string{
		`{"language":"en","body":"Hi \"Kari\"\n\ud83d\ude00","promises":["x"]}`,
		`{"x":{"body":"no"},"body":"yes"}`,
		`{"bo\u0064y":"é"}`,
		`{"body":"\ud83d\ud83d\ude00\udc00"}`,
		`{"body":12,"body":"x"}`,
		`[{"body":"no"}]`,
		`{"body":"unterminated`,
		"{\"body\":\"bad \xff utf-8\"}",
	} {
		f.Add(s, uint(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, s string, cut uint) {
		whole := scan(s)
		if whole.pieces != whole.body || whole.ends > 1 {
			t.Fatalf("%q: pieces %q, %d ends; want the body %q, at most one end", s, whole.pieces, whole.ends, whole.body)
		}
		// Cut at a rune boundary, as modelAnswer does.
		starts := append(runeStarts(s), len(s))
		i := starts[cut%uint(len(starts))]
		if two := scan(s[:i], s[i:]); two.body != whole.body || two.pieces != whole.pieces || two.ends != whole.ends {
			t.Fatalf("%q cut at %d: %+v, whole: %+v", s, i, two, whole)
		}
		body, found, ok := firstBody(s)
		if !ok {
			return
		}
		if whole.body != body || (whole.ends == 1) != found {
			t.Fatalf("%q: scanned %q (ended %v), encoding/json %q (found %v)", s, whole.body, whole.ends == 1, body, found)
		}
	})
}
