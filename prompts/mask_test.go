package prompts

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// E-mail.
		{"email en", "Please write to jane.doe+shop@example.co.uk today.", "Please write to «EMAIL_1» today."},
		{"email nb", "Send svar til ola.nordmann@gmail.no, takk", "Send svar til «EMAIL_1», takk"},
		{"email de unicode", "Meine Adresse: jürgen.müller@web.de.", "Meine Adresse: «EMAIL_1»."},
		{"email twice same placeholder", "a@b.se och igen a@b.se, men c@d.se", "«EMAIL_1» och igen «EMAIL_1», men «EMAIL_2»"},

		// Phone numbers.
		{"phone nb international", "Ring meg på +47 912 34 567.", "Ring meg på «PHONE_1»."},
		{"phone nb national", "Mobil 912 34 567 eller 22 33 44 55", "Mobil «PHONE_1» eller «PHONE_2»"},
		{"phone nb bare", "tlf:91234567", "tlf:«PHONE_1»"},
		{"phone da", "Ring på 12 34 56 78 eller +45 12345678", "Ring på «PHONE_1» eller «PHONE_2»"},
		{"phone sv", "Nå mig på 070-123 45 67 eller 08-123 456 78.", "Nå mig på «PHONE_1» eller «PHONE_2»."},
		{"phone de", "Erreichbar unter 030 12345678, 0171/1234567 oder +49 (0)30 1234567.", "Erreichbar unter «PHONE_1», «PHONE_2» oder «PHONE_3»."},
		{"phone en", "Call (555) 123-4567 or +44 20 7946 0958 or 020 7946 0958", "Call «PHONE_1» or «PHONE_2» or «PHONE_3»"},
		{"phone dots", "Tel. 912.34.567", "Tel. «PHONE_1»"},
		{"phone 00 prefix", "0047 912 34 567", "«PHONE_1»"},
		{"phone bare 3-4-4 is masked", "114-2231-5571", "«PHONE_1»"},

		// Cards.
		{"card spaced", "Card: 4242 4242 4242 4242, exp 12/28", "Card: «CARD_1», exp 12/28"},
		{"card dashed", "kort 5555-5555-5555-4444", "kort «CARD_1»"},
		{"card compact", "Karte 4111111111111111.", "Karte «CARD_1»."},
		{"card amex", "Amex 3782 822463 10005", "Amex «CARD_1»"},
		{"card not luhn is left", "4242 4242 4242 4241", "4242 4242 4242 4241"},
		{"card last four left", "card ending 4242", "card ending 4242"},

		// IBAN.
		{"iban nb compact", "Konto NO9386011117947", "Konto «IBAN_1»"},
		{"iban de grouped", "IBAN: DE89 3704 0044 0532 0130 00 bitte", "IBAN: «IBAN_1» bitte"},
		{"iban gb", "GB82 WEST 1234 5698 7654 32", "«IBAN_1»"},
		{"iban bad check left", "DE89 3704 0044 0532 0130 05 x", "DE89 3704 0044 0532 0130 05 x"},

		// Addresses.
		{"address en", "Deliver to 12 Baker Street please", "Deliver to «ADDRESS_1» please"},
		{"address en postcode", "221B Baker St, London NW1 6XE.", "«ADDRESS_1»."},
		{"address en us", "at 1600 Pennsylvania Avenue NW", "at «ADDRESS_1» NW"},
		{"address nb", "Jeg bor i Storgata 5, 0155 Oslo.", "Jeg bor i «ADDRESS_1»."},
		{"address nb multiword", "Levert til Karl Johans gate 22", "Levert til «ADDRESS_1»"},
		{"address da", "Nørregade 12B, 1165 København K", "«ADDRESS_1» K"},
		{"address da postal", "Strandvejen 100, 2900 Hellerup", "«ADDRESS_1»"},
		{"address da alle", "Frederiksberg Allé 3", "«ADDRESS_1»"},
		{"address de", "Hauptstraße 7, 10115 Berlin", "«ADDRESS_1»"},
		{"address de abbrev", "Berliner Str. 12", "«ADDRESS_1»"},
		{"address sv", "Kungsgatan 3, 111 43 Stockholm", "«ADDRESS_1»"},
		{"address sv vag", "Storvägen 14", "«ADDRESS_1»"},

		// Things that stay.
		{"order number short", "Ordre 1042 er ikke kommet", "Ordre 1042 er ikke kommet"},
		{"order number labelled", "order 114-2231-5571", "order 114-2231-5571"},
		{"order number label filler", "My order number is 11422315571.", "My order number is 11422315571."},
		{"order number nb", "ordrenummer: 91234567", "ordrenummer: 91234567"},
		{"order number de hash", "Bestellung #10421234", "Bestellung #10421234"},
		{"amazon order", "114-2231234-5571234", "114-2231234-5571234"},
		{"amount eur", "I paid EUR 1 299,00 for it", "I paid EUR 1 299,00 for it"},
		{"amount big", "NOK 12 500 000 and 12 500 000 kr and 1 299 000,00", "NOK 12 500 000 and 12 500 000 kr and 1 299 000,00"},
		{"iso date", "Ordered 2026-11-22, due 22.11.2026 or 11/22/2026", "Ordered 2026-11-22, due 22.11.2026 or 11/22/2026"},
		{"case ref", "Case CB-1042 and RMA-20931", "Case CB-1042 and RMA-20931"},
		{"tracking letters", "Sporing JJD0099812345 og 00340434161094042557", "Sporing JJD0099812345 og 00340434161094042557"},
		{"tracking labelled", "sporingsnummer 70712345678", "sporingsnummer 70712345678"},
		{"short numbers", "2 items, size 42, 3 days", "2 items, size 42, 3 days"},
		{"gate alone", "Alle 3 pakkene kom til Gate 12", "Alle 3 pakkene kom til Gate 12"},
		{"glued to letters", "abc91234567 and 91234567xyz", "abc91234567 and 91234567xyz"},

		// Placeholders already in the text are not reused.
		{"placeholder in text", "EMAIL_1 was a@b.no", "EMAIL_1 was «EMAIL_2»"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, m := Mask(tt.in)
			if got[0] != tt.want {
				t.Errorf("Mask(%q)\n got %q\nwant %q", tt.in, got[0], tt.want)
			}
			if back := m.Unmask(got[0]); back != tt.in {
				t.Errorf("Unmask(Mask(%q)) = %q", tt.in, back)
			}
			if n := strings.Count(tt.want, "«"); n == 0 && m.Masked() != 0 {
				t.Errorf("Masked() = %d, want 0", m.Masked())
			}
		})
	}
}

func TestMaskSharedNumbering(t *testing.T) {
	got, m := Mask("system: write to a@b.no", "user: a@b.no, c@d.no, +47 912 34 567")
	want := []string{"system: write to «EMAIL_1»", "user: «EMAIL_1», «EMAIL_2», «PHONE_1»"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("text %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if m.Masked() != 3 {
		t.Errorf("Masked() = %d, want 3", m.Masked())
	}
}

func TestMaskUnmaskLoose(t *testing.T) {
	_, m := Mask("a@b.no +47 912 34 567 Storgata 5")
	tests := []struct {
		name, in, want string
	}{
		{"exact", "Svar til «EMAIL_1».", "Svar til a@b.no."},
		{"bare", "Svar til EMAIL_1.", "Svar til a@b.no."},
		{"brackets", "Ring [PHONE_1] eller <PHONE_1>", "Ring +47 912 34 567 eller +47 912 34 567"},
		{"reversed guillemets", "Adresse »ADDRESS_1«", "Adresse Storgata 5"},
		{"lower case", "email_1", "a@b.no"},
		{"unknown left", "«EMAIL_7» and «CARD_1»", "«EMAIL_7» and «CARD_1»"},
		{"cut in two", "Svar til «EMA", "Svar til «EMA"},
		{"part of a word", "XEMAIL_1 EMAIL_12", "XEMAIL_1 EMAIL_12"},
		{"adjacent", "«EMAIL_1»«PHONE_1»", "a@b.no+47 912 34 567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Unmask(tt.in); got != tt.want {
				t.Errorf("Unmask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	var nilMask *Masking
	if got := nilMask.Unmask("«EMAIL_1»"); got != "«EMAIL_1»" || nilMask.Masked() != 0 {
		t.Errorf("nil Masking: Unmask = %q, Masked = %d", got, nilMask.Masked())
	}
}

func TestMaskRedact(t *testing.T) {
	in := "Kunde ola@example.no, tlf 912 34 567, kort 4242 4242 4242 4242, Storgata 5"
	got := Redact(in)
	for _, secret := range []string{"ola@example.no", "912 34 567", "4242", "Storgata"} {
		if strings.Contains(got, secret) {
			t.Errorf("Redact(%q) = %q: still contains %q", in, got, secret)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"Ring +47 912 34 567 eller skriv til ola@example.no",
		"Kort 4242 4242 4242 4242, Storgata 5, 0155 Oslo",
		"EMAIL_1 «PHONE_1» a@b.no [CARD_2] 4111111111111111",
		"«EMAIL_1»", "email_1 x@y.zz", "DE89 3704 0044 0532 0130 00",
		"12 Baker Street, London NW1 6XE", "2026-11-22 EUR 1 299,00 order 114-2231-5571",
		"\xff91234567\xfe", "(555) 123-4567", "+4791234567", "Hauptstraße 7",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, m := Mask(s)
		if back := m.Unmask(out[0]); back != s {
			t.Fatalf("Unmask(Mask(%q)) = %q (masked %q)", s, back, out[0])
		}
		if m.Masked() > 0 && out[0] == s {
			t.Fatalf("Masked() = %d but %q unchanged", m.Masked(), s)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out[0]) {
			t.Fatalf("Mask(%q) = %q: invalid UTF-8", s, out[0])
		}
	})
}
