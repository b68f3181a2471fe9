package commands_test

import (
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// A draft takes the length the adapter says its platform shows, not a
// length the core knows by platform.
func TestDraftTakesTheAdaptersLimit(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/return reason=damaged order=2231 customer=Kari"})
	r := h.slack(bot.Request{Text: `/case draft RMA-1001 "The mug came broken."`, MaxText: 200})
	wantContains(t, r, "Draft 1 for RMA-1001 (en, warm, offline)", "longer than the 200-character limit, so this is the brief one")
}
