package summary

import (
	"reflect"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/golden"
	"github.com/disputedesk/disputedesk/storage"
)

var oslo = mustZone("Europe/Oslo")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// now is the summary's time: Tuesday 1 December 2026, 09:00 in Oslo.
var now = time.Date(2026, 12, 1, 9, 0, 0, 0, oslo)

func eur(minor int64) *storage.Money { return &storage.Money{Minor: minor, Currency: "EUR"} }

// fixture is a channel's cases and deadlines, as the store reads them for
// the summary at now, the previous summary a day before.
func fixture() Input {
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	h := time.Hour
	day := 24 * h
	cs := []storage.Case{
		// Old and still open: counted as open, with an overdue deadline.
		{ID: 1, Ref: storage.Ref{Prefix: "CB", Number: 1001}, Playbook: "chargeback", Status: storage.StatusOpen,
			Fields: map[string]string{"reason": "fraudulent"}, Amount: eur(12900), OpenedAt: ago(20 * day), Assignee: "U1"},
		// Opened in the period.
		{ID: 2, Ref: storage.Ref{Prefix: "CB", Number: 1002}, Playbook: "chargeback", Status: storage.StatusOpen,
			Fields: map[string]string{"reason": "product_not_received"}, Amount: eur(4990), OpenedAt: ago(5 * h)},
		{ID: 3, Ref: storage.Ref{Prefix: "RMA", Number: 7}, Playbook: "return", Status: storage.StatusOpen,
			Fields: map[string]string{"reason": "changed_mind"}, Amount: &storage.Money{Minor: 49900, Currency: "NOK"}, OpenedAt: ago(3 * h)},
		{ID: 4, Ref: storage.Ref{Prefix: "SUP", Number: 3}, Playbook: "supplier-dispute", Status: storage.StatusOpen,
			Fields: map[string]string{"supplier": "Acme Oy", "reason": "late"}, OpenedAt: ago(2 * h)},
		// Closed in the period: won, refunded (with the amount refunded), lost.
		{ID: 5, Ref: storage.Ref{Prefix: "CB", Number: 990}, Playbook: "chargeback", Status: storage.StatusClosed,
			Fields: map[string]string{"reason": "product_not_received"}, Amount: eur(2000), Outcome: "won",
			OpenedAt: ago(40 * day), ClosedAt: at(10 * h)},
		{ID: 6, Ref: storage.Ref{Prefix: "RMA", Number: 5}, Playbook: "return", Status: storage.StatusClosed,
			Fields: map[string]string{"reason": "defective"}, Amount: &storage.Money{Minor: 49900, Currency: "NOK"},
			OutcomeAmount: &storage.Money{Minor: 45000, Currency: "NOK"}, Outcome: "refunded", OpenedAt: ago(6 * day), ClosedAt: at(4 * h)},
		{ID: 7, Ref: storage.Ref{Prefix: "CB", Number: 995}, Playbook: "chargeback", Status: storage.StatusClosed,
			Fields: map[string]string{"reason": "fraudulent"}, Amount: eur(8000), Outcome: "lost", OpenedAt: ago(10 * day), ClosedAt: at(1 * h)},
		// Closed before the period, within 90 days: only in the win rate.
		{ID: 8, Ref: storage.Ref{Prefix: "CB", Number: 900}, Playbook: "chargeback", Status: storage.StatusClosed,
			Fields: map[string]string{"reason": "product_not_received"}, Amount: eur(3000), Outcome: "won", OpenedAt: ago(60 * day), ClosedAt: at(30 * day)},
		// Opened last week, the week before this one.
		{ID: 9, Ref: storage.Ref{Prefix: "SUP", Number: 2}, Playbook: "supplier-dispute", Status: storage.StatusClosed,
			Fields: map[string]string{"supplier": "Acme Oy", "reason": "late"}, Outcome: "credited", OpenedAt: ago(9 * day), ClosedAt: at(8 * day)},
	}
	ds := []storage.DueDeadline{
		{Deadline: storage.Deadline{CaseID: 1, ID: "evidence_due", Title: "Evidence due to the processor", Due: now.Add(-5 * h)},
			Ref: cs[0].Ref, Playbook: "chargeback", Assignee: "U1"},
		{Deadline: storage.Deadline{CaseID: 3, ID: "refund_due", Title: "Refund within 14 days", Due: now.Add(80 * time.Minute)},
			Ref: cs[2].Ref, Playbook: "return"},
		{Deadline: storage.Deadline{CaseID: 2, ID: "evidence_due", Title: "Evidence due to the processor", Due: now.Add(50 * h)},
			Ref: cs[1].Ref, Playbook: "chargeback"},
		// Past Later: not listed.
		{Deadline: storage.Deadline{CaseID: 4, ID: "respond", Title: "Supplier answers", Due: now.Add(73 * h)}, Ref: cs[3].Ref, Playbook: "supplier-dispute"},
	}
	return Input{Cases: cs, Deadlines: ds, From: now.Add(-24 * h), To: now, Zone: oslo}
}

func TestBuild(t *testing.T) {
	s := Build(fixture())
	refs := func(cs []storage.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Ref.String())
		}
		return out
	}
	dueRefs := func(ds []Due) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Ref.String())
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"opened", refs(s.Opened), []string{"CB-1002", "RMA-7", "SUP-3"}},
		{"closed, by close time", refs(s.Closed), []string{"CB-990", "RMA-5", "CB-995"}},
		{"money", s.Money, []Money{
			{Outcome: "refunded", Money: storage.Money{Minor: 45000, Currency: "NOK"}, Cases: 1},
			{Outcome: "won", Money: storage.Money{Minor: 2000, Currency: "EUR"}, Cases: 1},
			{Outcome: "lost", Money: storage.Money{Minor: 8000, Currency: "EUR"}, Cases: 1},
		}},
		{"open", s.Open, []Count{{"chargeback", 2}, {"return", 1}, {"supplier-dispute", 1}}},
		{"overdue", dueRefs(s.Overdue), []string{"CB-1001"}},
		{"due soon", dueRefs(s.DueSoon), []string{"RMA-7"}},
		{"due later", dueRefs(s.DueLater), []string{"CB-1002"}},
		{"amount at stake", s.DueSoon[0].Amount, &storage.Money{Minor: 49900, Currency: "NOK"}},
		{"reasons, ties by last week then name", s.Reasons, []Trend{{"late", 1, 1}, {"changed_mind", 1, 0}, {"defective", 1, 0}}},
		{"suppliers", s.Suppliers, []Trend{{"Acme Oy", 1, 1}}},
		{"win rates", s.WinRates, []WinRate{{"product_not_received", 2, 0}, {"fraudulent", 0, 1}}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s = %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	if len(s.Days) != ChartDays {
		t.Fatalf("%d days, want %d", len(s.Days), ChartDays)
	}
	last := s.Days[ChartDays-1]
	if !last.Date.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, oslo)) || !s.Days[0].Date.Equal(time.Date(2026, 11, 18, 0, 0, 0, 0, oslo)) {
		t.Errorf("days run %v to %v, want 18 Nov to 1 Dec in Oslo", s.Days[0].Date, last.Date)
	}
	// Today (in Oslo, from midnight): CB-1002, RMA-7 and SUP-3 opened;
	// RMA-5 and CB-995 closed; CB-990 closed at 23:00 the day before.
	if want := map[string]int{"chargeback": 1, "return": 1, "supplier-dispute": 1}; !reflect.DeepEqual(last.Opened, want) {
		t.Errorf("opened today = %v, want %v", last.Opened, want)
	}
	if want := map[string]int{"return": 1, "chargeback": 1}; !reflect.DeepEqual(last.Closed, want) {
		t.Errorf("closed today = %v, want %v", last.Closed, want)
	}
	if want := map[string]int{"chargeback": 1}; !reflect.DeepEqual(s.Days[ChartDays-2].Closed, want) {
		t.Errorf("closed the day before = %v, want %v", s.Days[ChartDays-2].Closed, want)
	}
}

// A deadline of a case that is not the channel's (or is closed) is left
// out, whatever the store returned.
func TestBuildLeavesOutOtherCasesDeadlines(t *testing.T) {
	in := fixture()
	in.Deadlines = append(in.Deadlines, storage.DueDeadline{Deadline: storage.Deadline{CaseID: 99, ID: "x", Due: now}, Ref: storage.Ref{Prefix: "CB", Number: 1}})
	in.Deadlines = append(in.Deadlines, storage.DueDeadline{Deadline: storage.Deadline{CaseID: 5, ID: "x", Due: now.Add(-time.Hour)}, Ref: storage.Ref{Prefix: "CB", Number: 990}})
	s := Build(in)
	if len(s.Overdue) != 1 || len(s.DueSoon) != 1 {
		t.Fatalf("overdue %d, due soon %d: want 1 and 1", len(s.Overdue), len(s.DueSoon))
	}
}

func TestRenderGolden(t *testing.T) {
	show := func(ref storage.Ref) bot.Button {
		return bot.Button{Label: "Show " + ref.String(), Command: "/case show " + ref.String()}
	}
	s := Build(fixture())
	golden.JSON(t, "testdata/summary.json", Render(s, Options{Show: show}))

	late := Render(s, Options{Late: 20 * time.Minute})
	if want := "3 opened, 3 closed, 4 open (posted 20 min late: no replica was running at 08:40)"; !endsWith(late.Text, want) {
		t.Errorf("late summary text = %q, want it to end %q", late.Text, want)
	}
	if len(late.Buttons) != 0 {
		t.Errorf("buttons without Show: %v", late.Buttons)
	}
}

func endsWith(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func TestRenderEmpty(t *testing.T) {
	in := Input{From: now.Add(-24 * time.Hour), To: now, Zone: oslo}
	r := Render(Build(in), Options{})
	if want := "Nothing is due and nothing happened since Mon 30 Nov 09:00."; r.Text != want || len(r.Sections) != 0 {
		t.Errorf("empty summary = %q with %d sections, want %q and none", r.Text, len(r.Sections), want)
	}
}

// More deadlines than a phone screen holds end with how many more and
// the command that lists them.
func TestRenderBoundsDeadlines(t *testing.T) {
	in := Input{From: now.Add(-24 * time.Hour), To: now, Zone: oslo}
	for i := range 12 {
		c := storage.Case{ID: int64(i + 1), Ref: storage.Ref{Prefix: "CB", Number: int64(i + 1)}, Playbook: "chargeback", Status: storage.StatusOpen, OpenedAt: now.Add(-48 * time.Hour)}
		in.Cases = append(in.Cases, c)
		in.Deadlines = append(in.Deadlines, storage.DueDeadline{Deadline: storage.Deadline{CaseID: c.ID, ID: "d", Title: "Due", Due: now.Add(-time.Duration(12-i) * time.Hour)}, Ref: c.Ref})
	}
	r := Render(Build(in), Options{})
	lines := r.Sections[0].Lines
	if len(lines) != maxDueLines+1 || lines[maxDueLines] != "… and 4 more: /case due" {
		t.Fatalf("overdue lines = %q, want %d and a last line saying 4 more", lines, maxDueLines+1)
	}
	if lines[0][:5] != "CB-1 " {
		t.Errorf("first line %q, want the most overdue (CB-1) first", lines[0])
	}
}

// The summary carries its chart, whose alt text counts the days' cases.
func TestReplyAttachesChart(t *testing.T) {
	r, err := Reply(Build(fixture()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Image == nil || r.Image.Name != "chart.png" || len(r.Image.PNG) < 1000 || string(r.Image.PNG[1:4]) != "PNG" {
		t.Fatalf("image = %+v, want chart.png with PNG bytes", r.Image)
	}
	if want := "Cases opened and closed per day, 18 Nov to 1 Dec: 6 opened (chargeback 2, return 2, supplier-dispute 2), 4 closed; busiest day 1 Dec with 3 opened."; r.Image.Alt != want {
		t.Errorf("alt text = %q, want %q", r.Image.Alt, want)
	}
}

// A void case, opened by mistake, counts nowhere: the summary of the
// fixture with void cases added (one opened and voided in the period, one
// voided of an old case, with an amount and reasons) is the fixture's.
func TestBuildSkipsVoidCases(t *testing.T) {
	want := Build(fixture())
	in := fixture()
	closed := now.Add(-time.Hour)
	in.Cases = append(in.Cases,
		storage.Case{ID: 50, Ref: storage.Ref{Prefix: "CB", Number: 1050}, Playbook: "chargeback", Status: storage.StatusClosed,
			Fields: map[string]string{"reason": "fraudulent"}, Amount: eur(9900), Outcome: storage.OutcomeVoid,
			OpenedAt: now.Add(-2 * time.Hour), ClosedAt: &closed},
		storage.Case{ID: 51, Ref: storage.Ref{Prefix: "SUP", Number: 51}, Playbook: "supplier-dispute", Status: storage.StatusClosed,
			Fields: map[string]string{"supplier": "Acme Oy", "reason": "late"}, Outcome: storage.OutcomeVoid,
			OpenedAt: now.Add(-8 * 24 * time.Hour), ClosedAt: &closed})
	if got := Build(in); !reflect.DeepEqual(got, want) {
		t.Errorf("with void cases the summary changed:\n got %+v\nwant %+v", got, want)
	}
}
