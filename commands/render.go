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
	"github.com/disputedesk/disputedesk/storage"
)

// Fields shown first, in this order, on a case card and in a timeline entry.
var leadFields = []string{"outcome", "customer", "order", "reason", "amount"}

// card renders a case: its reference and playbook, the facts, the outcome.
func (r *Router) card(pb *playbooks.Playbook, cs storage.Case) bot.Reply {
	ref := cs.Ref.String()
	reply := bot.Reply{
		Text:    fmt.Sprintf("%s · %s · %s", ref, pb.Title, cs.Status),
		Title:   fmt.Sprintf("%s · %s", ref, pb.Title),
		CaseRef: ref,
	}
	add := func(label, value string) {
		if value != "" {
			reply.Fields = append(reply.Fields, bot.Field{Label: label, Value: value})
		}
	}
	add("Status", string(cs.Status))
	for _, k := range orderedKeys(cs.Fields) {
		add(label(k), cs.Fields[k])
	}
	if cs.Amount != nil {
		add("Amount", money.Format(*cs.Amount))
	}
	add("Opened", fmt.Sprintf("%s by @%s", when(cs.OpenedAt), cs.OpenedBy))
	if cs.Assignee != "" {
		add("Assignee", "@"+cs.Assignee)
	}
	if cs.Status == storage.StatusClosed {
		outcome := cs.Outcome
		if cs.OutcomeAmount != nil {
			outcome += ", " + money.Format(*cs.OutcomeAmount)
		}
		add("Outcome", outcome)
		add("Closed", when(*cs.ClosedAt))
	}
	return reply
}

// summary is a case in one line: "chargeback for Kari Nordmann, order 1042, EUR 49.90".
func summary(pb *playbooks.Playbook, cs storage.Case) string {
	s := pb.Name
	if c := cs.Fields["customer"]; c != "" {
		s += " for " + c
	}
	if o := cs.Fields["order"]; o != "" {
		s += ", order " + o
	}
	if cs.Amount != nil {
		s += ", " + money.Format(*cs.Amount)
	}
	return s
}

// listLine is a case as one line of /case list.
func listLine(cs storage.Case) string {
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
		parts = append(parts, "@"+cs.Assignee)
	}
	parts = append(parts, "opened "+when(cs.OpenedAt))
	return strings.Join(parts, " · ")
}

// timeline renders a case's events, oldest first.
func timeline(events []storage.Event) bot.Section {
	lines := make([]string, 0, len(events))
	for _, ev := range events {
		line := fmt.Sprintf("%s  @%s  %s", when(ev.At), ev.Actor, ev.Kind)
		var detail []string
		for _, k := range orderedKeys(ev.Data) {
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

// when writes a time for people, in UTC until cases carry a time zone.
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

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
