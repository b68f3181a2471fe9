package commands_test

import (
	"strings"
	"testing"
	"time"
)

// TestDeadlineStatusDoesNotLie: each rule of issue 13 item 1, with its
// source, as the card and the timeline show it.
func TestDeadlineStatusDoesNotLie(t *testing.T) {
	t.Run("met late says how late (Directive 2011/83/EU Art. 13: refund within 14 days)", func(t *testing.T) {
		h := newHarness(t) // 2026-11-22 09:30 UTC: refund due 2026-12-06 09:30
		h.send("kari", "/return order=2231 reason=lost")
		h.now = h.now.Add(61 * 24 * time.Hour)
		h.send("kari", "/case done RMA-1001 refund")
		got := render(h.send("kari", "/case show RMA-1001"))
		for _, want := range []string{
			"Refund due: 2026-12-06 09:30 UTC, met 47 days late, on 2027-01-22 09:30 UTC (opened + 14 calendar days)",
			"deadline: Refund due met 47 days late",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("card lacks %q:\n%s", want, got)
			}
		}
	})

	t.Run("met in time says met (Directive 2011/83/EU Art. 13)", func(t *testing.T) {
		h := newHarness(t)
		h.send("kari", "/return order=2231 reason=lost")
		h.now = h.now.Add(24 * time.Hour)
		h.send("kari", "/case done RMA-1001 refund")
		wantContains(t, h.send("kari", "/case show RMA-1001"), "Refund due: 2026-12-06 09:30 UTC, met 2026-11-23 09:30 UTC (opened")
	})

	t.Run("a customer deadline passed before opening says so at once (Directive 2011/83/EU Art. 9)", func(t *testing.T) {
		h := newHarness(t)
		// Delivered 1 November: 14 days end on Sunday the 15th, so Monday the 16th.
		reply := h.send("kari", "/return order=2231 reason=damaged eu_consumer=yes delivered_on=2026-11-01")
		wantContains(t, reply,
			"Note: EU withdrawal period ends (the customer's deadline) had already ended: 2026-11-16 23:59 UTC, 5d 9h ago.",
			"EU withdrawal period ends (the customer's deadline): 2026-11-16 23:59 UTC, ended 5d 9h ago, before the case was opened, for information")
		wantContains(t, h.send("kari", "/case show RMA-1001"), "ended 5d 9h ago, before the case was opened, for information")
	})

	t.Run("acknowledging does not meet the customer's withdrawal period (Directive 2011/83/EU Art. 9)", func(t *testing.T) {
		h := newHarness(t)
		h.send("kari", "/return order=2231 reason=damaged eu_consumer=yes delivered_on=2026-11-20")
		h.send("kari", "/case done RMA-1001 acknowledge")
		got := render(h.send("kari", "/case show RMA-1001"))
		if !strings.Contains(got, "EU withdrawal period ends (the customer's deadline): 2026-12-04 23:59 UTC, 12d 14h left, for information") {
			t.Errorf("withdrawal period is not shown as information with the time left:\n%s", got)
		}
		if strings.Contains(got, "withdrawal period ends (the customer's deadline) met") {
			t.Errorf("acknowledging met the customer's deadline:\n%s", got)
		}
		// Once it stops applying, it says so rather than counting down.
		h2 := newHarness(t)
		h2.send("kari", "/return order=2231 reason=damaged eu_consumer=yes delivered_on=2026-11-20")
		h2.send("kari", "/case set RMA-1001 eu_consumer=no")
		wantContains(t, h2.send("kari", "/case show RMA-1001"),
			"EU withdrawal period ends (the customer's deadline): 2026-12-04 23:59 UTC, closed 2026-11-22 09:30 UTC (no longer applies to this case)")
		// It is no task of ours: /case due leaves it out, even once passed.
		h.now = h.now.Add(30 * 24 * time.Hour)
		if due := render(h.send("kari", "/case due")); strings.Contains(due, "withdrawal") || !strings.Contains(due, "Refund due") {
			t.Errorf("/case due lists the customer's deadline, or not ours:\n%s", due)
		}
	})

	t.Run("the supplier's reply deadline is met by the supplier's reply (team policy: 5 business days)", func(t *testing.T) {
		h := newHarness(t) // Sunday 22 November: 5 business days end Friday the 27th
		h.send("kari", `/dispute supplier supplier="Shenzhen Homeware" order=PO-2291 issue=defect`)
		for _, step := range []string{"gather_information", "identify_root_cause", "contact_supplier"} {
			h.send("kari", "/case done SUP-1001 "+step)
		}
		got := render(h.send("kari", "/case show SUP-1001"))
		if !strings.Contains(got, "Supplier reply due: 2026-11-27 09:30 UTC, 5d left") || strings.Contains(got, "Supplier reply due met") {
			t.Errorf("writing to the supplier met its reply deadline:\n%s", got)
		}
		// Until the reply comes, the card's next step is to chase it.
		wantContains(t, h.send("kari", "/case show SUP-1001"), "Next step\nsupplier_replied  Chase until the supplier replies", "[ ] 1. Chase the supplier before the reply deadline")
		h.now = time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
		h.send("kari", "/case done SUP-1001 supplier_replied")
		wantContains(t, h.send("kari", "/case show SUP-1001"), "Supplier reply due: 2026-11-27 09:30 UTC, met 3 days late, on 2026-11-30 09:30 UTC")
	})
}
