package stripehook_test

import (
	"context"
	"testing"

	"github.com/disputedesk/disputedesk/internal/stripefake"
	"github.com/disputedesk/disputedesk/internal/stripehook"
)

// Every call the client makes has the shape Stripe's OpenAPI spec gives,
// as stripe-mock checks it: the reads of a dispute and a charge, and an
// update with every evidence field the bot may send, staged and submitted.
func TestClientAgainstStripeMock(t *testing.T) {
	c := stripehook.NewClient(stripefake.MockKey, stripefake.Mock(t))
	ctx := context.Background()
	d, err := c.Dispute(ctx, "dp_123")
	if err != nil || d.ID == "" || d.Charge == nil {
		t.Fatalf("retrieve dispute: %+v, %v", d, err)
	}
	if ch, err := c.Charge(ctx, d.Charge.ID); err != nil || ch.Amount == 0 || ch.Currency == "" {
		t.Fatalf("retrieve charge: %+v, %v", ch, err)
	}
	evidence := map[string]string{}
	for _, f := range c.Fields() {
		evidence[f] = "text of " + f
	}
	for _, f := range c.FileFields() {
		evidence[f] = "file_1Mock" + f[:3]
	}
	for _, submit := range []bool{false, true} {
		if _, err := c.StageEvidence(ctx, "dp_123", evidence, submit); err != nil {
			t.Errorf("update with %d evidence fields, submit=%t: %v", len(evidence), submit, err)
		}
	}
}
