package commands_test

import (
	"strings"
	"testing"
)

// TestFutureEventDatesAreRefused: a date of a past event (delivered_on, which
// starts the customer's withdrawal period, Directive 2011/83/EU Art. 9) that
// lies in the future is refused with a clear error, and nothing is stored:
// the case is not opened, and /case set changes nothing.
func TestFutureEventDatesAreRefused(t *testing.T) {
	h := newHarness(t) // now is 2026-11-22 09:30 UTC
	h.send("kari", "/return order=2231 reason=damaged eu_consumer=yes delivered_on=2026-11-20")
	before := h.snapshot()
	for _, tc := range []struct{ name, line, want string }{
		{"open", "/return order=2232 reason=damaged delivered_on=2026-11-25",
			"delivered_on=2026-11-25: 2026-11-25 is in the future: Delivered on records when it happened, so give a date up to today"},
		{"open by /case open", "/case open return order=2232 reason=late delivered_on=2027-01-01", "2027-01-01 is in the future"},
		{"set", "/case set RMA-1001 delivered_on=2026-11-24", "cannot set that on RMA-1001:\n• delivered_on=2026-11-24: 2026-11-24 is in the future"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(h.send("kari", tc.line)); !strings.Contains(got, tc.want) {
				t.Errorf("%s answered\n%s\nwant %q", tc.line, got, tc.want)
			}
			if after := h.snapshot(); after != before {
				t.Errorf("a future event date changed data:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
	// Today, somewhere on Earth, is not the future.
	if got := render(h.send("kari", "/case set RMA-1001 delivered_on=2026-11-22")); !strings.Contains(got, "Updated RMA-1001: delivered_on=2026-11-22 (was 2026-11-20)") {
		t.Errorf("today's delivery refused:\n%s", got)
	}
}

// TestHelpDateTimesAreAccepted: the date-time the chargeback's help offers
// (Stripe evidence_details.due_by, e.g. 2026-11-29T23:59Z) and an offset
// without seconds open a case and set its deadline.
func TestHelpDateTimesAreAccepted(t *testing.T) {
	h := newHarness(t)
	wantContains(t, h.send("kari", "/case open chargeback order=1042 amount=49,90 currency=EUR due_by=2026-11-29T23:59Z"),
		"Opened CB-1001", "Evidence due to the processor: 2026-11-29 23:59 UTC")
	wantContains(t, h.send("kari", "/case set CB-1001 due_by=2026-12-02T00:30+01:00"),
		"due_by=2026-12-02T00:30:00+01:00 (was 2026-11-29T23:59:00Z)", "Evidence due to the processor: 2026-12-01 23:30 UTC")
}
