package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// slack sends a request as it arrives from Slack in channel C1 of T1.
func (h *harness) slack(req bot.Request) bot.Reply {
	h.t.Helper()
	return h.in("T1", "C1", req)
}

// claim takes what the outbox would deliver now, marking each sent with
// the given platform ids.
func (h *harness) claim(ids ...string) []storage.OutboxMessage {
	h.t.Helper()
	ob := h.store.(storage.Outbox)
	msgs, err := ob.ClaimOutbox(context.Background(), time.Now(), time.Minute, 10)
	if err != nil {
		h.t.Fatal(err)
	}
	for i, m := range msgs {
		id := fmt.Sprintf("1700000000.%06d", i)
		if i < len(ids) {
			id = ids[i]
		}
		if err := ob.OutboxSent(context.Background(), m.ID, storage.Posted{MessageID: id, ThreadID: id}, time.Now()); err != nil {
			h.t.Fatal(err)
		}
	}
	return msgs
}

func payload(t *testing.T, m storage.OutboxMessage) bot.Reply {
	t.Helper()
	var r bot.Reply
	if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestChatCasePostsCardThenThreadAndUpdates(t *testing.T) {
	h := newHarness(t)
	r := h.slack(bot.Request{Text: "/dispute chargeback order=1042 amount=49,90 currency=EUR"})
	if r.Visibility != bot.Ephemeral || !strings.Contains(r.Text, "Opened CB-1001") {
		t.Errorf("opener's answer: %+v", r)
	}
	msgs := h.claim("1700000001.000100")
	if len(msgs) != 1 || msgs[0].Kind != storage.OutboxCard || msgs[0].Channel != "C1" {
		t.Fatalf("outbox after open: %+v", msgs)
	}
	card := payload(t, msgs[0])
	wantContains(t, card, "@U1KARI opened CB-1001", "Next step", "acknowledge")
	if m := msgs[0]; !strings.HasPrefix(m.ThreadName, "CB-1001 · chargeback") || strings.Join(m.Tags, ",") != "chargeback,open" {
		t.Errorf("the card names its thread %q with tags %v; want CB-1001 · chargeback... and chargeback,open", m.ThreadName, m.Tags)
	}
	var commands []string
	for _, b := range card.Buttons {
		commands = append(commands, b.Command)
	}
	if got := strings.Join(commands[:min(4, len(commands))], " | "); got != "/case done CB-1001 acknowledge | /case draft CB-1001 | /case assign CB-1001 @me | /case close CB-1001" {
		t.Errorf("card buttons run %s", got)
	}

	// The button is pressed: the step is done, the thread hears of it and the card is updated.
	r = h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionRun, Value: "/case done CB-1001 acknowledge"}, User: "U2OLA"})
	if !strings.Contains(r.Text, "Done on CB-1001") {
		t.Fatalf("button press answered %q", r.Text)
	}
	thread := h.claim()
	if len(thread) != 1 || thread[0].Kind != storage.OutboxThread || thread[0].Thread != "1700000001.000100" {
		t.Fatalf("first message after the press: %+v", thread)
	}
	if got := payload(t, thread[0]).Text; !strings.HasPrefix(got, "<@U2OLA>: Done on CB-1001: Acknowledge and log the dispute.") {
		t.Errorf("thread message %q", got)
	}
	update := h.claim()
	if len(update) != 1 || update[0].Kind != storage.OutboxCardUpdate || update[0].CardMessageID != "1700000001.000100" {
		t.Fatalf("second message after the press: %+v", update)
	}
	wantContains(t, payload(t, update[0]), "gather_records")

	// A console case has no card to keep up to date.
	h.send("kari", "/dispute chargeback order=7 amount=5 currency=EUR")
	if msgs := h.claim(); len(msgs) != 0 {
		t.Errorf("a console case queued %+v", msgs)
	}
}

func TestChatFormsAskForWhatIsMissing(t *testing.T) {
	h := newHarness(t)
	r := h.slack(bot.Request{Text: "/return order=2231"})
	if r.Form == nil || r.Form.Command != "/case open return" {
		t.Fatalf("a return without its reason gave %+v", r)
	}
	var reason *bot.FormField
	for i, f := range r.Form.Fields {
		if f.Name == "order" && f.Value != "2231" {
			t.Errorf("the form lost order=2231: %+v", f)
		}
		if f.Name == "reason" {
			reason = &r.Form.Fields[i]
		}
	}
	if reason == nil || !reason.Required || len(reason.Options) != 8 {
		t.Fatalf("reason field: %+v", reason)
	}
	r = h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: r.Form.Command,
		Values: map[string]string{"order": "2231", "reason": "damaged", "customer": `Kari "K" Nordmann = VIP`, "sku": ""}}})
	wantContains(t, r, `Opened RMA-1001: return for Kari "K" Nordmann = VIP, order 2231.`)

	r = h.slack(bot.Request{Text: "/case close RMA-1001"})
	if r.Form == nil || r.Form.Command != "/case close RMA-1001" || r.Form.Fields[0].Name != "outcome" || len(r.Form.Fields[0].Options) != 6 {
		t.Fatalf("close without an outcome gave %+v", r)
	}
	r = h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: r.Form.Command, Values: map[string]string{"outcome": "replaced", "note": "Sent a new mug", "force": "yes"}}})
	wantContains(t, r, "Closed RMA-1001: replaced.")

	// In the console, which has no forms, the same commands explain themselves.
	wantContains(t, h.send("kari", "/case open"), "say which playbook to open")
	wantContains(t, h.send("kari", "/return order=1"), "reason= is required")
}

func TestThreadMessagesGoOnTheTimeline(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/return order=2231 reason=lost"})
	h.claim("1700000001.000100")
	msg := bot.Request{ID: "Ev01", Thread: "1700000001.000100", Text: "Carrier says it is in Trondheim, æøå", Permalink: "https://t1.slack.com/archives/C1/p1700000002000200"}
	if r := h.slack(msg); r.Text != "" {
		t.Errorf("the bot answered a thread message: %q", r.Text)
	}
	h.slack(msg) // Slack's retry of the same event
	h.slack(bot.Request{ID: "Ev02", Thread: "1699999999.000001", Text: "a thread of no case"})
	r := h.send("kari", "/case show RMA-1001")
	text := render(r)
	if strings.Count(text, "message: Carrier says it is in Trondheim, æøå") != 1 {
		t.Errorf("timeline should hold the message once:\n%s", text)
	}
}

func TestMentionSuggestsAPlaybook(t *testing.T) {
	h := newHarness(t)
	r := h.slack(bot.Request{Text: "customer says the parcel never arrived, order 1042", Mentioned: true})
	if r.Visibility != bot.Ephemeral || len(r.Buttons) != 1 || r.Buttons[0].Command != "/case open return order=1042" {
		t.Fatalf("suggestion: %+v", r)
	}
	wantContains(t, r, "That sounds like a return")
	r = h.slack(bot.Request{Text: "hello there", Mentioned: true})
	if len(r.Buttons) != 6 { // the five built-ins and the test drill
		t.Errorf("without a clue the bot should offer every playbook: %+v", r)
	}
	if r := h.slack(bot.Request{Text: "lunch?"}); r.Text != "" || len(r.Buttons) != 0 {
		t.Errorf("the bot answered a channel message that was not for it: %+v", r)
	}
}

// cardRefused opens RMA-1001 with a note, and has Slack refuse its card for
// good (the bot is not in the channel), which fails the note waiting on it
// too. It returns the case's id.
func (h *harness) cardRefused() int64 {
	h.t.Helper()
	ctx := context.Background()
	ob := h.store.(storage.Outbox)
	h.slack(bot.Request{Text: "/return order=1 reason=late"})
	h.slack(bot.Request{Text: "/case note RMA-1001 Called the carrier"})
	msgs, err := ob.ClaimOutbox(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(msgs) != 1 || msgs[0].Kind != storage.OutboxCard {
		h.t.Fatalf("claim: %v %+v", err, msgs)
	}
	if err := ob.OutboxFailed(ctx, msgs[0].ID, "not_in_channel"); err != nil {
		h.t.Fatal(err)
	}
	return msgs[0].CaseID
}

func TestCardThatFailedIsPostedAgainOnTheNextChange(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	caseID := h.cardRefused()
	failed, err := h.store.OutboxFailures(ctx, caseID)
	if err != nil || len(failed) != 3 {
		t.Fatalf("failures: %v %+v, want the card, the thread post and the card update", err, failed)
	}
	wantContains(t, h.send("kari", "/case show RMA-1001"), "Messages the bot could not post", "card", "not_in_channel",
		"thread", "the case card could not be posted: not_in_channel")

	// The bot is invited; the next change posts the card again.
	h.slack(bot.Request{Text: "/case note RMA-1001 Carrier found it"})
	msgs := h.claim("1700000009.000100")
	if len(msgs) != 1 || msgs[0].Kind != storage.OutboxCard {
		t.Fatalf("after the next change: %+v, want a new card", msgs)
	}
	cs, err := h.store.Case(ctx, storage.AllWorkspaces, storage.Ref{Prefix: "RMA", Number: 1001})
	if err != nil || cs.Thread != "1700000009.000100" {
		t.Errorf("case thread %q, %v", cs.Thread, err)
	}
	// The note lost with the first card follows the new one into its
	// thread; the card update lost with it does not (the new card is
	// current).
	more := h.claim()
	if len(more) != 1 || more[0].Kind != storage.OutboxThread || more[0].Thread != "1700000009.000100" ||
		!strings.Contains(payload(t, more[0]).Text, "noted: Called the carrier") {
		t.Errorf("after the repost: %+v, want the lost note in the new card's thread", more)
	}
	if more := h.claim(); len(more) != 0 {
		t.Errorf("more queued after the repost: %+v", more)
	}
}
