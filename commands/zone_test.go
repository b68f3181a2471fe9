package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// asIn runs line as U1KARI in Slack channel T1/C1, whose zone Slack gives
// as zone ("" for none).
func (h *harness) asIn(zone, line string) bot.Reply {
	h.t.Helper()
	reply, err := h.router.Handle(context.Background(), &bot.Request{ID: fmt.Sprintf("zone-%d", h.n.Add(1)),
		Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", User: "U1KARI", Zone: zone, Text: line})
	if err != nil {
		h.t.Fatal(err)
	}
	return reply
}

// TestTimesInOneZone: every time shown of a case is in one zone, the
// case's, else the channel's, else the user's from the platform, else UTC,
// and says which: the card, /case list, /case due and completion labels
// agree.
func TestTimesInOneZone(t *testing.T) {
	h := newHarness(t)
	const open = `/dispute chargeback order=1042 amount=49,90 currency=EUR due_by=2026-12-01T09:00:00Z`
	h.asIn("America/New_York", open)

	show := func(zone string) string { return render(h.asIn(zone, "/case show CB-1001")) }
	for _, tc := range []struct {
		name, userZone, due, note string
	}{
		{"the user's zone", "America/New_York", "2026-12-01 04:00 EST", "Times are in America/New_York, your zone"},
		{"UTC, said", "", "2026-12-01 09:00 UTC", "Times are in UTC; give the channel its zone: /case zone Europe/Oslo"},
	} {
		card, list, due := show(tc.userZone), render(h.asIn(tc.userZone, "/case list")), render(h.asIn(tc.userZone, "/case due"))
		for what, text := range map[string]string{"card": card, "list": list, "due": due} {
			if !strings.Contains(text, tc.due) {
				t.Errorf("%s: the %s does not show the deadline as %s:\n%s", tc.name, what, tc.due, text)
			}
		}
		for what, text := range map[string]string{"list": list, "due": due} {
			if !strings.Contains(text, tc.note) {
				t.Errorf("%s: the %s does not say its zone (%q):\n%s", tc.name, what, tc.note, text)
			}
		}
	}

	// The channel's zone wins over the user's, for every reader.
	wantContains(t, h.asIn("", "/case zone europe/oslo"), `"europe/oslo" is unknown: did you mean Europe/Oslo?`)
	wantContains(t, h.asIn("", "/case zone Europe/Oslo"), "This channel's times are now shown in Europe/Oslo.")
	if s := h.settings(bot.PlatformSlack, "T1", "C1"); s.Zone != "Europe/Oslo" || s.UpdatedBy != "U1KARI" {
		t.Errorf("channel settings after /case zone: %+v", s)
	}
	wantContains(t, h.asIn("America/New_York", "/case zone"), "shown in Europe/Oslo, the channel's zone")
	for _, zone := range []string{"America/New_York", ""} {
		// Stripe's due_by, given in UTC, is shown in the zone too.
		wantContains(t, h.asIn(zone, "/case show CB-1001"), "Evidence due by: 2026-12-01 10:00 CET", "Evidence due to the processor: 2026-12-01 10:00 CET")
		wantContains(t, h.asIn(zone, "/case list"), "2026-12-01 10:00 CET", "Times are in Europe/Oslo, the channel's zone.")
		wantContains(t, h.asIn(zone, "/case due"), "CB-1001 · Evidence due", "2026-12-01 10:00 CET", "Times are in Europe/Oslo, the channel's zone.")
	}
	choices, err := h.router.Complete(context.Background(), &bot.Request{ID: "ac", Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", User: "U1KARI"},
		bot.Completion{Command: "case show", Param: "case", Typed: "CB"})
	if err != nil || len(choices) != 1 || !strings.Contains(choices[0].Label, " CET") {
		t.Errorf("completion = %+v, %v; want CB-1001 labelled with its opening in CET", choices, err)
	}

	// A case's own zone wins over the channel's; a list of only such
	// cases needs no note.
	h.asIn("", `/dispute chargeback order=2000 amount=10 currency=JPY timezone=Asia/Tokyo due_by=2026-12-01T09:00:00Z`)
	wantContains(t, h.asIn("", "/case show CB-1002"), "2026-12-01 18:00 JST")
	due := h.asIn("", "/case due")
	wantContains(t, due, "CB-1002 · Evidence due", "2026-12-01 18:00 JST", "2026-12-01 10:00 CET")
	if r := render(h.asIn("", "/case list order=2000")); !strings.Contains(r, "18:00 JST") || strings.Contains(r, "Times are in") {
		t.Errorf("a list of a case in its own zone:\n%s", r)
	}

	wantContains(t, h.asIn("", "/case zone off"), "This channel has no zone now")
	if s := h.settings(bot.PlatformSlack, "T1", "C1"); s.Zone != "" {
		t.Errorf("zone after off = %q", s.Zone)
	}
	wantContains(t, h.send("kari", "/case zone Europe/Oslo"), "The console has no channel")
}

// TestChannelZoneSetElsewhere: a zone another replica gives the channel
// shows here within half a minute; one set here shows at once.
func TestChannelZoneSetElsewhere(t *testing.T) {
	h := newHarness(t)
	h.asIn("", `/dispute chargeback order=1042 amount=49,90 currency=EUR due_by=2026-12-01T09:00:00Z`)
	wantContains(t, h.asIn("", "/case due"), "2026-12-01 09:00 UTC")
	ctx := context.Background()
	if _, _, err := h.store.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SaveChannelSettings(ctx, &storage.ChannelSettings{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", Zone: "Europe/Oslo"})
	}); err != nil {
		t.Fatal(err)
	}
	h.now = h.now.Add(31 * time.Second)
	wantContains(t, h.asIn("", "/case due"), "2026-12-01 10:00 CET", "the channel's zone")
	wantContains(t, h.asIn("", "/case zone Asia/Tokyo"), "now shown in Asia/Tokyo")
	wantContains(t, h.asIn("", "/case due"), "2026-12-01 18:00 JST")
}

// TestCaseTakesChannelZone: a case opened without timezone= in a channel
// with a zone takes it as its own, so its end-of-day deadlines end at the
// channel's midnight, not an hour later at UTC's, and stay put when the
// channel's zone changes.
func TestCaseTakesChannelZone(t *testing.T) {
	h := newHarness(t)
	wantContains(t, h.asIn("", "/case zone Europe/Copenhagen"), "now shown in Europe/Copenhagen")
	const open = `/return reason=damaged order=2231 sku=MUG-BLUE delivered_on=2026-11-16 eu_consumer=yes amount=299 currency=DKK customer="Søren Østergaard"`
	wantContains(t, h.asIn("", open), "Opened RMA-1001")
	cs, _ := h.caseState("RMA-1001")
	if got := cs.Fields["timezone"]; got != "Europe/Copenhagen" {
		t.Errorf("the case's timezone = %q, want the channel's Europe/Copenhagen", got)
	}
	wantContains(t, h.asIn("", "/case zone America/New_York"), "now shown in America/New_York")
	wantContains(t, h.asIn("", "/case show RMA-1001"), "2026-11-30 23:59 CET")
}
