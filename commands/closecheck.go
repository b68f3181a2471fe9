package commands

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// forceField confirms a close that was questioned.
const forceField = "force"

// moneyMoved are the outcomes where money moved, whose amount is not zero.
var moneyMoved = []string{"refunded", "won", "credited"}

// closeQuestions are what looks wrong about closing cs with outcome and
// amount: steps or deadlines still open, an amount larger than the one
// disputed, or zero where money moved. Each is a line to confirm.
func (r *Router) closeQuestions(ctx context.Context, c *call, pb *playbooks.Playbook, cs storage.Case, outcome string, amount *storage.Money) ([]string, error) {
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return nil, fmt.Errorf("close %s: %w", cs.Ref, err)
	}
	var qs []string
	steps, _ := pb.Progress(cs.Fields, st)
	var pending []string
	for _, s := range steps {
		if s.Pending() {
			pending = append(pending, s.ID)
		}
	}
	if len(pending) > 0 {
		qs = append(qs, fmt.Sprintf("%d step(s) are not done or skipped: %s", len(pending), strings.Join(pending, ", ")))
	}
	var unmet []string
	for _, d := range st.Deadlines {
		if d.MetAt == nil && !pb.IsInfo(d.ID) {
			unmet = append(unmet, fmt.Sprintf("%s (due %s)", d.Title, deadline.When(d.Due, c.zones.ofCase(cs))))
		}
	}
	if len(unmet) > 0 {
		qs = append(qs, "deadlines still open: "+strings.Join(unmet, "; "))
	}
	if amount != nil {
		switch {
		case amount.Minor == 0 && slices.Contains(moneyMoved, outcome):
			qs = append(qs, fmt.Sprintf("the amount is zero, but money moved when a case is %s", outcome))
		case cs.Amount != nil && amount.Currency == cs.Amount.Currency && amount.Minor > cs.Amount.Minor:
			qs = append(qs, fmt.Sprintf("%s is more than the %s disputed", money.Format(*amount), money.Format(*cs.Amount)))
		}
	}
	return qs, nil
}

// confirmClose asks to confirm a close that was questioned, with a button
// (chat) or the command with force=yes (console); nothing is closed yet.
func (r *Router) confirmClose(c *call, cs storage.Case, qs []string) bot.Reply {
	args := []string{cs.Ref.String()}
	for _, k := range slices.Sorted(maps.Keys(c.in.Fields)) {
		args = append(args, k+"="+quote(c.in.Fields[k]))
	}
	args = append(args, forceField+"=yes")
	b := r.button("Close anyway", "danger", "case close", args...)
	reply := bot.Reply{
		Text:       fmt.Sprintf("%s is not closed yet: check this first.", cs.Ref),
		Sections:   []bot.Section{{Lines: qs}},
		Visibility: bot.Ephemeral,
	}
	if chatPlatform(c.req.Platform) {
		reply.Buttons = []bot.Button{b}
	} else {
		reply.Sections = append(reply.Sections, bot.Section{Lines: []string{"To close it anyway: " + b.Command}})
	}
	return reply
}

// forced reports whether a close says force=yes, and takes it out.
func forced(fields map[string]string) bool {
	v, ok := fields[forceField]
	delete(fields, forceField)
	return ok && strings.EqualFold(strings.TrimSpace(v), "yes")
}
