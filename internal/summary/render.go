package summary

import (
	"fmt"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// Options are how a summary is rendered.
type Options struct {
	// Late is how long after its time the summary is posted (no replica
	// ran then); it says so when Late is a minute or more.
	Late time.Duration
	// Show makes the button that shows a case; no buttons when nil.
	Show func(storage.Ref) bot.Button
}

// maxDueLines bounds each list of deadlines: the rest is a count and the
// command that lists them all.
const maxDueLines = 8

// maxButtons is how many of the most urgent cases get a button.
const maxButtons = 5

// Render writes s as a reply: the title and the headline first, then
// what is overdue and due, soonest first, then the period, the open
// cases, the week's reasons and suppliers and the win rates. An empty
// section is left out.
func Render(s Summary, opt Options) bot.Reply {
	r := bot.Reply{Title: "Daily summary · " + s.To.In(s.Zone).Format("Mon 2 Jan"), Text: headline(s)}
	if opt.Late >= time.Minute {
		r.Text += fmt.Sprintf(" (posted %s late: no replica was running at %s)",
			span(opt.Late), s.To.Add(-opt.Late).In(s.Zone).Format("15:04"))
	}
	add := func(title string, lines []string) {
		if len(lines) > 0 {
			r.Sections = append(r.Sections, bot.Section{Title: title, Lines: lines})
		}
	}
	add(fmt.Sprintf("Overdue (%d)", len(s.Overdue)), s.dueLines(s.Overdue))
	add(fmt.Sprintf("Due within 24 hours (%d)", len(s.DueSoon)), s.dueLines(s.DueSoon))
	add(fmt.Sprintf("Due within 72 hours (%d)", len(s.DueLater)), s.dueLines(s.DueLater))
	add("Since "+s.From.In(s.Zone).Format("Mon 2 Jan 15:04"), s.periodLines())
	if n := total(s.Open); n > 0 {
		add(fmt.Sprintf("Open cases (%d)", n), []string{counts(s.Open)})
	}
	add("This week, against the week before", s.trendLines())
	add("Win rate by reason, last 90 days", s.winLines())
	if opt.Show != nil {
		r.Buttons = s.buttons(opt.Show)
	}
	return r
}

// headline says the summary in one line, for notifications and the
// plain-text fallback.
func headline(s Summary) string {
	if s.Empty() {
		return "Nothing is due and nothing happened since " + s.From.In(s.Zone).Format("Mon 2 Jan 15:04") + "."
	}
	var parts []string
	if n := len(s.Overdue); n > 0 {
		parts = append(parts, fmt.Sprintf("%d overdue", n))
	}
	if n := len(s.DueSoon); n > 0 {
		parts = append(parts, fmt.Sprintf("%d due within 24 hours", n))
	}
	parts = append(parts, fmt.Sprintf("%d opened, %d closed, %d open", len(s.Opened), len(s.Closed), total(s.Open)))
	return strings.Join(parts, " · ")
}

// dueLines writes deadlines, at most maxDueLines of them: reference, what
// is due, time left, the money at stake and whose it is.
func (s Summary) dueLines(ds []Due) []string {
	var lines []string
	for i, d := range ds {
		if i == maxDueLines {
			lines = append(lines, fmt.Sprintf("… and %d more: /case due", len(ds)-i))
			break
		}
		line := fmt.Sprintf("%s %s · %s (%s)", d.Ref, d.Title, deadline.Left(d.Due, s.To), d.Due.In(s.zoneOf(d)).Format("Mon 15:04 MST"))
		if d.Amount != nil {
			line += " · " + money.Format(*d.Amount)
		}
		if d.Assignee != "" {
			line += " · " + bot.Mention(d.Assignee)
		}
		lines = append(lines, line)
	}
	return lines
}

// periodLines says what was opened and closed in the period and the money
// that moved.
func (s Summary) periodLines() []string {
	var lines []string
	if len(s.Opened) > 0 {
		lines = append(lines, fmt.Sprintf("Opened %d: %s", len(s.Opened), counts(countBy(s.Opened, func(c storage.Case) string { return c.Playbook }))))
	}
	if len(s.Closed) > 0 {
		lines = append(lines, fmt.Sprintf("Closed %d: %s", len(s.Closed), counts(countBy(s.Closed, func(c storage.Case) string { return c.Outcome }))))
	}
	if len(s.Money) > 0 {
		var parts []string
		for _, m := range s.Money {
			parts = append(parts, fmt.Sprintf("%s %s", m.Outcome, money.Format(m.Money)))
		}
		lines = append(lines, "Money: "+strings.Join(parts, " · "))
	}
	return lines
}

// trendLines writes the week's top reasons and suppliers with the change
// against the week before.
func (s Summary) trendLines() []string {
	var lines []string
	for _, group := range []struct {
		label string
		list  []Trend
	}{{"Reasons", s.Reasons}, {"Suppliers", s.Suppliers}} {
		if len(group.list) == 0 {
			continue
		}
		parts := make([]string, len(group.list))
		for i, t := range group.list {
			parts[i] = fmt.Sprintf("%s %d (%s)", t.Key, t.ThisWeek, change(t.ThisWeek-t.LastWeek, t.LastWeek))
		}
		lines = append(lines, group.label+": "+strings.Join(parts, " · "))
	}
	return lines
}

// change says a difference against last week: "+2", "−1", "same", or
// "new" for what did not come up then.
func change(d, last int) string {
	switch {
	case last == 0:
		return "new"
	case d > 0:
		return fmt.Sprintf("+%d", d)
	case d < 0:
		return fmt.Sprintf("−%d", -d)
	}
	return "same"
}

func (s Summary) winLines() []string {
	lines := make([]string, len(s.WinRates))
	for i, w := range s.WinRates {
		lines[i] = fmt.Sprintf("%s %.0f%% (%d of %d won)", w.Reason, 100*w.Rate(), w.Won, w.Won+w.Lost)
	}
	return lines
}

// buttons show the most urgent cases, once each.
func (s Summary) buttons(show func(storage.Ref) bot.Button) []bot.Button {
	var list []bot.Button
	seen := map[storage.Ref]bool{}
	for _, ds := range [][]Due{s.Overdue, s.DueSoon, s.DueLater} {
		for _, d := range ds {
			if len(list) == maxButtons {
				return list
			}
			if !seen[d.Ref] {
				seen[d.Ref] = true
				list = append(list, show(d.Ref))
			}
		}
	}
	return list
}

// countBy counts cases by key, most first, then by key.
func countBy(cases []storage.Case, key func(storage.Case) string) []Count {
	m := map[string]int{}
	var order []string
	for _, c := range cases {
		k := key(c)
		if m[k] == 0 {
			order = append(order, k)
		}
		m[k]++
	}
	list := make([]Count, len(order))
	for i, k := range order {
		list[i] = Count{k, m[k]}
	}
	sortCounts(list)
	return list
}

// counts writes "chargeback 5, return 4".
func counts(list []Count) string {
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = fmt.Sprintf("%s %d", c.Key, c.N)
	}
	return strings.Join(parts, ", ")
}

func total(list []Count) int {
	n := 0
	for _, c := range list {
		n += c.N
	}
	return n
}

// span writes a duration as minutes under two hours, else hours.
func span(d time.Duration) string {
	if d < 2*time.Hour {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h", int(d/time.Hour))
}

// zoneOf is the zone d is shown in: its case's own, else the channel's, as
// on the case's card and in /case due (deadline.Shown).
func (s Summary) zoneOf(d Due) *time.Location {
	if loc, from := deadline.Shown(d.CaseZone, "", ""); from == deadline.ZoneOfCase {
		return loc
	}
	return s.Zone
}
