package commands

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		root   string
		args   []string
		fields map[string]string
	}{
		{
			name:   "open with quoted non-ASCII value",
			line:   `/case open chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann, Trondheim, æøå"`,
			root:   "case",
			args:   []string{"open", "chargeback"},
			fields: map[string]string{"order": "1042", "amount": "49,90", "currency": "EUR", "customer": "Kari Nordmann, Trondheim, æøå"},
		},
		{
			name:   "typographic quotes from a phone",
			line:   `/case open return customer=“Åse Ødegård” note=‘kom i stykker’`,
			root:   "case",
			args:   []string{"open", "return"},
			fields: map[string]string{"customer": "Åse Ødegård", "note": "kom i stykker"},
		},
		{
			name:   "German low quote",
			line:   `/case open return customer=„Jürgen Weiß“`,
			root:   "case",
			args:   []string{"open", "return"},
			fields: map[string]string{"customer": "Jürgen Weiß"},
		},
		{
			name: "apostrophe inside a word is text",
			line: `/case note CB-1001 customer's parcel didn't arrive`,
			root: "case",
			args: []string{"note", "CB-1001", "customer's", "parcel", "didn't", "arrive"},
		},
		{
			name: "plain mention",
			line: "/case assign CB-1001 @kari",
			root: "case",
			args: []string{"assign", "CB-1001", "@kari"},
		},
		{
			name: "quoted token with = stays positional",
			line: `/case note CB-1001 "a=b is not a field"`,
			root: "case",
			args: []string{"note", "CB-1001", "a=b is not a field"},
		},
		{
			name: "URL with query stays positional",
			line: "/case note CB-1001 https://track.example/?id=42",
			root: "case",
			args: []string{"note", "CB-1001", "https://track.example/?id=42"},
		},
		{
			name:   "keys are lower-cased, values kept",
			line:   "/CASE Close CB-1001 Outcome=Won",
			root:   "case",
			args:   []string{"Close", "CB-1001"},
			fields: map[string]string{"outcome": "Won"},
		},
		{
			name:   "empty value",
			line:   "/case open return order=",
			root:   "case",
			args:   []string{"open", "return"},
			fields: map[string]string{"order": ""},
		},
		{
			name:   "value with = inside",
			line:   "/case open return link=https://x.example/?a=b",
			root:   "case",
			args:   []string{"open", "return"},
			fields: map[string]string{"link": "https://x.example/?a=b"},
		},
		{
			name: "tabs and repeated spaces",
			line: "/case\tlist   mine ",
			root: "case",
			args: []string{"list", "mine"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Parse(tt.line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.line, err)
			}
			if in.Root != tt.root {
				t.Errorf("Root = %q, want %q", in.Root, tt.root)
			}
			if !slices.Equal(in.Args, tt.args) {
				t.Errorf("Args = %q, want %q", in.Args, tt.args)
			}
			if tt.fields == nil {
				tt.fields = map[string]string{}
			}
			if !maps.Equal(in.Fields, tt.fields) {
				t.Errorf("Fields = %q, want %q", in.Fields, tt.fields)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"no slash", "case open return", "start with a slash"},
		{"empty", "   ", "start with a slash"},
		{"unclosed quote", `/case open return customer="Kari Nordmann`, `quote opened at "\"Kari Nordmann" is never closed`},
		{"unclosed typographic quote", `/case note CB-1 “never closed`, "never closed"},
		{"field twice", "/case open return order=1 order=2", "order= is given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.line)
			var ue *UserError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse(%q) error = %v, want a UserError", tt.line, err)
			}
			if !strings.Contains(ue.Msg, tt.want) {
				t.Errorf("Parse(%q) error %q, want it to contain %q", tt.line, ue.Msg, tt.want)
			}
		})
	}
}

func TestRest(t *testing.T) {
	tests := []struct {
		line string
		i    int
		want string
	}{
		{`/case note CB-1001 Customer called: "where is it?"  twice`, 1, `Customer called: "where is it?"  twice`},
		{`/case note CB-1001 "quoted whole"`, 1, "quoted whole"},
		{`/case note CB-1001 “Kari says: hei”`, 1, "Kari says: hei"},
		{`/case note CB-1001 "one" and "two"`, 1, `"one" and "two"`},
		{`/case note CB-1001`, 1, ""},
	}
	for _, tt := range tests {
		in, err := Parse(tt.line)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.line, err)
		}
		if got := in.Rest(tt.i); got != tt.want {
			t.Errorf("Parse(%q).Rest(%d) = %q, want %q", tt.line, tt.i, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`/case open x a="b c"`, "/case note CB-1 it's “fine”", "/x @U1 k=„v“"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		in, err := Parse(line)
		if err != nil {
			return
		}
		for i := range in.Args {
			_ = in.Rest(i) // must not panic, whatever the offsets
		}
		if len(in.Args) != len(in.argEnds) {
			t.Fatalf("%d args but %d offsets", len(in.Args), len(in.argEnds))
		}
	})
}
