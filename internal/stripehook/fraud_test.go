package stripehook_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/stripefake"
	"github.com/disputedesk/disputedesk/internal/stripehook"
	"github.com/disputedesk/disputedesk/storage"
)

// fraudWarning is a radar.early_fraud_warning.created event of charge ch.
func fraudWarning(id, warning, ch string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"object":"event","api_version":"2024-06-20","created":%d,"type":"radar.early_fraud_warning.created",
"data":{"object":{"id":%q,"object":"radar.early_fraud_warning","actionable":true,"charge":%q,"created":%d,
"fraud_type":"made_with_stolen_card","livemode":false,"payment_intent":"pi_1"}}}`, id, now.Unix(), warning, ch, now.Add(-time.Minute).Unix())
}

// withAPI gives the webhook Stripe's API, the fake.
func withAPI(fake *stripefake.Server) func(*stripehook.Config) {
	return func(c *stripehook.Config) { c.API = stripehook.NewClient(stripefake.Key, fake.URL()) }
}

func gets(fake *stripefake.Server, path string) int {
	n := 0
	for _, c := range fake.Calls() {
		if c.Method == http.MethodGet && c.Path == path {
			n++
		}
	}
	return n
}

// An early fraud warning opens a chargeback case of its own, once, with
// what the warning and its charge say and no evidence deadline; the
// dispute that follows on the charge opens its own case, linked to it.
func TestFraudWarningOpensCase(t *testing.T) {
	fake := stripefake.New(t)
	fake.SetCharge(map[string]any{"id": "ch_1", "object": "charge", "amount": 4999, "currency": "nok",
		"payment_intent": "pi_1", "metadata": map[string]string{"order_id": "1042"}})
	dialects(t, func(t *testing.T, h *hook) {
		for range 3 {
			if got := h.post(fraudWarning("evt_1", "issfr_1", "ch_1"), secret, time.Now()); got != 200 {
				t.Fatalf("status %d; want 200", got)
			}
		}
		c := h.only()
		want := map[string]string{"processor": "stripe", "fraud_warning_id": "issfr_1", "charge_id": "ch_1", "payment_intent": "pi_1",
			"fraud_type": "made_with_stolen_card", "actionable": "yes", "reason": "fraudulent", "stripe_status": "early_fraud_warning", "order": "1042"}
		for k, v := range want {
			if c.Fields[k] != v {
				t.Errorf("field %s = %q; want %q", k, c.Fields[k], v)
			}
		}
		if c.Amount == nil || *c.Amount != (storage.Money{Minor: 4999, Currency: "NOK"}) || c.Ref.Prefix != "CB" {
			t.Errorf("case %s amount %v; want a CB case of NOK 49.99", c.Ref, c.Amount)
		}
		st, err := h.store.State(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range st.Deadlines {
			if d.ID == "evidence_due" {
				t.Errorf("evidence_due %s on a warning; want none until a dispute opens", d.Due)
			}
		}

		h.post(event("evt_2", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		if n := len(h.cases()); n != 2 {
			t.Fatalf("%d cases; want the warning's and the dispute's", n)
		}
		var dispute storage.Case
		for _, x := range h.cases() {
			if x.Fields["dispute_id"] == "dp_1" {
				dispute = x
			}
		}
		st, err = h.store.State(context.Background(), dispute.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Links) != 1 || st.Links[0].Other != c.Ref {
			t.Errorf("the dispute's links %v; want %s, the warning's case", st.Links, c.Ref)
		}
		if tl := h.timeline(c); !strings.Contains(tl, "(dispute dp_1)") {
			t.Errorf("the warning's timeline:\n%s\nwant the dispute mentioned", tl)
		}
		// Both hear of it: the warning's thread, and the dispute's card.
		posts := h.delivered()
		if got := posts[c.ID]; !strings.Contains(got, "Stripe opened dispute dp_1 on this charge: "+dispute.Ref.String()) {
			t.Errorf("the warning's posts: %s; want the dispute named", got)
		}
		if got := posts[dispute.ID]; !strings.Contains(got, c.Ref.String()+" · related") {
			t.Errorf("the dispute's posts: %s; want its card to show the warning's case", got)
		}
		if !h.deadline(dispute, "evidence_due").Equal(due) {
			t.Errorf("the dispute's evidence_due %s; want %s", h.deadline(dispute, "evidence_due"), due)
		}
	}, withAPI(fake))
}

// A warning that arrives after its charge's dispute (Stripe's order is not
// guaranteed) opens no case: it is noted on the dispute's.
func TestFraudWarningAfterDispute(t *testing.T) {
	fake := stripefake.New(t)
	fake.SetCharge(map[string]any{"id": "ch_1", "object": "charge", "amount": 4999, "currency": "nok"})
	dialects(t, func(t *testing.T, h *hook) {
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		h.post(fraudWarning("evt_2", "issfr_1", "ch_1"), secret, time.Now())
		if tl := h.timeline(h.only()); !strings.Contains(tl, "early fraud warning issfr_1 (made_with_stolen_card) on this charge arrived after its dispute") {
			t.Errorf("timeline:\n%s\nwant the warning noted", tl)
		}
	}, withAPI(fake))
}

// Without STRIPE_API_KEY the warning's amount is unknown, so no case opens,
// but the warning is not lost: the Stripe channel is told once, however
// often Stripe sends it, what to check and how to have cases open.
func TestFraudWarningWithoutKey(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		for range 3 {
			if got := h.post(fraudWarning("evt_1", "issfr_1", "ch_1"), secret, time.Now()); got != 200 || len(h.cases()) != 0 {
				t.Errorf("status %d, %d cases; want 200 and none", got, len(h.cases()))
			}
		}
		msgs, err := h.store.ClaimOutbox(context.Background(), now.Add(time.Minute), time.Minute, 10)
		if err != nil || len(msgs) != 1 || msgs[0].Kind != storage.OutboxChannel || msgs[0].Channel != "C1" {
			t.Fatalf("outbox = %v, %v; want one post in C1", msgs, err)
		}
		for _, want := range []string{"issfr_1", "charge ch_1", "STRIPE_API_KEY"} {
			if !strings.Contains(msgs[0].Payload, want) {
				t.Errorf("post %s does not say %q", msgs[0].Payload, want)
			}
		}
	})
}

// With a key, an event of a dispute not seen yet opens its case from the
// dispute as Stripe holds it now; its late created changes nothing back,
// and events of a known dispute fetch nothing.
func TestUnknownDisputeFetched(t *testing.T) {
	fake := stripefake.New(t)
	later := due.Add(72 * time.Hour)
	fake.SetDispute(map[string]any{"id": "dp_1", "object": "dispute", "amount": 4999, "currency": "nok", "reason": "product_not_received",
		"status": "under_review", "charge": "ch_1", "payment_intent": "pi_1", "metadata": map[string]string{"order_id": "1042"},
		"evidence_details": map[string]any{"due_by": later.Unix()}})
	dialects(t, func(t *testing.T, h *hook) {
		withdrawn := `,"balance_transactions":[{"id":"txn_1","object":"balance_transaction","amount":-4999,"fee":15000,"currency":"nok"}]`
		h.post(event("evt_2", "charge.dispute.funds_withdrawn", "dp_1", "needs_response", due, withdrawn, ""), secret, time.Now())
		c := h.only()
		if c.Fields["stripe_status"] != "under_review" || !h.deadline(c, "evidence_due").Equal(later) {
			t.Errorf("status %s, evidence_due %s; want the fetched under_review and %s", c.Fields["stripe_status"], h.deadline(c, "evidence_due"), later)
		}
		if tl := h.timeline(c); !strings.Contains(tl, "Stripe withdrew NOK 49.99") {
			t.Errorf("timeline:\n%s\nwant the event's withdrawal", tl)
		}
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		h.post(event("evt_3", "charge.dispute.updated", "dp_1", "under_review", later, "", `{"status":"needs_response"}`), secret, time.Now())
		if c := h.only(); c.Fields["stripe_status"] != "under_review" || !h.deadline(c, "evidence_due").Equal(later) {
			t.Errorf("after the late created: %s, %s; want the fetched state kept", c.Fields["stripe_status"], h.deadline(c, "evidence_due"))
		}
		// Stripe's API cannot tell (the fake knows no dp_2): the event's own
		// dispute opens the case.
		h.post(event("evt_4", "charge.dispute.updated", "dp_2", "needs_response", due, "", `{"status":"warning_needs_response"}`), secret, time.Now())
		if n := len(h.cases()); n != 2 {
			t.Errorf("%d cases; want dp_2's opened from its event", n)
		}
	}, withAPI(fake))
	if n := gets(fake, "/v1/disputes/dp_1"); n != 2 { // once a dialect
		t.Errorf("dp_1 fetched %d times; want once a dialect, only while unknown", n)
	}
}

// delivered drains the outbox as a worker would, and returns each case's
// posts, in order.
func (h *hook) delivered() map[int64]string {
	h.t.Helper()
	ctx := context.Background()
	out := map[int64]string{}
	for {
		msgs, err := h.store.ClaimOutbox(ctx, now.Add(time.Minute), time.Minute, 50)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(msgs) == 0 {
			return out
		}
		for _, m := range msgs {
			out[m.CaseID] += m.Payload + "\n"
			if err := h.store.OutboxSent(ctx, m.ID, storage.Posted{MessageID: fmt.Sprint("m", m.ID)}, now); err != nil {
				h.t.Fatal(err)
			}
		}
	}
}
