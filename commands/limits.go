package commands

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on what one request may store. A case's details show on its card
// and in every list, so they stay short; a command line holds a note, which
// stays the length of a chat message. What a platform shows is the
// adapter's business (bot.Request.MaxText).
const (
	// MaxFieldLen bounds a key=value detail or a form field, in characters.
	MaxFieldLen = 500
	// MaxLineLen bounds a command line, and with it a note, in characters.
	MaxLineLen = 4000
	// MaxMessageLen bounds a thread message kept on a timeline; longer ones
	// are kept cut, with a mark, since the message itself stays in chat.
	MaxMessageLen = 4000
)

// checkText refuses text that no database stores faithfully (a NUL byte,
// which PostgreSQL rejects, or bytes that are not UTF-8) and text longer than
// limit characters. what names the text in the error: "the command", "customer=".
func checkText(what, s string, limit int) error {
	if strings.IndexByte(s, 0) >= 0 {
		return userErrorf("%s holds a NUL character (\\x00), which cannot be stored: remove it and send it again", what)
	}
	if !utf8.ValidString(s) {
		return userErrorf("%s is not valid UTF-8 text: copy it again from where it came, or type it", what)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return userErrorf("%s is %d characters long; the limit is %d. Shorten it%s", what, n, limit, hint(what))
	}
	return nil
}

func hint(what string) string {
	if strings.HasSuffix(what, "=") {
		return ", and put longer text in a note (/case note REF ...)"
	}
	return ", or split a long note into several"
}

// textFields are the fields that hold prose (a closing note, an edited
// reply to the customer) and take a note's length, not a detail's.
var textFields = map[string]bool{"note": true, "body": true}

// checkFields applies checkText to each key=value field of in.
func checkFields(in Input) error {
	for k, v := range in.Fields {
		limit := MaxFieldLen
		if textFields[k] {
			limit = MaxLineLen
		}
		if err := checkText(k+"=", v, limit); err != nil {
			return err
		}
	}
	return nil
}

// cut shortens a thread message to MaxMessageLen characters, marking the cut.
func cut(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if utf8.RuneCountInString(s) <= MaxMessageLen {
		return s
	}
	r := []rune(s)
	return string(r[:MaxMessageLen]) + fmt.Sprintf(" … (cut: %d more characters in the thread)", len(r)-MaxMessageLen)
}
