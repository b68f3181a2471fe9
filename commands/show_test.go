package commands_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/golden"

	"github.com/disputedesk/disputedesk/bot/console"
)

// TestShowGolden opens a realistic case of every built-in playbook
// and compares /case show with testdata/show/NAME.txt.
func TestShowGolden(t *testing.T) {
	cases := []struct{ name, open, ref string }{
		{"chargeback", `/dispute chargeback processor=stripe reason=product_not_received dispute_id=dp_1Q2w3E order=1042 ` +
			`amount=49,90 currency=EUR customer="Kari Nordmann, Trondheim, æøå" due_by=2026-12-01T23:59 timezone=Europe/Oslo`, "CB-1001"},
		{"marketplace-claim", `/dispute marketplace marketplace=amazon claim_id=A2Z-778 reason=not_received order=114-2231 ` +
			`amount=24.99 currency=USD customer="Jo Smith" requested_on=2026-11-22T03:00 timezone=America/New_York`, "MC-1001"},
		{"return", `/return reason=damaged order=2231 sku=MUG-BLUE delivered_on=2026-11-16 eu_consumer=yes amount=299 currency=DKK ` +
			`customer="Søren Østergaard" timezone=Europe/Copenhagen`, "RMA-1001"},
		{"recall", `/recall product="Kids' night light" sku=NL-200 batch="B2311, B2312" hazard="Overheats while charging" ` +
			`jurisdiction=both severity=serious_risk`, "RCL-1001"},
		{"supplier-dispute", `/dispute supplier supplier="Shenzhen Lights Co" order=PO-5521 issue=defect amount="1 240,00" currency=EUR`, "SUP-1001"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if r := h.send("kari", tc.open); !strings.HasPrefix(r.Text, "Opened "+tc.ref+":") {
				t.Fatalf("open did not open %s:\n%s", tc.ref, r.Text)
			}
			h.now = start.Add(90 * time.Minute)
			got := console.Render(h.send("kari", "/case show "+tc.ref))
			golden.Check(t, filepath.Join("testdata", "show", tc.name+".txt"), []byte(got))
		})
	}
}
