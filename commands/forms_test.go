package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// A form submitted with a bad value names the field, so that the platform
// can show the message under it and keep the form open; the text says it
// too, for a platform that cannot.
func TestFormWithABadFieldNamesIt(t *testing.T) {
	h := newHarness(t)
	open := h.slack(bot.Request{Text: "/return order=2231"})
	if open.Form == nil {
		t.Fatalf("no form: %+v", open)
	}
	r := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: open.Form.Command,
		Values: map[string]string{"order": "2231", "reason": "damaged", "delivered_on": "yesterday-ish"}}})
	if msg := r.Invalid["delivered_on"]; !strings.Contains(msg, "delivered_on=yesterday-ish") || len(r.Invalid) != 1 {
		t.Errorf("Invalid = %q, want only delivered_on with its problem", r.Invalid)
	}
	if !strings.Contains(r.Text, "delivered_on=yesterday-ish") {
		t.Errorf("the text lost the problem: %q", r.Text)
	}
	h.slack(bot.Request{Text: "/return order=2231 reason=damaged"})
	cls := h.slack(bot.Request{Text: "/case close RMA-1001"})
	if cls.Form == nil {
		t.Fatalf("no close form: %+v", cls)
	}
	r = h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: cls.Form.Command,
		Values: map[string]string{"outcome": "refunded", "amount": "lots"}}})
	if _, ok := r.Invalid["amount"]; !ok || len(r.Invalid) != 1 {
		t.Errorf("close with amount=lots: Invalid = %q, want amount", r.Invalid)
	}
}
