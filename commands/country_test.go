package commands_test

import "testing"

// TestCountryPicksTheHolidays: country=NO makes a withdrawal period ending
// on Christmas Day 2025 roll past the Norwegian holidays (helligdagsloven
// § 2: 25 and 26 December) and the weekend to Monday 29 December
// (Directive 2011/83/EU Art. 9, Regulation 1182/71 Art. 3(4)); the card
// says which calendar it used.
func TestCountryPicksTheHolidays(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return order=2231 reason=damaged delivered_on=2025-12-11 eu_consumer=yes country=no timezone=Europe/Oslo")
	wantContains(t, h.send("kari", "/case show RMA-1001"), "2025-12-29", "Norwegian holidays", "Country", "NO")
}
