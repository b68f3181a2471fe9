package prompts

import (
	"strings"
	"unicode"
)

// lintText is a text as sentences of lower-case words.
type lintText struct{ sentences [][]string }

// lintParse splits a text into sentences of words. Apostrophes and hyphens
// inside a word, and the punctuation inside a number (49.90, 2026-11-22,
// 3-5), stay in it.
func lintParse(s string) lintText {
	var t lintText
	var sent []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '!' || r == '?' || r == ';' || r == '¶'
	}) {
		// A full stop ends a sentence when a space or the end follows it.
		for _, part := range strings.SplitAfter(line, ". ") {
			sent = lintTokens(part)
			if len(sent) > 0 {
				t.sentences = append(t.sentences, sent)
			}
		}
	}
	return t
}

// lintTokens splits s into lower-case words.
func lintTokens(s string) []string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("’", "'", "‘", "'", "–", "-", "—", " ", "\u00a0", " ").Replace(s)
	rs := []rune(s)
	var toks []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, string(cur))
			cur = cur[:0]
		}
	}
	alnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i, r := range rs {
		switch {
		case alnum(r):
			cur = append(cur, r)
		case len(cur) > 0 && i+1 < len(rs) && alnum(rs[i+1]) &&
			(r == '\'' || r == '-' || unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) && strings.ContainsRune(".,/:", r)):
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return toks
}

// has reports whether any phrase occurs in the text.
func (t lintText) has(phrases []string) bool { return t.find(phrases) != "" }

// find returns the words of the first phrase that occurs, or "".
func (t lintText) find(phrases []string) string {
	for _, p := range phrases {
		pat := strings.Fields(p)
		for _, s := range t.sentences {
			for i := range s {
				if n, ok := lintMatchAt(s, i, pat); ok {
					return strings.Join(s[i:i+n], " ")
				}
			}
		}
	}
	return ""
}

// lintMatchAt matches pat against toks from i and returns how many words
// it covered.
func lintMatchAt(toks []string, i int, pat []string) (int, bool) {
	if len(pat) == 0 {
		return 0, true
	}
	if pat[0] == "…" {
		for g := 0; g <= 4 && i+g <= len(toks); g++ {
			if n, ok := lintMatchAt(toks, i+g, pat[1:]); ok {
				return g + n, true
			}
		}
		return 0, false
	}
	if i >= len(toks) || !lintWordMatch(toks[i], pat[0]) {
		return 0, false
	}
	n, ok := lintMatchAt(toks, i+1, pat[1:])
	return n + 1, ok
}

func lintWordMatch(tok, pat string) bool {
	switch {
	case len(pat) > 1 && strings.HasSuffix(pat, "*"):
		return strings.HasPrefix(tok, pat[:len(pat)-1])
	case len(pat) > 1 && strings.HasPrefix(pat, "*"):
		return strings.HasSuffix(tok, pat[1:]) && len(tok) > len(pat)
	}
	return tok == pat
}

// lintTomorrow reports whether the text says "tomorrow". German "morgen"
// is also the morning of "Guten Morgen", which is not a timeframe.
func lintTomorrow(t lintText, phrases []string) bool {
	not := langData().grammar.notTomorrowAfter
	for _, s := range t.sentences {
		for i := range s {
			if i > 0 && not[s[i-1]] {
				continue
			}
			for _, p := range phrases {
				if _, ok := lintMatchAt(s, i, strings.Fields(p)); ok {
					return true
				}
			}
		}
	}
	return false
}
