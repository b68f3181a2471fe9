package playbooks

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// checkNow is the time CheckFields tests run at: Tuesday 1 December 2026,
// 23:30 UTC, already 2 December in Oslo and Kiribati.
var checkNow = time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC)

// TestCheckDateTimes reads every date-time form the help and the README
// offer, and the rules for fields that record an event.
func TestCheckDateTimes(t *testing.T) {
	pb := testPlaybook(t)
	tests := []struct {
		name, source string
		field, value string
		zone         string // the case's timezone= ("" for none)
		want         string // the value stored; "" when refused
		refused      string // part of the problem when refused
	}{
		// Every form README "Commands" and the field help offer.
		{name: "local minutes", source: "README: 2026-11-22T14:00", field: "due_by", value: "2026-11-22T14:00", want: "2026-11-22T14:00"},
		{name: "local with a space", source: "README: 2026-11-22T14:00", field: "due_by", value: "2026-11-22 14:00", want: "2026-11-22T14:00"},
		{name: "local seconds", source: "field help: with seconds", field: "due_by", value: "2026-11-22T14:00:30", want: "2026-11-22T14:00:30"},
		{name: "local zero seconds", source: "field help: with seconds", field: "due_by", value: "2026-11-22 14:00:00", want: "2026-11-22T14:00"},
		{name: "Z minutes", source: "README: 2026-11-29T23:59Z", field: "due_by", value: "2026-11-29T23:59Z", want: "2026-11-29T23:59:00Z"},
		{name: "Z seconds", source: "Stripe evidence_details.due_by", field: "due_by", value: "2026-11-29T23:59:59Z", want: "2026-11-29T23:59:59Z"},
		{name: "Z fraction", source: "RFC 3339", field: "due_by", value: "2026-11-29T23:59:59.5Z", want: "2026-11-29T23:59:59Z"},
		{name: "offset minutes", source: "README: 2026-12-02T00:30+01:00", field: "due_by", value: "2026-12-02T00:30+01:00", want: "2026-12-02T00:30:00+01:00"},
		{name: "offset seconds", source: "README: with seconds", field: "due_by", value: "2026-12-02T00:30:15+01:00", want: "2026-12-02T00:30:15+01:00"},
		{name: "offset with a space", source: "README: 2026-12-02T00:30+01:00", field: "due_by", value: "2026-12-02 00:30-05:00", want: "2026-12-02T00:30:00-05:00"},
		{name: "date alone for a deadline is its end", source: "deadline package: a date lasts until the day ends", field: "due_by", value: "2026-12-02", want: "2026-12-02T23:59"},

		// A date alone for an event that starts a short clock.
		{name: "event date alone is the start of the day", source: "Amazon Seller Central G1781: 48 hours from the request", field: "requested_on", value: "2026-11-30", want: "2026-11-30T00:00"},
		{name: "event today in oslo, still yesterday in UTC", source: "Amazon Seller Central G1781: 48 hours from the request", field: "requested_on", value: "2026-12-02T00:15", zone: "Europe/Oslo", want: "2026-12-02T00:15"},

		// Events in the future are refused.
		{name: "future event datetime", source: "Amazon Seller Central G1781: the request has happened", field: "requested_on", value: "2026-12-02T09:00", refused: "2026-12-02 09:00 UTC is in the future (it is now 2026-12-01 23:30 UTC)"},
		{name: "future event datetime with offset", source: "CPSA 15(b): the information is in hand", field: "requested_on", value: "2026-12-02T01:00+01:00", refused: "is in the future"},
		{name: "future event date alone", source: "Amazon Seller Central G1781: the request has happened", field: "requested_on", value: "2026-12-02", refused: "is in the future"},
		{name: "future delivery date", source: "Directive 2011/83/EU Art. 9: counted from possession", field: "delivered_on", value: "2026-12-03", refused: "2026-12-03 is in the future: Delivered on records when it happened"},
		{name: "delivery today somewhere", source: "Directive 2011/83/EU Art. 9: counted from possession", field: "delivered_on", value: "2026-12-02", want: "2026-12-02"},
		{name: "future deadline is fine", source: "Stripe evidence_details.due_by", field: "due_by", value: "2027-01-05T12:00Z", want: "2027-01-05T12:00:00Z"},

		{name: "day first", source: "README: YYYY-MM-DD", field: "due_by", value: "29/11/2026 23:59", refused: "not a date and time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := map[string]string{"reason": "lost", tt.field: tt.value}
			if tt.zone != "" {
				given["timezone"] = tt.zone
			}
			fields, _, err := pb.CheckFields(given, "", checkNow)
			if tt.refused != "" {
				var ps FieldProblems
				if !errors.As(err, &ps) || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("%s=%s (%s): err = %v, want a problem with %q", tt.field, tt.value, tt.source, err, tt.refused)
				}
				if fields != nil {
					t.Errorf("refused, yet fields = %v", fields)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s=%s (%s): %v", tt.field, tt.value, tt.source, err)
			}
			if got := fields[tt.field]; got != tt.want {
				t.Errorf("%s=%s (%s) stored %q, want %q", tt.field, tt.value, tt.source, got, tt.want)
			}
		})
	}
}
