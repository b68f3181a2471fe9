package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// TestRetriedMentionAnsweredOnce: Slack delivers a mention again when it
// thinks we missed it; only the first delivery is answered.
func TestRetriedMentionAnsweredOnce(t *testing.T) {
	h := newHarness(t)
	mention := bot.Request{ID: "Ev07", Text: "customer says the parcel never arrived, order 1042", Mentioned: true}
	if r := h.slack(mention); !strings.Contains(r.Text, "That sounds like a return") {
		t.Fatalf("first delivery answered %q", r.Text)
	}
	for range 3 {
		if r := h.slack(mention); r.Text != "" || len(r.Buttons) != 0 {
			t.Errorf("a redelivery was answered again: %q", r.Text)
		}
	}
}
