package commands

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

func (r *Router) setCommand() *Command {
	return &Command{Name: "case set", Code: "se", Params: []Param{r.refParam(storage.StatusOpen), detailsParam()}, Changes: true, run: r.caseSet,
		Summary: "Add, correct or clear (key= with no value) a case's details, such as the processor's due date; deadlines follow.",
		Examples: []string{
			"/case set RMA-1007 sku=",
			"/case set CB-1042 due_by=2026-12-01T23:59 reason=product_not_received",
			"/case set RMA-1007 delivered_on=2026-11-09",
		}}
}

// caseSet changes details of an open case, checked as when it was opened,
// and recomputes its deadlines, in one transaction.
func (r *Router) caseSet(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if cs.Status == storage.StatusClosed {
		return bot.Reply{}, userErrorf("%s is closed: reopen it first with /case reopen %s", cs.Ref, cs.Ref)
	}
	if len(c.in.Fields) == 0 {
		return bot.Reply{}, c.usageErrorf("say what to set as key=value, e.g. /case set %s due_by=2026-12-01T23:59", cs.Ref)
	}
	if extra := c.in.Args[1:]; len(extra) > 0 {
		return bot.Reply{}, c.usageErrorf("%q is not a key=value detail", extra[0])
	}
	pb := r.playbook(cs)
	merged := maps.Clone(cs.Fields)
	if cs.Amount != nil { // as typed, so that a new amount keeps the currency and a new currency the amount
		merged[playbooks.FieldAmount], merged[playbooks.FieldCurrency] = money.Number(*cs.Amount), cs.Amount.Currency
	}
	given, err := clearFields(pb, cs, merged, c.in.Fields)
	if err != nil {
		return bot.Reply{}, err
	}
	maps.Copy(merged, given)
	fields, amount, err := pb.CheckFields(merged, r.deps.DefaultCurrency, c.now)
	if err != nil {
		return bot.Reply{}, &UserError{Msg: fmt.Sprintf("cannot set that on %s:\n%s", cs.Ref, bullets(err)), Usage: c.cmd.Usage(), Fields: fieldProblems(err)}
	}
	var changes []string
	for _, k := range slices.Sorted(maps.Keys(c.in.Fields)) {
		was := cs.Fields[k]
		now := fields[k]
		if k == playbooks.FieldAmount || k == playbooks.FieldCurrency {
			was, now = formatMoney(cs.Amount), formatMoney(amount)
			k = playbooks.FieldAmount
		}
		if was != now && !slices.ContainsFunc(changes, func(s string) bool { return strings.HasPrefix(s, k+"=") }) {
			changes = append(changes, fmt.Sprintf("%s=%s (was %s)", k, cmp.Or(now, "empty"), cmp.Or(was, "empty")))
		}
	}
	if len(changes) == 0 {
		return bot.Reply{}, userErrorf("%s already has those details: nothing changed.", cs.Ref)
	}
	cs.Fields, cs.Amount, cs.UpdatedAt = fields, amount, c.now
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventFields, Body: strings.Join(changes, ", ")}
	if err := c.tx.UpdateCase(ctx, &cs, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("set on %s: %w", cs.Ref, err)
	}
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("set on %s: %w", cs.Ref, err)
	}
	if st.Deadlines, err = r.setDeadlines(ctx, c, pb, cs, st); err != nil {
		return bot.Reply{}, err
	}
	c.changed(cs, &st)
	reply := r.card(c, pb, cs, st)
	reply.Text = fmt.Sprintf("Updated %s: %s.", cs.Ref, strings.Join(changes, ", "))
	return reply, nil
}

func formatMoney(m *storage.Money) string {
	if m == nil {
		return ""
	}
	return money.Format(*m)
}

// clearFields takes the details given empty (key=) out of merged, the
// case's details with the new ones to come, and returns the others: an
// empty value clears a field the playbook does not require. Clearing a
// required one, or the currency of an amount kept, is a UserError.
func clearFields(pb *playbooks.Playbook, cs storage.Case, merged, given map[string]string) (map[string]string, error) {
	rest := map[string]string{}
	for k, v := range given {
		if strings.TrimSpace(v) != "" {
			rest[k] = v
			continue
		}
		f, ok := pb.Field(k)
		switch {
		case !ok:
			rest[k] = v // CheckFields says it is unknown
			continue
		case f.Required:
			return nil, userErrorf("%s= is required on a %s: it can be corrected, not cleared.", k, pb.Name)
		case k == playbooks.FieldCurrency && cs.Amount != nil && !clearing(given, playbooks.FieldAmount):
			return nil, userErrorf("currency= goes with the amount of %s: clear amount= to clear both, or give another currency.", cs.Ref)
		}
		delete(merged, k)
		if k == playbooks.FieldAmount {
			delete(merged, playbooks.FieldCurrency)
		}
	}
	return rest, nil
}

// clearing reports whether given clears key (key= with no value).
func clearing(given map[string]string, key string) bool {
	v, ok := given[key]
	return ok && strings.TrimSpace(v) == ""
}
