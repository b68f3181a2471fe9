package playbooks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/playbooks/holiday"
	"github.com/disputedesk/disputedesk/storage"
)

// Choose picks whose public holidays a deadline of case c skips: law (the
// playbook deadline's country:), else the case's country field, else the
// country of its time zone (its timezone field, else cal.Zone), else the
// team's default. It is the one place that choice is made, so the card
// names the calendar the deadlines were computed with.
func (cal Calendar) Choose(c storage.Case, law string) holiday.Choice {
	zone := c.Fields[FieldTimezone]
	if zone == "" {
		zone = cal.Zone
	}
	return holiday.Choose(law, c.Fields[FieldCountry], zone, cal.Country)
}

// HolidayNotes says which holidays the working days of a case's deadlines
// skip, one line per calendar, for those of the given ids (as in
// storage.Deadline.ID) whose rules count working days:
// "CPSC investigation period ends: US federal holidays (the rule's law)".
func (p *Playbook) HolidayNotes(c storage.Case, ids []string, cal Calendar) []string {
	var notes []string
	titles := map[string][]string{}
	for _, id := range ids {
		rule, law, title, ok := p.deadlineRule(id)
		if !ok {
			continue
		}
		r, err := deadline.Parse(rule)
		if err != nil || !r.CountsWorkingDays() {
			continue
		}
		n := cal.Choose(c, law).Note()
		if _, seen := titles[n]; !seen {
			notes = append(notes, n)
		}
		titles[n] = append(titles[n], title)
	}
	lines := make([]string, len(notes))
	for i, n := range notes {
		lines[i] = fmt.Sprintf("%s: %s", strings.Join(titles[n], ", "), n)
	}
	return lines
}

// deadlineRule finds the rule behind a deadline id: a playbook deadline's,
// or a step's due rule (StepDeadlineID).
func (p *Playbook) deadlineRule(id string) (rule, law, title string, ok bool) {
	if stepID, isStep := strings.CutPrefix(id, "step:"); isStep {
		s, ok := p.Step(stepID)
		if !ok {
			return "", "", "", false
		}
		return s.Due, "", s.Title, true
	}
	for _, d := range p.Deadlines {
		if d.ID == id {
			return d.Rule, d.Country, d.Title, true
		}
	}
	return "", "", "", false
}

var countryPattern = regexp.MustCompile(`^[A-Za-z]{2}$`)

// checkCountry reads a case's country field: an ISO 3166-1 alpha-2 code,
// stored upper case. A country without a holiday calendar is accepted (a
// supplier in China is in China); the card then says it has none.
func checkCountry(raw string) (string, error) {
	if !countryPattern.MatchString(raw) {
		return "", fmt.Errorf("not a country code: use the two letters of ISO 3166-1, e.g. NO, DK, US")
	}
	return strings.ToUpper(raw), nil
}
