package storage

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// letterFolds are the letters NFD does not split into a base letter and
// a mark, spelled as a Nordic or German keyboard-less user types them.
var letterFolds = strings.NewReplacer("ø", "o", "æ", "ae", "å", "a", "ß", "ss", "đ", "d", "ł", "l", "œ", "oe", "þ", "th")

// Fold lower-cases s and folds its accents (Søren, SØREN and soren are
// all "soren"), as searches compare text. It is the one folding of the
// search text and of what is searched for, so both sides always agree.
func Fold(s string) string {
	s = strings.ToLower(s)
	// A fresh transformer each call: a transform.Chain keeps state.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if folded, _, err := transform.String(t, s); err == nil {
		s = folded
	}
	return letterFolds.Replace(s)
}

// FoldWords splits folded s into its words, runs of letters and digits,
// as field filters match them: "#114-2231" is "114" and "2231".
func FoldWords(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
