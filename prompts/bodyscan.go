package prompts

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// bodyScanner follows a streamed JSON object far enough to find the top-level
// "body" string and decodes it as it arrives, escapes included, even when a
// chunk ends inside an escape or between the halves of a surrogate pair.
// It is hand-written because encoding/json decodes a string only once it is
// whole, and the agent should see the draft while the model writes it.
// It passes the decoded text to onText, one call per write, and calls onEnd
// when the string closes. The first string under a top-level "body" key is
// the body; other values are skipped, and the caller checks the whole
// object with encoding/json at the end.
type bodyScanner struct {
	stack   []byte // open containers, '{' or '['
	wantKey bool   // in an object, the next string is a key
	inStr   bool
	isKey   bool
	esc     int  // 0, 1 after a backslash, 2..5 in \uXXXX
	hex     rune // the \u digits so far
	high    rune // a high surrogate waiting for its low half
	key     strings.Builder
	lastKey string
	inBody  bool
	done    bool
	body    strings.Builder // the decoded body, masked
	onText  func(string)
	onEnd   func()
	out     strings.Builder // this write's decoded body text
}

// write scans the next piece of the object; s must end on a rune boundary.
func (j *bodyScanner) write(s string) {
	j.out.Reset()
	for _, r := range s {
		j.rune(r)
	}
	if j.out.Len() > 0 {
		j.body.WriteString(j.out.String())
		j.onText(j.out.String())
	}
	if j.done && j.onEnd != nil {
		j.onEnd()
		j.onEnd = nil
	}
}

func (j *bodyScanner) rune(r rune) {
	if !j.inStr {
		switch r {
		case '{':
			j.stack = append(j.stack, '{')
			j.wantKey = true
		case '[':
			j.stack = append(j.stack, '[')
			j.wantKey = false
		case '}', ']':
			if len(j.stack) > 0 {
				j.stack = j.stack[:len(j.stack)-1]
			}
			j.wantKey = false
		case ':':
			j.wantKey = false
		case ',':
			j.wantKey = len(j.stack) > 0 && j.stack[len(j.stack)-1] == '{'
		case '"':
			j.inStr = true
			top := len(j.stack) == 1 && j.stack[0] == '{'
			j.isKey = j.wantKey
			if j.isKey {
				j.key.Reset()
			}
			j.inBody = top && !j.isKey && j.lastKey == "body" && !j.done
		}
		return
	}
	switch {
	case j.esc == 1:
		j.esc = 0
		switch r {
		case 'u':
			j.esc, j.hex = 2, 0
		case 'n':
			j.char('\n')
		case 't':
			j.char('\t')
		case 'r':
			j.char('\r')
		case 'b':
			j.char('\b')
		case 'f':
			j.char('\f')
		default: // '"', '\\', '/', and anything invalid as itself
			j.char(r)
		}
	case j.esc >= 2:
		d, ok := hexDigit(r)
		if !ok { // invalid; encoding/json rejects it at the end
			j.esc = 0
			j.char(utf8.RuneError)
			return
		}
		j.hex = j.hex<<4 | d
		if j.esc++; j.esc < 6 {
			return
		}
		j.esc = 0
		switch h := j.hex; {
		case utf16.IsSurrogate(h) && h < 0xDC00:
			if j.high != 0 {
				j.put(utf8.RuneError)
			}
			j.high = h
		case utf16.IsSurrogate(h):
			if j.high != 0 {
				j.put(utf16.DecodeRune(j.high, h))
				j.high = 0
			} else {
				j.put(utf8.RuneError)
			}
		default:
			j.char(h)
		}
	case r == '\\':
		j.esc = 1
	case r == '"':
		j.flushHigh()
		j.inStr = false
		if j.isKey {
			if len(j.stack) == 1 {
				j.lastKey = j.key.String()
			}
			return
		}
		if j.inBody {
			j.inBody, j.done = false, true
		}
	default:
		j.char(r)
	}
}

// char adds a decoded rune of the current string.
func (j *bodyScanner) char(r rune) {
	j.flushHigh()
	j.put(r)
}

func (j *bodyScanner) put(r rune) {
	switch {
	case j.isKey:
		j.key.WriteRune(r)
	case j.inBody:
		j.out.WriteRune(r)
	}
}

// flushHigh writes a high surrogate that no low half followed.
func (j *bodyScanner) flushHigh() {
	if j.high != 0 {
		j.high = 0
		j.put(utf8.RuneError)
	}
}

func hexDigit(r rune) (rune, bool) {
	switch {
	case '0' <= r && r <= '9':
		return r - '0', true
	case 'a' <= r && r <= 'f':
		return r - 'a' + 10, true
	case 'A' <= r && r <= 'F':
		return r - 'A' + 10, true
	}
	return 0, false
}
