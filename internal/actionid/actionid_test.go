package actionid

import (
	"strings"
	"testing"
)

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		name, code, args, want string
		ok                     bool
	}{
		{"step done", "d", "CB-1042 acknowledge", "v1:d CB-1042 acknowledge", true},
		{"no arguments", "o", "", "v1:o", true},
		{"quoted field", "o", `return order="A 1042"`, `v1:o return order="A 1042"`, true},
		{"utf-8", "n", "RMA-7 æøå", "v1:n RMA-7 æøå", true},
		{"spaces trimmed", "d", "  CB-1 x  ", "v1:d CB-1 x", true},
		{"just fits", "o", strings.Repeat("x", MaxLen-len("v1:o ")), "v1:o " + strings.Repeat("x", MaxLen-len("v1:o ")), true},
		{"too long", "o", strings.Repeat("x", MaxLen-len("v1:o ")+1), "", false},
		{"upper-case code", "D", "CB-1", "", false},
		{"long code", "abcd", "CB-1", "", false},
		{"empty code", "", "CB-1", "", false},
		{"newline", "n", "CB-1 a\nb", "", false},
		{"not utf-8", "n", "CB-1 \xff", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := Encode(tt.code, tt.args)
			if id != tt.want || ok != tt.ok {
				t.Fatalf("Encode(%q, %q) = %q, %v; want %q, %v", tt.code, tt.args, id, ok, tt.want, tt.ok)
			}
			if !ok {
				return
			}
			code, args, err := Decode(id)
			if err != nil || code != tt.code || args != strings.TrimSpace(tt.args) {
				t.Errorf("Decode(%q) = %q, %q, %v; want %q, %q", id, code, args, err, tt.code, strings.TrimSpace(tt.args))
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, id := range []string{
		"", "v1:", "v1: CB-1", "v2:d CB-1", "d CB-1", "/case done CB-1", "v1:D CB-1", "v1:abcd CB-1",
		"v1:d ", "v1:d  CB-1", "v1:d CB-1 ", "v1:d CB-1\x00", "v1:d \xff", "v1:" + strings.Repeat("d", 98),
		"v1:o " + strings.Repeat("x", MaxLen),
	} {
		if code, args, err := Decode(id); err == nil {
			t.Errorf("Decode(%q) = %q, %q; want ErrInvalid", id, code, args)
		}
	}
}

// FuzzDecode checks that Decode never panics, and that whatever it accepts
// is exactly what Encode writes for its code and arguments, so that an id
// resolves to one command line only.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"v1:d CB-1042 acknowledge", "v1:o", `v1:o return order="A 1"`, "v1:", "v2:x", "/case show CB-1", "v1:d  x", "v1:n æ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		code, args, err := Decode(id)
		if err != nil {
			return
		}
		again, ok := Encode(code, args)
		if !ok || again != id {
			t.Fatalf("Decode(%q) = %q, %q, which encodes as %q, %v", id, code, args, again, ok)
		}
		if len(id) > MaxLen {
			t.Fatalf("Decode accepted %d bytes", len(id))
		}
	})
}
