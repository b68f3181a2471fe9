// Package actionid is the format of the short ids that buttons and forms
// carry instead of a whole command line, so that they fit Discord's
// custom_id (100 characters) and are the same on every platform.
//
// An id is self-contained: "v1:" + the command's code + a space and its
// arguments as typed, e.g. "v1:d CB-1042 acknowledge" for
// "/case done CB-1042 acknowledge". Nothing is stored, so an id never
// expires and works on every replica and after a restart. The version
// prefix lets a later format sit beside this one; a code, once given to a
// command, is never given to another, since posted buttons carry it.
package actionid

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Prefix starts every id of this format.
const Prefix = "v1:"

// MaxLen is the most bytes an id takes (bot.MaxActionID).
const MaxLen = 100

// MaxCode is the most characters of a command's code.
const MaxCode = 3

// ErrInvalid means an id is not one of ours: garbled, of an unknown
// version, or cut.
var ErrInvalid = errors.New("not an action id")

// ValidCode reports whether code can name a command: 1 to MaxCode
// lower-case ASCII letters.
func ValidCode(code string) bool {
	if code == "" || len(code) > MaxCode {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < 'a' || code[i] > 'z' {
			return false
		}
	}
	return true
}

// Encode returns the id of a command's code with its arguments (the rest of
// the command line, as typed), and false when code is not valid, args is
// not one line of UTF-8, or the id would be longer than MaxLen: then the
// caller keeps the command line (or drops the button), never a cut id.
func Encode(code, args string) (string, bool) {
	args = strings.TrimSpace(args)
	if !ValidCode(code) || !validArgs(args) {
		return "", false
	}
	id := Prefix + code
	if args != "" {
		id += " " + args
	}
	if len(id) > MaxLen {
		return "", false
	}
	return id, true
}

// Decode reads an id written by Encode into its code and arguments. It
// returns ErrInvalid for anything else.
func Decode(id string) (code, args string, err error) {
	rest, ok := strings.CutPrefix(id, Prefix)
	if !ok || len(id) > MaxLen {
		return "", "", ErrInvalid
	}
	code, args, spaced := strings.Cut(rest, " ")
	if !ValidCode(code) || !validArgs(args) || spaced && (args == "" || args != strings.TrimSpace(args)) {
		return "", "", ErrInvalid
	}
	return code, args, nil
}

// validArgs reports whether args is UTF-8 without control characters: the
// arguments of one command line.
func validArgs(args string) bool {
	if !utf8.ValidString(args) {
		return false
	}
	for _, r := range args {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
