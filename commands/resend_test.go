package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// TestResendPostsWhatFailedInOrder: the card of a case is refused for good
// (the bot was not in the channel) and the note waiting on it fails with
// it; /case resend puts both back, card first, and says so on the timeline.
func TestResendPostsWhatFailedInOrder(t *testing.T) {
	h := newHarness(t)
	h.cardRefused()
	wantContains(t, h.send("kari", "/case show RMA-1001"), "Messages the bot could not post", "/case resend RMA-1001 posts them again")

	if r := h.slack(bot.Request{Text: "/case resend RMA-1001"}); !strings.Contains(r.Text, "Posting 3 message(s) of RMA-1001 again") {
		t.Fatalf("resend: %q", r.Text)
	}
	first := h.claim("1700000009.000100")
	if len(first) != 1 || first[0].Kind != storage.OutboxCard {
		t.Fatalf("after resend: %+v, want the card first", first)
	}
	var kinds []string
	for _, m := range append(h.claim(), h.claim()...) { // one of a case's messages at a time
		kinds = append(kinds, string(m.Kind))
		if m.Kind == storage.OutboxThread && (m.Thread != "1700000009.000100" || !strings.Contains(payload(t, m).Text, "noted: Called the carrier")) {
			t.Errorf("the note went to thread %q: %+v", m.Thread, m)
		}
	}
	if strings.Join(kinds, ",") != "thread,card_update" {
		t.Errorf("after the card: %v, want the note and the card update", kinds)
	}
	wantContains(t, h.send("kari", "/case show RMA-1001"), "resent: 3 message(s) the bot could not post, sent again")

	// Nothing left to send: a clear answer, and no event.
	before := h.snapshot()
	if r := h.slack(bot.Request{Text: "/case resend RMA-1001"}); !strings.Contains(r.Text, "nothing to post again") {
		t.Errorf("second resend: %q", r.Text)
	}
	if h.snapshot() != before {
		t.Error("a resend with nothing to send changed the case")
	}
}
