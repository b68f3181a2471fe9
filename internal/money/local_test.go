package money

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

// Local writes an amount the way the draft's reader writes it.
func TestLocal(t *testing.T) {
	tests := []struct {
		minor          int64
		currency, lang string
		want           string
	}{
		{4990, "NOK", "nb", "49,90 kr"},
		{129900, "NOK", "nb", "1 299,00 kr"},
		{4990, "DKK", "da", "49,90 kr"},
		{4990, "SEK", "sv", "49,90 kr"},
		{4990, "DKK", "nb", "49,90 DKK"}, // kr alone would read as kroner of the reader's own
		{4990, "NOK", "en", "NOK 49.90"},
		{4990, "EUR", "en", "€49.90"},
		{129900, "EUR", "en", "€1,299.00"},
		{4990, "EUR", "de", "49,90 €"},
		{129900, "EUR", "da", "1.299,00 €"},
		{4990, "USD", "en", "$49.90"},
		{4990, "GBP", "en", "£49.90"},
		{1200, "JPY", "en", "JPY 1,200"},
		{4990, "CHF", "de", "49,90 CHF"},
		{12345678, "SEK", "sv", "123 456,78 kr"},
	}
	for _, tt := range tests {
		m := storage.Money{Minor: tt.minor, Currency: tt.currency}
		if got := Local(m, tt.lang); got != tt.want {
			t.Errorf("Local(%s %d, %s) = %q, want %q", tt.currency, tt.minor, tt.lang, got, tt.want)
		}
	}
}

// "kr" is a krone of the currency given, and a question without one.
func TestParseKroner(t *testing.T) {
	tests := []struct {
		amount, code string
		want         string // Format of the result, or part of the error
	}{
		{"49,90 kr", "NOK", "NOK 49.90"},
		{"kr 49,90", "DKK", "DKK 49.90"},
		{"1 299,00 kr.", "SEK", "SEK 1299.00"},
		{"49,- kr", "NOK", "NOK 49.00"},
		{"49,90 kr", "", `"49,90 kr": which of NOK, DKK or SEK is meant by kr? Write amount="49,90 NOK"`},
		{"49,90 kr", "EUR", `"49,90 kr" is in kroner but the currency is EUR`},
	}
	for _, tt := range tests {
		m, err := Parse(tt.amount, tt.code)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = Format(m)
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("Parse(%q, %q) = %s, want %s", tt.amount, tt.code, got, tt.want)
		}
	}
}

// CurrencyOf picks the currency an amount is read in: the one given, its
// own, or the fallback, except that kroner never fall back to a currency
// that is not a krone.
func TestCurrencyOf(t *testing.T) {
	tests := []struct{ amount, given, fallback, want string }{
		{"49,90", "", "EUR", "EUR"},
		{"49,90 NOK", "", "EUR", "NOK"},
		{"49,90", "SEK", "EUR", "SEK"},
		{"49,90 kr", "", "NOK", "NOK"},
		{"49,90 kr", "", "EUR", ""},
	}
	for _, tt := range tests {
		if got := CurrencyOf(tt.amount, tt.given, tt.fallback); got != tt.want {
			t.Errorf("CurrencyOf(%q, %q, %q) = %q, want %q", tt.amount, tt.given, tt.fallback, got, tt.want)
		}
	}
}
