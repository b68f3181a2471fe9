package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// fieldValue is a valid value of a playbook field, to fill in a form.
func fieldValue(f playbooks.Field) string {
	switch f.Type {
	case playbooks.TypeEnum:
		return f.Values[0].Value
	case playbooks.TypeMoney:
		return "49,90"
	case playbooks.TypeCurrency:
		return "EUR"
	case playbooks.TypeDate:
		return "2026-11-20"
	case playbooks.TypeDateTime:
		return "2026-11-20T10:00"
	case playbooks.TypeUser:
		return "@U1KARI"
	case playbooks.TypeURL:
		return "https://example.com/1"
	}
	return "1042"
}

// actions collects the buttons and forms of replies.
type actions struct {
	buttons []bot.Button
	forms   []*bot.Form
}

func (a *actions) add(rs ...bot.Reply) {
	for _, r := range rs {
		a.buttons = append(a.buttons, r.Buttons...)
		if r.Form != nil {
			a.forms = append(a.forms, r.Form)
		}
	}
}

// press runs the button labelled label among r's, by its action id.
func (h *harness) press(r bot.Reply, label string) (bot.Reply, bool) {
	h.t.Helper()
	for _, b := range r.Buttons {
		if strings.HasPrefix(b.Label, label) {
			return h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: b.ID}}), true
		}
	}
	return bot.Reply{}, false
}

// Every button and form the bot renders carries an action id that fits
// Discord's custom_id and resolves to exactly the command it shows: the
// open-playbook chooser, mention suggestions, and, for every playbook, its
// fields form, each card of its steps, the draft buttons, the edit and
// close forms and the closed card. The walk presses ids, not command lines.
func TestEveryButtonAndFormHasAShortID(t *testing.T) {
	h := newHarness(t)
	catalog, err := playbooks.Load("testdata/playbooks")
	if err != nil {
		t.Fatal(err)
	}
	var got actions
	got.add(h.slack(bot.Request{Text: "/case open"}),
		h.slack(bot.Request{Text: "hello there", Mentioned: true}),
		h.slack(bot.Request{Text: "customer says the parcel never arrived, order 1042", Mentioned: true}),
		h.slack(bot.Request{Text: "the supplier shipped the wrong item, bestellung 77-A-3391", Mentioned: true}))
	for _, pb := range catalog.All() {
		r := h.slack(bot.Request{Text: "/case open " + pb.Name})
		if r.Form == nil {
			t.Fatalf("%s: no fields form: %+v", pb.Name, r)
		}
		got.add(r)
		values := map[string]string{}
		for _, f := range pb.Fields {
			if f.Required {
				values[f.Name] = fieldValue(f)
			}
		}
		card := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: r.Form.ID, Values: values}})
		if !strings.HasPrefix(card.Text, "Opened "+pb.Prefix+"-") {
			t.Fatalf("%s: the fields form opened nothing: %s", pb.Name, card.Text)
		}
		card = h.cardOf(t, pb.Prefix) // the opener's answer is text: the card is in the channel
		got.add(card)
		for steps := 0; ; steps++ {
			next, ok := h.press(card, "Mark ")
			if !ok {
				break
			}
			if steps > 30 || !strings.HasPrefix(next.Text, "Done on ") {
				t.Fatalf("%s: marking a step done: %s", pb.Name, next.Text)
			}
			card = h.cardOf(t, pb.Prefix)
			got.add(card)
		}
		draft, _ := h.press(card, "Draft reply")
		edit, _ := h.press(draft, "Edit")
		closeForm, _ := h.press(card, "Close")
		got.add(draft, edit, closeForm)
		if closeForm.Form == nil {
			t.Fatalf("%s: Close gave no form: %+v", pb.Name, closeForm)
		}
		closed := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: closeForm.Form.ID,
			Values: map[string]string{"outcome": pb.Outcomes[0].ID}}})
		if !strings.HasPrefix(closed.Text, "Closed ") {
			t.Fatalf("%s: the close form closed nothing: %s", pb.Name, closed.Text)
		}
		got.add(closed)
		if reopened, ok := h.press(closed, "Reopen"); !ok || !strings.HasPrefix(reopened.Text, "Reopened ") {
			t.Fatalf("%s: Reopen: %s", pb.Name, reopened.Text)
		}
	}
	if len(got.buttons) < 60 || len(got.forms) < 3*len(catalog.All()) {
		t.Fatalf("walked %d buttons and %d forms: too few", len(got.buttons), len(got.forms))
	}
	check := func(what, label, command, id string) {
		t.Helper()
		if id == "" || len(id) > bot.MaxActionID {
			t.Errorf("%s %q (%s): id %q of %d bytes", what, label, command, id, len(id))
			return
		}
		if line, err := h.router.ActionLine(id); err != nil || line != command {
			t.Errorf("%s %q: id %q resolves to %q, %v; want %q", what, label, id, line, err, command)
		}
	}
	longest := ""
	for _, b := range got.buttons {
		check("button", b.Label, b.Command, b.ID)
		if len(b.ID) > len(longest) {
			longest = b.ID
		}
	}
	t.Logf("%d buttons and %d forms; the longest id is %q, %d bytes", len(got.buttons), len(got.forms), longest, len(longest))
	for _, f := range got.forms {
		check("form", f.Title, f.Command, f.ID)
	}
}

// cardOf is the latest card the outbox would post or update for the newest
// case with prefix.
func (h *harness) cardOf(t *testing.T, prefix string) bot.Reply {
	t.Helper()
	var card bot.Reply
	for msgs := h.claim(); len(msgs) > 0; msgs = h.claim() { // a case's messages come one at a time
		for _, m := range msgs {
			if p := payload(t, m); (m.Kind == storage.OutboxCard || m.Kind == storage.OutboxCardUpdate) && strings.HasPrefix(p.Title, prefix+"-") {
				card = p
			}
		}
	}
	if !strings.HasPrefix(card.Title, prefix+"-") {
		t.Fatalf("no card of %s queued: %+v", prefix, card)
	}
	return card
}

// A suggestion whose command is too long for an id keeps its command line
// and no id: Slack carries the line, and an adapter that cannot leaves the
// button out; nothing is cut.
func TestButtonTooLongForAnID(t *testing.T) {
	h := newHarness(t)
	order := strings.Repeat("9", 120)
	r := h.slack(bot.Request{Text: "the parcel never arrived, order " + order, Mentioned: true})
	if len(r.Buttons) != 1 || r.Buttons[0].ID != "" || r.Buttons[0].Command != "/case open return order="+order {
		t.Fatalf("suggestion: %+v", r.Buttons)
	}
	form := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: r.Buttons[0].Command}})
	if form.Form == nil || form.Form.Fields[0].Name == "" {
		t.Fatalf("pressing the long button: %+v", form)
	}
}

// Buttons posted before action ids carry their command line, and keep
// working; a value that is neither an id nor a command line, an id of
// another version or of no command says the button no longer works.
func TestOldAndBrokenButtons(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/return order=2231 reason=lost"})
	if r := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: "/case assign RMA-1001 @me"}}); !strings.Contains(render(r), "assigned to @U1KARI") {
		t.Errorf("an old button: %s", r.Text)
	}
	if r := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: "/case close RMA-1001", Values: map[string]string{"outcome": "refunded", "force": "yes"}}}); !strings.HasPrefix(r.Text, "Closed RMA-1001") {
		t.Errorf("an old form: %s", r.Text)
	}
	before := h.snapshot()
	for _, v := range []string{"v1:zz RMA-1001", "v2:r RMA-1001", "v1:r  RMA-1001", "reopen RMA-1001", "", "v1:r RMA-1001\n", "v1:" + strings.Repeat("r", 120)} {
		for _, id := range []string{bot.ActionRun, bot.ActionForm} {
			r := h.slack(bot.Request{Action: &bot.Action{ID: id, Value: v}})
			if !strings.Contains(r.Text, "this button no longer works") {
				t.Errorf("%s %q: %s", id, v, r.Text)
			}
		}
	}
	if h.snapshot() != before {
		t.Error("a broken button changed something")
	}
	if r := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: "v1:r RMA-1001"}}); !strings.HasPrefix(r.Text, "Reopened RMA-1001") {
		t.Errorf("an id: %s", r.Text)
	}
	if got := h.router.CommandOf(&bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: "v1:d RMA-1001 x"}}); got != "case done" {
		t.Errorf("CommandOf an id = %q", got)
	}
}

// Posted buttons carry their command's code for as long as the message
// stays in the channel: a code is never changed or given to another command.
func TestActionCodesStay(t *testing.T) {
	want := map[string]string{
		"case open": "o", "case show": "s", "case list": "l", "case note": "n", "case assign": "a", "case close": "c",
		"case reopen": "r", "case set": "se", "case resend": "rs", "case snooze": "sz", "case steps": "st", "case done": "d", "case check": "k",
		"case uncheck": "u", "case skip": "sk", "case evidence": "e", "case due": "du", "case draft": "dr",
		"case redraft": "rd", "case edit": "ed", "case approve": "ap", "case ask": "ak",
		"case undo": "ud", "case unassign": "ua", "case void": "v", "case link": "lk", "case stripe": "sp",
	}
	for _, c := range newHarness(t).router.Commands() {
		if c.Code != want[c.Name] {
			t.Errorf("/%s has code %q, want %q", c.Name, c.Code, want[c.Name])
		}
	}
}
