// Package suggest finds what a user probably meant to type, for "did you
// mean" hints in errors.
package suggest

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// Closest returns the option nearest to s, or "" when none is within two
// edits, begins with s or is how s begins.
func Closest(s string, options []string) string {
	s = strings.ToLower(s)
	if len(s) < 2 {
		return "" // one letter is too little to guess from
	}
	best, bestDist := "", 3 // further than two edits away is no suggestion
	for _, o := range options {
		d := levenshtein.ComputeDistance(s, strings.ToLower(o))
		lo := strings.ToLower(o)
		if len(s) >= 2 && strings.HasPrefix(lo, s) || len(lo) >= 3 && strings.HasPrefix(s, lo) {
			d = 1 // a beginning, as "clo" for close, or more, as "acknowledge" for ack
		}
		if d < bestDist {
			best, bestDist = o, d
		}
	}
	return best
}

// DidYouMean is " Did you mean PREFIX+closest?" or "".
func DidYouMean(s string, options []string, prefix string) string {
	if best := Closest(s, options); best != "" {
		return " Did you mean " + prefix + best + "?"
	}
	return ""
}
