package money

import (
	"fmt"
	"strings"
)

// kroner are the currencies written "kr": Norway's, Denmark's, Sweden's
// (and Iceland's króna).
var kroner = map[string]bool{"NOK": true, "DKK": true, "SEK": true, "ISK": true}

// cutKroner takes "kr" or "kr." off either end of s, and a ",-" or ".-"
// for no decimals ("49,- kr"), reporting whether it did.
func cutKroner(s string) (rest string, ok bool) {
	lower := strings.ToLower(s)
	for _, suffix := range []string{"kr.", "kr"} {
		if strings.HasSuffix(lower, suffix) {
			rest, ok = strings.TrimSpace(s[:len(s)-len(suffix)]), true
			break
		}
		if strings.HasPrefix(lower, suffix) {
			rest, ok = strings.TrimSpace(s[len(suffix):]), true
			break
		}
	}
	if !ok || rest == "" || !strings.ContainsAny(rest[:1], "0123456789") && !strings.ContainsAny(rest[len(rest)-1:], "0123456789-") {
		return s, false
	}
	for _, none := range []string{",-", ".-"} {
		rest = strings.TrimSuffix(rest, none)
	}
	return rest, true
}

// kronerIn reads an amount in kroner in code, which must be a krone: "kr"
// alone could be any of them, so without a code it asks which.
func kronerIn(amount, rest, code string) (string, error) {
	switch code = strings.ToUpper(strings.TrimSpace(code)); {
	case code == "":
		return "", fmt.Errorf("amount %q: which of NOK, DKK or SEK is meant by kr? Write amount=\"%s NOK\", \"%s DKK\" or \"%s SEK\", or add currency=NOK", amount, rest, rest, rest)
	case !kroner[code]:
		return "", fmt.Errorf("amount %q is in kroner but the currency is %s: give one currency", amount, code)
	}
	return code, nil
}

// CurrencyOf is the currency amount is read in: given (currency=) when set,
// else the code the amount carries ("49,90 NOK"), else fallback (the
// case's or the team's) except for an amount in kroner and a fallback that
// is no krone, which is "" so that Parse asks which krone is meant.
func CurrencyOf(amount, given, fallback string) string {
	if given != "" {
		return given
	}
	s := strings.TrimSpace(amount)
	if code, _, ok := splitCode(s); ok {
		return strings.ToUpper(code)
	}
	if _, ok := cutKroner(s); ok && !kroner[strings.ToUpper(fallback)] {
		return ""
	}
	return fallback
}
