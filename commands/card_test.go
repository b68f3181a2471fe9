package commands_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// openCard opens a chargeback from Slack and returns the opener's answer
// and the card queued for the channel.
func openCard(t *testing.T, h *harness, line string) (bot.Reply, bot.Reply) {
	t.Helper()
	r := h.slack(bot.Request{Text: line})
	msgs := h.claim("1700000001.000100")
	if len(msgs) != 1 || msgs[0].Kind != storage.OutboxCard {
		t.Fatalf("outbox after open: %+v", msgs)
	}
	return r, payload(t, msgs[0])
}

// The card's text is what a notification and a screen reader say of it:
// one sentence, which a platform may show before the card's title.
func TestCardNotificationReadsCleanly(t *testing.T) {
	h := newHarness(t)
	_, card := openCard(t, h, `/dispute chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann"`)
	if want := "<@U1KARI> opened CB-1001 (chargeback for Kari Nordmann, order 1042, EUR 49.90)"; card.Text != want {
		t.Errorf("card text %q, want %q", card.Text, want)
	}
	if strings.HasSuffix(card.Text, ".") {
		t.Errorf("card text %q ends in a period, which reads badly before the title", card.Text)
	}
}

// The thread hears what a note says, not only that there is one.
func TestNoteThreadPostHasTheNote(t *testing.T) {
	h := newHarness(t)
	openCard(t, h, "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	if r := h.slack(bot.Request{Text: "/case note CB-1001 Customer sent the tracking screenshot."}); r.Text != "Noted on CB-1001." {
		t.Errorf("the noter's answer %q", r.Text)
	}
	msgs := h.claim()
	if len(msgs) == 0 || msgs[0].Kind != storage.OutboxThread {
		t.Fatalf("outbox after a note: %+v", msgs)
	}
	if got, want := payload(t, msgs[0]).Text, "<@U1KARI> noted: Customer sent the tracking screenshot."; got != want {
		t.Errorf("thread post %q, want %q", got, want)
	}
}

// The opener sees the card once, in the channel: their own answer says
// what was opened, without a private copy of the card. The console, which
// has no channel, shows the card in the answer.
func TestOpenerSeesTheCardOnce(t *testing.T) {
	h := newHarness(t)
	r, card := openCard(t, h, "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	if r.Visibility != bot.Ephemeral || !strings.HasPrefix(r.Text, "Opened CB-1001: chargeback, order 1042, EUR 49.90.") {
		t.Errorf("opener's answer: %+v", r)
	}
	if r.Title != "" || len(r.Fields) != 0 || len(r.Sections) != 0 || len(r.Buttons) != 0 {
		t.Errorf("the opener's answer repeats the card: %+v", r)
	}
	if card.Title == "" || len(card.Buttons) == 0 {
		t.Errorf("the channel's card lost its content: %+v", card)
	}
	wantContains(t, h.send("kari", "/dispute chargeback order=1043 amount=10 currency=EUR"), "Opened CB-1002", "Next step")
}

// Each open checklist item of the next step has a button on the card that
// ticks it; a ticked item's button goes.
func TestCardTicksChecklistItems(t *testing.T) {
	h := newHarness(t)
	_, card := openCard(t, h, "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	ticks := tickButtons(card)
	if len(ticks) != 6 || ticks[0].Command != "/case check CB-1001 acknowledge 1" || ticks[0].ID != "v1:k CB-1001 acknowledge 1" ||
		!strings.Contains(ticks[0].Label, "1. Record processor") {
		t.Fatalf("tick buttons %+v, want one per item of acknowledge, by number", ticks)
	}
	if r := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: ticks[0].ID}}); !strings.Contains(r.Text, "Ticked") {
		t.Fatalf("pressing the first tick answered %q", r.Text)
	}
	var update bot.Reply
	for _, m := range h.claim() {
		if m.Kind == storage.OutboxCardUpdate {
			update = payload(t, m)
		}
	}
	for _, m := range h.claim() {
		if m.Kind == storage.OutboxCardUpdate {
			update = payload(t, m)
		}
	}
	wantContains(t, update, "[x] 1. Record processor")
	if got := tickButtons(update); len(got) != 5 || got[0].Command != "/case check CB-1001 acknowledge 2" {
		t.Errorf("after ticking item 1, tick buttons %+v", got)
	}
}

// tickButtons are a card's buttons that tick a checklist item.
func tickButtons(r bot.Reply) []bot.Button {
	var bs []bot.Button
	for _, b := range r.Buttons {
		if strings.HasPrefix(b.Command, "/case check ") {
			bs = append(bs, b)
		}
	}
	return bs
}

// The card says who has the case, and that nobody has it yet.
func TestCardShowsTheAssignee(t *testing.T) {
	h := newHarness(t)
	_, card := openCard(t, h, "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	if v := fieldOf(card, "Assignee"); v != "nobody yet" {
		t.Errorf("a new card's Assignee = %q, want nobody yet", v)
	}
	h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: "v1:a CB-1001 @me"}, User: "U2OLA"})
	var update bot.Reply
	for msgs := h.claim(); len(msgs) > 0; msgs = h.claim() {
		for _, m := range msgs {
			if m.Kind == storage.OutboxCardUpdate {
				update = payload(t, m)
			}
		}
	}
	if v := fieldOf(update, "Assignee"); v != bot.Mention("U2OLA") {
		t.Errorf("after Assign to me, the card's Assignee = %q, want %q", v, bot.Mention("U2OLA"))
	}
}

func fieldOf(r bot.Reply, label string) string {
	for _, f := range r.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

// /case help reads in a proportional font, as Slack and Discord show it: a
// bulleted list of "usage: summary", with no columns padded by spaces.
func TestHelpIsABulletedList(t *testing.T) {
	h := newHarness(t)
	help := h.slack(bot.Request{Text: "/case help"})
	if len(help.Sections) < 2 {
		t.Fatalf("help: %+v", help)
	}
	for _, sec := range help.Sections[:2] {
		for _, l := range sec.Lines {
			if !strings.HasPrefix(l, "• ") || strings.Contains(l, "   ") {
				t.Errorf("help line %q: want a bullet and no column padding", l)
			}
		}
	}
	if !slices.Contains(help.Sections[0].Lines, "• /case note REF text: Add a note to a case's timeline, or correct note N with --fix N.") {
		t.Errorf("help lacks the note line as a bullet: %q", help.Sections[0].Lines)
	}
	if !slices.Contains(help.Sections[1].Lines, "• chargeback (CB, /dispute chargeback): a customer disputed a payment with their bank or a payment processor") {
		t.Errorf("help lacks the chargeback playbook as a bullet: %q", help.Sections[1].Lines)
	}
}
