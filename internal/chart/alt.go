package chart

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// altText says in one sentence what the chart shows, for screen readers and
// for clients that do not load images: the period, totals, the split by
// playbook (largest first) and the busiest day.
func altText(days []Day, s series) string {
	type count struct {
		name string
		n    int
	}
	var byPlaybook []count
	var opened, closed int
	for _, name := range s.playbooks {
		var n int
		for _, v := range s.opened[name] {
			n += int(v)
		}
		opened += n
		if n > 0 {
			byPlaybook = append(byPlaybook, count{name, n})
		}
	}
	for _, v := range s.closed {
		closed += int(v)
	}
	slices.SortStableFunc(byPlaybook, func(a, b count) int { return cmp.Compare(b.n, a.n) })

	var b strings.Builder
	b.WriteString("Cases opened and closed per day, ")
	b.WriteString(period(days[0].Date, days[len(days)-1].Date))
	fmt.Fprintf(&b, ": %d opened", opened)
	if len(byPlaybook) > 0 {
		parts := make([]string, len(byPlaybook))
		for i, c := range byPlaybook {
			parts[i] = fmt.Sprintf("%s %d", c.name, c.n)
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %d closed", closed)

	busiest, most := 0, 0
	for i := range days {
		var n int
		for _, name := range s.playbooks {
			n += int(s.opened[name][i])
		}
		if n > most { // strictly greater: the earliest day wins a tie
			busiest, most = i, n
		}
	}
	if most > 0 {
		fmt.Fprintf(&b, "; busiest day %s with %d opened.", s.labels[busiest], most)
	} else {
		b.WriteString("; no cases opened.")
	}
	return b.String()
}

// period names the span of days; the year is added only when the span
// crosses one, so a December summary does not read as ambiguous.
func period(first, last time.Time) string {
	if dayOf(first).Equal(dayOf(last)) {
		return "on " + first.Format("2 Jan")
	}
	if first.Year() != last.Year() {
		return first.Format("2 Jan 2006") + " to " + last.Format("2 Jan 2006")
	}
	return first.Format("2 Jan") + " to " + last.Format("2 Jan")
}
