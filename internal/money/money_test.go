package money

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, amount, code string
		want               storage.Money
	}{
		{"dot decimals", "49.90", "EUR", storage.Money{Minor: 4990, Currency: "EUR"}},
		{"comma decimals", "49,90", "EUR", storage.Money{Minor: 4990, Currency: "EUR"}},
		{"space grouping, comma decimals", "1 299,00", "NOK", storage.Money{Minor: 129900, Currency: "NOK"}},
		{"no-break space grouping", "1\u00a0299,00", "NOK", storage.Money{Minor: 129900, Currency: "NOK"}},
		{"comma grouping, dot decimals", "1,299.00", "USD", storage.Money{Minor: 129900, Currency: "USD"}},
		{"dot grouping, comma decimals", "1.299,50", "EUR", storage.Money{Minor: 129950, Currency: "EUR"}},
		{"swiss apostrophe", "1'299.95", "CHF", storage.Money{Minor: 129995, Currency: "CHF"}},
		{"repeated grouping", "1.000.000", "EUR", storage.Money{Minor: 100000000, Currency: "EUR"}},
		{"whole amount", "49", "EUR", storage.Money{Minor: 4900, Currency: "EUR"}},
		{"one decimal", "49,9", "EUR", storage.Money{Minor: 4990, Currency: "EUR"}},
		{"leading decimal", ".5", "EUR", storage.Money{Minor: 50, Currency: "EUR"}},
		{"zero", "0", "EUR", storage.Money{Minor: 0, Currency: "EUR"}},
		{"lower-case code", "10", "usd", storage.Money{Minor: 1000, Currency: "USD"}},
		{"code after amount", "49,90 EUR", "", storage.Money{Minor: 4990, Currency: "EUR"}},
		{"code before amount", "EUR49.90", "", storage.Money{Minor: 4990, Currency: "EUR"}},
		{"code repeated, same", "49,90 eur", "EUR", storage.Money{Minor: 4990, Currency: "EUR"}},
		{"yen has no decimals", "1 500", "JPY", storage.Money{Minor: 1500, Currency: "JPY"}},
		{"dinar has three decimals", "1,250", "KWD", storage.Money{Minor: 1250, Currency: "KWD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.amount, tt.code)
			if err != nil {
				t.Fatalf("Parse(%q, %q): %v", tt.amount, tt.code, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q, %q) = %+v, want %+v", tt.amount, tt.code, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, amount, code, wantErr string
	}{
		{"no currency", "49.90", "", "add currency=EUR"},
		{"unknown currency", "49.90", "EUX", "not an ISO 4217 currency"},
		{"no-currency code", "49.90", "XXX", "not an ISO 4217 currency"},
		{"two currencies", "49.90 USD", "EUR", "give one currency"},
		{"letters", "49.9O", "EUR", "not a number"},
		{"negative", "-5", "EUR", "without a sign"},
		{"too many decimals", "49.999", "USD", "could be a whole amount or decimals"},
		{"too many decimals, clear", "0.999", "USD", "2 decimals, not 3"},
		{"decimals on yen", "15,5", "JPY", "no minor units"},
		{"ambiguous thousands", "1,299", "EUR", "write 1299 for a whole amount, or 2 decimals, as in 1,29"},
		{"bad grouping", "12,99,000", "EUR", "three digits"},
		{"mixed separators", "1.2,3.4", "EUR", "mixed separators"},
		{"empty", "", "EUR", "no amount"},
		{"trailing separator", "49.", "EUR", "nothing after"},
		{"too large", "12345678901234567", "EUR", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.amount, tt.code)
			if err == nil {
				t.Fatalf("Parse(%q, %q) = %+v, want error containing %q", tt.amount, tt.code, got, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q, %q) error %q, want it to contain %q", tt.amount, tt.code, err, tt.wantErr)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   storage.Money
		want string
	}{
		{storage.Money{Minor: 4990, Currency: "EUR"}, "EUR 49.90"},
		{storage.Money{Minor: 5, Currency: "EUR"}, "EUR 0.05"},
		{storage.Money{Minor: 1500, Currency: "JPY"}, "JPY 1500"},
		{storage.Money{Minor: 1250, Currency: "KWD"}, "KWD 1.250"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"49.90", "1 299,00", "1,299.00", "EUR 5", "0,999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s, "EUR")
		if err != nil {
			return
		}
		if m.Minor < 0 {
			t.Fatalf("Parse(%q) = %d, negative", s, m.Minor)
		}
		// What Format writes, Parse reads back to the same amount.
		again, err := Parse(Format(m), "")
		if err != nil || again != m {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v, %v", s, m, Format(m), again, err)
		}
	})
}
