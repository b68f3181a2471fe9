package prompts

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// lintFacts are a chargeback the shop is at fault in, with a reply and a
// refund timeframe in its policy.
func lintFacts() Facts {
	return Facts{
		Ref:            "CB-1042",
		Playbook:       "chargeback",
		Situation:      "product_not_received",
		SituationLabel: "Product not received",
		ShopErred:      true,
		Customer:       "Kari Nordmann",
		Order:          "1042",
		Amount:         "EUR 49.90",
		Step:           "Contact the customer",
		NextStep:       "Decide: fight or accept",
		Policy: map[string]string{
			"reply_within":  "2 business days",
			"refund_within": "14 days",
		},
		Agent: "Ola",
	}
}

// lintGood are drafts that pass, one per language.
var lintGood = map[string]string{
	"en": "Hi Kari,\n\nThank you for letting us know that your order 1042 hasn't arrived. I'm sorry; we should have " +
		"made sure it reached you. We will trace the parcel with the carrier and get back to you within 2 business " +
		"days. Your case reference is CB-1042.\n\nBest wishes,\nOla",
	"nb": "Hei Kari,\n\nTakk for at du sa fra om at ordre 1042 ikke har kommet frem. Det beklager vi. Vi sporer " +
		"pakken hos transportøren og gir deg svar innen 2 virkedager. Saksnummeret ditt er CB-1042.\n\nVennlig hilsen\nOla",
	"da": "Hej Kari,\n\nTak fordi du skrev til os om, at ordre 1042 ikke er kommet frem. Det beklager vi meget. Vi " +
		"sporer pakken hos fragtfirmaet og vender tilbage inden for 2 hverdage. Dit sagsnummer er CB-1042.\n\n" +
		"Venlig hilsen\nOla",
	"de": "Hallo Kari,\n\nvielen Dank für Ihre Nachricht. Es tut uns leid, dass Ihre Bestellung 1042 nicht " +
		"angekommen ist. Wir werden die Sendung beim Paketdienst verfolgen und uns innerhalb von 2 Werktagen bei " +
		"Ihnen melden. Ihre Fallnummer ist CB-1042.\n\nViele Grüße\nOla",
	"sv": "Hej Kari,\n\nTack för att du hörde av dig om att order 1042 inte har kommit fram. Vi ber om ursäkt för " +
		"det. Vi spårar paketet hos transportören och återkommer inom 2 arbetsdagar. Ditt ärendenummer är " +
		"CB-1042.\n\nVänliga hälsningar\nOla",
}

func TestLintGoodDrafts(t *testing.T) {
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			req := Request{Facts: lintFacts(), Language: lang, MaxLen: 2000}
			for _, declared := range []string{lang, ""} {
				if got := Lint(req, Draft{Language: declared, Body: lintGood[lang]}); len(got) != 0 {
					t.Errorf("Lint(declared %q) = %v, want none", declared, got)
				}
			}
		})
	}
}

func TestLint(t *testing.T) {
	type change func(*Request, *Draft)
	policy := func(kv ...string) change {
		return func(r *Request, _ *Draft) {
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == "" {
					delete(r.Facts.Policy, kv[i])
				} else {
					r.Facts.Policy[kv[i]] = kv[i+1]
				}
			}
		}
	}
	// replace changes the body: old → new.
	replace := func(old, new string) change {
		return func(_ *Request, d *Draft) {
			if !strings.Contains(d.Body, old) {
				panic("test body has no " + old)
			}
			d.Body = strings.Replace(d.Body, old, new, 1)
		}
	}
	// add puts a sentence at the end of the body, before the sign-off.
	add := func(s string) change {
		return func(_ *Request, d *Draft) {
			j := strings.LastIndex(d.Body, "\n\n")
			d.Body = d.Body[:j] + " " + s + d.Body[j:]
		}
	}
	tests := []struct {
		name    string
		lang    string
		changes []change
		// want is the problems expected, as "rule: message"; nil means none.
		want []string
	}{
		// empty
		{"empty", "en", []change{func(_ *Request, d *Draft) { d.Body = " \n " }}, []string{"empty: the draft is empty"}},

		// reference
		{"reference missing en", "en", []change{replace("Your case reference is CB-1042.", "")},
			[]string{"reference: does not name the case reference CB-1042"}},
		{"reference missing nb", "nb", []change{replace("Saksnummeret ditt er CB-1042.", "")},
			[]string{"reference: does not name the case reference CB-1042"}},
		{"reference any case", "de", []change{replace("CB-1042", "cb-1042")}, nil},
		{"reference none in case", "sv", []change{replace("Ditt ärendenummer är CB-1042.", ""),
			func(r *Request, _ *Draft) { r.Facts.Ref = "" }}, nil},

		// acknowledge
		{"acknowledge missing de", "de", []change{replace("vielen Dank für Ihre Nachricht. Es tut uns leid, dass Ihre Bestellung 1042 nicht angekommen ist.", "es tut uns leid.")},
			[]string{`acknowledge: does not acknowledge the customer's problem (e.g. "vielen dank für ihre nachricht", or name it)`}},
		{"acknowledge by naming the problem en", "en", []change{replace("Thank you for letting us know that your order 1042 hasn't arrived.", "Your order 1042 never arrived.")}, nil},
		{"acknowledge by the situation label", "en", []change{replace("Thank you for letting us know that your order 1042 hasn't arrived.", "About your order 1042: product not received."),
			func(r *Request, _ *Draft) { r.Facts.SituationLabel = "Product not received" }}, nil},
		{"acknowledge missing sv", "sv", []change{replace("Tack för att du hörde av dig om att order 1042 inte har kommit fram.", "Gällande order 1042.")},
			[]string{`acknowledge: does not acknowledge the customer's problem (e.g. "tack för att du", or name it)`}},

		// apology
		{"apology missing sv", "sv", []change{replace("Vi ber om ursäkt för det.", "")},
			[]string{`apology: does not apologise, though the shop is at fault (e.g. "ber om ursäkt")`}},
		{"apology missing nb", "nb", []change{replace("Det beklager vi.", "")},
			[]string{`apology: does not apologise, though the shop is at fault (e.g. "beklager")`}},
		{"apology not needed", "en", []change{replace("I'm sorry; we should have made sure it reached you.", ""),
			func(r *Request, _ *Draft) { r.Facts.ShopErred = false }}, nil},

		// next_step
		{"next step missing da", "da", []change{replace("Vi sporer pakken hos fragtfirmaet og vender tilbage inden for 2 hverdage.", "Svaret kommer inden for 2 hverdage.")},
			[]string{`next_step: does not say what happens next (e.g. "vi vil")`}},
		{"next step missing en", "en", []change{replace("We will trace the parcel with the carrier and get back to you within 2 business days.", "An answer comes within 2 business days.")},
			[]string{`next_step: does not say what happens next (e.g. "we will")`}},
		{"next step asks the customer de", "de", []change{replace("Wir werden die Sendung beim Paketdienst verfolgen und uns", "Senden Sie uns bitte ein Foto; wir melden uns")}, nil},

		// timeframe
		{"timeframe missing en", "en", []change{replace(" within 2 business days", " as soon as we can")},
			[]string{"timeframe: gives no timeframe (within N days, a date or tomorrow)"}},
		{"timeframe missing nb", "nb", []change{replace(" innen 2 virkedager", " så snart vi vet mer")},
			[]string{"timeframe: gives no timeframe (within N days, a date or tomorrow)"}},
		{"timeframe tomorrow sv", "sv", []change{replace("inom 2 arbetsdagar", "i morgon")}, nil},
		{"timeframe morgen de", "de", []change{replace("innerhalb von 2 Werktagen", "morgen")}, nil},
		{"timeframe guten morgen is not one", "de", []change{replace("Hallo Kari", "Guten Morgen Kari"), replace(" innerhalb von 2 Werktagen", "")},
			[]string{"timeframe: gives no timeframe (within N days, a date or tomorrow)"}},
		{"timeframe policy date", "en", []change{replace("within 2 business days", "by 1 December 2026"), policy("reply_by", "2026-12-01")}, nil},
		{"timeframe policy value verbatim", "en", []change{replace("get back to you within 2 business days", "answer you. Our answer time is 2 business days")}, nil},
		{"timeframe not required without one in the case", "en", []change{replace(" within 2 business days", " as soon as we can"),
			policy("reply_within", "", "refund_within", ""),
			func(r *Request, _ *Draft) { r.Facts.Step, r.Facts.NextStep = "", "" }}, nil},
		{"timeframe da next days", "da", []change{replace("inden for 2 hverdage", "i løbet af de næste 2 hverdage")}, nil},

		// promise: timeframes and dates
		{"promise refund sooner than policy en", "en", []change{add("You'll get a full refund within 3 days.")},
			[]string{"promise: promises a refund within 3 days; the policy says 14 days"}},
		{"promise refund sooner than policy nb", "nb", []change{add("Du får pengene tilbake innen 3 dager.")},
			[]string{"promise: promises a refund innen 3 dager; the policy says 14 days"}},
		{"promise refund as policy de", "de", []change{add("Die Erstattung erfolgt innerhalb von 14 Tagen.")}, nil},
		{"promise refund as policy sv", "sv", []change{add("Du får pengarna tillbaka inom 14 dagar.")}, nil},
		{"promise reply sooner than policy", "en", []change{replace("within 2 business days", "within 24 hours")},
			[]string{`promise: promises "within 24 hours"; the policy gives refund_within 14 days, reply_within 2 business days`}},
		{"promise unknown timeframe", "da", []change{replace("inden for 2 hverdage", "inden for 5 dage"), policy("reply_within", "", "refund_within", "")},
			[]string{`promise: promises "inden for 5 dage", a timeframe the policy does not give`}},
		{"promise timeframe from the step", "en", []change{replace("within 2 business days", "within 48 hours"),
			func(r *Request, _ *Draft) { r.Facts.NextStep = "Answer the processor within 48 hours" }}, nil},
		{"promise date not in policy", "en", []change{add("It will be with you by 2026-12-01.")},
			[]string{"promise: promises the date 2026-12-01, which is not in the policy or the case"}},
		{"promise date in words de", "de", []change{add("Sie erhalten die Ware bis zum 3. Dezember.")},
			[]string{"promise: promises the date 3. Dezember, which is not in the policy or the case"}},
		{"promise date in policy", "nb", []change{add("Ny pakke kommer innen 1. desember."), policy("redelivery_by", "2026-12-01")}, nil},

		// promise: money words
		{"promise refund without policy en", "en", []change{add("We will refund your order in full."), policy("refund_within", "")},
			[]string{`promise: promises a refund ("refund"), which the policy does not offer`}},
		{"promise refund without policy nb", "nb", []change{add("Vi refunderer hele beløpet."), policy("refund_within", "")},
			[]string{`promise: promises a refund ("refunderer"), which the policy does not offer`}},
		{"promise refund without policy da", "da", []change{add("Vi tilbagebetaler hele beløbet."), policy("refund_within", "")},
			[]string{`promise: promises a refund ("tilbagebetaler"), which the policy does not offer`}},
		{"promise refund without policy de", "de", []change{add("Wir erstatten Ihnen den vollen Kaufpreis."), policy("refund_within", "")},
			[]string{`promise: promises a refund ("erstatten"), which the policy does not offer`}},
		{"promise refund without policy sv", "sv", []change{add("Vi återbetalar hela beloppet."), policy("refund_within", "")},
			[]string{`promise: promises a refund ("återbetalar"), which the policy does not offer`}},
		{"promise refund key", "en", []change{add("We will refund your order in full."), policy("refund_within", "", "refund", "full, to the original payment method")}, nil},
		{"promise refund in a policy value", "en", []change{add("You can choose a repair, a replacement or a refund."), policy("refund_within", "", "remedies", "repair, replacement, refund")}, nil},
		{"promise gift card", "en", []change{add("As a thank you, we'll add a gift card.")},
			[]string{`promise: promises a gift card ("gift card"), which the policy does not offer`}},
		{"promise discount nb", "nb", []change{add("Du får 20 % rabatt på neste kjøp.")},
			[]string{`promise: promises a discount ("rabatt"), which the policy does not offer`}},
		{"promise discount key", "nb", []change{add("Du får 20 % rabatt på neste kjøp."), policy("discount", "20 % on the next order")}, nil},
		{"promise compensation de", "de", []change{add("Als Entschädigung erhalten Sie einen Gutschein.")},
			[]string{`promise: promises compensation ("entschädigung"), which the policy does not offer`,
				`promise: promises a gift card ("gutschein"), which the policy does not offer`}},
		{"promise compensation sv", "sv", []change{add("Som kompensation får du fri frakt.")},
			[]string{`promise: promises compensation ("kompensation"), which the policy does not offer`}},
		{"promise in the draft's promises", "en", []change{policy("refund_within", ""), func(_ *Request, d *Draft) { d.Promises = []string{"full refund"} }},
			[]string{`promise: promises a refund ("refund"), which the policy does not offer`}},

		// promise: amounts
		{"promise other amount en", "en", []change{add("We'll send you EUR 20 for the trouble.")},
			[]string{"promise: names EUR 20; the case amount is EUR 49.90 and no policy value gives it"}},
		{"promise other amount kr", "nb", []change{add("Du får 100 NOK i avslag.")},
			[]string{`promise: promises a discount ("avslag"), which the policy does not offer`,
				"promise: names 100 NOK; the case amount is EUR 49.90 and no policy value gives it"}},
		{"promise dollar", "en", []change{add("Here is $5 for your next order."), func(r *Request, _ *Draft) { r.Facts.Amount = "" }},
			[]string{"promise: names $5, which neither the case nor the policy gives"}},
		{"promise case amount other notation", "de", []change{add("Es geht um 49,90 €.")}, nil},
		{"promise case amount sign first", "en", []change{add("The payment was €49.90.")}, nil},
		{"promise case amount kr", "da", []change{add("Beløbet er 49,90 kr."), func(r *Request, _ *Draft) { r.Facts.Amount = "DKK 49.90" }}, nil},
		{"promise thousands", "sv", []change{add("Beloppet är 1 299,00 SEK."), func(r *Request, _ *Draft) { r.Facts.Amount = "SEK 1299.00" }}, nil},
		{"promise policy amount", "en", []change{add("A restocking fee of EUR 5.00 applies."), policy("restocking_fee", "5,00")}, nil},
		{"promise order numbers are no amounts", "en", []change{add("Order 114-2231-5571 and 2 items.")}, nil},

		// chargeback_advice
		{"advice contact bank en", "en", []change{add("If you prefer, please contact your bank.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("contact … your bank")`}},
		{"advice a-to-z en", "en", []change{add("You can also open an A-to-z claim.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("open … a-to-z")`}},
		{"advice dispute the charge", "en", []change{add("You could dispute the charge.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("dispute the charge")`}},
		{"advice nb", "nb", []change{add("Du kan også kontakte banken din.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("kontakte … banken")`}},
		{"advice da", "da", []change{add("Du kan også gøre indsigelse hos din bank.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("gøre indsigelse … din bank")`}},
		{"advice de", "de", []change{add("Alternativ können Sie bei Ihrer Bank eine Rückbuchung veranlassen.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("veranlassen … bank")`}},
		{"advice sv", "sv", []change{add("Du kan också öppna ett ärende hos PayPal.")},
			[]string{`chargeback_advice: advises the customer to go to their bank or payment provider ("öppna … paypal")`}},
		{"advice negated", "en", []change{add("There is no need to contact your bank.")}, nil},
		{"advice our own action", "en", []change{add("We will contact PayPal to close the case.")}, nil},
		{"advice mention of the dispute", "en", []change{add("We have seen the chargeback you opened.")}, nil},

		// blame
		{"blame en", "en", []change{add("You should have checked the tracking page.")},
			[]string{`blame: blames the customer ("you should have")`}},
		{"blame en received is fine", "en", []change{add("You should have received an e-mail from the carrier.")}, nil},
		{"blame nb", "nb", []change{add("Det er din egen feil.")},
			[]string{`blame: blames the customer ("din egen feil")`}},
		{"blame da", "da", []change{add("Du burde have tjekket adressen.")},
			[]string{`blame: blames the customer ("du burde")`}},
		{"blame de", "de", []change{add("Sie hätten die Adresse prüfen sollen.")},
			[]string{`blame: blames the customer ("sie hätten die adresse prüfen sollen")`}},
		{"blame de informed is fine", "de", []change{add("Sie hätten früher informiert werden sollen.")}, nil},
		{"blame sv", "sv", []change{add("Du borde ha läst villkoren.")},
			[]string{`blame: blames the customer ("du borde")`}},

		// length
		{"length", "en", []change{func(r *Request, _ *Draft) { r.MaxLen = 100 }},
			[]string{"length: is 264 characters; the limit is 100"}},

		// language
		{"language declared other", "nb", []change{func(_ *Request, d *Draft) { d.Language = "en"; d.Body = lintGood["en"] }},
			[]string{"language: is written in English (en); the customer's language is Norwegian Bokmål (nb)"}},
		{"language detected other", "nb", []change{func(_ *Request, d *Draft) { d.Language = ""; d.Body = lintGood["en"] }},
			[]string{"language: reads as English (en); the customer's language is Norwegian Bokmål (nb)"}},
		{"language declared right, body English", "de", []change{func(_ *Request, d *Draft) { d.Language = "de"; d.Body = lintGood["en"] }},
			[]string{"language: reads as English (en); the customer's language is German (de)"}},
		{"language declared right, body a sibling", "nb", []change{func(_ *Request, d *Draft) { d.Language = "nb"; d.Body = lintGood["da"] }}, nil},
		{"language undeclared sibling", "nb", []change{func(_ *Request, d *Draft) { d.Language = ""; d.Body = lintGood["sv"] }},
			[]string{"language: reads as Swedish (sv); the customer's language is Norwegian Bokmål (nb)"}},
		{"language tags normalised", "nb", []change{func(r *Request, d *Draft) { r.Language = "nb-NO"; d.Language = "no" }}, nil},
		{"language none requested", "en", []change{func(r *Request, d *Draft) { r.Language = ""; d.Language = "" }}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Facts: lintFacts(), Language: tt.lang}
			d := Draft{Language: tt.lang, Body: lintGood[tt.lang]}
			for _, c := range tt.changes {
				c(&req, &d)
			}
			got := Lint(req, d)
			var gotS []string
			for _, p := range got {
				gotS = append(gotS, p.String())
			}
			if !slices.Equal(gotS, tt.want) {
				t.Errorf("Lint(%q)\n got %q\nwant %q", d.Body, gotS, tt.want)
			}
		})
	}
}

// TestLintWords checks the word table: every language has every list.
func TestLintWords(t *testing.T) {
	for _, lang := range Languages {
		w := langData().lint[lang]
		if w == nil {
			t.Fatalf("no words for %s", lang)
		}
		lists := map[string][]string{
			"acknowledge": w.Acknowledge, "situation": w.Situation, "apology": w.Apology, "nextStep": w.NextStep,
			"tomorrow": w.Tomorrow, "adviceVerbs": w.AdviceVerbs, "adviceObjects": w.AdviceObjects,
			"adviceNegation": w.AdviceNegation, "blame": w.Blame, "blameExcept": w.BlameExcept,
		}
		for _, kind := range slices.Sorted(maps.Keys(lintPromiseKeys)) {
			lists["promise "+kind] = w.Promise[kind]
		}
		for name, list := range lists {
			if len(list) == 0 {
				t.Errorf("%s: %s is empty", lang, name)
			}
			for _, p := range list {
				if p != strings.ToLower(p) || strings.TrimSpace(p) != p {
					t.Errorf("%s: %s: %q is not lower case and trimmed", lang, name, p)
				}
			}
		}
	}
}

func TestLintAmounts(t *testing.T) {
	tests := []struct {
		in   string
		want []lintAmount
	}{
		{"EUR 49.90", []lintAmount{{"EUR", 4990, "EUR 49.90"}}},
		{"49,90 kr", []lintAmount{{"KR", 4990, "49,90 kr"}}},
		{"€20 and $5", []lintAmount{{"EUR", 2000, "€20"}, {"USD", 500, "$5"}}},
		{"100 NOK", []lintAmount{{"NOK", 10000, "100 NOK"}}},
		{"EUR 1 299,00", []lintAmount{{"EUR", 129900, "EUR 1 299,00"}}},
		{"USD 1,250.00", []lintAmount{{"USD", 125000, "USD 1,250.00"}}},
		{"1.299,- kr", []lintAmount{{"KR", 129900, "1.299,- kr"}}},
		{"in 2026 100 NOK", []lintAmount{{"NOK", 10000, "100 NOK"}}},
		{"order 1042, 3 days", nil},
	}
	for _, tt := range tests {
		if got := lintAmounts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("lintAmounts(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLintDates(t *testing.T) {
	tests := []struct {
		in   string
		want []lintDate
	}{
		{"by 2026-12-01.", []lintDate{{2026, 12, 1, "2026-12-01"}}},
		{"innen 22.11.2026", []lintDate{{2026, 11, 22, "22.11.2026"}}},
		{"bis zum 3. Dezember.", []lintDate{{0, 12, 3, "3. Dezember"}}},
		{"by November 22, 2026", []lintDate{{2026, 11, 22, "November 22, 2026"}}},
		{"senast 1 mars", []lintDate{{0, 3, 1, "1 mars"}}},
		{"11/22/2026", []lintDate{{2026, 11, 22, "11/22/2026"}}},
		{"den 22.11.", []lintDate{{0, 11, 22, "22.11"}}},
		{"EUR 12.10. and 49.90", nil},
		{"3 days, 14 items", nil},
	}
	for _, tt := range tests {
		if got := lintDates(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("lintDates(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
