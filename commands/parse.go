package commands

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Input is a command line parsed once: the command's root word, its
// positional arguments, its key=value fields and the users it mentions.
// Handlers read these and never tokenize the text again.
type Input struct {
	Line   string            // the line as typed
	Root   string            // "case" for "/case open ..."
	Args   []string          // positional arguments after the root; a mention is "@id"
	Fields map[string]string // key=value fields, keys lower-cased

	argEnds []int // byte offset in Line just past each Args entry
}

// Rest returns the text typed after positional argument i, as typed (free
// text such as a note), with one pair of surrounding quotes removed.
func (in Input) Rest(i int) string {
	if i >= len(in.argEnds) {
		return ""
	}
	rest := strings.TrimSpace(in.Line[in.argEnds[i]:])
	if open, size := utf8.DecodeRuneInString(rest); isOpenQuote(open) {
		if last, lsize := utf8.DecodeLastRuneInString(rest); len(rest) > size && closes(open, last) &&
			!strings.ContainsAny(rest[size:len(rest)-lsize], `"“”„`) {
			return rest[size : len(rest)-lsize]
		}
	}
	return rest
}

// Arg returns positional argument i, or "" when there are fewer.
func (in Input) Arg(i int) string {
	if i < len(in.Args) {
		return in.Args[i]
	}
	return ""
}

// Parse reads a command line such as
//
//	/case open chargeback order=1042 customer="Kari Nordmann, Trondheim, æøå" @kari
//
// Quotes group words ("..." and the typographic “...” and ‘...’ that phones and
// chat apps substitute) when they open a word or a value; elsewhere, as in "don't",
// they are ordinary characters. A mention is "@id": adapters turn their
// platform's markup into it before the core sees the text.
func Parse(line string) (Input, error) {
	in := Input{Line: line, Fields: map[string]string{}}
	toks, err := tokenize(line)
	if err != nil {
		return in, err
	}
	if len(toks) == 0 || !strings.HasPrefix(toks[0].text, "/") || toks[0].quoted {
		return in, &UserError{Msg: "commands start with a slash, like /case help"}
	}
	in.Root = strings.ToLower(strings.TrimPrefix(toks[0].text, "/"))
	for _, t := range toks[1:] {
		if key, value, ok := field(t); ok {
			if _, dup := in.Fields[key]; dup {
				return in, &UserError{Msg: fmt.Sprintf("%s= is given twice: give each field once", key)}
			}
			in.Fields[key] = value
			continue
		}
		in.Args = append(in.Args, t.text)
		in.argEnds = append(in.argEnds, t.end)
	}
	return in, nil
}

type token struct {
	text   string
	end    int  // byte offset just past the token in the line
	quoted bool // the whole token was one quoted string
	// eq is the byte offset of a key's "=" within text when the value was
	// quoted (key="a b"), else -1; unquoted tokens are split at their first "=".
	eq int
}

func tokenize(line string) ([]token, error) {
	var (
		toks []token
		cur  strings.Builder
		tok  = token{eq: -1}
		in   bool // inside a token
	)
	flush := func(end int) {
		if in {
			tok.text, tok.end = cur.String(), end
			toks = append(toks, tok)
		}
		cur.Reset()
		tok, in = token{eq: -1}, false
	}
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case unicode.IsSpace(r):
			flush(i)
			i += size
		case isOpenQuote(r) && (!in || strings.HasSuffix(cur.String(), "=") && tok.eq < 0):
			// A quote opens a token or a field's value: read to its closing quote.
			start := i
			i += size
			end := -1
			for j := i; j < len(line); {
				c, csize := utf8.DecodeRuneInString(line[j:])
				if closes(r, c) {
					end = j
					break
				}
				j += csize
			}
			if end < 0 {
				return nil, &UserError{Msg: fmt.Sprintf("the quote opened at %q is never closed: add the closing quote", excerpt(line[start:]))}
			}
			if in {
				tok.eq = cur.Len() - 1
			} else {
				tok.quoted = true
			}
			in = true
			cur.WriteString(line[i:end])
			_, csize := utf8.DecodeRuneInString(line[end:])
			i = end + csize
		default:
			in = true
			tok.quoted = false
			cur.WriteRune(r)
			i += size
		}
	}
	flush(len(line))
	return toks, nil
}

func excerpt(s string) string {
	if utf8.RuneCountInString(s) > 20 {
		return string([]rune(s)[:20]) + "…"
	}
	return s
}

func isOpenQuote(r rune) bool { return strings.ContainsRune(`"'“„‘«`, r) }

func closes(open, r rune) bool {
	switch open {
	case '"':
		return r == '"' || r == '”'
	case '“', '„':
		return r == '”' || r == '“' || r == '"'
	case '\'':
		return r == '\''
	case '‘':
		return r == '’'
	case '«':
		return r == '»'
	}
	return false
}

// field splits key=value. A key is letters, digits, '_' or '-'; anything else
// before the "=" (a URL's query, say) makes the token positional.
func field(t token) (key, value string, ok bool) {
	if t.quoted {
		return "", "", false
	}
	eq := t.eq
	if eq < 0 {
		eq = strings.IndexByte(t.text, '=')
	}
	if eq <= 0 {
		return "", "", false
	}
	key = t.text[:eq]
	for _, r := range key {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			return "", "", false
		}
	}
	return strings.ToLower(key), t.text[eq+1:], true
}
