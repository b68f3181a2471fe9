package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

func TestDraftApproveInConsole(t *testing.T) {
	h := newHarness(t)
	h.send("kari", `/return reason=damaged order=2231 customer="Kari Nordmann" amount=299 currency=DKK`)

	r := h.send("ola", `/case draft RMA-1001 "Koppen kom i stykker, og jeg er skuffet. Hva gjør dere nå?"`)
	wantContains(t, r, "Draft 1 for RMA-1001 (nb, warm, offline), only you see it.", "RMA-1001")
	if r.Visibility != bot.Ephemeral || len(r.Buttons) != 5 || r.Buttons[0].Command != "/case approve RMA-1001 1" {
		t.Errorf("draft reply: %+v", r)
	}
	if strings.Contains(render(r), "Check before sending") {
		t.Errorf("an offline draft failed the linter:\n%s", render(r))
	}

	r = h.send("ola", "/case redraft RMA-1001 1 tone=brief")
	wantContains(t, r, "Draft 2 for RMA-1001 (nb, brief, offline)")
	wantContains(t, h.send("ola", "/case edit RMA-1001 2"), `Edit it and approve with: /case approve RMA-1001 2 body="..."`)

	r = h.send("ola", `/case approve RMA-1001 2 body="Hei Kari! Beklager at koppen kom i stykker. Vi sender en ny kopp innen 2 virkedager. Saken din er RMA-1001. Hilsen Ola"`)
	wantContains(t, r, "Approved reply for RMA-1001, ready to send to the customer:", "Vi sender en ny kopp")
	wantContains(t, h.send("ola", "/case approve RMA-1001 2"), "draft 2 of RMA-1001 is already approved (by @ola")
	wantContains(t, h.send("ola", "/case show RMA-1001"),
		"@ola  draft: suggested a warm reply in nb (offline)",
		"@ola  approved: Hei Kari! Beklager at koppen kom i stykker.")

	before := h.snapshot()
	for line, want := range map[string]string{
		"/case draft RMA-1001 tone=angry": "tone=angry: choose warm, formal or brief",
		"/case draft RMA-1001 lang=fr":    "lang=:",
		"/case draft RMA-1001 colour=red": "/case draft takes tone= and lang=, not colour=",
		"/case approve RMA-1001 9":        "RMA-1001 has no draft 9",
		"/case approve RMA-1001 one":      "say which draft with its number",
		"/case redraft RMA-1001 7":        "RMA-1001 has no draft 7",
		"/case draft RMA-9999":            "there is no case RMA-9999",
	} {
		if r := h.send("ola", line); !strings.Contains(r.Text, want) {
			t.Errorf("%s\n got: %s\nwant: %s", line, r.Text, want)
		}
	}
	if h.snapshot() != before {
		t.Error("a refused draft command changed the database")
	}
}

func TestDraftApprovedInSlackGoesToTheThread(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/dispute chargeback order=1042 amount=49,90 currency=EUR reason=product_not_received"})
	h.claim("1700000001.000100")
	r := h.slack(bot.Request{Text: "/case draft CB-1001", Locale: "de-DE"}) // Slack's users.info locale
	wantContains(t, r, "Draft 1 for CB-1001 (de, warm, offline)")
	if msgs := h.claim(); len(msgs) != 0 {
		t.Errorf("a draft queued %+v: only the agent should see it", msgs)
	}
	r = h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: "/case edit CB-1001 1"}})
	if r.Form == nil || r.Form.Command != "/case approve CB-1001 1" || r.Form.Fields[0].Value == "" {
		t.Fatalf("edit in Slack: %+v", r)
	}
	edited := r.Form.Fields[0].Value + "\nMit freundlichen Grüßen"
	h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: r.Form.Command, Values: map[string]string{"body": edited}}})
	msgs := h.claim()
	if len(msgs) != 1 || msgs[0].Kind != storage.OutboxThread {
		t.Fatalf("after approval: %+v", msgs)
	}
	post := payload(t, msgs[0])
	wantContains(t, post, "@U1KARI approved a reply to the customer (draft 1, de):", "Mit freundlichen Grüßen")
}

// A recall notice names the product and the hazard from the case, and no
// banned softening word (GPSR Art. 36).
func TestRecallDraftStatesTheCaseDetails(t *testing.T) {
	h := newHarness(t)
	h.send("kari", `/recall product="Kids' night light NL-200" hazard="The charger overheats and can start a fire" jurisdiction=eu batch=B2311`)
	r := h.send("kari", "/case draft RCL-1001 lang=en")
	text := render(r)
	for _, want := range []string{"Kids' night light NL-200", "The charger overheats and can start a fire", "RCL-1001"} {
		if !strings.Contains(text, want) {
			t.Errorf("recall draft lacks %q:\n%s", want, text)
		}
	}
	for _, banned := range []string{"voluntary", "precautionary", "no accidents"} {
		if strings.Contains(strings.ToLower(text), banned) {
			t.Errorf("recall draft says %q:\n%s", banned, text)
		}
	}
}
