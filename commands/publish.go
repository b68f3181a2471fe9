package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// chatPlatform reports whether cases on a platform have a card and a thread
// in a channel, as opposed to the console.
func chatPlatform(platform string) bool { return platform != bot.PlatformConsole && platform != "" }

// caseChange is what a command did to a case, recorded with call.changed
// for publish: the case as the command left it, its state when the command
// holds it, whether it was opened, and what goes into its thread.
type caseChange struct {
	cs storage.Case
	// st is the case's state as the command left it; nil: publish reads it.
	st     *storage.CaseState
	opened bool
	// post is what goes into the case's thread; nil: the user's answer,
	// credited to them.
	post *bot.Reply
}

// changed records that the command changed cs, now with state st (nil when
// the command does not hold it), and returns the record to add to.
func (c *call) changed(cs storage.Case, st *storage.CaseState) *caseChange {
	c.change = &caseChange{cs: cs, st: st}
	return c.change
}

// publish queues, in the command's transaction, what the team sees of the
// change the command recorded to a case on a chat platform: a new case's
// card, or a message in the case's thread and the card updated in place,
// rendered once from the change. The user's own answer then becomes
// private, since the team sees the card and the thread, and is only its
// text when the card is posted.
func (r *Router) publish(ctx context.Context, c *call, reply *bot.Reply) error {
	ch := c.change
	if ch == nil || reply.Form != nil || !chatPlatform(ch.cs.Platform) {
		return nil // nothing changed, or a case without a card (the console's)
	}
	cs, pb := ch.cs, r.playbook(ch.cs)
	var st storage.CaseState
	switch {
	case ch.st != nil:
		st = *ch.st
	case cs.Status == storage.StatusOpen: // a closed case's card shows no steps
		var err error
		if st, err = c.tx.State(ctx, cs.ID); err != nil {
			return fmt.Errorf("publish %s: %w", cs.Ref, err)
		}
	}
	card := r.card(c, pb, cs, st)
	var cardFailed bool
	if !ch.opened && cs.CardMessageID == "" {
		var err error
		if cardFailed, err = cardFailedIn(ctx, c.tx, cs.ID); err != nil {
			return fmt.Errorf("publish %s: %w", cs.Ref, err)
		}
	}
	enqueue := func(kind storage.OutboxKind, payload bot.Reply) error {
		b, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		m := storage.OutboxMessage{CaseID: cs.ID, Platform: cs.Platform, Workspace: cs.Workspace, Channel: cs.Channel, Kind: kind, Payload: string(b)}
		// The case's own thread is named after it (also on its posts, so a
		// platform can start a thread it is missing) and its card tagged
		// with its playbook and status, where the platform has such things.
		m.ThreadName = playbooks.ThreadName(cs)
		if kind != storage.OutboxThread {
			m.Tags = []string{pb.Name, statusTag(pb, cs, st, c.now)}
		}
		if err := c.tx.Enqueue(ctx, &m); err != nil {
			return fmt.Errorf("publish %s: %w", cs.Ref, err)
		}
		c.enqueued = true
		return nil
	}
	who := c.who()
	postsCard := ch.opened || cs.CardMessageID == "" && cardFailed
	switch {
	case ch.opened:
		// The notification of the card, which Slack and Discord show
		// beside its title: one sentence, without a period to run into it.
		card.Text = fmt.Sprintf("%s opened %s (%s)", who, cs.Ref, summary(pb, cs))
		if err := enqueue(storage.OutboxCard, card); err != nil {
			return err
		}
	case cs.CardMessageID == "" && cardFailed:
		// The card never reached the channel (the bot was not in it, say):
		// this change posts it again, and the thread starts there.
		if err := enqueue(storage.OutboxCard, card); err != nil {
			return err
		}
	default:
		post := bot.Reply{Text: who + ": " + reply.Text}
		if ch.post != nil {
			post = *ch.post
		}
		if err := enqueue(storage.OutboxThread, post); err != nil {
			return err
		}
		if err := enqueue(storage.OutboxCardUpdate, card); err != nil {
			return err
		}
	}
	if postsCard {
		// The user sees the card in the channel: a private copy of it
		// above would show it twice.
		*reply = bot.Reply{Text: reply.Text}
	}
	reply.Visibility = bot.Ephemeral
	return nil
}

// who is who made the change, as the team reads it: the call's actor, or a
// mention of the request's user.
func (c *call) who() string {
	if c.actor != "" {
		return c.actor
	}
	return bot.Mention(c.req.User)
}

// Status tags, what a case's thread is labelled with where the platform has
// labels (a Discord forum post's tags), from the most to the least urgent
// that applies.
const (
	tagClosed  = "closed"
	tagOverdue = "overdue" // a deadline has passed and is not met
	tagWaiting = "waiting" // every step is finished: the outcome is awaited
	tagOpen    = "open"
)

// statusTag is the status tag of cs with state st at now.
func statusTag(pb *playbooks.Playbook, cs storage.Case, st storage.CaseState, now time.Time) string {
	if cs.Status == storage.StatusClosed {
		return tagClosed
	}
	for _, d := range st.Deadlines {
		if d.MetAt == nil && d.Due.Before(now) && !pb.IsInfo(d.ID) {
			return tagOverdue
		}
	}
	if _, next := pb.Progress(cs.Fields, st); next < 0 {
		return tagWaiting
	}
	return tagOpen
}

// cardFailed reports whether a case's card could not be posted for good,
// read in the transaction that decides to post it again.
func cardFailedIn(ctx context.Context, tx storage.Tx, caseID int64) (bool, error) {
	failed, err := tx.OutboxFailures(ctx, caseID)
	if err != nil {
		return false, fmt.Errorf("outbox failures of case %d: %w", caseID, err)
	}
	return slices.ContainsFunc(failed, func(m storage.OutboxMessage) bool { return m.Kind == storage.OutboxCard }), nil
}

// cardButtons are the actions offered on a case card.
func (r *Router) cardButtons(cs storage.Case, next *playbooks.StepView) []bot.Button {
	ref := cs.Ref.String()
	if cs.Status == storage.StatusClosed {
		return []bot.Button{r.button("Reopen", "", "case reopen", ref)}
	}
	var bs []bot.Button
	if next != nil {
		bs = append(bs, r.button("Mark "+next.ID+" done", "primary", "case done", ref, next.ID))
	}
	if _, ok := r.commands["case draft"]; ok {
		bs = append(bs, r.button("Draft reply", "", "case draft", ref))
	}
	bs = append(bs, r.button("Assign to me", "", "case assign", ref, "@me"), r.button("Close", "danger", "case close", ref))
	return append(bs, r.tickButtons(cs, next)...)
}

// maxTickButtons bounds the tick buttons on a card, so that with the others
// they stay within what Discord shows (25 buttons).
const maxTickButtons = 15

// tickButtons are a button per checklist item of the next step still to
// tick, each running /case check with the item's number (its label starts
// with it, as the checklist shows it), so that a step's checklist is worked
// through on the card.
func (r *Router) tickButtons(cs storage.Case, next *playbooks.StepView) []bot.Button {
	if next == nil {
		return nil
	}
	var bs []bot.Button
	for i, item := range next.Checklist {
		if i < len(next.Checked) && next.Checked[i] || len(bs) == maxTickButtons {
			continue
		}
		n := strconv.Itoa(i + 1)
		bs = append(bs, r.button("Tick "+n+". "+item, "", "case check", cs.Ref.String(), next.ID, n))
	}
	return bs
}

// quote writes a value so that Parse reads it back whole.
func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"'“”‘’„«»=") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, "”") + `"`
}

// fieldsForm asks for a playbook's fields, keeping the values given.
func (r *Router) fieldsForm(pb *playbooks.Playbook, given map[string]string) *bot.Form {
	f := r.form("New "+strings.ToLower(pb.Title), "Open case", "case open", []string{pb.Name})
	for _, fd := range pb.Fields {
		ff := bot.FormField{Name: fd.Name, Label: fd.LabelOrName(), Hint: fd.Help, Required: fd.Required, Value: given[fd.Name]}
		for _, v := range fd.Values {
			ff.Options = append(ff.Options, bot.Option{Value: v.Value, Label: v.Label})
		}
		f.Fields = append(f.Fields, ff)
	}
	return f
}

// closeForm asks how a case ended.
func (r *Router) closeForm(pb *playbooks.Playbook, cs storage.Case) *bot.Form {
	outcome := bot.FormField{Name: "outcome", Label: "Outcome", Required: true}
	for _, o := range pb.Outcomes {
		outcome.Options = append(outcome.Options, bot.Option{Value: o.ID, Label: o.Label})
	}
	amount := bot.FormField{Name: "amount", Label: "Amount refunded, won or credited", Hint: "Leave empty when no money moved"}
	if cs.Amount != nil {
		amount.Hint += "; in " + cs.Amount.Currency
	}
	return r.form("Close "+cs.Ref.String(), "Close case", "case close", []string{cs.Ref.String()},
		outcome, amount, bot.FormField{Name: "note", Label: "Closing note"})
}

// onlyMissing reports whether every problem is a required field left out,
// which a form can ask for.
func onlyMissing(err error) bool {
	var ps playbooks.FieldProblems
	if !errors.As(err, &ps) {
		return false
	}
	for _, p := range ps {
		if !p.Missing {
			return false
		}
	}
	return true
}
