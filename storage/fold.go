package storage

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// letterFolds are the letters NFD does not split into a base letter and
// a mark, spelled as a Nordic or German keyboard-less user types them.
var letterFolds = strings.NewReplacer("ø", "o", "æ", "ae", "å", "a", "ß", "ss", "đ", "d", "ł", "l", "œ", "oe", "þ", "th")

// Fold lower-cases s and folds its accents (Søren, SØREN and soren are
// all "soren"), as searches compare text. It is the one folding of the
// search text and of what is searched for, so both sides always agree.
//
// It runs on every case written, so ASCII, most text, is only lower-cased,
// and the rest is decomposed (NFD) and stripped of its marks with
// strings.Map rather than a transform.Chain with runes.Remove, which
// allocated ten times the memory of a whole /case open.
func Fold(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s))
	return letterFolds.Replace(s)
}

// FoldWords splits folded s into its words, runs of letters and digits,
// as field filters match them: "#114-2231" is "114" and "2231".
func FoldWords(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
