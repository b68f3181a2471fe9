package deadline

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
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

// DefaultReminders are the thresholds of a playbook that names none: 72, 24
// and 4 hours before a deadline.
func DefaultReminders() []time.Duration {
	return []time.Duration{72 * time.Hour, 24 * time.Hour, 4 * time.Hour}
}

// MaxReminder bounds a threshold: the scheduler lists every deadline due
// within the largest threshold on each pass, so a month ahead is plenty.
const MaxReminder = 30 * 24 * time.Hour

// ParseReminder reads a reminder threshold: a positive whole number of
// hours (48h) or days (2d), at most MaxReminder. Its error says what to
// write.
func ParseReminder(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour}
	if len(t) < 2 || unit[t[len(t)-1]] == 0 {
		return 0, fmt.Errorf("reminder %q: write whole hours or days before the deadline, like 48h or 2d", s)
	}
	n, err := strconv.Atoi(t[:len(t)-1])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("reminder %q: write a positive whole number of hours or days, like 4h or 2d", s)
	}
	d := time.Duration(n) * unit[t[len(t)-1]]
	if d > MaxReminder {
		return 0, fmt.Errorf("reminder %q: at most 30 days (30d) before the deadline", s)
	}
	return d, nil
}

// Reminders returns the reminders of a deadline due at due: one before it
// by each of before (DefaultReminders when none), and one at the breach, in
// time order and each threshold once. Some may be past already; the caller
// skips those.
func Reminders(due time.Time, before ...time.Duration) []Reminder {
	if len(before) == 0 {
		before = DefaultReminders()
	}
	ths := slices.Clone(before)
	slices.SortFunc(ths, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	ths = slices.Compact(ths)
	rs := make([]Reminder, 0, len(ths)+1)
	for _, b := range ths {
		if b <= 0 {
			continue
		}
		rs = append(rs, Reminder{At: due.Add(-b), Before: b, Label: label(b)})
	}
	return append(rs, Reminder{At: due, Label: "at the deadline"})
}

// label says a threshold for people: "1 hour before", "48 hours before".
func label(before time.Duration) string {
	if before == time.Hour {
		return "1 hour before"
	}
	return fmt.Sprintf("%g hours before", before.Hours())
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
