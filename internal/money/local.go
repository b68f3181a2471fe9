package money

import (
	"strconv"
	"strings"

	"github.com/disputedesk/disputedesk/storage"
)

// localStyle is how a language writes numbers: its decimal mark and its
// thousands separator.
type localStyle struct{ decimal, group string }

var localStyles = map[string]localStyle{
	"en": {".", ","},
	"de": {",", "."},
	"da": {",", "."},
	"nb": {",", " "},
	"sv": {",", " "},
}

// ownKrone is the krone each Scandinavian language writes as just "kr".
var ownKrone = map[string]string{"nb": "NOK", "da": "DKK", "sv": "SEK"}

// signs are the currencies English writes with a sign before the amount.
var signs = map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}

// Local writes m the way a reader of lang (en, nb, da, de, sv) writes money
// to a customer: "49,90 kr" (the reader's own krone), "1 299,00 kr",
// "€49.90", "49,90 €"; a currency the reader has no word for keeps its code
// ("49,90 DKK" to a Norwegian, "NOK 49.90" in English). An unknown
// language is written as English.
func Local(m storage.Money, lang string) string {
	style, ok := localStyles[lang]
	if !ok {
		lang, style = "en", localStyles["en"]
	}
	num := localNumber(m, style)
	switch {
	case ownKrone[lang] == m.Currency:
		return num + " kr"
	case lang == "en" && signs[m.Currency] != "":
		return signs[m.Currency] + num
	case lang == "en":
		return m.Currency + " " + num
	case m.Currency == "EUR":
		return num + " €"
	}
	return num + " " + m.Currency
}

// localNumber writes m's amount with style's marks, all its decimals shown.
func localNumber(m storage.Money, style localStyle) string {
	plain := Number(m) // "1299.00"
	whole, frac, _ := strings.Cut(plain, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(style.group)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(style.decimal + frac)
	}
	if _, err := strconv.ParseInt(whole, 10, 64); err != nil {
		return plain // not a plain number: leave it as Number wrote it
	}
	return b.String()
}
