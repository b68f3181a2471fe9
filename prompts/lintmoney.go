package prompts

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lintAmount is an amount of money found in a text.
type lintAmount struct {
	currency string // EUR, NOK, ...; "KR" for kroner of any kind; "" for none
	minor    int64  // in hundredths
	text     string
}

const (
	lintCurrency = `eur|euro|euros|nok|sek|dkk|usd|gbp|chf|kr\.?|kroner|kronor|€|\$|£`
	lintNum      = `\d{1,3}(?:[ .,'\x{a0}]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`
)

var (
	// lintAmountRE consumes the character before an amount, so that a
	// match is never tried, and lost, in the middle of a number.
	lintAmountRE = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:(` + lintCurrency + `)\s?(` + lintNum + `)(?:,-|\.-)?|(` + lintNum + `)(?:,-|\.-)?\s?(` + lintCurrency + `))`)
	lintBareRE   = regexp.MustCompile(`^(?:` + lintNum + `)$`)
)

// lintAmounts finds amounts with a currency: EUR 49.90, 49,90 kr, €20, $5,
// 1 299,00 NOK.
func lintAmounts(s string) []lintAmount {
	var out []lintAmount
	for _, m := range lintAmountRE.FindAllStringSubmatchIndex(s, -1) {
		start, cur, num := m[2], m[2:4], m[4:6] // EUR 49.90
		if start < 0 {
			start, cur, num = m[6], m[8:10], m[6:8] // 49,90 kr
		}
		if !lintBoundary(s, start, m[1]) {
			continue
		}
		minor, ok := lintMinor(s[num[0]:num[1]])
		if !ok {
			continue
		}
		c := strings.ToLower(s[cur[0]:cur[1]])
		out = append(out, lintAmount{lintCurrencyCode(c), minor, s[start:m[1]]})
	}
	return out
}

func lintCurrencyCode(c string) string {
	switch strings.TrimSuffix(c, ".") {
	case "€", "euro", "euros", "eur":
		return "EUR"
	case "$", "usd":
		return "USD"
	case "£", "gbp":
		return "GBP"
	case "kr", "kroner", "kronor":
		return "KR"
	}
	return strings.ToUpper(c)
}

// lintMinor reads an amount in hundredths: the last "." or "," followed by
// one or two digits is the decimal mark, every other is a thousands
// separator.
func lintMinor(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\'' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	whole, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= 2 {
		whole, frac = s[:i], s[i+1:]
	}
	whole = strings.NewReplacer(".", "", ",", "").Replace(whole)
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > 1e12 {
		return 0, false
	}
	return w*100 + f, true
}

// lintBoundary reports whether s[start:end] is not part of a longer word
// or number.
func lintBoundary(s string, start, end int) bool {
	if r, _ := utf8.DecodeLastRuneInString(s[:start]); start > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	return true
}
