package deadline

import (
	"strings"
	"testing"
	"time"

	// The tests name zones explicitly and must not depend on the machine's
	// zoneinfo files.
	_ "time/tzdata"
)

func TestEval(t *testing.T) {
	var (
		easter2026    = []string{"2026-04-02", "2026-04-03", "2026-04-06"} // Maundy Thursday, Good Friday, Easter Monday (Norway)
		christmas2026 = []string{"2026-12-25", "2026-12-26"}
		memorialDay   = []string{"2026-05-25"} // United States
	)
	tests := []struct {
		name   string
		source string // where the rule comes from (shared/DOMAIN.md)
		rule   string
		zone   string // IANA name; "" leaves Inputs.Location nil (UTC)
		opened string // RFC 3339
		fields map[string]string
		steps  map[string]string // step id: RFC 3339
		hols   []string
		want   string // RFC 3339 in the zone, with its offset; "" when nothing can be computed
		basis  string
	}{
		// Amazon A-to-z.
		{
			name: "a-to-z 48 hours", source: "Amazon Seller Central G1781: respond within 48 hours",
			rule: "opened + 48h", opened: "2026-03-05T09:30:00Z",
			want: "2026-03-07T09:30:00Z", basis: "opened + 48h",
		},
		{
			name: "a-to-z 48 hours run through a weekend", source: "Amazon Seller Central G1781: respond within 48 hours",
			rule: "opened + 48h", zone: "Europe/Oslo", opened: "2026-03-06T16:00:00+01:00",
			want: "2026-03-08T16:00:00+01:00", basis: "opened + 48h",
		},
		{
			name: "a-to-z appeal 30 calendar days from a date", source: "Amazon Seller Central G1781: appeal within 30 calendar days",
			rule: "field:claim_decided_on + 30 calendar days", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"claim_decided_on": "2026-03-02"},
			want:   "2026-04-01T23:59:59Z", basis: "field claim_decided_on + 30 calendar days",
		},

		// Stripe: evidence_details.due_by wins over a computed deadline.
		{
			name: "stripe due_by given", source: "Stripe dispute object: evidence_details.due_by",
			rule: "field:due_by or opened + 7 calendar days", zone: "America/New_York", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_by": "2026-03-12T23:59:59Z"},
			want:   "2026-03-12T19:59:59-04:00", basis: "field due_by",
		},
		{
			name: "stripe due_by missing, computed across US summer time", source: "Stripe dispute object: evidence_details.due_by (fallback: team default)",
			rule: "field:due_by or opened + 7 calendar days", zone: "America/New_York", opened: "2026-03-01T10:00:00Z",
			want: "2026-03-08T05:00:00-04:00", basis: "opened + 7 calendar days",
		},
		{
			name: "stripe due_by blank", source: "Stripe dispute object: evidence_details.due_by",
			rule: "field:due_by or opened + 7 calendar days", zone: "America/New_York", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_by": "  "},
			want:   "2026-03-08T05:00:00-04:00", basis: "opened + 7 calendar days",
		},
		{
			name: "stripe due_by with offset, no seconds", source: "Stripe dispute object: evidence_details.due_by",
			rule: "field:due_by or opened + 7 calendar days", zone: "Europe/Oslo", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_by": "2026-03-12T18:00-05:00"},
			want:   "2026-03-13T00:00:00+01:00", basis: "field due_by",
		},
		{
			name: "stripe due_by Z, no seconds", source: "Stripe dispute object: evidence_details.due_by",
			rule: "field:due_by", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_by": "2026-03-12T18:00Z"},
			want:   "2026-03-12T18:00:00Z", basis: "field due_by",
		},
		{
			name: "stripe due_by local datetime, typed with a space", source: "Stripe dispute object: evidence_details.due_by",
			rule: "field:due_by", zone: "Europe/Oslo", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_by": "2026-03-12 18:00"},
			want:   "2026-03-12T18:00:00+01:00", basis: "field due_by",
		},
		{
			name: "stripe internal margin before due_by", source: "Stripe evidence_details.due_by, less a team margin",
			rule: "field:due_by - 24h", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_by": "2026-03-12T23:59:59Z"},
			want:   "2026-03-11T23:59:59Z", basis: "field due_by - 24h",
		},
		{
			name: "stripe margin of business days before a date", source: "Stripe evidence_details.due_by, less a team margin",
			rule: "field:due_on - 2 business days", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"due_on": "2026-03-16"}, // a Monday
			want:   "2026-03-12T23:59:59Z", basis: "field due_on - 2 business days",
		},

		// PayPal: seller_response_due_date wins; 10 days is a third party's figure.
		{
			name: "paypal seller_response_due_date given", source: "PayPal disputes reference: seller_response_due_date",
			rule: "field:seller_response_due_date or opened + 10 calendar days", zone: "Europe/Oslo", opened: "2026-03-05T14:00:00+01:00",
			fields: map[string]string{"seller_response_due_date": "2026-03-15"},
			want:   "2026-03-15T23:59:59+01:00", basis: "field seller_response_due_date",
		},
		{
			name: "paypal 10 days computed", source: "PayPal help: 10 days to answer a claim (3rd-party)",
			rule: "field:seller_response_due_date or opened + 10 calendar days", zone: "Europe/Oslo", opened: "2026-03-05T14:00:00+01:00",
			want: "2026-03-15T14:00:00+01:00", basis: "opened + 10 calendar days",
		},

		// Card networks, calendar days (chargeback vendors' timelines, 3rd-party).
		{
			name: "visa 30 calendar days", source: "card networks: Visa 30 calendar days (3rd-party)",
			rule: "opened + 30 calendar days", opened: "2026-02-10T08:00:00Z",
			want: "2026-03-12T08:00:00Z", basis: "opened + 30 calendar days",
		},
		{
			name: "mastercard 45 calendar days across US end of summer time", source: "card networks: Mastercard 45 calendar days (3rd-party)",
			rule: "opened + 45 calendar days", zone: "America/New_York", opened: "2026-10-20T10:00:00-04:00",
			want: "2026-12-04T10:00:00-05:00", basis: "opened + 45 calendar days",
		},
		{
			name: "amex 20 calendar days", source: "card networks: American Express 20 calendar days (3rd-party)",
			rule: "opened + 20 calendar days", opened: "2026-06-01T12:00:00Z",
			want: "2026-06-21T12:00:00Z", basis: "opened + 20 calendar days",
		},
		{
			name: "discover 30 days", source: "card networks: Discover 30 calendar days (3rd-party)",
			rule: "opened + 30 days", zone: "UTC", opened: "2026-01-15T00:00:00Z",
			want: "2026-02-14T00:00:00Z", basis: "opened + 30 calendar days",
		},

		// EU withdrawal: 14 calendar days from delivery, rolled to the next working day.
		{
			name: "eu withdrawal 14 days ends on a monday", source: "Directive 2011/83/EU Art. 9",
			rule: "field:delivered_on + 14 calendar days, next working day", zone: "Europe/Oslo", opened: "2026-03-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-03-02"},
			want:   "2026-03-16T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu withdrawal 14th day a saturday", source: "Directive 2011/83/EU Art. 9; Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 calendar days, next working day", zone: "Europe/Oslo", opened: "2026-11-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-11-07"},
			want:   "2026-11-23T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu withdrawal 14th day saturday, long wording", source: "Directive 2011/83/EU Art. 9; Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 days, rolled to the next working day", zone: "Europe/Oslo", opened: "2026-11-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-11-07"},
			want:   "2026-11-23T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu withdrawal 14th day easter monday", source: "Directive 2011/83/EU Art. 9; Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 calendar days, next working day", zone: "Europe/Oslo", opened: "2026-03-20T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-03-23"}, hols: easter2026,
			want: "2026-04-07T23:59:59+02:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu withdrawal 14th day christmas, then a weekend", source: "Directive 2011/83/EU Art. 9; Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 calendar days, next working day", zone: "Europe/Oslo", opened: "2026-12-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-12-11"}, hols: christmas2026,
			want: "2026-12-28T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu withdrawal without holidays lands on christmas", source: "Directive 2011/83/EU Art. 9",
			rule: "field:delivered_on + 14 calendar days, next working day", zone: "Europe/Oslo", opened: "2026-12-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-12-11"},
			want:   "2026-12-25T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu withdrawal from a delivery datetime across oslo end of summer time", source: "Directive 2011/83/EU Art. 9",
			rule: "field:delivered_on + 14 calendar days, next working day", zone: "Europe/Oslo", opened: "2026-10-01T10:00:00+02:00",
			fields: map[string]string{"delivered_on": "2026-10-20T15:00"},
			want:   "2026-11-03T15:00:00+01:00", basis: "field delivered_on + 14 calendar days, next working day",
		},
		{
			name: "eu refund within 14 days of being told", source: "Directive 2011/83/EU Art. 13",
			rule: "step:withdrawal_received + 14 calendar days", zone: "Europe/Oslo", opened: "2026-04-20T09:00:00+02:00",
			steps: map[string]string{"withdrawal_received": "2026-05-04T14:20:00Z"},
			want:  "2026-05-18T16:20:00+02:00", basis: "step withdrawal_received + 14 calendar days",
		},
		{
			name: "eu refund, not told yet", source: "Directive 2011/83/EU Art. 13",
			rule: "step:withdrawal_received + 14 calendar days", zone: "Europe/Oslo", opened: "2026-04-20T09:00:00+02:00",
			steps: map[string]string{"other": "2026-05-04T14:20:00Z"},
		},

		// Calendar months and years: the same day of the month, clamped
		// to the month's last day (Regulation 1182/71 Art. 3(2)(c)).
		{
			name: "eu legal guarantee 2 years from delivery", source: "Directive (EU) 2019/771 Art. 10(1); Regulation 1182/71 Art. 3(2)(c)",
			rule: "field:delivered_on + 2 years", zone: "Europe/Oslo", opened: "2026-11-20T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2025-05-20"},
			want:   "2027-05-20T23:59:59+02:00", basis: "field delivered_on + 2 years",
		},
		{
			name: "2 years from 29 february end on 28 february", source: "Regulation 1182/71 Art. 3(2)(c)",
			rule: "field:delivered_on + 2 years", zone: "Europe/Copenhagen", opened: "2028-03-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2028-02-29"},
			want:   "2030-02-28T23:59:59+01:00", basis: "field delivered_on + 2 years",
		},
		{
			name: "1 month from 31 january ends on the last day of february", source: "Regulation 1182/71 Art. 3(2)(c)",
			rule: "field:discovered_on + 1 calendar month", zone: "Europe/Oslo", opened: "2026-02-01T10:00:00+01:00",
			fields: map[string]string{"discovered_on": "2026-01-31"},
			want:   "2026-02-28T23:59:59+01:00", basis: "field discovered_on + 1 calendar month",
		},
		{
			name: "defect notice 2 months from discovery", source: "forbrukerkjøpsloven § 27; købeloven § 83",
			rule: "field:discovered_on + 2 calendar months", zone: "Europe/Oslo", opened: "2026-11-20T10:00:00+01:00",
			fields: map[string]string{"discovered_on": "2026-11-18"},
			want:   "2027-01-18T23:59:59+01:00", basis: "field discovered_on + 2 calendar months",
		},
		{
			name: "months keep the clock time of a datetime", source: "Regulation 1182/71 Art. 3(2)(c)",
			rule: "field:notice_on + 1 calendar month", zone: "Europe/Oslo", opened: "2026-10-01T10:00:00+02:00",
			fields: map[string]string{"notice_on": "2026-10-15T15:00"},
			want:   "2026-11-15T15:00:00+01:00", basis: "field notice_on + 1 calendar month",
		},
		{
			// 15 February 2028 + 14 days is 29 February; 12 months on is
			// 28 February 2029 (clamped), not 1 March: the order matters.
			name: "eu withdrawal extended 12 months from the end of the 14 days", source: "Directive 2011/83/EU Art. 10(1); Regulation 1182/71 Art. 3(2)(c)",
			rule: "field:delivered_on + 14 calendar days + 12 calendar months, next working day", zone: "Europe/Copenhagen", opened: "2028-03-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2028-02-15"},
			want:   "2029-02-28T23:59:59+01:00", basis: "field delivered_on + 14 calendar days + 12 calendar months, next working day",
		},
		{
			name: "eu withdrawal extended, ending on a sunday, rolls to monday", source: "Directive 2011/83/EU Art. 10(1); Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 calendar days + 12 calendar months, next working day", zone: "Europe/Oslo", opened: "2026-11-20T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-11-07"},
			want:   "2027-11-22T23:59:59+01:00", basis: "field delivered_on + 14 calendar days + 12 calendar months, next working day",
		},
		{
			// The 14 days end on Saturday 21 November 2026, rolled to
			// Monday 23 November; 12 months from that end is Tuesday 23
			// November 2027, a day later than counting from the Saturday.
			name: "eu withdrawal extended from the rolled end of the 14 days", source: "Directive 2011/83/EU Art. 10(1); Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 calendar days, next working day + 12 calendar months, next working day", zone: "Europe/Oslo", opened: "2026-11-20T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-11-07"},
			want:   "2027-11-23T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day + 12 calendar months, next working day",
		},
		{
			name: "a roll between offsets skips holidays", source: "Regulation 1182/71 Art. 3(4)",
			rule: "field:delivered_on + 14 calendar days, next working day + 12 calendar months, next working day", zone: "Europe/Oslo", opened: "2026-12-01T10:00:00+01:00",
			fields: map[string]string{"delivered_on": "2026-12-11"}, hols: christmas2026,
			// 25 December 2026 (Friday, holiday) rolls to Monday 28
			// December; 28 December 2027 is a Tuesday.
			want: "2027-12-28T23:59:59+01:00", basis: "field delivered_on + 14 calendar days, next working day + 12 calendar months, next working day",
		},

		// US CPSC section 15(b).
		{
			name: "cpsc 24 hours run through a weekend", source: "CPSA 15(b), 16 CFR 1115: report within 24 hours",
			rule: "opened + 24h", zone: "America/New_York", opened: "2026-03-06T16:00:00-05:00",
			want: "2026-03-07T16:00:00-05:00", basis: "opened + 24h",
		},
		{
			name: "cpsc 24 hours across US start of summer time", source: "CPSA 15(b), 16 CFR 1115: report within 24 hours",
			rule: "opened + 24h", zone: "America/New_York", opened: "2026-03-07T12:00:00-05:00",
			want: "2026-03-08T13:00:00-04:00", basis: "opened + 24h",
		},
		{
			name: "cpsc 10 business days across two weekends", source: "16 CFR 1115: at most 10 business days to investigate",
			rule: "+ 10 business days", zone: "America/New_York", opened: "2026-03-05T11:00:00-05:00",
			want: "2026-03-19T11:00:00-04:00", basis: "opened + 10 business days",
		},
		{
			name: "cpsc 10 business days from a saturday", source: "16 CFR 1115: at most 10 business days to investigate",
			rule: "+ 10 business days", zone: "America/New_York", opened: "2026-03-07T10:00:00-05:00",
			want: "2026-03-20T10:00:00-04:00", basis: "opened + 10 business days",
		},
		{
			name: "cpsc 10 business days from a saturday date", source: "16 CFR 1115: at most 10 business days to investigate",
			rule: "field:informed_on + 10 business days", opened: "2026-03-09T10:00:00Z",
			fields: map[string]string{"informed_on": "2026-03-07"},
			want:   "2026-03-20T23:59:59Z", basis: "field informed_on + 10 business days",
		},
		{
			name: "cpsc 10 working days over memorial day", source: "16 CFR 1115: at most 10 business days to investigate",
			rule: "+ 10 working days", zone: "America/New_York", opened: "2026-05-20T09:00:00-04:00", hols: memorialDay,
			want: "2026-06-04T09:00:00-04:00", basis: "opened + 10 business days",
		},
		{
			name: "cpsc fast track 20 working days", source: "CPSC Fast Track: corrective action within 20 working days",
			rule: "+ 20 working days", opened: "2026-03-02T09:00:00Z",
			want: "2026-03-30T09:00:00Z", basis: "opened + 20 business days",
		},

		// GPSR has no number: "without undue delay" is the team's target.
		{
			name: "gpsr notify without undue delay, team target", source: "GPSR (EU) 2023/988 Art. 20 (team target, configurable)",
			rule: "opened + 2 business days", zone: "Europe/Oslo", opened: "2026-01-09T15:00:00+01:00",
			want: "2026-01-13T15:00:00+01:00", basis: "opened + 2 business days",
		},

		// Europe/Oslo leaves summer time on Sunday 25 October 2026 at 03:00.
		{
			name: "oslo 48 hours across end of summer time", source: "Amazon Seller Central G1781: 48 hours",
			rule: "opened + 48h", zone: "Europe/Oslo", opened: "2026-10-24T10:00:00+02:00",
			want: "2026-10-26T09:00:00+01:00", basis: "opened + 48h",
		},
		{
			name: "oslo 2 calendar days across end of summer time", source: "Directive 2011/83/EU Art. 9 (calendar days)",
			rule: "opened + 2 calendar days", zone: "Europe/Oslo", opened: "2026-10-24T10:00:00+02:00",
			want: "2026-10-26T10:00:00+01:00", basis: "opened + 2 calendar days",
		},
		// 02:30 happens twice in Oslo on 25 October 2026 (CEST, then CET):
		// the earlier instant, so that a clock never starts late.
		{
			name: "oslo ambiguous local time is the earlier instant", source: "Amazon Seller Central G1781: 48 hours from the request",
			rule: "field:requested_on + 48h", zone: "Europe/Oslo", opened: "2026-10-25T09:00:00+01:00",
			fields: map[string]string{"requested_on": "2026-10-25T02:30"},
			want:   "2026-10-27T01:30:00+01:00", basis: "field requested_on + 48h",
		},
		{
			name: "oslo ambiguous local due time is the earlier instant", source: "Stripe dispute object: evidence_details.due_by",
			rule: "field:due_by", zone: "Europe/Oslo", opened: "2026-10-20T09:00:00+02:00",
			fields: map[string]string{"due_by": "2026-10-25 02:30:00"},
			want:   "2026-10-25T02:30:00+02:00", basis: "field due_by",
		},
		{
			name: "new york ambiguous local time is the earlier instant", source: "CPSA 15(b), 16 CFR 1115: report within 24 hours",
			rule: "field:reportable_on + 24h", zone: "America/New_York", opened: "2026-11-01T09:00:00-05:00",
			fields: map[string]string{"reportable_on": "2026-11-01T01:30"},
			want:   "2026-11-02T00:30:00-05:00", basis: "field reportable_on + 24h",
		},
		{
			name: "oslo skipped local time moves an hour on", source: "CPSA 15(b), 16 CFR 1115: report within 24 hours",
			rule: "field:reportable_on + 24h", zone: "Europe/Oslo", opened: "2026-03-29T09:00:00+02:00",
			fields: map[string]string{"reportable_on": "2026-03-29T02:30"},
			want:   "2026-03-30T03:30:00+02:00", basis: "field reportable_on + 24h",
		},
		{
			name: "oslo date on the day summer time ends", source: "PayPal disputes reference: seller_response_due_date",
			rule: "field:seller_response_due_date", zone: "Europe/Oslo", opened: "2026-10-20T10:00:00+02:00",
			fields: map[string]string{"seller_response_due_date": "2026-10-25"},
			want:   "2026-10-25T23:59:59+01:00", basis: "field seller_response_due_date",
		},
		{
			name: "oslo date on the day summer time starts", source: "PayPal disputes reference: seller_response_due_date",
			rule: "field:seller_response_due_date", zone: "Europe/Oslo", opened: "2026-03-20T10:00:00+01:00",
			fields: map[string]string{"seller_response_due_date": "2026-03-29"},
			want:   "2026-03-29T23:59:59+02:00", basis: "field seller_response_due_date",
		},
		{
			name: "new york weeks across end of summer time", source: "Amazon Seller Central G1781 (team follow-up in weeks)",
			rule: "opened + 2 weeks", zone: "America/New_York", opened: "2026-10-28T09:00:00-04:00",
			want: "2026-11-11T09:00:00-05:00", basis: "opened + 2 weeks",
		},
		{
			name: "hours from a date run from its end", source: "Amazon Seller Central G1781: 48 hours",
			rule: "field:delivered_on + 48h", opened: "2026-03-01T10:00:00Z",
			fields: map[string]string{"delivered_on": "2026-03-02"},
			want:   "2026-03-04T23:59:59Z", basis: "field delivered_on + 48h",
		},
		{
			name: "hours rolled off a weekend", source: "Amazon Seller Central G1781: 48 hours (rolled, team choice)",
			rule: "opened + 48h, next working day", opened: "2026-03-06T20:00:00Z",
			want: "2026-03-09T20:00:00Z", basis: "opened + 48h, next working day",
		},
		{
			name: "minutes", source: "Slack: response_url works within 30 minutes",
			rule: "opened + 30m", opened: "2026-03-06T20:45:00Z",
			want: "2026-03-06T21:15:00Z", basis: "opened + 30m",
		},

		// Alternatives and step: bases.
		{
			name: "step base when the field is empty", source: "Amazon Seller Central G1781: 48 hours from the request",
			rule: "field:due_by or step:amazon_asked + 48h or opened + 7 days", zone: "UTC", opened: "2026-03-01T10:00:00Z",
			steps: map[string]string{"amazon_asked": "2026-03-03T08:15:00Z"},
			want:  "2026-03-05T08:15:00Z", basis: "step amazon_asked + 48h",
		},
		{
			name: "last alternative when step not done", source: "Amazon Seller Central G1781: 48 hours from the request",
			rule: "field:due_by or step:amazon_asked + 48h or opened + 7 days", zone: "UTC", opened: "2026-03-01T10:00:00Z",
			want: "2026-03-08T10:00:00Z", basis: "opened + 7 calendar days",
		},
		{
			name: "zero step time is not done", source: "Amazon Seller Central G1781: 48 hours from the request",
			rule: "step:amazon_asked + 48h", opened: "2026-03-01T10:00:00Z",
			steps: map[string]string{"amazon_asked": "0001-01-01T00:00:00Z"},
		},
		{
			name: "nothing computable yet", source: "Stripe evidence_details.due_by",
			rule: "field:due_by or step:acknowledge + 24h", opened: "2026-03-01T10:00:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.rule, err)
			}
			in := Inputs{Opened: instant(t, tt.opened), Fields: tt.fields, IsHoliday: Dates(tt.hols...)}
			if tt.zone != "" {
				in.Location = zone(t, tt.zone)
			}
			in.StepsDone = map[string]time.Time{}
			for id, at := range tt.steps {
				in.StepsDone[id] = instant(t, at)
			}
			got, ok, err := r.Eval(in)
			if err != nil {
				t.Fatalf("Eval (%s): %v", tt.source, err)
			}
			if tt.want == "" {
				if ok {
					t.Fatalf("Eval (%s) = %s by %q, want nothing yet", tt.source, got.Due.Format(time.RFC3339), got.Basis)
				}
				return
			}
			if !ok {
				t.Fatalf("Eval (%s) computed nothing, want %s", tt.source, tt.want)
			}
			if s := got.Due.Format(time.RFC3339); s != tt.want {
				t.Errorf("Eval (%s) due = %s, want %s", tt.source, s, tt.want)
			}
			if want := zoneName(tt.zone); got.Due.Location().String() != want {
				t.Errorf("due is in %s, want %s", got.Due.Location(), want)
			}
			if got.Basis != tt.basis {
				t.Errorf("basis = %q, want %q", got.Basis, tt.basis)
			}
		})
	}
}

// instant reads an RFC 3339 time; "" is the zero time.
func instant(tb testing.TB, s string) time.Time {
	tb.Helper()
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// zoneName is the name a result's location should have.
func zoneName(name string) string {
	if name == "" {
		return "UTC"
	}
	return strings.TrimSpace(name)
}
