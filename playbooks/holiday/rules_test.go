package holiday_test

import (
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/playbooks/holiday"
)

// TestRulesRollPastTheLawsHolidays evaluates the playbooks' rules with the
// calendar of the country whose law sets them.
func TestRulesRollPastTheLawsHolidays(t *testing.T) {
	const withdrawal = "field:delivered_on + 14 calendar days, next working day"
	tests := []struct {
		name, source  string
		rule, country string
		zone          string
		opened        string // RFC 3339, for rules from opened
		delivered     string
		team          string // DISPUTEDESK_HOLIDAYS
		want          string // RFC 3339 in zone
	}{
		{name: "Norway: 14 days ending on 17 May roll to 18 May",
			source: "Directive 2011/83/EU Art. 9; Regulation 1182/71 Art. 3(4); lov 1947 nr. 1 (17. mai)",
			rule:   withdrawal, country: "NO", zone: "Europe/Oslo", delivered: "2027-05-03",
			want: "2027-05-18T23:59:59+02:00"},
		{name: "no calendar: the same period ends on 17 May",
			source: "weekends only, as the card then says",
			rule:   withdrawal, zone: "Europe/Oslo", delivered: "2027-05-03",
			want: "2027-05-17T23:59:59+02:00"},
		{name: "Denmark: 14 days ending on Grundlovsdag roll to Monday 8 June",
			source: "Directive 2011/83/EU Art. 9; forældelsesloven § 27, stk. 2 (grundlovsdag)",
			rule:   withdrawal, country: "DK", zone: "Europe/Copenhagen", delivered: "2026-05-22",
			want: "2026-06-08T23:59:59+02:00"},
		{name: "Denmark: store bededag 2024 is a working day, no roll",
			source: "lov nr. 1 af 02/03/2023 (store bededag abolished from 2024)",
			rule:   withdrawal, country: "DK", zone: "Europe/Copenhagen", delivered: "2024-04-12",
			want: "2024-04-26T23:59:59+02:00"},
		{name: "Denmark: a date the team removed is a working day",
			source: "DISPUTEDESK_HOLIDAYS=-2026-06-05",
			rule:   withdrawal, country: "DK", zone: "Europe/Copenhagen", delivered: "2026-05-22", team: "-2026-06-05",
			want: "2026-06-05T23:59:59+02:00"},
		{name: "US: 10 CPSC business days skip Thanksgiving",
			source: "CPSA 15(b), 16 CFR 1115 (10 business days); 5 U.S.C. 6103 (Thanksgiving 26 Nov 2026)",
			rule:   "opened + 10 business days", country: "US", zone: "America/New_York", opened: "2026-11-16T09:00:00-05:00",
			want: "2026-12-01T09:00:00-05:00"},
		{name: "US: without the calendar the same period ends a day early",
			source: "weekends only",
			rule:   "opened + 10 business days", zone: "America/New_York", opened: "2026-11-16T09:00:00-05:00",
			want: "2026-11-30T09:00:00-05:00"},
		{name: "US: Fast Track's 20 working days skip Christmas and New Year",
			source: "CPSC Fast Track (16 CFR 1115; CPSC When do I need to report); 5 U.S.C. 6103",
			rule:   "opened + 20 working days", country: "US", zone: "America/New_York", opened: "2026-12-14T10:00:00-05:00",
			want: "2027-01-13T10:00:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := deadline.Parse(tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := holiday.ParseChanges(tt.team)
			if err != nil {
				t.Fatal(err)
			}
			cal, ok := holiday.ForCountry(tt.country)
			if !ok && tt.country != "" {
				t.Fatalf("no calendar for %s", tt.country)
			}
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			in := deadline.Inputs{Location: loc, Fields: map[string]string{"delivered_on": tt.delivered},
				IsHoliday: cal.With(ch).IsHoliday}
			if tt.opened != "" {
				in.Opened, _ = time.Parse(time.RFC3339, tt.opened)
			}
			res, ok, err := r.Eval(in)
			if err != nil || !ok {
				t.Fatalf("Eval = %v, %v", ok, err)
			}
			if got := res.Due.Format(time.RFC3339); got != tt.want {
				t.Errorf("due = %s, want %s (%s)", got, tt.want, tt.source)
			}
		})
	}
}
