package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// openFindCases opens three cases to find: two with Søren as customer,
// one of them with order 2231, and a supplier dispute.
func openFindCases(h *harness) {
	h.t.Helper()
	for _, line := range []string{
		`/return reason=damaged order=2231 sku=MUG-BLUE delivered_on=2026-11-16 eu_consumer=yes amount=299 currency=DKK customer="Søren Østergaard"`,
		`/dispute chargeback processor=stripe reason=product_not_received dispute_id=dp_1Q2w3E order=1042 amount=49,90 currency=EUR customer="SOREN Hansen" due_by=2026-12-01T23:59`,
		`/dispute supplier supplier="Shenzhen Lights Co" order=PO-5521 issue=defect amount="1 240,00" currency=EUR`,
	} {
		if r := h.send("kari", line); !strings.HasPrefix(r.Text, "Opened ") {
			h.t.Fatalf("%s: %s", line, r.Text)
		}
	}
}

func TestCaseFind(t *testing.T) {
	h := newHarness(t)
	openFindCases(h)
	h.send("kari", "/case note SUP-1001 Carrier says the pallet is at the Posten depot")
	tests := []struct {
		name, line string
		want, not  []string
	}{
		{"accents and case folded", "/case find soren", []string{"2 cases matching", "RMA-1001", "CB-1001"}, []string{"SUP-1001"}},
		{"two words", "/case find søren hansen", []string{"1 case matching", "CB-1001 · chargeback · open · SOREN Hansen · 1042"}, []string{"RMA-1001"}},
		{"dispute id", "/case find DP_1Q2W3E", []string{"CB-1001"}, []string{"RMA-1001"}},
		{"note text", "/case find posten", []string{"SUP-1001 · supplier-dispute · open · PO-5521 · Shenzhen Lights Co"}, nil},
		{"a filter", "/case find soren playbook=return", []string{"RMA-1001 · return · open · Søren Østergaard · 2231 · MUG-BLUE"}, []string{"CB-1001"}},
		{"a playbook field as filter", "/case find supplier=shenzhen", []string{"SUP-1001"}, []string{"RMA-1001"}},
		{"no match", "/case find nobody", []string{"No case matches"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAndNot(t, tt.line, render(h.send("kari", tt.line)), tt.want, tt.not) })
	}
}

func TestCaseListFilters(t *testing.T) {
	h := newHarness(t)
	openFindCases(h)
	h.send("kari", "/case assign CB-1001 @ola")
	h.send("kari", "/case close SUP-1001 outcome=credited amount=100 note=done force=yes")
	tests := []struct {
		name, line string
		want, not  []string
	}{
		{"customer", "/case list customer=soren", []string{"RMA-1001", "CB-1001"}, []string{"SUP-1001"}},
		{"order", "/case list order=1042", []string{"CB-1001"}, []string{"RMA-1001"}},
		{"assignee", "/case list assignee=@ola", []string{"CB-1001 · chargeback · open · SOREN Hansen · 1042 · @ola"}, []string{"RMA-1001"}},
		{"closed are hidden by default", "/case list supplier=shenzhen", []string{"No case matches these filters"}, nil},
		{"status=all", "/case list supplier=shenzhen status=all", []string{"SUP-1001 · supplier-dispute · closed (credited)"}, nil},
		{"status=closed", "/case list status=closed", []string{"SUP-1001"}, []string{"CB-1001"}},
		{"since in the future", "/case list since=2027-01-01", []string{"No case matches these filters"}, nil},
		{"a deadline and the time left", "/case list playbook=chargeback", []string{"CB-1001", " left"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAndNot(t, tt.line, render(h.send("kari", tt.line)), tt.want, tt.not) })
	}
}

// An unknown filter is an error that names the valid ones, never ignored.
func TestUnknownFilter(t *testing.T) {
	h := newHarness(t)
	openFindCases(h)
	for _, line := range []string{"/case list custmer=soren", "/case find soren custmer=soren"} {
		got := render(h.send("kari", line))
		for _, want := range []string{"there is no filter custmer=", "customer", "supplier", "dispute_id", "since"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: lacks %q:\n%s", line, want, got)
			}
		}
	}
	if got := render(h.send("kari", "/case list since=yesterday")); !strings.Contains(got, "not a date") {
		t.Errorf("since=yesterday:\n%s", got)
	}
	if got := render(h.send("kari", "/case list playbook=retrun")); !strings.Contains(got, "playbook=return") {
		t.Errorf("playbook=retrun: no did-you-mean:\n%s", got)
	}
}

func TestShowByOrderNumber(t *testing.T) {
	h := newHarness(t)
	openFindCases(h)
	if got := render(h.send("kari", "/case show 2231")); !strings.Contains(got, "RMA-1001") || !strings.Contains(got, "Timeline") {
		t.Errorf("/case show 2231: not the return's card:\n%s", got)
	}
	// A second case with order 1042 (the other is CB-1001): both are candidates.
	h.send("kari", `/return reason=damaged order=1042 sku=X delivered_on=2026-11-16 eu_consumer=yes amount=1 currency=DKK customer="Ola"`)
	got := render(h.send("kari", "/case show 1042"))
	for _, want := range []string{"2 cases have order 1042", "CB-1001", "RMA-1002"} {
		if !strings.Contains(got, want) {
			t.Errorf("/case show 1042 lacks %q:\n%s", want, got)
		}
	}
	if got := render(h.send("kari", "/case show 9999")); !strings.Contains(got, "no case has order 9999") {
		t.Errorf("/case show 9999:\n%s", got)
	}
}

// A workspace finds only its own cases.
func TestFindWithinWorkspace(t *testing.T) {
	h := newHarness(t)
	h.in("T1", "C1", bot.Request{Text: `/dispute supplier supplier="Shenzhen Lights Co" order=PO-5521 issue=defect amount=10 currency=EUR`})
	if got := render(h.in("T1", "C1", bot.Request{Text: "/case find shenzhen"})); !strings.Contains(got, "SUP-1001") {
		t.Errorf("T1 does not find its case:\n%s", got)
	}
	if got := render(h.in("T2", "C2", bot.Request{Text: "/case find shenzhen"})); strings.Contains(got, "SUP-1001") {
		t.Errorf("T2 finds T1's case:\n%s", got)
	}
	if got := render(h.in("T2", "C2", bot.Request{Text: "/case show PO-5521"})); strings.Contains(got, "Shenzhen") {
		t.Errorf("T2 shows T1's case by its order:\n%s", got)
	}
}

// wantAndNot checks that the answer got to line holds each of want and
// none of not.
func wantAndNot(t *testing.T, line, got string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: lacks %q:\n%s", line, w, got)
		}
	}
	for _, n := range not {
		if strings.Contains(got, n) {
			t.Errorf("%s: has %q:\n%s", line, n, got)
		}
	}
}
