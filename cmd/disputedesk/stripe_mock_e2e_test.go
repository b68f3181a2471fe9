package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/stripefake"
)

// The real serve against stripe-mock, which answers only calls of the shape
// Stripe's OpenAPI spec gives: an event of a dispute not seen opens its
// case from the dispute stripe-mock returns, an early fraud warning reads
// its charge, and a case's evidence is staged and submitted on a lead's
// press. Stateless, stripe-mock cannot say what it got; the recording fake
// does (TestStripeEvidenceStagedAndSubmitted).
func TestStripeAgainstStripeMock(t *testing.T) {
	mock := stripefake.Mock(t)
	s := newStripeSlack(t, databases(t)["sqlite"](t), mock, stripefake.MockKey)

	// stripe-mock's dp_456: an inquiry of USD 10.00, due in 2024.
	s.post(disputeEvent("evt_1", "charge.dispute.updated", "dp_456", time.Now().Add(7*24*time.Hour)))
	if card := s.card("CB-1001"); !strings.Contains(string(card.Blocks), "USD 10.00") {
		t.Errorf("the fetched dispute's card: %s; want stripe-mock's USD 10.00", card.Blocks)
	}
	s.post(fmt.Appendf(nil, `{"id":"evt_2","object":"event","api_version":"2025-01-27.acacia","created":%d,"type":"radar.early_fraud_warning.created",
"data":{"object":{"id":"issfr_1","object":"radar.early_fraud_warning","actionable":true,"charge":"ch_1","created":%d,"fraud_type":"misc","livemode":false}}}`,
		time.Now().Unix(), time.Now().Unix()))
	s.card("CB-1002")

	s.post(disputeEvent("evt_3", "charge.dispute.created", "dp_123", time.Now().Add(7*24*time.Hour)))
	s.card("CB-1003")
	s.slash("U0OLA", `evidence CB-1003 kind=shipping_tracking_number ref="PostNord 0037"`)
	s.slash("U0OLA", `evidence CB-1003 kind=shipping_documentation ref=file_1PodScan`)
	if body := s.slash("U0OLA", "stripe stage CB-1003"); !strings.Contains(string(body), "Staged 2 evidence field(s) of CB-1003") {
		t.Fatalf("stage at stripe-mock answered %s\n%s", body, s.srv.logs.String())
	}
	actionID, value := button(s.slash("U0OLA", "stripe submit CB-1003"), "Submit to Stripe")
	if value == "" {
		t.Fatal("submit asked no approval")
	}
	s.press("U0LEAD", actionID, value, "Submitted the evidence of CB-1003 to Stripe")

	// dp_456's due_by has passed: nothing is sent.
	s.slash("U0OLA", `evidence CB-1001 kind=uncategorized_text ref="cover note"`)
	s.press("U0LEAD", actionID, strings.ReplaceAll(value, "CB-1003", "CB-1001"), "Stripe no longer takes it")
}
