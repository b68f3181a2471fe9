package commands_test

import (
	"testing"

	"github.com/disputedesk/disputedesk/commands"
)

// DISPUTEDESK_CURRENCY applies to every playbook's money, also where the
// playbook requires a currency field (chargeback), and "kr" asks which
// krone is meant.
func TestDefaultCurrencyAppliesToEveryPlaybook(t *testing.T) {
	h := newHarnessWith(t, nil, func(d *commands.Deps) { d.DefaultCurrency = "EUR" })
	wantContains(t, h.send("kari", "/dispute chargeback order=1042 amount=49,90"), "Amount: EUR 49.90")
	wantContains(t, h.send("kari", "/dispute chargeback order=1043 amount=\"49,90 NOK\""), "Amount: NOK 49.90")
	wantContains(t, h.send("kari", "/return reason=damaged order=1044 amount=20"), "Amount: EUR 20.00")

	plain := newHarness(t)
	wantContains(t, plain.send("kari", "/dispute chargeback order=1045 amount=\"49,90 kr\""), "which of NOK, DKK or SEK", "49,90 NOK")
	wantContains(t, plain.send("kari", "/dispute chargeback order=1046 amount=\"49,90 kr\" currency=DKK"), "Amount: DKK 49.90")
	wantContains(t, plain.send("kari", "/dispute chargeback order=1047 amount=49,90"), "currency=")
}
