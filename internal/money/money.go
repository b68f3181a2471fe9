// Package money reads amounts the way support agents type them ("49.90",
// "49,90", "1 299,00") into exact minor units, and writes them back. It is
// shared by the commands and the playbooks, which both take money fields.
package money

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"

	"github.com/disputedesk/disputedesk/storage"
)

// maxDigits bounds the digits of an amount so that minor units fit an int64
// with room to spare.
const maxDigits = 15

// Currency checks an ISO 4217 code and returns it upper-cased with its number
// of decimals (2 for EUR, 0 for JPY, 3 for KWD).
func Currency(code string) (string, int, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	unit, err := currency.ParseISO(code)
	// XXX means "no currency" and XTS is reserved for testing: neither is money.
	if err != nil || len(code) != 3 || code == "XXX" || code == "XTS" {
		return "", 0, fmt.Errorf("%q is not an ISO 4217 currency code: use three letters such as EUR, USD, NOK or GBP", code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	return code, scale, nil
}

// Parse reads amount in the currency code. The amount may carry the code
// itself ("49,90 EUR"), group thousands with spaces, apostrophes, dots or
// commas, and use a dot or a comma for decimals. It refuses what it cannot read
// exactly: more decimals than the currency has, a sign, or "1,299", which could
// mean either 1299 or 1.299. "kr" ("49,90 kr", "kr 49,90", "49,- kr") is read
// in code when code is a krone (NOK, DKK, SEK, ISK); without a code the error
// asks which krone is meant.
func Parse(amount, code string) (storage.Money, error) {
	s := strings.TrimSpace(amount)
	if inline, rest, ok := splitCode(s); ok {
		if code != "" && !strings.EqualFold(code, inline) {
			return storage.Money{}, fmt.Errorf("amount %q says %s but currency is %s: give one currency", amount, inline, strings.ToUpper(code))
		}
		code, s = inline, rest
	} else if rest, ok := cutKroner(s); ok {
		var err error
		if code, err = kronerIn(amount, rest, code); err != nil {
			return storage.Money{}, err
		}
		s = rest
	}
	if code == "" {
		return storage.Money{}, fmt.Errorf("amount %q has no currency: add currency=EUR (or USD, NOK...)", amount)
	}
	code, scale, err := Currency(code)
	if err != nil {
		return storage.Money{}, err
	}
	minor, err := parseMinor(s, scale)
	if err != nil {
		return storage.Money{}, fmt.Errorf("amount %q: %w", amount, err)
	}
	return storage.Money{Minor: minor, Currency: code}, nil
}

// splitCode takes a three-letter code off either end of s.
func splitCode(s string) (code, rest string, ok bool) {
	isLetters := func(t string) bool {
		if len(t) != 3 {
			return false
		}
		for _, c := range t {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
				return false
			}
		}
		return true
	}
	if len(s) > 3 && isLetters(s[len(s)-3:]) {
		return s[len(s)-3:], strings.TrimSpace(s[:len(s)-3]), true
	}
	if len(s) > 3 && isLetters(s[:3]) {
		return s[:3], strings.TrimSpace(s[3:]), true
	}
	return "", s, false
}

const howTo = "write digits with a dot or comma for decimals, e.g. 49.90, 49,90 or 1 299,00"

func parseMinor(s string, scale int) (int64, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'', '’':
			return -1 // thousands grouping
		}
		return r
	}, s)
	if s == "" {
		return 0, fmt.Errorf("no amount given: %s", howTo)
	}
	if s[0] == '-' || s[0] == '+' {
		return 0, fmt.Errorf("give the amount without a sign: %s", howTo)
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || r == '.' || r == ',') {
			return 0, fmt.Errorf("%q is not a number: %s", r, howTo)
		}
	}
	whole, frac, err := splitDecimal(s, scale)
	if err != nil {
		return 0, err
	}
	if whole == "" {
		whole = "0"
	}
	if len(frac) > scale {
		if scale == 0 {
			return 0, fmt.Errorf("this currency has no minor units: give a whole amount")
		}
		return 0, fmt.Errorf("this currency has %d decimals, not %d", scale, len(frac))
	}
	if len(whole) > maxDigits {
		return 0, fmt.Errorf("amount is too large")
	}
	digits := whole + frac + strings.Repeat("0", scale-len(frac))
	return strconv.ParseInt(digits, 10, 64)
}

// splitDecimal decides which separator, if any, is the decimal one and
// returns the whole and fractional digits with grouping removed.
func splitDecimal(s string, scale int) (whole, frac string, err error) {
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	last := strings.LastIndexAny(s, ".,")
	switch {
	case last < 0:
		return s, "", nil
	case dots > 0 && commas > 0:
		// Both: the last separator is the decimal one, the other groups.
		dec := s[last]
		group := byte(',')
		if dec == ',' {
			group = '.'
		}
		if strings.Count(s, string(dec)) > 1 || strings.IndexByte(s[last:], group) >= 0 {
			return "", "", fmt.Errorf("mixed separators: %s", howTo)
		}
		whole, err := ungroup(s[:last], group)
		return whole, s[last+1:], err
	case dots+commas > 1:
		// One kind, several times: thousands grouping, no decimals.
		whole, err := ungroup(s, s[last])
		return whole, "", err
	default:
		whole, frac := s[:last], s[last+1:]
		if len(frac) == 3 && scale != 3 && whole != "" && whole != "0" {
			return "", "", fmt.Errorf("could be a whole amount or decimals: write %s%s for a whole amount, or %d decimals, as in %s%c%s", whole, frac, scale, whole, s[last], frac[:scale])
		}
		if frac == "" {
			return "", "", fmt.Errorf("nothing after the decimal separator: %s", howTo)
		}
		return whole, frac, nil
	}
}

// ungroup removes a thousands separator, checking the groups have three digits.
func ungroup(s string, sep byte) (string, error) {
	parts := strings.Split(s, string(sep))
	for i, p := range parts {
		if (i == 0 && (p == "" || len(p) > 3)) || (i > 0 && len(p) != 3) {
			return "", fmt.Errorf("digit groups must have three digits: %s", howTo)
		}
	}
	return strings.Join(parts, ""), nil
}

// Format writes m as "EUR 1299.00".
func Format(m storage.Money) string { return m.Currency + " " + Number(m) }

// Number writes m's amount without its currency: "1299.00", which Parse reads back.
func Number(m storage.Money) string {
	_, scale, err := Currency(m.Currency)
	if err != nil || scale == 0 {
		return strconv.FormatInt(m.Minor, 10)
	}
	pow := int64(1)
	for range scale {
		pow *= 10
	}
	return fmt.Sprintf("%d.%0*d", m.Minor/pow, scale, m.Minor%pow)
}
