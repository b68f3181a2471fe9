package stripehook_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/stripehook"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// An inquiry (warning_needs_response) on a card of a brand beyond the big
// four opens a case marked as an inquiry, with the brand kept.
func TestCreatedInquiryOfAnotherBrand(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		jcb := `,"payment_method_details":{"type":"card","card":{"brand":"jcb","network_reason_code":"","case_type":"inquiry"}}`
		if got := h.post(event("evt_1", "charge.dispute.created", "dp_1", "warning_needs_response", due, jcb, ""), secret, time.Now()); got != 200 {
			t.Fatalf("status %d; want 200", got)
		}
		c := h.only()
		for k, v := range map[string]string{"inquiry": "yes", "network": "jcb", "stripe_status": "warning_needs_response"} {
			if c.Fields[k] != v {
				t.Errorf("field %s = %q; want %q", k, c.Fields[k], v)
			}
		}
	})
}

// Funds reinstated after a won dispute go on the timeline with the amount.
func TestFundsReinstated(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		moves := `,"balance_transactions":[{"id":"txn_1","object":"balance_transaction","amount":-4999,"fee":15000,"currency":"nok"},` +
			`{"id":"txn_2","object":"balance_transaction","amount":4999,"fee":-15000,"currency":"nok"}]`
		if got := h.post(event("evt_2", "charge.dispute.funds_reinstated", "dp_1", "won", due, moves, ""), secret, time.Now()); got != 200 {
			t.Fatalf("status %d; want 200", got)
		}
		if tl := h.timeline(h.only()); !strings.Contains(tl, "Stripe reinstated NOK 49.99") {
			t.Errorf("timeline:\n%s\nwant the reinstatement with its amount", tl)
		}
	})
}

// An agent who closed the case first, with another outcome, keeps it:
// Stripe's close is noted on the timeline, not applied.
func TestClosedByAgentFirst(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		catalog, _ := playbooks.Builtin()
		router, err := commands.NewRouter(commands.Deps{Store: h.store, Playbooks: catalog, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		ref := h.only().Ref.String()
		reply, err := router.Handle(context.Background(), &bot.Request{ID: "close-1", Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1",
			User: "U1", Text: "/case close " + ref + " outcome=accepted force=yes"})
		if err != nil || !strings.Contains(reply.Text, "Closed "+ref+": accepted") {
			t.Fatalf("close by hand: %v %s", err, reply.Text)
		}
		h.post(event("evt_2", "charge.dispute.closed", "dp_1", "lost", due, "", `{"status":"needs_response"}`), secret, time.Now())
		c := h.only()
		if c.Status != storage.StatusClosed || c.Outcome != "accepted" {
			t.Errorf("case %s %s; want the agent's accepted kept", c.Status, c.Outcome)
		}
		if tl := h.timeline(c); !strings.Contains(tl, "closed already (accepted)") {
			t.Errorf("timeline:\n%s\nwant Stripe's close noted", tl)
		}
	})
}

// The card of a case Stripe opened says Stripe opened it (no user to
// mention) and shows Stripe's times as times, in the case's zone.
func TestCardCreditsStripe(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		msgs, err := h.store.ClaimOutbox(context.Background(), now.Add(time.Minute), time.Minute, 10)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("outbox = %v, %v; want the card", msgs, err)
		}
		var card bot.Reply
		if err := json.Unmarshal([]byte(msgs[0].Payload), &card); err != nil {
			t.Fatal(err)
		}
		fields := map[string]string{}
		for _, f := range card.Fields {
			fields[f.Label] = f.Value
		}
		for label, want := range map[string]string{"Opened": "2026-11-20 09:00 UTC by Stripe", "Stripe's newest event": "2026-11-20 09:01 UTC",
			"Evidence due by": "2026-12-01 23:59 UTC"} {
			if fields[label] != want {
				t.Errorf("card %s = %q; want %q", label, fields[label], want)
			}
		}
	})
}

// DISPUTEDESK_STRIPE_ORDER_KEY names the metadata key the shop keeps its
// order number under.
func TestOrderKey(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		meta := `,"metadata":{"order_id":"not-this","order_number":"A-77"}`
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, meta, ""), secret, time.Now())
		if got := h.only().Fields["order"]; got != "A-77" {
			t.Errorf("order = %q; want A-77, from metadata order_number", got)
		}
	}, func(c *stripehook.Config) { c.OrderKey = "order_number" })
}
