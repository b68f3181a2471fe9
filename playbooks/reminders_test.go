package playbooks

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const remindersPlaybook = `name: claim
title: Claim
prefix: CLM
description: a playbook with its own reminders
steps:
  - id: reply
    title: Reply
deadlines:
  - id: answer
    title: Answer the marketplace
    rule: opened + 48h
    source: the marketplace
reminders: %s
outcomes:
  - {id: resolved, label: Resolved}
`

// TestReminderThresholds: a playbook's reminders come out largest first,
// each once, days as hours; none given is the default 72h, 24h, 4h.
func TestReminderThresholds(t *testing.T) {
	pb, err := Parse("claim.yaml", []byte(strings.Replace(remindersPlaybook, "%s", "[1h, 2d, 4h, 48h]", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pb.ReminderThresholds(), []time.Duration{48 * time.Hour, 4 * time.Hour, time.Hour}; !slices.Equal(got, want) {
		t.Errorf("ReminderThresholds = %v, want %v", got, want)
	}
	if got, want := (&Playbook{}).ReminderThresholds(), []time.Duration{72 * time.Hour, 24 * time.Hour, 4 * time.Hour}; !slices.Equal(got, want) {
		t.Errorf("default ReminderThresholds = %v, want %v", got, want)
	}
}

// TestLintChecksReminders: a threshold that is not whole hours or days, or
// an empty list, is refused on its line, saying what to write.
func TestLintChecksReminders(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{"[24h, 90m]", `claim.yaml:13: reminder "90m": write whole hours or days before the deadline, like 48h or 2d, as in reminders: [24h, 4h, 1h]`},
		{"[0h]", `claim.yaml:13: reminder "0h": write a positive whole number of hours or days, like 4h or 2d, as in reminders: [24h, 4h, 1h]`},
		{"[45d]", `claim.yaml:13: reminder "45d": at most 30 days (30d) before the deadline, as in reminders: [24h, 4h, 1h]`},
		{"[]", `claim.yaml:13: reminders is empty: list how long before each deadline to remind, like [24h, 4h, 1h], or leave the key out for 72h, 24h, 4h`},
	} {
		_, err := Parse("claim.yaml", []byte(strings.Replace(remindersPlaybook, "%s", tt.value, 1)))
		if err == nil || err.Error() != tt.want {
			t.Errorf("reminders: %s: Parse = %v, want %s", tt.value, err, tt.want)
		}
	}
}

// TestCatalogMaxReminder: the largest threshold of any playbook, which is
// how far ahead the scheduler looks.
func TestCatalogMaxReminder(t *testing.T) {
	pb, err := Parse("claim.yaml", []byte(strings.Replace(remindersPlaybook, "%s", "[5d, 1h]", 1)))
	if err != nil {
		t.Fatal(err)
	}
	short := *pb
	short.Name, short.Prefix, short.Reminders = "short", "SH", []string{"12h"}
	for _, tt := range []struct {
		pbs  []*Playbook
		want time.Duration
	}{
		{[]*Playbook{pb, &short}, 5 * 24 * time.Hour},
		{[]*Playbook{&short}, 12 * time.Hour},
		{nil, 72 * time.Hour},
	} {
		c, err := NewCatalog(tt.pbs...)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.MaxReminder(); got != tt.want {
			t.Errorf("MaxReminder of %d playbooks = %v, want %v", len(tt.pbs), got, tt.want)
		}
	}
	builtin, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if got := builtin.MaxReminder(); got != 72*time.Hour {
		t.Errorf("built-in MaxReminder = %v, want 72h", got)
	}
	for name, want := range map[string][]time.Duration{
		"marketplace-claim": {24 * time.Hour, 4 * time.Hour, time.Hour},
		"recall":            {12 * time.Hour, 4 * time.Hour, time.Hour},
		"chargeback":        {72 * time.Hour, 24 * time.Hour, 4 * time.Hour},
	} {
		p, _ := builtin.Get(name)
		if got := p.ReminderThresholds(); !slices.Equal(got, want) {
			t.Errorf("%s reminders = %v, want %v", name, got, want)
		}
	}
}
