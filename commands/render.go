package commands

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// Fields shown first, in this order, on a case card.
var leadFields = []string{"customer", "order", "reason"}

// card renders a case: its reference and playbook, the facts, the next
// step with its checklist, the deadlines with the time left, the evidence,
// the outcome.
func (r *Router) card(c *call, pb *playbooks.Playbook, cs storage.Case, st storage.CaseState) bot.Reply {
	ref := cs.Ref.String()
	loc, now := c.zones.ofCase(cs), c.now
	reply := bot.Reply{
		Text:  fmt.Sprintf("%s · %s · %s", ref, pb.Title, cs.Status),
		Title: fmt.Sprintf("%s · %s", ref, pb.Title),
	}
	add := func(label, value string) {
		if value != "" {
			reply.Fields = append(reply.Fields, bot.Field{Label: label, Value: value})
		}
	}
	add("Status", string(cs.Status))
	// Who has the case is what a team looks for first, so it comes next,
	// and an open case that nobody has says so.
	switch {
	case cs.Assignee != "":
		add("Assignee", bot.Mention(cs.Assignee))
	case cs.Status == storage.StatusOpen:
		add("Assignee", "nobody yet")
	}
	for _, k := range orderedKeys(cs.Fields) {
		add(fieldLabel(pb, k), fieldValue(pb, k, cs.Fields[k], loc))
	}
	if cs.Amount != nil {
		add("Amount", money.Format(*cs.Amount))
	}
	add("Opened", fmt.Sprintf("%s by %s", deadline.When(cs.OpenedAt, loc), actor(cs.OpenedBy)))
	if lines := linkLines(st.Links); len(lines) > 0 {
		reply.Sections = append(reply.Sections, bot.Section{Title: "Linked cases", Lines: lines})
	}
	if cs.Status == storage.StatusClosed {
		outcome := cs.Outcome
		if cs.OutcomeAmount != nil {
			outcome += ", " + money.Format(*cs.OutcomeAmount)
		}
		add("Outcome", outcome)
		add("Closed", deadline.When(*cs.ClosedAt, loc))
		reply.Buttons = r.cardButtons(cs, nil)
		return reply
	}
	steps, next := pb.Progress(cs.Fields, st)
	if next >= 0 {
		reply.Sections = append(reply.Sections, nextStep(steps[next], cs))
		reply.Buttons = r.cardButtons(cs, &steps[next])
	} else {
		reply.Buttons = r.cardButtons(cs, nil)
	}
	if lines := deadlineLines(pb, cs, st.Deadlines, loc, now); len(lines) > 0 {
		reply.Sections = append(reply.Sections, bot.Section{Title: "Deadlines", Lines: lines})
	}
	if lines := r.holidayNotes(pb, cs, st); len(lines) > 0 {
		reply.Sections = append(reply.Sections, bot.Section{Title: "Working days", Lines: lines})
	}
	if lines := evidenceLines(pb, cs, st); len(lines) > 0 {
		reply.Sections = append(reply.Sections, bot.Section{Title: "Evidence", Lines: lines})
	}
	return reply
}

// nextStep renders the step to do now: title, owner, due, guidance, checklist.
func nextStep(s playbooks.StepView, cs storage.Case) bot.Section {
	sec := checklist(s)
	head := fmt.Sprintf("%s  %s", s.ID, s.Title)
	if s.Owner != "" {
		head += " (" + s.Owner + ")"
	}
	lines := []string{head}
	if s.Guidance != "" {
		lines = append(lines, strings.TrimSpace(s.Guidance))
	}
	sec.Title = "Next step"
	sec.Lines = append(lines, sec.Lines...)
	sec.Lines = append(sec.Lines, fmt.Sprintf("/case done %s %s when it is finished", cs.Ref, s.ID))
	return sec
}

// checklist renders a step's checklist with its ticks, numbered as
// /case check takes them.
func checklist(s playbooks.StepView) bot.Section {
	lines := make([]string, len(s.Checklist))
	for i, item := range s.Checklist {
		box := "[ ]"
		if s.Checked[i] {
			box = "[x]"
		}
		lines[i] = fmt.Sprintf("%s %d. %s", box, i+1, item)
	}
	return bot.Section{Title: "Checklist of " + s.ID, Lines: lines}
}

// deadlineLines renders deadlines soonest first, met ones last. Each says
// truly where it stands: a deadline met after it passed says how late, and
// someone else's (an info deadline, such as the customer's withdrawal
// period) shows the time left for information, never "met", and says when
// it had already passed as the case was opened.
func deadlineLines(pb *playbooks.Playbook, cs storage.Case, ds []storage.Deadline, loc *time.Location, now time.Time) []string {
	ds = slices.Clone(ds)
	slices.SortStableFunc(ds, func(a, b storage.Deadline) int {
		if (a.MetAt == nil) != (b.MetAt == nil) {
			if a.MetAt == nil {
				return -1
			}
			return 1
		}
		return a.Due.Compare(b.Due)
	})
	var lines []string
	for _, d := range ds {
		lines = append(lines, fmt.Sprintf("%s: %s, %s (%s)", d.Title, deadline.When(d.Due, loc), deadlineState(pb, cs, d, loc, now), d.Basis))
	}
	return lines
}

// noLongerApplies is the basis of a deadline closed because its condition
// stopped holding (setDeadlines): closed, not met.
const noLongerApplies = "no longer applies to this case"

// deadlineState says where a deadline stands at now: "2d 4h left",
// "overdue by 3h", "met 2026-11-22 10:30 CET", "met 47 days late, on ...".
func deadlineState(pb *playbooks.Playbook, cs storage.Case, d storage.Deadline, loc *time.Location, now time.Time) string {
	switch {
	case d.MetAt != nil && d.Basis == noLongerApplies:
		return "closed " + deadline.When(*d.MetAt, loc)
	case pb.IsInfo(d.ID) && d.Due.Before(now):
		s := "ended " + strings.TrimPrefix(deadline.Left(d.Due, now), "overdue by ") + " ago"
		if d.Due.Before(cs.OpenedAt) {
			s += ", before the case was opened"
		}
		return s + ", for information"
	case pb.IsInfo(d.ID):
		return deadline.Left(d.Due, now) + ", for information"
	case d.MetAt != nil:
		if late := deadline.Late(d.Due, *d.MetAt); late != "" {
			return "met " + late + ", on " + deadline.When(*d.MetAt, loc)
		}
		return "met " + deadline.When(*d.MetAt, loc)
	}
	return deadline.Left(d.Due, now)
}

// evidenceLines renders the evidence collected, then what is still to get.
func evidenceLines(pb *playbooks.Playbook, cs storage.Case, st storage.CaseState) []string {
	var lines []string
	have := map[string]bool{}
	for _, e := range st.Evidence {
		have[e.Kind] = true
		line := fmt.Sprintf("[x] %s: %s", e.Kind, e.Ref)
		if e.Note != "" {
			line += " (" + e.Note + ")"
		}
		lines = append(lines, line)
	}
	for _, e := range pb.EvidenceFor(cs.Fields) {
		if !have[e.Kind] {
			have[e.Kind] = true
			lines = append(lines, fmt.Sprintf("[ ] %s: %s", e.Kind, e.Label))
		}
	}
	return lines
}

// fieldLabel is a field's label from the playbook, or one made from its key.
func fieldLabel(pb *playbooks.Playbook, key string) string {
	if f, ok := pb.Field(key); ok {
		return f.LabelOrName()
	}
	return label(key)
}

// fieldValue shows an enum value with its label, and a date and time that
// names its zone (as Stripe's due_by does) in loc, like every time shown; a
// local one stays as it was typed, in the zone the case's deadlines are
// computed in.
func fieldValue(pb *playbooks.Playbook, key, value string, loc *time.Location) string {
	if f, ok := pb.Field(key); ok {
		if f.Type == playbooks.TypeDateTime {
			if t, err := time.Parse(time.RFC3339, value); err == nil {
				return deadline.When(t, loc)
			}
		}
		for _, v := range f.Values {
			if v.Value == value && v.Label != "" {
				return v.Label
			}
		}
		if f.Type == playbooks.TypeUser {
			return bot.Mention(value)
		}
	}
	return value
}

// summary is a case in one line: "chargeback for Kari Nordmann, order 1042, EUR 49.90".
func summary(pb *playbooks.Playbook, cs storage.Case) string {
	cs.Playbook = pb.Name
	return playbooks.Summary(cs)
}

// listLine is a case as one line of /case list, its times in loc.
func listLine(cs storage.Case, loc *time.Location) string {
	parts := []string{cs.Ref.String(), cs.Playbook, string(cs.Status)}
	if cs.Status == storage.StatusClosed && cs.Outcome != "" {
		parts[2] += " (" + cs.Outcome + ")"
	}
	if c := cs.Fields["customer"]; c != "" {
		parts = append(parts, c)
	}
	if cs.Amount != nil {
		parts = append(parts, money.Format(*cs.Amount))
	}
	if cs.Assignee != "" {
		parts = append(parts, bot.Mention(cs.Assignee))
	}
	parts = append(parts, "opened "+deadline.When(cs.OpenedAt, loc))
	return strings.Join(parts, " · ")
}

// timeline renders a case's events, oldest first.
func timeline(events []storage.Event, loc *time.Location) bot.Section {
	lines := make([]string, 0, len(events))
	for _, ev := range events {
		line := fmt.Sprintf("%s  %s  %s", deadline.When(ev.At, loc), actor(ev.Actor), ev.Kind)
		var detail []string
		for _, k := range []string{"outcome", "amount"} { // the rest of Data is for machines
			if v := ev.Data[k]; v != "" {
				detail = append(detail, v)
			}
		}
		if ev.Body != "" {
			detail = append(detail, ev.Body)
		}
		if len(detail) > 0 {
			line += ": " + strings.Join(detail, ", ")
		}
		lines = append(lines, line)
	}
	return bot.Section{Title: "Timeline", Lines: lines}
}

// actor names who did something: a mention of a user, or Stripe for what
// its webhook did (stripeActor is no user to mention).
func actor(user string) string {
	if user == stripeActor {
		return "Stripe"
	}
	return bot.Mention(user)
}

// orderedKeys puts the well-known fields first, then the rest alphabetically.
func orderedKeys(fields map[string]string) []string {
	var keys []string
	for _, k := range leadFields {
		if _, ok := fields[k]; ok {
			keys = append(keys, k)
		}
	}
	for _, k := range sorted(slices.Collect(maps.Keys(fields))) {
		if !slices.Contains(leadFields, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// label turns a field key into a label: "due_by" becomes "Due by".
func label(key string) string {
	s := strings.NewReplacer("_", " ", "-", " ").Replace(key)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
