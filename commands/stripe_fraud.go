package commands

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// FraudWarningCreated is Stripe Radar's early fraud warning: a card issuer
// reported a charge as fraud, which often becomes a fraud dispute later.
const FraudWarningCreated = "radar.early_fraud_warning.created"

const (
	fieldFraudWarning = "fraud_warning_id"
	fieldCharge       = "charge_id"
	// statusFraudWarning is the stripe_status of a warning's case: the
	// chargeback playbook computes no evidence deadline for it.
	statusFraudWarning = "early_fraud_warning"
	// fraudWarningRuns lets one transaction open a warning's case, as
	// disputeRuns does for a dispute.
	fraudWarningRuns = "stripe_fraud_warning"
)

// FraudWarning is an early fraud warning with what its charge says: the
// warning itself carries no amount or order, so the webhook reads them from
// the charge through Stripe's API.
type FraudWarning struct {
	ID, Charge, PaymentIntent string
	// FraudType is the issuer's, e.g. made_with_stolen_card.
	FraudType string
	// Actionable is set while the charge is neither disputed nor fully
	// refunded: a refund now can prevent a dispute.
	Actionable bool
	Created    time.Time
	// Amount and Order are the charge's; a zero Amount when the charge
	// could not be read (no STRIPE_API_KEY).
	Amount storage.Money
	Order  string
}

// FraudWarningEvent is one radar.early_fraud_warning.created event.
type FraudWarningEvent struct {
	ID      string // evt_...: processed once
	At      time.Time
	Warning FraudWarning
}

// ApplyFraudWarning opens a chargeback case of its own for an early fraud
// warning, once however often Stripe sends it: the lead decides to refund
// before it becomes a dispute or to watch (the playbook's fraud_warning
// step), and a dispute of the same charge later opens its case linked to
// this one.
func (r *Router) ApplyFraudWarning(ctx context.Context, to DisputeTarget, ev FraudWarningEvent) (DisputeResult, error) {
	w := ev.Warning
	if ev.ID == "" || w.ID == "" {
		return DisputeResult{}, fmt.Errorf("fraud warning event %q: not one to apply", ev.ID)
	}
	if w.Amount.Currency == "" {
		return r.applyStripe(ctx, to, ev.ID, func(c *call, pb *playbooks.Playbook) (DisputeResult, bot.Reply, error) {
			if done, res, reply, err := r.fraudWarningAfterDispute(ctx, c, pb, w); err != nil || done {
				return res, reply, err
			}
			return r.fraudWarningNotice(ctx, c, to, w)
		})
	}
	return r.applyStripe(ctx, to, ev.ID, func(c *call, pb *playbooks.Playbook) (DisputeResult, bot.Reply, error) {
		cs, err := c.tx.CaseByField(ctx, storage.AllWorkspaces, pb.Name, fieldFraudWarning, w.ID)
		if err == nil {
			return DisputeResult{Case: cs.Ref.String(), Did: "unchanged"}, bot.Reply{}, nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return DisputeResult{}, bot.Reply{}, fmt.Errorf("case of fraud warning %s: %w", w.ID, err)
		}
		if done, res, reply, err := r.fraudWarningAfterDispute(ctx, c, pb, w); err != nil || done {
			return res, reply, err
		}
		claimed, err := c.tx.ClaimRun(ctx, fraudWarningRuns, w.ID)
		if err != nil {
			return DisputeResult{}, bot.Reply{}, err
		}
		if !claimed { // another transaction opened it while we looked
			cs, err := c.tx.CaseByField(ctx, storage.AllWorkspaces, pb.Name, fieldFraudWarning, w.ID)
			if err != nil {
				return DisputeResult{}, bot.Reply{}, fmt.Errorf("case of fraud warning %s: %w", w.ID, err)
			}
			return DisputeResult{Case: cs.Ref.String(), Did: "unchanged"}, bot.Reply{}, nil
		}
		fields := map[string]string{
			"processor": "stripe", fieldFraudWarning: w.ID, fieldCharge: w.Charge, "payment_intent": w.PaymentIntent,
			"fraud_type": enumOr(pb, "fraud_type", w.FraudType, "misc"), "actionable": yesNo(w.Actionable),
			"reason": "fraudulent", "stripe_status": statusFraudWarning,
			playbooks.FieldAmount: money.Number(w.Amount), playbooks.FieldCurrency: w.Amount.Currency,
			fieldOrder: cmp.Or(w.Order, w.PaymentIntent, w.Charge, w.ID), duplicateField: "ok",
		}
		if !ev.At.IsZero() {
			fields[fieldEventAt] = ev.At.UTC().Format(time.RFC3339)
		}
		for k, v := range fields {
			if v == "" {
				delete(fields, k)
			}
		}
		c.in = Input{Fields: fields}
		reply, err := r.open(ctx, c, pb)
		if err != nil || c.change == nil {
			return DisputeResult{}, bot.Reply{}, fmt.Errorf("open case of fraud warning %s: %v %s", w.ID, err, reply.Text)
		}
		return DisputeResult{Case: c.change.cs.Ref.String(), Did: "opened"}, reply, nil
	})
}

// fraudWarningAfterDispute notes a warning that arrives after a dispute of
// its charge (Stripe's order is not guaranteed) on the dispute's case
// instead of opening one: there is nothing left to refund or watch.
func (r *Router) fraudWarningAfterDispute(ctx context.Context, c *call, pb *playbooks.Playbook, w FraudWarning) (bool, DisputeResult, bot.Reply, error) {
	if w.Charge == "" {
		return false, DisputeResult{}, bot.Reply{}, nil
	}
	cs, err := c.tx.CaseByField(ctx, storage.AllWorkspaces, pb.Name, fieldCharge, w.Charge)
	if errors.Is(err, storage.ErrNotFound) || err == nil && cs.Fields[fieldDisputeID] == "" {
		return false, DisputeResult{}, bot.Reply{}, nil
	}
	if err != nil {
		return false, DisputeResult{}, bot.Reply{}, fmt.Errorf("case of charge %s: %w", w.Charge, err)
	}
	body := fmt.Sprintf("Stripe's early fraud warning %s (%s) on this charge arrived after its dispute.", w.ID, w.FraudType)
	e := storage.Event{CaseID: cs.ID, At: c.now, Actor: stripeActor, Kind: storage.EventNote, Body: body}
	if err := c.tx.AppendEvent(ctx, &e); err != nil {
		return false, DisputeResult{}, bot.Reply{}, fmt.Errorf("note on %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	return true, DisputeResult{Case: cs.Ref.String(), Did: "noted"}, bot.Reply{Text: body}, nil
}

// fraudWarningNotice tells the Stripe channel of a warning whose charge the
// bot could not read (no STRIPE_API_KEY), so no case opens without its
// amount: a post, once however often Stripe sends the event, saying what
// to check in Stripe and how to have such warnings open cases. Without a
// chat channel to post in (the console), the event is only recorded.
func (r *Router) fraudWarningNotice(ctx context.Context, c *call, to DisputeTarget, w FraudWarning) (DisputeResult, bot.Reply, error) {
	text := fmt.Sprintf("⚠️ Stripe's early fraud warning %s: the card issuer reported charge %s as fraud (%s).", w.ID, w.Charge, cmp.Or(w.FraudType, "no type given"))
	if w.Actionable {
		text += " A refund now can prevent a dispute: decide in Stripe's Dashboard, https://dashboard.stripe.com/payments/" + w.Charge + "."
	}
	text += " No case was opened: the bot reads a charge's amount with STRIPE_API_KEY, which is not set."
	if !chatPlatform(to.Platform) {
		return DisputeResult{Did: "noted"}, bot.Reply{Text: text}, nil
	}
	payload, err := json.Marshal(bot.Reply{Text: text})
	if err != nil {
		return DisputeResult{}, bot.Reply{}, err
	}
	m := storage.OutboxMessage{Platform: to.Platform, Workspace: to.Workspace, Channel: to.Channel, Kind: storage.OutboxChannel, Payload: string(payload)}
	if err := c.tx.Enqueue(ctx, &m); err != nil {
		return DisputeResult{}, bot.Reply{}, fmt.Errorf("post fraud warning %s: %w", w.ID, err)
	}
	c.enqueued = true
	return DisputeResult{Did: "posted"}, bot.Reply{Text: text}, nil
}

// fraudWarningCase is the case of an early fraud warning on charge, if
// there is one; looked up before the dispute's own case opens, which has
// the same charge_id.
func fraudWarningCase(ctx context.Context, c *call, pb *playbooks.Playbook, charge string) (storage.Case, bool, error) {
	if charge == "" {
		return storage.Case{}, false, nil
	}
	cs, err := c.tx.CaseByField(ctx, storage.AllWorkspaces, pb.Name, fieldCharge, charge)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Case{}, false, nil
	}
	if err != nil {
		return storage.Case{}, false, fmt.Errorf("fraud warning of charge %s: %w", charge, err)
	}
	return cs, cs.Fields[fieldFraudWarning] != "", nil
}

// linkFraudWarning links a dispute's new case to the case of the early
// fraud warning on its charge, both ways, and tells the warning's thread;
// cases of two workspaces (DISPUTEDESK_STRIPE_CHANNEL changed between
// them) cannot be linked, and are only mentioned. It returns the sentence
// for the dispute's case.
func (r *Router) linkFraudWarning(ctx context.Context, c *call, cs, warning storage.Case, dispute string) (string, error) {
	opened := c.change
	text := fmt.Sprintf("It follows the early fraud warning %s on the same charge.", warning.Ref)
	body := fmt.Sprintf("Stripe opened dispute %s on this charge: %s.", dispute, cs.Ref)
	if cs.Platform == warning.Platform && cs.Workspace == warning.Workspace {
		l := storage.CaseLink{CaseID: cs.ID, OtherID: warning.ID, Kind: storage.LinkRelated, By: stripeActor, At: c.now}
		ev := storage.Event{At: c.now, Actor: stripeActor, Kind: storage.EventLinked, Body: fmt.Sprintf("%s %s (early fraud warning)", storage.LinkRelated, warning.Ref),
			Data: map[string]string{"other": warning.Ref.String(), "kind": string(storage.LinkRelated)}}
		otherEv := storage.Event{At: c.now, Actor: stripeActor, Kind: storage.EventLinked, Body: fmt.Sprintf("%s %s (dispute %s)", storage.LinkRelated, cs.Ref, dispute),
			Data: map[string]string{"other": cs.Ref.String(), "kind": string(storage.LinkRelated)}}
		if err := c.tx.LinkCases(ctx, l, &ev, &otherEv); err != nil {
			return "", fmt.Errorf("link %s to %s: %w", cs.Ref, warning.Ref, err)
		}
	} else {
		e := storage.Event{CaseID: warning.ID, At: c.now, Actor: stripeActor, Kind: storage.EventNote, Body: body}
		if err := c.tx.AppendEvent(ctx, &e); err != nil {
			return "", fmt.Errorf("note on %s: %w", warning.Ref, err)
		}
	}
	c.changed(warning, nil)
	if err := r.publish(ctx, c, &bot.Reply{Text: body}); err != nil {
		return "", err
	}
	// The dispute's new case stays the change: its card is posted, with the
	// link, so with its state read again.
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return "", fmt.Errorf("link %s: %w", cs.Ref, err)
	}
	opened.st, c.change = &st, opened
	return text, nil
}
