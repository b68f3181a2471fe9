package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
)

// Drafts are numbered per case: the first draft of the second case is its
// draft 1, which approve, edit and redraft take, whatever the first case's
// drafts are numbered in the database.
func TestDraftsAreNumberedPerCase(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return reason=damaged order=1 amount=299 currency=DKK")
	h.send("kari", "/return reason=damaged order=2 amount=299 currency=DKK")
	h.send("ola", "/case draft RMA-1001")
	h.send("ola", "/case draft RMA-1001")
	r := h.send("ola", "/case draft RMA-1002")
	wantContains(t, r, "Draft 1 for RMA-1002")
	if len(r.Buttons) == 0 || r.Buttons[0].Command != "/case approve RMA-1002 1" {
		t.Errorf("buttons %+v, want approve RMA-1002 1 first", r.Buttons)
	}
	wantContains(t, h.send("ola", "/case redraft RMA-1002 1 tone=brief"), "Draft 2 for RMA-1002")
	wantContains(t, h.send("ola", "/case edit RMA-1002 2"), "Draft 2 for RMA-1002", "/case approve RMA-1002 2")
	wantContains(t, h.send("ola", "/case approve RMA-1002 1"), "Approved reply for RMA-1002")
	wantContains(t, h.send("ola", "/case approve RMA-1001 3"), "RMA-1001 has no draft 3")
}

// A draft writes money the customer's way, by its language and currency.
func TestDraftWritesMoneyTheCustomersWay(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/dispute chargeback order=1042 amount=1299 currency=NOK reason=fraudulent")
	h.send("kari", "/dispute chargeback order=1043 amount=49,90 currency=EUR reason=fraudulent")
	h.send("kari", "/dispute chargeback order=1044 amount=49,90 currency=DKK reason=fraudulent")
	wantContains(t, h.send("ola", "/case draft CB-1001 lang=nb"), "1 299,00 kr")
	wantContains(t, h.send("ola", "/case draft CB-1002 lang=en"), "€49.90")
	wantContains(t, h.send("ola", "/case draft CB-1002 lang=de"), "49,90 €")
	wantContains(t, h.send("ola", "/case draft CB-1003 lang=da"), "49,90 kr")
}

// A draft is signed with the agent's display name, when the platform
// gives one, and the shop's signature; never with a platform user id.
func TestDraftIsSignedByTheAgentAndTheShop(t *testing.T) {
	h := newHarnessWith(t, nil, func(d *commands.Deps) { d.Signature = "Nordic Cups AS" })
	h.slack(bot.Request{Text: "/return reason=damaged order=2231 amount=299 currency=NOK"})
	r := h.slack(bot.Request{Text: "/case draft RMA-1001 lang=en", UserName: "Kari Nordmann"})
	wantContains(t, r, "Kari Nordmann\nNordic Cups AS")
	r = h.slack(bot.Request{Text: "/case draft RMA-1001 lang=en"})
	if text := render(r); strings.Contains(text, "U1KARI") || !strings.Contains(text, "Nordic Cups AS") {
		t.Errorf("a draft without the agent's name is signed:\n%s", text)
	}
}

// A draft for a closed case says what was decided, not that the team is
// looking into it.
func TestDraftForAClosedCaseSaysWhatWasDecided(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/return reason=damaged order=2231 amount=299 currency=NOK")
	h.send("kari", "/case close RMA-1001 outcome=refunded force=yes")
	for lang, want := range map[string]string{"en": "refunded", "nb": "refundert", "da": "refunderet", "de": "erstattet", "sv": "återbetald"} {
		r := h.send("ola", "/case draft RMA-1001 lang="+lang)
		wantContains(t, r, want)
		for _, stale := range []string{"looking into", "send photos", "bilder av varen", "Send os billeder"} {
			if strings.Contains(render(r), stale) {
				t.Errorf("%s draft for a closed case says %q:\n%s", lang, stale, render(r))
			}
		}
	}
}
