package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// Corrections (issue 12): each is a new timeline event, and nothing
// recorded before is deleted, so the case's history shows the mistake and
// who put it right.

func (r *Router) correctionCommands() []*Command {
	return []*Command{
		{Name: "case undo", Code: "ud", Params: []Param{r.refParam(storage.StatusOpen), r.stepParam(), textParam("reason", "Why it is undone").optional().rest()}, Changes: true, run: r.caseUndo,
			Summary:  "Reopen a step marked done or skipped by mistake; the deadlines it met are open again.",
			Examples: []string{"/case undo CB-1042 acknowledge Marked on the wrong case"}},
		{Name: "case unassign", Code: "ua", Params: []Param{r.refParam(storage.StatusOpen)}, Changes: true, More: true, run: r.caseUnassign,
			Summary:  "Take a case's assignee off it: no one has it.",
			Examples: []string{"/case unassign CB-1042"}},
		{Name: "case void", Code: "v", Params: []Param{r.refParam(storage.StatusOpen), textParam("reason", "Why the case was a mistake").field()}, Changes: true, More: true, run: r.caseVoid,
			Summary:  "Close a case opened by mistake; it counts in no statistics.",
			Examples: []string{`/case void CB-1042 reason="Opened on the wrong order"`}},
	}
}

// caseUndo writes a done or skipped step as pending again, then
// recomputes the deadlines: one the step had met reads as unmet again.
func (r *Router) caseUndo(ctx context.Context, c *call) (bot.Reply, error) {
	cs, st, pb, step, err := r.stepOf(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if step.Pending() {
		return bot.Reply{}, userErrorf("step %s of %s is not done or skipped: nothing to undo.", step.ID, cs.Ref)
	}
	was := step.State.Status
	reason := c.in.Rest(1)
	state := storage.StepState{CaseID: cs.ID, StepID: step.ID, Status: storage.StepPending, By: c.req.User, At: c.now, Note: reason}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventStep,
		Body: strings.TrimSuffix(fmt.Sprintf("undid %s %s: %s", was, step.Title, reason), ": "),
		Data: map[string]string{"step": step.ID, "status": string(storage.StepPending), "was": string(was)}}
	if err := c.tx.SetStep(ctx, state, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("undo %s: %w", step.ID, err)
	}
	st.Steps = withoutStep(st.Steps, step.ID)
	if st.Deadlines, err = r.setDeadlines(ctx, c, pb, cs, st); err != nil {
		return bot.Reply{}, err
	}
	c.changed(cs, &st)
	reply := r.card(c, pb, cs, st)
	reply.Text = fmt.Sprintf("Undone on %s: %s is pending again (it was %s).", cs.Ref, step.Title, was)
	return reply, nil
}

// withoutStep is steps without the state of step id.
func withoutStep(steps []storage.StepState, id string) []storage.StepState {
	var out []storage.StepState
	for _, s := range steps {
		if s.StepID != id {
			out = append(out, s)
		}
	}
	return out
}

func (r *Router) caseUnassign(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if cs.Assignee == "" {
		return bot.Reply{}, userErrorf("%s is not assigned to anyone: nothing to unassign.", cs.Ref)
	}
	was := cs.Assignee
	cs.Assignee, cs.UpdatedAt = "", c.now
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventUnassigned,
		Body: "was " + bot.Mention(was), Data: map[string]string{"was": was}}
	if err := c.tx.UpdateCase(ctx, &cs, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("unassign %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	return bot.Reply{Text: fmt.Sprintf("%s is no longer assigned to %s.", cs.Ref, bot.Mention(was))}, nil
}

// caseVoid closes a case opened by mistake with the outcome void, which no
// playbook offers and the summary leaves out.
func (r *Router) caseVoid(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if cs.Status == storage.StatusClosed {
		return bot.Reply{}, userErrorf("%s is closed already (%s): reopen it first with /case reopen %s", cs.Ref, cs.Outcome, cs.Ref)
	}
	reason := strings.TrimSpace(c.in.Fields["reason"])
	if extra := c.in.Args[1:]; len(extra) > 0 {
		return bot.Reply{}, c.usageErrorf(`%q is not a key=value detail: put the reason in reason="..."`, extra[0])
	}
	if reason == "" {
		return bot.Reply{}, c.usageErrorf(`say why %s was opened by mistake with reason="..."`, cs.Ref)
	}
	cs.Status, cs.Outcome, cs.OutcomeAmount = storage.StatusClosed, storage.OutcomeVoid, nil
	cs.ClosedAt, cs.UpdatedAt = &c.now, c.now
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventClosed,
		Body: reason, Data: map[string]string{"outcome": storage.OutcomeVoid}}
	if err := c.tx.UpdateCase(ctx, &cs, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("void %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	reply := r.card(c, r.playbook(cs), cs, storage.CaseState{})
	reply.Text = fmt.Sprintf("Voided %s: %s. It counts in no statistics.", cs.Ref, reason)
	return reply, nil
}
