package deadline

import "time"

// Dates is a holiday function for Inputs.IsHoliday from dates "2006-01-02",
// for tests and callers with a fixed list.
func Dates(dates ...string) func(day time.Time) bool {
	set := make(map[string]bool, len(dates))
	for _, d := range dates {
		set[d] = true
	}
	return func(day time.Time) bool { return set[day.Format(time.DateOnly)] }
}

// CountsWorkingDays reports whether some alternative of r counts business
// days or rolls to the next working day, so that which holidays it skips
// matters and the card says which calendar was used.
func (r Rule) CountsWorkingDays() bool {
	for _, a := range r.alts {
		if a.roll {
			return true
		}
		for _, o := range a.offs {
			if o.unit == businessDays || o.roll {
				return true
			}
		}
	}
	return false
}
