// Package deadline computes the deadlines of a case from the rules written in
// playbooks (Deadline.Rule and Step.Due), such as
//
//	opened + 48h
//	field:due_by or opened + 7 calendar days
//	field:delivered_on + 14 calendar days, next working day
//	+ 10 business days
//
// It is pure: no clock, no storage, no zone database beyond time.LoadLocation.
// The caller passes the case's opening time, its field values, the steps done,
// its zone and a holiday function (which country's holidays is the
// caller's choice), and stores the result.
//
// # Grammar
//
// Words are case-insensitive and spaces are free:
//
//	rule := alt { " or " alt }
//	alt  := base { ("+" | "-") N unit [ "," roll ] }
//	base := "opened" | "field:" NAME | "step:" ID
//	unit := h | hours | m | minutes | calendar days | days | business days
//	        | working days | weeks | calendar months | months | years
//	roll := "next working day" | "rolled to the next working day"
//
// An alternative that starts with "+" means "opened +". Offsets chain and
// apply left to right: "field:delivered_on + 14 calendar days + 12 calendar
// months" is 12 months after the end of a 14-day period, and a roll between
// offsets moves the period that ends there before the next counts from it. Field names and step
// ids are read lower-case, like the words. N is a whole number
// from 1 to 9999. "days" are calendar days and "working days" are business
// days: the canonical text (Rule.String) says which, because "14 days" is read
// both ways by people.
//
// # Semantics
//
// Alternatives are tried in order and the first that can be computed wins, so
// a deadline the platform gives (Stripe evidence_details.due_by, PayPal
// seller_response_due_date) is written first and beats a computed one. An
// alternative cannot be computed while its field is empty or its step not
// done. A field value that is not a date or datetime is an error, not a
// reason to fall through: a mistyped platform deadline must not be silently
// replaced by a later computed one.
//
// The base is the case's opening time, the instant a step was done, or a
// field's value: a datetime ("2026-11-22T14:00" in the case's zone, or with Z
// or an offset) is that instant; a date ("2026-11-22") means the whole day, so
// on its own it is the end of that day, 23:59:59 in the case's zone. A local
// time that happens twice, when summer time ends, is the earlier of the two
// instants (see Local).
//
// Hours and minutes add exact durations: 48 hours across the end of summer
// time end one wall-clock hour earlier. From a date they run from the end of
// that day.
//
// Calendar days and weeks move the date and keep the wall-clock time in the
// case's zone (time.AddDate), so summer time does not shift them. From a date
// they give the end of the resulting day, because "14 days from delivery" lasts
// until that day ends (Directive 2011/83/EU Art. 9; Regulation 1182/71
// Art. 3(1): the day of the event is not counted).
//
// Calendar months and years move to the same day of the month, n months or
// years on, keeping the clock time; when that month has no such day (31
// January + 1 month, 29 February + 1 year) the period ends on the month's
// last day (Regulation 1182/71 Art. 3(2)(c)). From a date they give the end
// of that day, as calendar days do.
//
// Business days skip Saturdays, Sundays and Inputs.IsHoliday, and keep the
// clock time (the end of the day for dates). Counting from a non-working day,
// the next working day is day 1: 5 business days from Saturday 10:00 end on
// Friday 10:00, and from a Saturday date at the end of that Friday. This
// follows Regulation 1182/71 Art. 3(1) (the day of the event is not counted)
// and never gives more working days than the rule says (CPSC: at most 10
// business days to investigate).
//
// "next working day" moves a result that falls on a Saturday, Sunday or
// holiday to the same clock time on the next working day (Regulation 1182/71
// Art. 3(4)); it applies to the alternative it ends, not to the whole rule.
//
// Due is returned in the case's zone, so it reads naturally; store it in UTC.
package deadline

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Rule is a parsed deadline rule: one or more alternatives joined by " or ";
// the first alternative that can be computed wins (a date the platform gave
// beats a computed one). The zero Rule has no alternatives and never computes.
type Rule struct {
	alts []alt
}

// base is what an alternative counts from.
type base int

const (
	opened base = iota
	field
	step
)

// unit is what an offset counts.
type unit int

const (
	noUnit unit = iota
	hours
	minutes
	calendarDays
	businessDays
	weeks
	months
	years
)

// offset is one signed step of an alternative: + 14 calendar days.
type offset struct {
	n    int // signed, never 0
	unit unit
	roll bool // ", next working day" before the next offset; never on the last
}

// alt is one alternative of a rule.
type alt struct {
	base base
	name string   // the field name or step id
	offs []offset // applied in order; none for a bare base
	roll bool     // ", next working day"
}

// Inputs are what a rule reads from a case.
type Inputs struct {
	Opened time.Time
	// Fields are the raw typed values: a date "2026-11-22" or a datetime
	// "2026-11-22T14:00" (local to Location), "2026-11-22T14:00:00Z" or with
	// an offset (RFC 3339).
	Fields map[string]string
	// StepsDone says when each done step was done.
	StepsDone map[string]time.Time
	// Location is the case's zone (see Zone); nil means UTC.
	Location *time.Location
	// IsHoliday reports whether a date, given at noon in Location, is a
	// non-working day besides Saturday and Sunday; nil means none is.
	IsHoliday func(day time.Time) bool
}

// Result is a computed deadline.
type Result struct {
	Due time.Time // in Inputs.Location
	// Basis says which alternative produced it, for people: "field due_by",
	// "opened + 48h",
	// "field delivered_on + 14 calendar days, next working day".
	Basis string
}

// Eval computes the deadline. ok is false when no alternative can be computed
// yet (its field is empty, its step not done). A malformed field value is an
// error naming the field and the expected format, as is a zero Opened time
// when the rule needs it.
func (r Rule) Eval(in Inputs) (res Result, ok bool, err error) {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	for _, a := range r.alts {
		t, isDate, found, serr := a.start(in, loc)
		if serr != nil {
			return Result{}, false, serr
		}
		if found {
			return Result{Due: a.apply(t, isDate, in.IsHoliday), Basis: a.text(" ")}, true, nil
		}
	}
	return Result{}, false, nil
}

// start returns the instant an alternative counts from, in loc. A date is
// returned at noon with isDate set: noon exists on every day in every zone,
// so date arithmetic never trips over a summer-time change at midnight.
func (a alt) start(in Inputs, loc *time.Location) (t time.Time, isDate, found bool, err error) {
	switch a.base {
	case field:
		v := strings.TrimSpace(in.Fields[a.name])
		if v == "" {
			return time.Time{}, false, false, nil
		}
		t, isDate, err = parseValue(v, loc)
		if err != nil {
			return time.Time{}, false, false, fmt.Errorf("field %s: %q is not a date or datetime: use 2026-11-22, 2026-11-22T14:00 or 2026-11-22T14:00:00Z", a.name, v)
		}
		return t, isDate, true, nil
	case step:
		done, ok := in.StepsDone[a.name]
		// A zero time is a caller's placeholder, not a step done in year 1.
		if !ok || done.IsZero() {
			return time.Time{}, false, false, nil
		}
		return done.In(loc), false, true, nil
	default:
		if in.Opened.IsZero() {
			return time.Time{}, false, false, errors.New("the case has no opened time")
		}
		return in.Opened.In(loc), false, true, nil
	}
}

// parseValue reads a date or datetime field value in loc.
func parseValue(v string, loc *time.Location) (t time.Time, isDate bool, err error) {
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return noon(t), true, nil
	}
	// People type "2026-11-22 14:00" in chat as often as the ISO "T".
	if len(v) > 10 && v[10] == ' ' {
		v = v[:10] + "T" + v[11:]
	}
	// Z07:00 accepts "Z" and "+01:00"; seconds and fractions are optional.
	for _, layout := range [...]string{"2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.In(loc), false, nil
		}
	}
	for _, layout := range [...]string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return Local(t, loc), false, nil
		}
	}
	return time.Time{}, false, errors.New("not a date or datetime")
}

// Local reads the wall-clock time of t (its zone ignored) in loc. A time
// that happens twice, when summer time ends, is the earlier instant: it
// starts a clock no later than the event, and ends a deadline no later than
// the one meant. (time.Date does not say which it picks: in Europe/Oslo it
// picks the later one.) A time skipped when summer time starts is read as
// time.Date reads it, an hour on.
func Local(t time.Time, loc *time.Location) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	at := time.Date(y, mo, d, h, mi, s, t.Nanosecond(), loc)
	best := at
	// The offsets in force around at are the only ones that can give the
	// same wall clock.
	for _, near := range [...]time.Time{at.Add(-12 * time.Hour), at.Add(12 * time.Hour)} {
		_, off := near.Zone()
		c := time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.FixedZone("", off)).In(loc)
		if c.Before(best) && sameClock(c, at) {
			best = c
		}
	}
	return best
}

func sameClock(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// apply adds the offset and the roll of a to t.
func (a alt) apply(t time.Time, isDate bool, holiday func(time.Time) bool) time.Time {
	for _, o := range a.offs {
		if isDate && (o.unit == hours || o.unit == minutes) {
			// A date is the whole day, so exact durations run from its end.
			t, isDate = endOfDay(t), false
		}
		switch o.unit {
		case hours:
			t = t.Add(time.Duration(o.n) * time.Hour)
		case minutes:
			t = t.Add(time.Duration(o.n) * time.Minute)
		case calendarDays:
			t = t.AddDate(0, 0, o.n)
		case weeks:
			t = t.AddDate(0, 0, 7*o.n)
		case months:
			t = addMonths(t, o.n)
		case years:
			t = addMonths(t, 12*o.n)
		case businessDays:
			t = addBusinessDays(t, o.n, holiday)
		}
		if o.roll {
			t = rollToWorkingDay(t, holiday)
		}
	}
	if a.roll {
		t = rollToWorkingDay(t, holiday)
	}
	if isDate {
		t = endOfDay(t)
	}
	return t
}

// rollToWorkingDay moves t to the same clock time on the first working day
// from its date on (Regulation 1182/71 Art. 3(4)).
func rollToWorkingDay(t time.Time, holiday func(time.Time) bool) time.Time {
	k := 0
	for !working(t, k, holiday) {
		k++
	}
	return t.AddDate(0, 0, k)
}

// addMonths moves t to the same day of the month n months on, keeping its
// clock time, or to the last day of that month when it is shorter
// (Regulation 1182/71 Art. 3(2)(c)). time.AddDate would normalise 31 January
// + 1 month to 3 March, past the end of the period.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 12, 0, 0, 0, t.Location())
	last := time.Date(first.Year(), first.Month()+1, 0, 12, 0, 0, 0, t.Location()).Day()
	d = min(d, last)
	h, mi, s := t.Clock()
	return time.Date(first.Year(), first.Month(), d, h, mi, s, t.Nanosecond(), t.Location())
}

// addBusinessDays moves t by n working days, keeping its clock time. Each
// working day stepped onto counts one, so from a weekend the next working day
// is day 1.
func addBusinessDays(t time.Time, n int, holiday func(time.Time) bool) time.Time {
	dir := 1
	if n < 0 {
		dir, n = -1, -n
	}
	k := 0
	for n > 0 {
		k += dir
		if working(t, k, holiday) {
			n--
		}
	}
	// One AddDate from the start, not k steps of one day: a clock time that
	// does not exist on some day (summer time) must not drift the others.
	return t.AddDate(0, 0, k)
}

// working reports whether the date k days after t's date, in t's zone, is a
// working day.
func working(t time.Time, k int, holiday func(time.Time) bool) bool {
	y, m, d := t.Date()
	day := time.Date(y, m, d+k, 12, 0, 0, 0, t.Location())
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return holiday == nil || !holiday(day)
}

func noon(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 12, 0, 0, 0, t.Location())
}

// endOfDay is the last second of t's date in t's zone: a deadline "on" a date
// lasts until that day ends.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, t.Location())
}
