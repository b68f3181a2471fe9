package prompts

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maskRun is a run of digit groups joined by single separators, the raw
// material of phone and card numbers: "+47 912 34 567", "4242-4242-4242-4242",
// "(0)30 1234567".
type maskRun struct {
	start, end int
	plus       bool   // starts with "+"
	groups     []int  // digits per group
	seps       []byte // separator before each group after the first; 0 for none
	bounds     [][2]int
	digits     string
}

// maskNumberRuns finds the runs of digit groups in s that stand apart from
// words and from the digits of an amount ("1 299,00" is not read from the
// comma on).
func maskNumberRuns(s string) []maskRun {
	var runs []maskRun
	for i := 0; i < len(s); {
		c := s[i]
		if !(c == '+' || c == '(' || maskDigit(c)) {
			i++
			continue
		}
		prev, n := utf8.DecodeLastRuneInString(s[:i])
		if i > 0 && (maskWordRune(prev) || prev == '+' || prev == '(' ||
			(prev == '.' || prev == ',') && i-n > 0 && maskDigit(s[i-n-1])) {
			i = maskSkipWord(s, i)
			continue
		}
		run, ok := maskScanRun(s, i)
		if !ok {
			// A shorter run starting later would end at the same word.
			i = maskSkipWord(s, max(i, run.end-1))
			continue
		}
		runs = append(runs, run)
		i = run.end
	}
	return runs
}

// maskSkipWord moves past the byte at s[i] and the letters and digits
// after it.
func maskSkipWord(s string, i int) int {
	i++
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !maskWordRune(r) {
			break
		}
		i += n
	}
	return i
}

func maskDigit(c byte) bool { return c >= '0' && c <= '9' }

// maskScanRun reads one run at s[i:]. A run glued to a word is no run;
// its end is still returned, so the caller can skip it.
func maskScanRun(s string, i int) (maskRun, bool) {
	run := maskRun{start: i}
	if s[i] == '+' {
		run.plus = true
		i++
	}
	var sep byte
	var digits strings.Builder
	for {
		// One group: digits, or digits in parentheses.
		paren := i < len(s) && s[i] == '('
		j := i
		if paren {
			j++
		}
		k := j
		for k < len(s) && maskDigit(s[k]) {
			k++
		}
		if k == j || k-j > 19 {
			break
		}
		if paren {
			if k >= len(s) || s[k] != ')' {
				break
			}
		}
		digits.WriteString(s[j:k])
		run.groups = append(run.groups, k-j)
		run.seps = append(run.seps, sep)
		run.bounds = append(run.bounds, [2]int{i, k})
		if paren {
			k++
		}
		run.end = k
		i = k
		// A separator, only when another group follows it; a group in
		// parentheses may be followed by digits directly.
		sep = 0
		if i < len(s) && strings.IndexByte(" .-/", s[i]) >= 0 && i+1 < len(s) && (maskDigit(s[i+1]) || s[i+1] == '(') {
			sep = s[i]
			i++
			continue
		}
		if paren && i < len(s) && maskDigit(s[i]) {
			continue
		}
		break
	}
	if len(run.groups) == 0 {
		return maskRun{}, false
	}
	if r, _ := utf8.DecodeRuneInString(s[run.end:]); run.end < len(s) && maskWordRune(r) {
		return maskRun{end: run.end}, false
	}
	run.digits = digits.String()
	return run, true
}

// card returns the span of a card number within the run, if there is one.
func (r maskRun) card() (start, end int, ok bool) {
	bestLen := 0
	for i := range r.groups {
		n := 0
		for j := i; j < len(r.groups); j++ {
			if j > i && r.seps[j] != ' ' && r.seps[j] != '-' {
				break
			}
			n += r.groups[j]
			if n > 19 {
				break
			}
			if n < 13 || n <= bestLen || !maskCardGroups(r.groups[i:j+1]) {
				continue
			}
			off := 0
			for _, g := range r.groups[:i] {
				off += g
			}
			d := r.digits[off : off+n]
			if d[0] < '2' || d[0] > '6' || !maskLuhn(d) {
				continue
			}
			bestLen, start, end, ok = n, r.bounds[i][0], r.bounds[j][1], true
		}
	}
	if ok && r.bounds[0][0] == start && r.plus {
		return 0, 0, false // "+4242..." is a phone number
	}
	return start, end, ok
}

// maskCardGroups reports whether digit groups have a card's printed shape.
func maskCardGroups(g []int) bool {
	switch len(g) {
	case 1:
		return true
	case 3:
		if g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4) {
			return true
		}
	}
	for i, n := range g {
		if n != 4 && (i < len(g)-1 || n < 1 || n > 4) {
			return false
		}
	}
	return true
}

// maskLuhn reports whether the digits pass the Luhn check.
func maskLuhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// phone reports whether the run is a phone number (see Mask).
func (r maskRun) phone(s string) bool {
	n := len(r.digits)
	intl := r.plus || strings.HasPrefix(r.digits, "00") && r.groups[0] >= 2 && s[r.bounds[0][0]] != '('
	switch {
	case intl && (n < 8 || n > 15):
		return false
	case !intl && (n < 8 || n > 12):
		return false
	}
	if r.plus {
		return true
	}
	return !r.date() && !maskAmountAround(s, r.start, r.end) && !maskLabelled(s, r.start)
}

// date reports whether the run is a date: 2026-11-22, 22.11.2026, 22/11/2026.
func (r maskRun) date() bool {
	if len(r.groups) != 3 || r.seps[1] != r.seps[2] || strings.IndexByte("-./", r.seps[1]) < 0 {
		return false
	}
	a, _ := strconv.Atoi(r.digits[:r.groups[0]])
	b, _ := strconv.Atoi(r.digits[r.groups[0] : r.groups[0]+r.groups[1]])
	c, _ := strconv.Atoi(r.digits[r.groups[0]+r.groups[1]:])
	switch {
	case r.groups[0] == 4 && r.groups[1] <= 2 && r.groups[2] <= 2:
		return b >= 1 && b <= 12 && c >= 1 && c <= 31
	case r.groups[0] <= 2 && r.groups[1] <= 2 && r.groups[2] == 4:
		return a >= 1 && a <= 31 && b >= 1 && b <= 12 || a >= 1 && a <= 12 && b >= 1 && b <= 31
	}
	return false
}

// maskCurrencies are the currency words and signs that make a number an
// amount, lower case.
var maskCurrencies = map[string]bool{
	"eur": true, "euro": true, "nok": true, "sek": true, "dkk": true, "usd": true, "gbp": true, "chf": true,
	"kr": true, "kr.": true, "kroner": true, "kronor": true, "€": true, "$": true, "£": true,
}

// maskAmountAround reports whether s[start:end] is an amount: a currency
// right before or after it, or decimals after it.
func maskAmountAround(s string, start, end int) bool {
	after := s[end:]
	if len(after) >= 2 && (after[0] == ',' || after[0] == '.') && (maskDigit(after[1]) || after[1] == '-') {
		return true
	}
	if before := strings.Fields(s[max(0, start-12):start]); len(before) > 0 {
		w := strings.ToLower(before[len(before)-1])
		if maskCurrencies[w] || maskCurrencies[strings.TrimLeftFunc(w, unicode.IsLetter)] {
			return true
		}
	}
	if after := strings.FieldsFunc(after, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ')' || r == ';'
	}); len(after) > 0 {
		w := strings.ToLower(after[0])
		return maskCurrencies[w] || maskCurrencies[strings.TrimRight(w, ".!?")]
	}
	return false
}

// maskLabelled reports whether the number at s[start:] follows a label such
// as "order", "Bestellung #" or "ordrenummer er" (maskFile.Labels). A word
// starting or ending with "#" is a label in every language.
func maskLabelled(s string, start int) bool {
	m := &langData().mask
	words := strings.FieldsFunc(s[max(0, start-60):start], func(r rune) bool {
		return unicode.IsSpace(r) || r == ':' || r == '(' || r == ','
	})
	for k := 0; k < 4 && len(words) > 0; k++ {
		w := strings.ToLower(words[len(words)-1])
		words = words[:len(words)-1]
		if strings.HasPrefix(w, "#") || strings.HasSuffix(w, "#") {
			return true
		}
		if m.labels[w] || m.labels[strings.TrimRight(w, ".")] {
			return true
		}
		for _, stem := range m.labelStems {
			if strings.HasPrefix(w, stem) {
				return true
			}
		}
		if !m.labelFillers[w] {
			return false
		}
	}
	return false
}
