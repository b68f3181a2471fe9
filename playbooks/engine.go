package playbooks

import (
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/playbooks/holiday"
	"github.com/disputedesk/disputedesk/storage"
)

// StepView is a step as it stands on one case.
type StepView struct {
	*Step
	// State is nil while the step is pending.
	State *storage.StepState
	// Checked says, per checklist item, whether it is ticked.
	Checked []bool
}

// Pending reports whether the step is neither done nor skipped.
func (s StepView) Pending() bool { return s.State == nil }

// Progress returns the steps that apply to a case with the given fields,
// in playbook order, each with its state, and the index of the first
// pending one (-1 when none is left). It is pure: state in, view out.
func (p *Playbook) Progress(fields map[string]string, st storage.CaseState) (steps []StepView, next int) {
	next = -1
	for i := range p.Steps {
		s := &p.Steps[i]
		if !applies(s.When, fields) {
			continue
		}
		v := StepView{Step: s, Checked: make([]bool, len(s.Checklist))}
		for j := range st.Steps {
			if st.Steps[j].StepID == s.ID {
				v.State = &st.Steps[j]
			}
		}
		for _, c := range st.Checks {
			if c.StepID == s.ID && c.Item >= 1 && c.Item <= len(v.Checked) {
				v.Checked[c.Item-1] = c.Checked
			}
		}
		if v.Pending() && next < 0 {
			next = len(steps)
		}
		steps = append(steps, v)
	}
	return steps, next
}

// Applies reports whether a step, deadline or evidence item with the
// condition when applies to a case with these fields.
func Applies(when string, fields map[string]string) bool { return applies(when, fields) }

// Calendar is the team's working calendar for deadlines.
type Calendar struct {
	// Zone is the channel's or team's IANA time zone, for cases without
	// their own; empty means UTC.
	Zone string
	// Country is the team's default country for holidays
	// (DISPUTEDESK_COUNTRY), for cases whose country nothing else says.
	Country string
	// Changes are the team's own holidays and working days
	// (DISPUTEDESK_HOLIDAYS), applied to every country's calendar.
	Changes holiday.Changes
}

// StepDeadlineID is the deadline id of a step's own due rule.
func StepDeadlineID(stepID string) string { return "step:" + stepID }

// IsInfo reports whether the playbook's deadline id is kind info: someone
// else's, never met, never overdue.
func (p *Playbook) IsInfo(id string) bool {
	for _, d := range p.Deadlines {
		if d.ID == id {
			return d.Kind == KindInfo
		}
	}
	return false
}

// ComputeDeadlines computes a case's deadlines: the playbook's deadlines and each
// step's due rule, for those that apply to the case and can be computed
// from what is known. A deadline is met when its met_by step (for a step's
// due rule, the step itself) is done or skipped, at the time it was, which
// may be after it was due; an info deadline is never met. The zone is the case's
// timezone field, else cal.Zone, else UTC; business days skip weekends and
// the holidays of the country cal.Choose picks for each deadline.
func (p *Playbook) ComputeDeadlines(c storage.Case, st storage.CaseState, cal Calendar) ([]storage.Deadline, error) {
	loc, _, err := deadline.Zone(c.Fields[FieldTimezone], cal.Zone)
	if err != nil {
		return nil, err
	}
	finished := map[string]time.Time{}
	for _, s := range st.Steps {
		finished[s.StepID] = s.At
	}
	in := deadline.Inputs{Opened: c.OpenedAt, Fields: c.Fields, StepsDone: finished, Location: loc}
	var out []storage.Deadline
	add := func(id, title, rule, source, when, metBy, law string) error {
		if rule == "" || !applies(when, c.Fields) {
			return nil
		}
		r, err := deadline.Parse(rule)
		if err != nil {
			return fmt.Errorf("deadline %s: %w", id, err)
		}
		k, _ := cal.Choose(c, law).Calendar(cal.Changes)
		in.IsHoliday = k.IsHoliday
		res, ok, err := r.Eval(in)
		if err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		if !ok {
			return nil
		}
		d := storage.Deadline{CaseID: c.ID, ID: id, Title: title, Due: res.Due.UTC(), Rule: rule, Basis: res.Basis, Source: source}
		if at, ok := finished[metBy]; ok && metBy != "" {
			d.MetAt = &at
		}
		out = append(out, d)
		return nil
	}
	for _, d := range p.Deadlines {
		if err := add(d.ID, d.Title, d.Rule, d.Source, d.When, d.MetBy, d.Country); err != nil {
			return nil, err
		}
	}
	for _, s := range p.Steps {
		if err := add(StepDeadlineID(s.ID), s.Title, s.Due, "playbook step "+s.ID, s.When, s.ID, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EvidenceFor lists the evidence to collect for a case with these fields.
func (p *Playbook) EvidenceFor(fields map[string]string) []Evidence {
	var out []Evidence
	for _, e := range p.Evidence {
		if applies(e.When, fields) {
			out = append(out, e)
		}
	}
	return out
}
