package money

import (
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
