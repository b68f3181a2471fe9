package deadline

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Zone picks the zone deadlines are computed in: the case's, else the
// channel's, else UTC. It reports which it used: "case", "channel" or
// "default". An unknown IANA name is an error that says how to fix it, never
// a silent fall back to another zone: a deadline an hour off is worse than
// none.
func Zone(caseTZ, channelTZ string) (*time.Location, string, error) {
	for _, z := range [...]struct{ name, from string }{{caseTZ, "case"}, {channelTZ, "channel"}} {
		name := strings.TrimSpace(z.name)
		if name == "" {
			continue
		}
		loc, err := loadZone(name)
		if err != nil {
			return nil, "", fmt.Errorf("%s time zone %w", z.from, err)
		}
		return loc, z.from, nil
	}
	return time.UTC, "default", nil
}

func loadZone(name string) (*time.Location, error) {
	const use = "use an IANA name such as Europe/Oslo, America/New_York or UTC"
	if strings.EqualFold(name, "UTC") {
		return time.UTC, nil
	}
	// time.LoadLocation("Local") is the server's zone, which is not the
	// case's and changes with the deployment.
	if name == "Local" {
		return nil, fmt.Errorf("%q is the server's zone: %s", name, use)
	}
	loc, err := time.LoadLocation(name)
	if err == nil {
		return loc, nil
	}
	// IANA names are case-sensitive; suggest the usual capitalisation.
	if fixed := titleZone(name); fixed != name {
		if _, err := time.LoadLocation(fixed); err == nil {
			return nil, fmt.Errorf("%q is unknown: did you mean %s?", name, fixed)
		}
	}
	return nil, fmt.Errorf("%q is unknown: %s", name, use)
}

// titleZone capitalises each part of a zone name: "america/new_york" becomes
// "America/New_York".
func titleZone(name string) string {
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}

// Reminder is a moment to remind people of a deadline.
type Reminder struct {
	At     time.Time
	Before time.Duration // how long before the deadline; 0 at the deadline
	Label  string        // "72 hours before", ..., "at the deadline"
}

// Reminders returns the reminders of a deadline: 72, 24 and 4 hours before it
// and at the breach, in time order. Some may be past already; the caller
// skips those.
func Reminders(due time.Time) []Reminder {
	rs := make([]Reminder, 0, 4)
	for _, h := range [...]int{72, 24, 4} {
		before := time.Duration(h) * time.Hour
		rs = append(rs, Reminder{At: due.Add(-before), Before: before, Label: fmt.Sprintf("%d hours before", h)})
	}
	return append(rs, Reminder{At: due, Label: "at the deadline"})
}

// Left says how long until due, for people: "2d 4h left", "3h 20m left",
// "45m left", "overdue by 1d 2h". It truncates to the two largest units, so it
// never shows more time left than there is. A day is 24 hours.
func Left(due, now time.Time) string {
	d := due.Sub(now)
	if d < 0 {
		// Sub saturates at math.MinInt64, whose negation overflows.
		d = -d
		if d < 0 {
			d = math.MaxInt64
		}
		return "overdue by " + span(d)
	}
	return span(d) + " left"
}

// span writes a non-negative duration in its two largest units.
func span(d time.Duration) string {
	const day = 24 * time.Hour
	days, hrs, mins := d/day, d%day/time.Hour, d%time.Hour/time.Minute
	switch {
	case days > 0 && hrs > 0:
		return fmt.Sprintf("%dd %dh", days, hrs)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hrs > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hrs, mins)
	case hrs > 0:
		return fmt.Sprintf("%dh", hrs)
	case mins > 0:
		return fmt.Sprintf("%dm", mins)
	}
	return "less than 1m"
}

// Late says how late a deadline due at due was met at met, for people:
// "47 days late", "1 day late", "3h 20m late"; "" when it was met in time.
// A day or more is counted in whole days, as a compliance report reads it.
func Late(due, met time.Time) string {
	d := met.Sub(due)
	switch {
	case d <= 0:
		return ""
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days late", d/(24*time.Hour))
	case d >= 24*time.Hour:
		return "1 day late"
	}
	return span(d) + " late"
}
