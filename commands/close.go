package commands

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/internal/suggest"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// closeFields are the fields /case close understands.
var closeFields = []string{"outcome", playbooks.FieldAmount, playbooks.FieldCurrency, "note", forceField}

func (r *Router) caseClose(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	pb := r.playbook(cs)
	if cs.Status == storage.StatusClosed {
		return bot.Reply{}, userErrorf("%s is already closed (%s, %s). To change the outcome, reopen it first: /case reopen %s",
			cs.Ref, cs.Outcome, deadline.When(*cs.ClosedAt, c.zones.ofCase(cs)), cs.Ref)
	}
	for k := range c.in.Fields {
		if !slices.Contains(closeFields, k) {
			return bot.Reply{}, c.usageErrorf("/case close does not take %s=; it takes %s", k, listOf(closeFields))
		}
	}
	if extra := c.in.Args[1:]; len(extra) > 0 {
		return bot.Reply{}, c.usageErrorf("%q is not a key=value detail: put a closing note in note=\"...\"", extra[0])
	}
	outcome := strings.ToLower(c.in.Fields["outcome"])
	// A playbook no longer loaded took its outcomes with it: any word closes
	// the case, so it is not left open for ever.
	_, loaded := r.deps.Playbooks.Get(cs.Playbook)
	if !loaded && !outcomeWord.MatchString(outcome) {
		return bot.Reply{}, c.usageErrorf("playbook %s is not loaded, so its outcomes are unknown: say how %s ended with one word in outcome=, such as outcome=resolved", cs.Playbook, cs.Ref)
	}
	if outcome == "" && chatPlatform(c.req.Platform) {
		return bot.Reply{Text: "How did " + cs.Ref.String() + " end?", Form: r.closeForm(pb, cs), Visibility: bot.Ephemeral}, nil
	}
	if outcome == "" {
		return bot.Reply{}, c.usageErrorf("say how %s ended with outcome=: %s", cs.Ref, listOf(pb.OutcomeIDs()))
	}
	if loaded && !pb.HasOutcome(outcome) {
		return bot.Reply{}, c.usageErrorf("%q is not an outcome of a %s.%s Choose %s", outcome, pb.Name,
			suggest.DidYouMean(outcome, pb.OutcomeIDs(), "outcome="), listOf(pb.OutcomeIDs()))
	}
	if refused := r.needLead(c, cs, pb.OutcomeOwner(outcome), fmt.Sprintf("close %s as %s", cs.Ref, outcome)); refused != nil {
		return *refused, nil
	}
	fallback := ""
	if cs.Amount != nil {
		fallback = cs.Amount.Currency
	}
	amount, err := r.amount(c.in.Fields, fallback)
	if err != nil {
		ue := c.usageErrorf("%s", err)
		ue.Fields = map[string]string{playbooks.FieldAmount: err.Error()}
		return bot.Reply{}, ue
	}
	if force := forced(c.in.Fields); !force {
		qs, err := r.closeQuestions(ctx, c, pb, cs, outcome, amount)
		if err != nil {
			return bot.Reply{}, err
		}
		if len(qs) > 0 {
			return r.confirmClose(c, cs, qs), nil
		}
	}
	cs.Status, cs.Outcome, cs.OutcomeAmount = storage.StatusClosed, outcome, amount
	cs.ClosedAt, cs.UpdatedAt = &c.now, c.now
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventClosed,
		Body: c.in.Fields["note"], Data: map[string]string{"outcome": outcome}}
	text := fmt.Sprintf("Closed %s: %s", cs.Ref, outcome)
	if amount != nil {
		ev.Data["amount"] = money.Format(*amount)
		text += ", " + money.Format(*amount)
	}
	if err := c.tx.UpdateCase(ctx, &cs, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("close %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	reply := r.card(c, pb, cs, storage.CaseState{}) // a closed case's card shows no steps
	reply.Text = text + "."
	return reply, nil
}

func (r *Router) caseReopen(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if cs.Status != storage.StatusClosed {
		return bot.Reply{}, userErrorf("%s is open already: nothing to reopen.", cs.Ref)
	}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventReopened, Body: c.in.Rest(0),
		Data: map[string]string{"previous_outcome": cs.Outcome}}
	cs.Status, cs.Outcome, cs.OutcomeAmount = storage.StatusOpen, "", nil
	cs.ReopenedAt, cs.UpdatedAt = &c.now, c.now
	if err := c.tx.UpdateCase(ctx, &cs, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("reopen %s: %w", cs.Ref, err)
	}
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("reopen %s: %w", cs.Ref, err)
	}
	c.changed(cs, &st)
	reply := r.card(c, r.playbook(cs), cs, st)
	reply.Text = fmt.Sprintf("Reopened %s.", cs.Ref)
	return reply, nil
}

// outcomeWord is an outcome id as playbooks write them, for a case whose
// playbook is not loaded to check it against.
var outcomeWord = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
