package commands

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// Stripe's dispute events that ApplyDispute understands.
const (
	DisputeCreated         = "charge.dispute.created"
	DisputeUpdated         = "charge.dispute.updated"
	DisputeClosed          = "charge.dispute.closed"
	DisputeFundsWithdrawn  = "charge.dispute.funds_withdrawn"
	DisputeFundsReinstated = "charge.dispute.funds_reinstated"
)

// DisputeEvents lists the event types ApplyDispute takes; a webhook answers
// others without storing anything.
var DisputeEvents = []string{DisputeCreated, DisputeUpdated, DisputeClosed, DisputeFundsWithdrawn, DisputeFundsReinstated}

// RequestPlatformStripe is the platform of the request keys of Stripe's
// events (their evt_ ids), so that each is processed once.
const RequestPlatformStripe = "stripe"

// The chargeback playbook's fields the webhook relies on.
const (
	fieldDisputeID     = "dispute_id"
	fieldOrder         = "order"
	fieldDueBy         = "due_by"
	fieldDisputeOpened = "dispute_opened_on"
	fieldEventAt       = "stripe_event_at"
)

// stripeActor is who Stripe's changes are credited to on the timeline.
const stripeActor = "stripe"

// disputeRuns is the ClaimRun job that lets one transaction open the case
// of a dispute: two events of one dispute arriving at once (a created and
// an updated) would otherwise both find no case and open two.
const disputeRuns = "stripe_dispute"

// Dispute is a payment processor's dispute as its webhook reports it, in the
// bot's own terms: the webhook package is the only one that reads Stripe's
// JSON, and cases change from this.
type Dispute struct {
	ID, Charge, PaymentIntent string
	Amount                    storage.Money
	Reason, NetworkReasonCode string
	CardBrand                 string
	// Status is Stripe's: warning_* for an inquiry, needs_response,
	// under_review, won, lost, prevented.
	Status  string
	DueBy   time.Time // zero when no response is possible
	Created time.Time
	// Order is the shop's order number from the payment's metadata; empty
	// when the metadata has none.
	Order      string
	Refundable bool
}

// DisputeEvent is one webhook event about a dispute. Every event carries the
// whole dispute as it is now, so an event for a dispute not seen before
// opens its case: Stripe does not promise the order of its events.
type DisputeEvent struct {
	ID   string // evt_...: processed once
	Type string // one of DisputeEvents
	// At is when Stripe created the event: details from an event older
	// than the newest applied are not applied (Stripe's order is not
	// guaranteed).
	At      time.Time
	Dispute Dispute
	// Changed names the attributes the event changed (Stripe's
	// previous_attributes), for the timeline.
	Changed []string
	// Funds and Fee are the balance movement of a funds_* event.
	Funds, Fee *storage.Money
}

// DisputeTarget is where the cases the webhook opens go: a channel of a
// platform's workspace, or the console.
type DisputeTarget struct{ Platform, Workspace, Channel string }

// DisputeResult says what an event did to which case.
type DisputeResult struct {
	Case string `json:"case"`
	// Did is opened, updated, closed, noted or unchanged.
	Did string `json:"did"`
	// Replayed is set when the event had been processed before.
	Replayed bool `json:"-"`
}

// ApplyDispute opens or changes the case of ev's dispute, in one transaction
// with the record of ev's id, so that Stripe's retries (for days, in any
// order) change nothing twice; the team sees the case's card and thread
// through the outbox as for a case opened in chat.
func (r *Router) ApplyDispute(ctx context.Context, to DisputeTarget, ev DisputeEvent) (DisputeResult, error) {
	if !slices.Contains(DisputeEvents, ev.Type) || ev.ID == "" || ev.Dispute.ID == "" {
		return DisputeResult{}, fmt.Errorf("dispute event %q of type %q: not one to apply", ev.ID, ev.Type)
	}
	return r.applyStripe(ctx, to, ev.ID, func(c *call, pb *playbooks.Playbook) (DisputeResult, bot.Reply, error) {
		return r.applyDispute(ctx, c, pb, ev)
	})
}

// DisputeKnown reports whether the webhook opened the case of dispute id
// already, so that an event that is not its created may fetch the dispute
// from Stripe first.
func (r *Router) DisputeKnown(ctx context.Context, id string) (bool, error) {
	claimed, err := r.deps.Store.ClaimedRuns(ctx, disputeRuns, []string{id})
	if err != nil {
		return false, fmt.Errorf("dispute %s: %w", id, err)
	}
	return claimed[id], nil
}

// applyStripe runs apply on the chargeback playbook in one transaction with
// the record of Stripe's event id, and publishes what it changed.
func (r *Router) applyStripe(ctx context.Context, to DisputeTarget, eventID string, apply func(*call, *playbooks.Playbook) (DisputeResult, bot.Reply, error)) (DisputeResult, error) {
	pb, ok := r.deps.Playbooks.Get("chargeback")
	if !ok {
		return DisputeResult{}, errors.New("stripe event: no chargeback playbook")
	}
	ctx, cancel := context.WithTimeout(ctx, r.deps.Timeout)
	defer cancel()
	req := &bot.Request{ID: eventID, Platform: to.Platform, Workspace: to.Workspace, Channel: to.Channel, User: stripeActor}
	c := &call{cmd: &Command{Name: "stripe webhook"}, req: req, now: r.deps.Now().UTC(),
		scope: storage.WorkspaceScope(to.Platform, to.Workspace), actor: "Stripe", zones: r.zonesFor(ctx, req)}
	var res DisputeResult
	resp, replayed, err := r.deps.Store.Update(ctx, storage.RequestKey{Platform: RequestPlatformStripe, ID: eventID}, func(tx storage.Tx) ([]byte, error) {
		c.tx, c.enqueued, c.change = tx, false, nil
		var reply bot.Reply
		var err error
		if res, reply, err = apply(c, pb); err != nil {
			return nil, err
		}
		if err := r.publish(ctx, c, &reply); err != nil {
			return nil, err
		}
		return json.Marshal(res)
	})
	if err != nil {
		return DisputeResult{}, fmt.Errorf("stripe event %s: %w", eventID, err)
	}
	if replayed {
		res = DisputeResult{}
		if err := json.Unmarshal(resp, &res); err != nil {
			return DisputeResult{}, fmt.Errorf("replay %s: %w", eventID, err)
		}
		res.Replayed = true
		return res, nil
	}
	if c.enqueued && r.deps.Wake != nil {
		r.deps.Wake()
	}
	return res, nil
}

// applyDispute finds the dispute's case (opened by the webhook or by hand,
// in any workspace: the Stripe account is the operator's) and changes it,
// or opens it.
func (r *Router) applyDispute(ctx context.Context, c *call, pb *playbooks.Playbook, ev DisputeEvent) (DisputeResult, bot.Reply, error) {
	d := ev.Dispute
	cs, err := c.tx.CaseByField(ctx, storage.AllWorkspaces, pb.Name, fieldDisputeID, d.ID)
	if errors.Is(err, storage.ErrNotFound) {
		var claimed bool
		if claimed, err = c.tx.ClaimRun(ctx, disputeRuns, d.ID); err != nil {
			return DisputeResult{}, bot.Reply{}, err
		}
		if claimed {
			return r.openDispute(ctx, c, pb, ev)
		}
		// Another transaction opened it and committed while we looked.
		cs, err = c.tx.CaseByField(ctx, storage.AllWorkspaces, pb.Name, fieldDisputeID, d.ID)
	}
	if err != nil {
		return DisputeResult{}, bot.Reply{}, fmt.Errorf("case of dispute %s: %w", d.ID, err)
	}
	res := DisputeResult{Case: cs.Ref.String(), Did: "unchanged"}
	changes, err := r.updateDispute(ctx, c, pb, &cs, ev)
	if err != nil {
		return DisputeResult{}, bot.Reply{}, err
	}
	text := fmt.Sprintf("Stripe updated %s: %s.", cs.Ref, strings.Join(changes, ", "))
	if len(changes) > 0 {
		res.Did = "updated"
	}
	if more, did, err := r.disputeAfter(ctx, c, &cs, ev); err != nil {
		return DisputeResult{}, bot.Reply{}, err
	} else if did != "" {
		res.Did, text = did, more
	}
	return res, bot.Reply{Text: text}, nil
}

// openDispute opens the chargeback case of ev's dispute, with what the
// dispute says, then applies what a later event adds (a close, funds).
func (r *Router) openDispute(ctx context.Context, c *call, pb *playbooks.Playbook, ev DisputeEvent) (DisputeResult, bot.Reply, error) {
	d := ev.Dispute
	fields := disputeFields(pb, d)
	if !ev.At.IsZero() {
		fields[fieldEventAt] = ev.At.UTC().Format(time.RFC3339)
	}
	if fields[fieldOrder] == "" { // required: the payment stands for the order
		fields[fieldOrder] = cmp.Or(d.PaymentIntent, d.Charge, d.ID)
	}
	fields[duplicateField] = "ok" // the dispute id is checked above, in the transaction
	warning, warned, err := fraudWarningCase(ctx, c, pb, d.Charge)
	if err != nil {
		return DisputeResult{}, bot.Reply{}, err
	}
	c.in = Input{Fields: fields}
	reply, err := r.open(ctx, c, pb)
	if err != nil {
		return DisputeResult{}, bot.Reply{}, fmt.Errorf("open case of dispute %s: %w", d.ID, err)
	}
	if c.change == nil {
		return DisputeResult{}, bot.Reply{}, fmt.Errorf("open case of dispute %s: %s", d.ID, reply.Text)
	}
	opened := c.change
	cs := opened.cs
	if warned {
		text, err := r.linkFraudWarning(ctx, c, cs, warning, d.ID)
		if err != nil {
			return DisputeResult{}, bot.Reply{}, err
		}
		reply.Text = strings.TrimSpace(reply.Text + " " + text)
	}
	if _, _, err := r.disputeAfter(ctx, c, &cs, ev); err != nil {
		return DisputeResult{}, bot.Reply{}, err
	}
	if cs.Status == storage.StatusClosed {
		opened.st = &storage.CaseState{}
	}
	opened.cs, c.change = cs, opened // still a new case: its card is posted
	return DisputeResult{Case: cs.Ref.String(), Did: "opened"}, reply, nil
}

// disputeAfter records what a close or a funds event adds to cs, and says
// what it did ("" for nothing).
func (r *Router) disputeAfter(ctx context.Context, c *call, cs *storage.Case, ev DisputeEvent) (string, string, error) {
	d := ev.Dispute
	switch ev.Type {
	case DisputeClosed:
		outcome := disputeOutcomes[d.Status]
		if outcome == "" {
			outcome = d.Status
		}
		if cs.Status == storage.StatusClosed {
			body := fmt.Sprintf("Stripe closed dispute %s as %s; the case was closed already (%s).", d.ID, d.Status, cs.Outcome)
			e := storage.Event{CaseID: cs.ID, At: c.now, Actor: stripeActor, Kind: storage.EventNote, Body: body}
			if err := c.tx.AppendEvent(ctx, &e); err != nil {
				return "", "", fmt.Errorf("note on %s: %w", cs.Ref, err)
			}
			c.changed(*cs, nil)
			return body, "noted", nil
		}
		cs.Status, cs.Outcome, cs.OutcomeAmount = storage.StatusClosed, outcome, nil
		if outcome == "won" || outcome == "lost" {
			amount := d.Amount
			cs.OutcomeAmount = &amount
		}
		cs.ClosedAt, cs.UpdatedAt = &c.now, c.now
		e := storage.Event{CaseID: cs.ID, At: c.now, Actor: stripeActor, Kind: storage.EventClosed,
			Body: fmt.Sprintf("Stripe closed dispute %s: %s", d.ID, d.Status), Data: map[string]string{"outcome": outcome}}
		if cs.OutcomeAmount != nil {
			e.Data["amount"] = money.Format(*cs.OutcomeAmount)
		}
		if err := c.tx.UpdateCase(ctx, cs, &e); err != nil {
			return "", "", fmt.Errorf("close %s: %w", cs.Ref, err)
		}
		c.changed(*cs, &storage.CaseState{})
		return fmt.Sprintf("Stripe closed %s: %s.", cs.Ref, outcome), "closed", nil
	case DisputeFundsWithdrawn, DisputeFundsReinstated:
		verb := "withdrew"
		if ev.Type == DisputeFundsReinstated {
			verb = "reinstated"
		}
		body := fmt.Sprintf("Stripe %s %s", verb, formatMoney(ev.Funds))
		if ev.Funds == nil {
			body = fmt.Sprintf("Stripe %s the disputed funds", verb)
		}
		if ev.Fee != nil && ev.Fee.Minor != 0 {
			body += fmt.Sprintf(" (dispute fee %s)", money.Format(*ev.Fee))
		}
		body += "."
		e := storage.Event{CaseID: cs.ID, At: c.now, Actor: stripeActor, Kind: storage.EventNote, Body: body,
			Data: map[string]string{"stripe_event": ev.Type}}
		if err := c.tx.AppendEvent(ctx, &e); err != nil {
			return "", "", fmt.Errorf("note on %s: %w", cs.Ref, err)
		}
		if c.change == nil {
			c.changed(*cs, nil)
		}
		return fmt.Sprintf("%s on %s", strings.TrimSuffix(body, "."), cs.Ref), "noted", nil
	}
	return "", "", nil
}

// disputeOutcomes maps Stripe's final statuses to the chargeback's outcomes.
var disputeOutcomes = map[string]string{"won": "won", "lost": "lost", "warning_closed": "inquiry_closed", "prevented": "prevented"}

// updateDispute brings cs's details to what the dispute says now (its order
// stays), recomputes its deadlines, and returns the changes,
// as /case set writes them; none, and nothing is written.
func (r *Router) updateDispute(ctx context.Context, c *call, pb *playbooks.Playbook, cs *storage.Case, ev DisputeEvent) ([]string, error) {
	if newest, err := time.Parse(time.RFC3339, cs.Fields[fieldEventAt]); err == nil && ev.At.Before(newest) {
		return nil, nil // a newer event's details are there already
	}
	given := disputeFields(pb, ev.Dispute)
	if !ev.At.IsZero() {
		given[fieldEventAt] = ev.At.UTC().Format(time.RFC3339)
	}
	if given[fieldOrder] == "" || cs.Fields[fieldOrder] != "" {
		delete(given, fieldOrder) // the case's order, typed or found when it opened, stays
	}
	merged := maps.Clone(cs.Fields)
	if merged == nil {
		merged = map[string]string{}
	}
	if cs.Amount != nil {
		merged[playbooks.FieldAmount], merged[playbooks.FieldCurrency] = money.Number(*cs.Amount), cs.Amount.Currency
	}
	maps.Copy(merged, given)
	fields, amount, err := pb.CheckFields(merged, r.deps.DefaultCurrency, c.now)
	if err != nil {
		return nil, fmt.Errorf("update %s from dispute %s: %w", cs.Ref, ev.Dispute.ID, err)
	}
	var changes []string
	for _, k := range slices.Sorted(maps.Keys(given)) {
		was, now := cs.Fields[k], fields[k]
		if k == playbooks.FieldCurrency || k == fieldEventAt {
			continue
		}
		if k == playbooks.FieldAmount {
			was, now = formatMoney(cs.Amount), formatMoney(amount)
		}
		if was != now {
			changes = append(changes, fmt.Sprintf("%s=%s (was %s)", k, cmp.Or(now, "empty"), cmp.Or(was, "empty")))
		}
	}
	if len(changes) == 0 {
		return nil, nil // the event time alone is not worth a change
	}
	body := "Stripe: " + strings.Join(changes, ", ")
	if len(ev.Changed) > 0 {
		body = fmt.Sprintf("Stripe changed %s: %s", strings.Join(ev.Changed, ", "), strings.Join(changes, ", "))
	}
	cs.Fields, cs.Amount, cs.UpdatedAt = fields, amount, c.now
	e := storage.Event{CaseID: cs.ID, At: c.now, Actor: stripeActor, Kind: storage.EventFields, Body: body}
	if err := c.tx.UpdateCase(ctx, cs, &e); err != nil {
		return nil, fmt.Errorf("update %s: %w", cs.Ref, err)
	}
	if cs.Status == storage.StatusClosed {
		c.changed(*cs, nil)
		return changes, nil
	}
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", cs.Ref, err)
	}
	if st.Deadlines, err = r.setDeadlines(ctx, c, pb, *cs, st); err != nil {
		return nil, err
	}
	c.changed(*cs, &st)
	return changes, nil
}

// disputeFields are the chargeback's details from d; a reason or card
// brand the playbook does not list becomes general or other, and the
// network's own code is kept beside it.
func disputeFields(pb *playbooks.Playbook, d Dispute) map[string]string {
	f := map[string]string{
		"processor":             "stripe",
		fieldDisputeID:          d.ID,
		playbooks.FieldAmount:   money.Number(d.Amount),
		playbooks.FieldCurrency: d.Amount.Currency,
		"stripe_status":         d.Status,
		"refundable":            yesNo(d.Refundable),
		"inquiry":               yesNo(strings.HasPrefix(d.Status, "warning_")),
		fieldOrder:              d.Order,
		"charge_id":             d.Charge,
		"payment_intent":        d.PaymentIntent,
		"network_reason_code":   d.NetworkReasonCode,
		"reason":                enumOr(pb, "reason", d.Reason, "general"),
		"network":               enumOr(pb, "network", d.CardBrand, "other"),
		fieldDueBy:              "",
		fieldDisputeOpened:      "",
	}
	if !d.DueBy.IsZero() {
		f[fieldDueBy] = d.DueBy.UTC().Format(time.RFC3339)
	}
	if !d.Created.IsZero() {
		f[fieldDisputeOpened] = d.Created.UTC().Format(time.RFC3339)
	}
	for k, v := range f {
		if v == "" {
			delete(f, k)
		}
	}
	return f
}

// enumOr is v when pb's enum field lists it, fallback when it does not,
// and empty when v is.
func enumOr(pb *playbooks.Playbook, field, v, fallback string) string {
	f, ok := pb.Field(field)
	if v == "" || !ok {
		return ""
	}
	if slices.ContainsFunc(f.Values, func(e playbooks.EnumValue) bool { return e.Value == v }) {
		return v
	}
	return fallback
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
