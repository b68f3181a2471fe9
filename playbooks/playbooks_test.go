package playbooks

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/golden"
	"github.com/disputedesk/disputedesk/playbooks/holiday"

	"github.com/disputedesk/disputedesk/storage"
)

func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"supplier-dispute": "SUP", "chargeback": "CB", "marketplace-claim": "MC", "return": "RMA", "recall": "RCL"}
	if got := c.Names(); len(got) != len(want) {
		t.Errorf("built-in playbooks %v, want the five of DESIGN.md", got)
	}
	for name, prefix := range want {
		pb, ok := c.Get(name)
		if !ok {
			t.Errorf("no built-in playbook %s", name)
			continue
		}
		if pb.Prefix != prefix {
			t.Errorf("%s has prefix %s, want %s", name, pb.Prefix, prefix)
		}
		if pb.Shorthand == "" {
			t.Errorf("%s has no shorthand command", name)
		}
		if len(pb.Steps) < 5 {
			t.Errorf("%s has %d steps; the seed documents describe more", name, len(pb.Steps))
		}
		if len(pb.Deadlines) == 0 {
			t.Errorf("%s has no deadlines", name)
		}
		if _, ok := pb.Field(FieldTimezone); !ok {
			t.Errorf("%s has no timezone field for its deadlines", name)
		}
	}
}

func TestLintReportsEveryProblemWithItsLine(t *testing.T) {
	_, err := LoadDir("testdata/broken")
	var problems Problems
	if !errors.As(err, &problems) {
		t.Fatalf("LoadDir(testdata/broken) = %v, want Problems", err)
	}
	got := problems.Error() + "\n"
	golden.Check(t, filepath.Join("testdata", "broken.golden"), []byte(got))
	for _, p := range problems {
		if p.File == "" || p.Msg == "" {
			t.Errorf("problem without file or message: %+v", p)
		}
	}
}

func TestLoadOverridesBuiltins(t *testing.T) {
	dir := t.TempDir()
	custom := `name: return
title: Return (our own)
prefix: RET
description: returns, our way
steps:
  - id: label
    title: Send a prepaid label
outcomes:
  - id: refunded
    label: Refunded
`
	if err := os.WriteFile(filepath.Join(dir, "return.yaml"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := c.Get("return")
	if pb.Title != "Return (our own)" || pb.Prefix != "RET" {
		t.Errorf("return was not replaced: %+v", pb)
	}
	if _, ok := c.Get("chargeback"); !ok {
		t.Error("the other built-ins were dropped")
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("Load accepted a directory that does not exist")
	}
}

func TestCatalogRefusesClashes(t *testing.T) {
	a := &Playbook{Name: "a", Prefix: "AA"}
	for name, pbs := range map[string][]*Playbook{
		"same name":      {a, {Name: "a", Prefix: "BB"}},
		"same prefix":    {a, {Name: "b", Prefix: "AA"}},
		"same shorthand": {{Name: "a", Prefix: "AA", Shorthand: "/x"}, {Name: "b", Prefix: "BB", Shorthand: "/x"}},
	} {
		if _, err := NewCatalog(pbs...); err == nil {
			t.Errorf("%s: NewCatalog accepted it", name)
		}
	}
}

func TestCondition(t *testing.T) {
	fields := map[string]string{"reason": "damaged", "tracking": "JJD1"}
	tests := []struct {
		when string
		want bool
	}{
		{"reason=damaged", true},
		{"reason=lost|damaged", true},
		{"reason=lost", false},
		{"reason!=lost", true},
		{"reason!=damaged|lost", false},
		{"tracking", true},
		{"photo", false},
		{"", true},
	}
	for _, tt := range tests {
		if got := Applies(tt.when, fields); got != tt.want {
			t.Errorf("Applies(%q) = %v, want %v", tt.when, got, tt.want)
		}
	}
	for _, bad := range []string{"reason=", "Reason=x", "a b", "=x"} {
		if _, err := ParseCondition(bad); err == nil {
			t.Errorf("ParseCondition(%q) accepted it", bad)
		}
	}
}

// testPlaybook is a small playbook for the engine's tests.
func testPlaybook(t *testing.T) *Playbook {
	t.Helper()
	pb, err := Parse("test.yaml", []byte(`name: test
title: Test
prefix: TT
description: a test
fields:
  - name: reason
    type: enum
    required: true
    values:
      - {value: damaged, label: Damaged}
      - {value: lost, label: Lost}
  - name: delivered_on
    type: date
    event: true
  - name: requested_on
    type: datetime
    event: true
  - name: due_by
    type: datetime
  - name: amount
    type: money
  - name: currency
    type: currency
  - name: fee
    type: money
  - name: agent
    type: user
  - name: link
    type: url
  - name: timezone
    type: text
steps:
  - id: ack
    title: Acknowledge
    due: opened + 24h
    checklist: [Reply to the customer, Log the order]
  - id: photos
    title: Ask for photos
    when: reason=damaged
  - id: trace
    title: Trace the parcel
    when: reason=lost
  - id: refund
    title: Refund
deadlines:
  - id: evidence
    title: Evidence due
    rule: field:due_by or opened + 7 calendar days
    source: processor
    met_by: refund
  - id: withdrawal
    title: Withdrawal window
    rule: field:delivered_on + 14 calendar days, next working day
    source: Directive 2011/83/EU Art. 9
outcomes:
  - {id: refunded, label: Refunded}
`))
	if err != nil {
		t.Fatal(err)
	}
	return pb
}

func TestCheckFields(t *testing.T) {
	pb := testPlaybook(t)
	fields, amount, err := pb.CheckFields(map[string]string{
		"reason": "Damaged", "delivered_on": "2026-11-02", "due_by": "2026-12-01 14:00", "amount": "1 299,00",
		"currency": "nok", "fee": "49,90", "agent": "<@U123|kari>", "link": "https://track.example/1", "timezone": "Europe/Oslo",
	}, "", checkNow)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"reason": "damaged", "delivered_on": "2026-11-02", "due_by": "2026-12-01T14:00",
		"fee": "NOK 49.90", "agent": "U123", "link": "https://track.example/1", "timezone": "Europe/Oslo"}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s = %q, want %q", k, fields[k], v)
		}
	}
	if _, ok := fields["amount"]; ok || amount == nil || *amount != (storage.Money{Minor: 129900, Currency: "NOK"}) {
		t.Errorf("amount = %+v, fields %q", amount, fields)
	}

	tests := []struct {
		name  string
		given map[string]string
		want  []string
	}{
		{"required missing", map[string]string{}, []string{"reason= is required"}},
		{"enum typo", map[string]string{"reason": "damagd"}, []string{"reason=damagd: not a Reason. Did you mean damaged? Choose damaged, lost"}},
		{"date format", map[string]string{"reason": "lost", "delivered_on": "02.11.2026"}, []string{"delivered_on=02.11.2026: not a date: write it as YYYY-MM-DD"}},
		{"datetime format", map[string]string{"reason": "lost", "due_by": "tomorrow"}, []string{"due_by=tomorrow: not a date and time"}},
		{"unknown field", map[string]string{"reason": "lost", "ordr": "1"}, []string{"a test has no field ordr="}},
		{"money without currency", map[string]string{"reason": "lost", "amount": "5"}, []string{"has no currency"}},
		{"bad zone", map[string]string{"reason": "lost", "timezone": "Mars/Olympus"}, []string{"timezone=Mars/Olympus"}},
		{"user without @", map[string]string{"reason": "lost", "agent": "kari"}, []string{"@mention"}},
		{"not a link", map[string]string{"reason": "lost", "link": "track.example"}, []string{"starting with https://"}},
		{"empty value", map[string]string{"reason": "lost", "fee": " "}, []string{"fee= is empty"}},
		{"every problem at once", map[string]string{"delivered_on": "x", "ordr": "1"}, []string{"no field ordr=", "reason= is required", "delivered_on=x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := pb.CheckFields(tt.given, "", checkNow)
			var ps FieldProblems
			if !errors.As(err, &ps) {
				t.Fatalf("CheckFields = %v, want FieldProblems", err)
			}
			if len(ps) != len(tt.want) {
				t.Errorf("%d problems, want %d: %v", len(ps), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("problems %q lack %q", err, w)
				}
			}
			for _, p := range ps {
				if p.Missing != strings.Contains(p.Msg, "= is required") {
					t.Errorf("problem %q: Missing = %v", p.Msg, p.Missing)
				}
			}
		})
	}
}

func TestProgress(t *testing.T) {
	pb := testPlaybook(t)
	fields := map[string]string{"reason": "damaged"}
	steps, next := pb.Progress(fields, storage.CaseState{})
	ids := func(steps []StepView) []string {
		var s []string
		for _, v := range steps {
			s = append(s, v.ID)
		}
		return s
	}
	if got := ids(steps); !slices.Equal(got, []string{"ack", "photos", "refund"}) || next != 0 {
		t.Errorf("steps %v next %d, want ack, photos, refund (trace is only for lost) and next 0", got, next)
	}
	st := storage.CaseState{
		Steps:  []storage.StepState{{StepID: "ack", Status: storage.StepDone}, {StepID: "photos", Status: storage.StepSkipped}},
		Checks: []storage.Check{{StepID: "ack", Item: 2, Checked: true}, {StepID: "ack", Item: 9, Checked: true}},
	}
	steps, next = pb.Progress(fields, st)
	if next != 2 || steps[next].ID != "refund" {
		t.Errorf("next = %d, want refund", next)
	}
	if !slices.Equal(steps[0].Checked, []bool{false, true}) {
		t.Errorf("ack checklist = %v, want item 2 ticked and item 9 ignored", steps[0].Checked)
	}
	st.Steps = append(st.Steps, storage.StepState{StepID: "refund", Status: storage.StepDone})
	if _, next = pb.Progress(fields, st); next != -1 {
		t.Errorf("next = %d with every step finished, want -1", next)
	}
}

func TestComputeDeadlines(t *testing.T) {
	pb := testPlaybook(t)
	opened := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) // a Friday
	cs := storage.Case{ID: 7, OpenedAt: opened, Fields: map[string]string{"reason": "lost", "delivered_on": "2026-11-07", "timezone": "Europe/Oslo"}}
	got, err := pb.ComputeDeadlines(cs, storage.CaseState{}, Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]storage.Deadline{}
	for _, d := range got {
		byID[d.ID] = d
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	checks := []struct {
		id   string
		want time.Time
	}{
		{"evidence", opened.AddDate(0, 0, 7)},                        // no due_by: the computed fallback
		{"withdrawal", time.Date(2026, 11, 23, 23, 59, 59, 0, oslo)}, // 14 days end on Saturday 21st: next working day
		{"step:ack", opened.Add(24 * time.Hour)},
	}
	for _, c := range checks {
		d, ok := byID[c.id]
		if !ok {
			t.Errorf("no deadline %s in %+v", c.id, got)
			continue
		}
		if !d.Due.Equal(c.want) || d.CaseID != 7 || d.Source == "" {
			t.Errorf("%s due %s (case %d, source %q), want %s", c.id, d.Due.In(oslo), d.CaseID, d.Source, c.want.In(oslo))
		}
	}
	if len(got) != 3 {
		t.Errorf("%d deadlines, want 3 (steps without due rules have none)", len(got))
	}

	// The processor's date wins, and finishing the met_by step meets it.
	cs.Fields["due_by"] = "2026-11-25T12:00"
	doneAt := opened.Add(2 * time.Hour)
	got, err = pb.ComputeDeadlines(cs, storage.CaseState{Steps: []storage.StepState{{StepID: "refund", Status: storage.StepDone, At: doneAt}}}, Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range got {
		if d.ID == "evidence" {
			if want := time.Date(2026, 11, 25, 12, 0, 0, 0, oslo); !d.Due.Equal(want) || d.MetAt == nil || !d.MetAt.Equal(doneAt) {
				t.Errorf("evidence due %s met %v, want %s met at %s", d.Due, d.MetAt, want, doneAt)
			}
		}
	}
}

func TestSuggest(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		message, want, order string
	}{
		{"customer says the parcel never arrived, order 1042", "return", "1042"},
		{"Stripe opened a chargeback on order #A-7781, fraud", "chargeback", "A-7781"},
		{"we got an A-to-z claim on Amazon for ordre 114-2231", "marketplace-claim", "114-2231"},
		{"the night light overheats, possible fire hazard", "recall", ""},
		{"our supplier sent the wrong batch again", "supplier-dispute", ""},
	}
	for _, tt := range tests {
		pb, fields, ok := c.Suggest(tt.message)
		if !ok || pb.Name != tt.want {
			t.Errorf("Suggest(%q) = %v, want %s", tt.message, pb, tt.want)
			continue
		}
		if fields["order"] != tt.order {
			t.Errorf("Suggest(%q) order = %q, want %q", tt.message, fields["order"], tt.order)
		}
	}
	if pb, _, ok := c.Suggest("good morning team"); ok {
		t.Errorf("Suggest of small talk = %s, want none", pb.Name)
	}
}

// A deadline that would end on a holiday of the country whose calendar
// applies moves to the next working day (Regulation 1182/71 Art. 3(4)); the
// team's dates add to or remove from that calendar.
func TestComputeDeadlinesSkipsTheCountrysHolidays(t *testing.T) {
	pb := testPlaybook(t)
	oslo, _ := time.LoadLocation("Europe/Oslo")
	// 11 December + 14 days = Friday 25 December 2026, 1. juledag.
	fields := func(kv ...string) map[string]string {
		f := map[string]string{"reason": "lost", "delivered_on": "2026-12-11"}
		for i := 0; i < len(kv); i += 2 {
			f[kv[i]] = kv[i+1]
		}
		return f
	}
	changes := func(s string) holiday.Changes {
		ch, err := holiday.ParseChanges(s)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	tests := []struct {
		name   string
		fields map[string]string
		cal    Calendar
		want   int // day of December 2026, 23:59:59 in Oslo
	}{
		{"no calendar: weekends only", fields(), Calendar{}, 25},
		{"the zone's country: Norway's 25 and 26 December", fields("timezone", "Europe/Oslo"), Calendar{}, 28},
		{"the case's country beats the zone", fields("timezone", "Europe/Oslo", "country", "NO"), Calendar{}, 28},
		{"the team's default country", fields(), Calendar{Country: "NO"}, 28},
		{"a country without a calendar is weekends only", fields("country", "CN"), Calendar{Country: "NO"}, 25},
		{"the team adds 28 December", fields("timezone", "Europe/Oslo"), Calendar{Changes: changes("2026-12-28")}, 29},
		{"the team removes 25 December", fields("timezone", "Europe/Oslo"), Calendar{Changes: changes("-2026-12-25")}, 25},
		{"the team's dates apply with no calendar", fields(), Calendar{Changes: changes("2026-12-25")}, 28},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := storage.Case{ID: 1, OpenedAt: time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC), Fields: tt.fields}
			if tt.fields["timezone"] == "" {
				// The same Oslo clock, but a zone that names no country.
				cs.Fields["timezone"] = "Etc/GMT-1"
			}
			ds, err := pb.ComputeDeadlines(cs, storage.CaseState{}, tt.cal)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ds, func(d storage.Deadline) bool { return d.ID == "withdrawal" })
			if i < 0 {
				t.Fatal("no withdrawal deadline")
			}
			if got := ds[i].Due.In(oslo); got.Day() != tt.want || got.Month() != time.December {
				t.Errorf("withdrawal due %s, want %d December", got, tt.want)
			}
		})
	}
}

// A deadline's country: (the law that sets it) beats the case's country.
func TestComputeDeadlinesUsesTheRulesCountry(t *testing.T) {
	pb := testPlaybook(t)
	pb.Deadlines[1].Country = "US" // Friday 25 December is also a US holiday; use 24 December instead
	cs := storage.Case{ID: 1, OpenedAt: time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC),
		Fields: map[string]string{"reason": "lost", "delivered_on": "2026-12-10", "timezone": "Europe/Copenhagen"}} // + 14 = Thursday 24 December
	ds, err := pb.ComputeDeadlines(cs, storage.CaseState{}, Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ds, func(d storage.Deadline) bool { return d.ID == "withdrawal" })
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	// Denmark would roll 24 December (forældelsesloven § 27) to 28 December;
	// US federal law keeps it.
	if got := ds[i].Due.In(cph); got.Day() != 24 {
		t.Errorf("withdrawal due %s, want 24 December: US federal holidays, not Danish", got)
	}
	notes := pb.HolidayNotes(cs, []string{"evidence", "withdrawal"}, Calendar{})
	if want := []string{"Withdrawal window: US federal holidays (the rule's law)"}; !slices.Equal(notes, want) {
		t.Errorf("HolidayNotes = %q, want %q (the evidence rule counts calendar days only)", notes, want)
	}
}
