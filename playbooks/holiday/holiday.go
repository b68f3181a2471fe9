// Package holiday says which days are public holidays for a deadline, per
// country. The country is the one whose law sets the deadline: a Norwegian
// customer's withdrawal period rolls past Norwegian holidays, a CPSC period
// skips US federal holidays.
//
// The dates come from github.com/rickar/cal/v2, checked against each
// country's law (see calendars); a country it lacks, or we have not checked,
// has no calendar, and callers say so rather than silently using none. The
// team's own dates (DISPUTEDESK_HOLIDAYS) add to or remove from every
// calendar, including none.
package holiday

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/us"
)

// Calendar is one country's non-working days besides Saturday and Sunday,
// with the team's changes. The zero Calendar is "no calendar": weekends and
// the team's added dates only.
type Calendar struct {
	// Country is the ISO 3166-1 alpha-2 code, upper case; empty for none.
	Country string
	// Name says which holidays these are, for people: "Norwegian holidays".
	Name string

	days    []*cal.Holiday
	changes Changes
}

// country is a calendar we checked against the law of today.
type country struct {
	name string
	days []*cal.Holiday
}

// calendars are the countries with a calendar. Each entry says the law it
// was checked against; rickar/cal/v2 v2.1.13 matches it unless noted.
var calendars = map[string]country{
	// Lov om helligdager og helligdagsfred (1995) § 2, and lov 26. april
	// 1947 nr. 1 om 1. og 17. mai som offentlige høytidsdager.
	"NO": {"Norwegian holidays", no.Holidays},
	// Helligdage, grundlovsdag, 24 and 31 December: forældelsesloven § 27,
	// stk. 2 extends a deadline falling on any of them to the next weekday.
	// Store bededag is no holiday from 2024 (lov nr. 1 af 02/03/2023 om
	// afskaffelse af store bededag); rickar ends it in 2023 and
	// TestStoreBededag guards that. rickar lacks the two eves: added here.
	"DK": {"Danish holidays", append(slices.Clip(dk.Holidays), juleaftensdag, nytaarsaftensdag)},
	// Lag (1930:173) om beräkning av lagstadgad tid § 2: Sundays and other
	// allmänna helgdagar, and midsommarafton, julafton, nyårsafton, all in
	// rickar's list.
	"SE": {"Swedish holidays", se.Holidays},
	// Holidays every Land keeps (3 October by Einigungsvertrag Art. 2(2),
	// the rest by each Land's Feiertagsgesetz). Länder add more, such as
	// Heilige Drei Könige in Bavaria: add those with DISPUTEDESK_HOLIDAYS.
	"DE": {"German nationwide holidays", de.Holidays},
	// Federal holidays, 5 U.S.C. 6103, observed on the Friday before or
	// Monday after when they fall on a weekend (Executive Order 11582).
	"US": {"US federal holidays", us.Holidays},
}

var (
	juleaftensdag = &cal.Holiday{Name: "Juleaftensdag", Type: cal.ObservanceOther,
		Month: time.December, Day: 24, Func: cal.CalcDayOfMonth}
	nytaarsaftensdag = &cal.Holiday{Name: "Nytårsaftensdag", Type: cal.ObservanceOther,
		Month: time.December, Day: 31, Func: cal.CalcDayOfMonth}
)

// ForCountry returns the calendar of a country given as an ISO 3166-1
// alpha-2 code in any case. ok is false when we have none for it.
func ForCountry(code string) (c Calendar, ok bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	k, ok := calendars[code]
	if !ok {
		return Calendar{}, false
	}
	return Calendar{Country: code, Name: k.name, days: k.days}, true
}

// Countries lists the codes ForCountry knows, sorted, for error messages.
func Countries() []string {
	out := make([]string, 0, len(calendars))
	for code := range calendars {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// With returns the calendar with the team's changes applied.
func (c Calendar) With(ch Changes) Calendar {
	c.changes = ch
	return c
}

// IsHoliday reports whether day's date (in day's zone) is a non-working day
// besides Saturday and Sunday: one of the calendar's holidays (on its own
// date or the date it is observed on) or a date the team added, unless the
// team removed it.
func (c Calendar) IsHoliday(day time.Time) bool {
	date := day.Format(time.DateOnly)
	if c.changes.Remove[date] {
		return false
	}
	if c.changes.Add[date] {
		return true
	}
	y, m, d := day.Date()
	for _, h := range c.days {
		actual, observed := h.Calc(y)
		if sameDate(actual, y, m, d) || sameDate(observed, y, m, d) {
			return true
		}
	}
	return false
}

func sameDate(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.Date()
	return !t.IsZero() && ty == y && tm == m && td == d
}

// Changes are the team's own dates "2006-01-02": Add are non-working days in
// every calendar, Remove are working days even where a calendar has a
// holiday (a shop open on a day the calendar closes).
type Changes struct {
	Add, Remove map[string]bool
}

// ParseChanges reads DISPUTEDESK_HOLIDAYS: dates separated by commas, spaces
// or semicolons; a date with a leading "-" is removed rather than added:
// "2026-12-24,-2026-12-31". It reports every bad entry in one error.
func ParseChanges(s string) (Changes, error) {
	ch := Changes{Add: map[string]bool{}, Remove: map[string]bool{}}
	var bad []string
	for _, d := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		to, date := ch.Add, d
		if rest, ok := strings.CutPrefix(d, "-"); ok {
			to, date = ch.Remove, rest
		}
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			bad = append(bad, fmt.Sprintf("%q is not a date", d))
			continue
		}
		to[date] = true
	}
	if len(bad) > 0 {
		return Changes{}, fmt.Errorf("%s: write dates as 2026-12-25, and -2026-12-24 to remove one, separated by commas", strings.Join(bad, "; "))
	}
	return ch, nil
}
