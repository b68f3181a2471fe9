package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/suggest"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// dueLimit bounds /case due.
const dueLimit = 30

func (r *Router) stepCommands() []*Command {
	return []*Command{
		{Name: "case steps", Code: "st", Params: []Param{r.refParam("")}, run: r.caseSteps,
			Summary:  "List a case's steps: what is done, what is next, and each checklist.",
			Examples: []string{"/case steps CB-1042"}},
		{Name: "case done", Code: "d", Params: []Param{r.refParam(storage.StatusOpen), r.stepParam(), textParam("note", "A note on what was done").optional().rest()}, Changes: true, run: r.caseDone,
			Summary:  "Mark a step done, with an optional note.",
			Examples: []string{"/case done RMA-1007 verify Photos show a crushed box"}},
		{Name: "case check", Code: "k", Params: r.itemParams(), Changes: true, run: r.caseCheck(true),
			Summary:  "Tick a checklist item of a step (items count from 1).",
			Examples: []string{"/case check CB-1042 gather_records 2"}},
		{Name: "case uncheck", Code: "u", Params: r.itemParams(), Changes: true, run: r.caseCheck(false),
			Summary:  "Untick a checklist item.",
			Examples: []string{"/case uncheck CB-1042 gather_records 2"}},
		{Name: "case skip", Code: "sk", Params: []Param{r.refParam(storage.StatusOpen), r.stepParam(), textParam("reason", "Why the step does not apply").field()}, Changes: true, run: r.caseSkip,
			Summary:  "Skip a step that does not apply, saying why.",
			Examples: []string{`/case skip SUP-1003 escalate reason="Supplier agreed to refund"`}},
		{Name: "case evidence", Code: "e", Changes: true,
			Params: []Param{r.refParam(storage.StatusOpen), r.evidenceKindParam(),
				textParam("ref", "Where it is: a tracking number, a file name, a link").field(),
				textParam("note", "A note on it").optional().rest()}, run: r.caseEvidence,
			Summary:  "Record a piece of evidence: what it is and where it is.",
			Examples: []string{`/case evidence CB-1042 kind=shipping_tracking_number ref=JJD0099812345 "PostNord, delivered 14 Nov"`}},
		{Name: "case due", Code: "du", Params: []Param{choiceParam("which", "Whose deadlines", "all", "mine").optional()}, run: r.caseDue,
			Summary:  "Upcoming deadlines of open cases, soonest first.",
			Examples: []string{"/case due", "/case due mine"}},
	}
}

// itemParams are a checklist item's: the case, the step and the item's number.
func (r *Router) itemParams() []Param {
	return []Param{r.refParam(storage.StatusOpen), r.stepParam(), param("item", bot.ParamNumber, "The item's number, from 1, as /case steps lists it")}
}

// setDeadlines computes a case's deadlines and saves those that changed,
// with one timeline event, in c's transaction. It returns them all.
func (r *Router) setDeadlines(ctx context.Context, c *call, pb *playbooks.Playbook, cs storage.Case, st storage.CaseState) ([]storage.Deadline, error) {
	computed, changed, ev, err := r.deadlineChanges(c, pb, cs, st)
	if err != nil || ev == nil {
		return computed, err
	}
	if err := c.tx.SetDeadlines(ctx, cs.ID, changed, ev); err != nil {
		return nil, fmt.Errorf("deadlines of %s: %w", cs.Ref, err)
	}
	return computed, nil
}

// deadlineChanges computes a case's deadlines from its state st: all of
// them, those that changed, and the timeline event that says how (nil
// when none did). A case not yet created (an open) has an ID of 0.
func (r *Router) deadlineChanges(c *call, pb *playbooks.Playbook, cs storage.Case, st storage.CaseState) (computed, changed []storage.Deadline, ev *storage.Event, err error) {
	computed, err = pb.ComputeDeadlines(cs, st, r.deps.Calendar)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("deadlines of %s: %w", cs.Ref, err)
	}
	for _, d := range computed {
		i := slices.IndexFunc(st.Deadlines, func(old storage.Deadline) bool { return old.ID == d.ID })
		if i < 0 || !st.Deadlines[i].Due.Equal(d.Due) || (st.Deadlines[i].MetAt == nil) != (d.MetAt == nil) {
			changed = append(changed, d)
		}
	}
	for _, old := range st.Deadlines {
		// A deadline whose condition no longer holds (the reason was
		// corrected, say) is closed rather than deleted: it stays on record.
		if old.MetAt == nil && !slices.ContainsFunc(computed, func(d storage.Deadline) bool { return d.ID == old.ID }) {
			old.MetAt, old.Basis = &c.now, noLongerApplies
			changed = append(changed, old)
		}
	}
	if len(changed) == 0 {
		return computed, nil, nil, nil
	}
	loc := c.zones.ofCase(cs)
	var lines []string
	for _, d := range changed {
		line := fmt.Sprintf("%s %s (%s)", d.Title, deadline.When(d.Due, loc), d.Basis)
		switch {
		case d.Basis == noLongerApplies:
			line = d.Title + " no longer applies"
		case d.MetAt == nil && slices.ContainsFunc(st.Deadlines, func(old storage.Deadline) bool { return old.ID == d.ID && old.MetAt != nil }):
			line = fmt.Sprintf("%s no longer met (its step was undone): due %s", d.Title, deadline.When(d.Due, loc))
		case d.MetAt != nil:
			line = d.Title + " met"
			if late := deadline.Late(d.Due, *d.MetAt); late != "" {
				line += " " + late
			}
		}
		lines = append(lines, line)
	}
	ev = &storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventDeadline, Body: strings.Join(lines, "; ")}
	return computed, changed, ev, nil
}

func (r *Router) caseSteps(ctx context.Context, c *call) (bot.Reply, error) {
	cs, st, err := r.viewCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	pb := r.playbook(cs)
	steps, next := pb.Progress(cs.Fields, st)
	var lines []string
	for i, s := range steps {
		mark := "☐"
		switch {
		case s.State != nil && s.State.Status == storage.StepDone:
			mark = "✓"
		case s.State != nil:
			mark = "–"
		case i == next:
			mark = "→"
		}
		line := fmt.Sprintf("%s %s  %s", mark, s.ID, s.Title)
		if n := len(s.Checklist); n > 0 {
			line += fmt.Sprintf("  [%d/%d]", countTrue(s.Checked), n)
		}
		if s.State != nil {
			line += fmt.Sprintf("  %s by %s %s", s.State.Status, bot.Mention(s.State.By), deadline.When(s.State.At, c.zones.ofCase(cs)))
			if s.State.Note != "" {
				line += ": " + s.State.Note
			}
		}
		lines = append(lines, line)
	}
	reply := bot.Reply{
		Text:       fmt.Sprintf("%s · %s · %d of %d steps finished", cs.Ref, pb.Title, len(steps)-pendingCount(steps), len(steps)),
		Sections:   []bot.Section{{Lines: lines}},
		Visibility: bot.Ephemeral,
	}
	if next >= 0 {
		reply.Sections = append(reply.Sections, nextStep(steps[next], cs))
	}
	return reply, nil
}

// stepOf loads the case in the first argument for a change, and the step
// named in the second, which must apply to the case.
func (r *Router) stepOf(ctx context.Context, c *call) (storage.Case, storage.CaseState, *playbooks.Playbook, playbooks.StepView, error) {
	var none playbooks.StepView
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return cs, storage.CaseState{}, nil, none, err
	}
	if cs.Status == storage.StatusClosed {
		return cs, storage.CaseState{}, nil, none, userErrorf("%s is closed: reopen it first with /case reopen %s", cs.Ref, cs.Ref)
	}
	pb := r.playbook(cs)
	id := strings.ToLower(c.in.Arg(1))
	if id == "" {
		return cs, storage.CaseState{}, nil, none, c.usageErrorf("say which step: %s", listOf(pb.StepIDs()))
	}
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return cs, st, nil, none, fmt.Errorf("state of %s: %w", cs.Ref, err)
	}
	step, ok := pb.Step(id)
	if !ok {
		return cs, st, nil, none, userErrorf("a %s has no step %q.%s Its steps are %s.", pb.Name, id,
			suggest.DidYouMean(id, pb.StepIDs(), ""), listOf(pb.StepIDs()))
	}
	steps, _ := pb.Progress(cs.Fields, st)
	i := slices.IndexFunc(steps, func(s playbooks.StepView) bool { return s.ID == id })
	if i < 0 {
		return cs, st, nil, none, userErrorf("step %s does not apply to %s: it is only for cases where %s.", id, cs.Ref, step.When)
	}
	return cs, st, pb, steps[i], nil
}

func (r *Router) caseDone(ctx context.Context, c *call) (bot.Reply, error) {
	return r.finishStep(ctx, c, storage.StepDone, c.in.Rest(1))
}

func (r *Router) caseSkip(ctx context.Context, c *call) (bot.Reply, error) {
	reason := strings.TrimSpace(c.in.Fields["reason"])
	if reason == "" {
		return bot.Reply{}, c.usageErrorf(`say why the step is skipped with reason="..."`)
	}
	return r.finishStep(ctx, c, storage.StepSkipped, reason)
}

// finishStep marks a step done or skipped, then updates the deadlines it
// meets or starts, in one transaction.
func (r *Router) finishStep(ctx context.Context, c *call, status storage.StepStatus, note string) (bot.Reply, error) {
	cs, st, pb, step, err := r.stepOf(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if !step.Pending() {
		return bot.Reply{}, userErrorf("step %s of %s is already %s (by %s, %s).", step.ID, cs.Ref, step.State.Status, bot.Mention(step.State.By), deadline.When(step.State.At, c.zones.ofCase(cs)))
	}
	verb := map[storage.StepStatus]string{storage.StepDone: "do", storage.StepSkipped: "skip"}[status]
	if refused := r.needLead(c, cs, step.NeedsOwner(cs.Amount), fmt.Sprintf("%s step %s of %s", verb, step.ID, cs.Ref)); refused != nil {
		return *refused, nil
	}
	state := storage.StepState{CaseID: cs.ID, StepID: step.ID, Status: status, By: c.req.User, At: c.now, Note: note}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventStep,
		Body: strings.TrimSuffix(fmt.Sprintf("%s %s: %s", status, step.Title, note), ": "),
		Data: map[string]string{"step": step.ID, "status": string(status)}}
	if err := c.tx.SetStep(ctx, state, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("%s %s: %w", status, step.ID, err)
	}
	st.Steps = append(st.Steps, state)
	if _, err := r.setDeadlines(ctx, c, pb, cs, st); err != nil {
		return bot.Reply{}, err
	}
	text := fmt.Sprintf("%s on %s: %s.", map[storage.StepStatus]string{storage.StepDone: "Done", storage.StepSkipped: "Skipped"}[status], cs.Ref, step.Title)
	if open := len(step.Checked) - countTrue(step.Checked); status == storage.StepDone && open > 0 {
		text += fmt.Sprintf(" (%d checklist item(s) were not ticked.)", open)
	}
	c.changed(cs, nil) // the deadlines changed too: publish reads the state again
	reply := bot.Reply{Text: text}
	steps, next := pb.Progress(cs.Fields, st)
	if next >= 0 {
		reply.Sections = []bot.Section{nextStep(steps[next], cs)}
	} else {
		reply.Text += fmt.Sprintf(" Every step is finished: close it with /case close %s outcome=<%s>", cs.Ref, strings.Join(pb.OutcomeIDs(), "|"))
	}
	return reply, nil
}

func (r *Router) caseCheck(tick bool) func(context.Context, *call) (bot.Reply, error) {
	return func(ctx context.Context, c *call) (bot.Reply, error) {
		cs, _, _, step, err := r.stepOf(ctx, c)
		if err != nil {
			return bot.Reply{}, err
		}
		if len(step.Checklist) == 0 {
			return bot.Reply{}, userErrorf("step %s has no checklist.", step.ID)
		}
		item, err := strconv.Atoi(c.in.Arg(2))
		if err != nil || item < 1 || item > len(step.Checklist) {
			return bot.Reply{}, c.usageErrorf("give the item's number, 1 to %d, as /case steps %s lists them", len(step.Checklist), cs.Ref)
		}
		text := step.Checklist[item-1]
		switch {
		case tick && step.Checked[item-1]:
			return bot.Reply{}, userErrorf("item %d of %s is already ticked: %s", item, step.ID, text)
		case !tick && !step.Checked[item-1]:
			return bot.Reply{}, userErrorf("item %d of %s is not ticked, so there is nothing to untick: %s", item, step.ID, text)
		}
		verb := map[bool]string{true: "ticked", false: "unticked"}[tick]
		ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventCheck,
			Body: fmt.Sprintf("%s %s #%d: %s", verb, step.ID, item, text),
			Data: map[string]string{"step": step.ID, "item": strconv.Itoa(item)}}
		check := storage.Check{CaseID: cs.ID, StepID: step.ID, Item: item, Checked: tick, By: c.req.User, At: c.now}
		if err := c.tx.SetCheck(ctx, check, &ev); err != nil {
			return bot.Reply{}, fmt.Errorf("%s %s #%d: %w", verb, step.ID, item, err)
		}
		step.Checked[item-1] = tick
		c.changed(cs, nil)
		return bot.Reply{
			Text:     fmt.Sprintf("%s %s, %s #%d: %s (%d/%d)", strings.ToUpper(verb[:1])+verb[1:], cs.Ref, step.ID, item, text, countTrue(step.Checked), len(step.Checked)),
			Sections: []bot.Section{checklist(step)},
		}, nil
	}
}

func (r *Router) caseEvidence(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	pb := r.playbook(cs)
	for k := range c.in.Fields {
		if k != "kind" && k != "ref" && k != "note" {
			return bot.Reply{}, c.usageErrorf("/case evidence takes kind=, ref= and note=, not %s=", k)
		}
	}
	kind, ref := strings.ToLower(c.in.Fields["kind"]), strings.TrimSpace(c.in.Fields["ref"])
	kinds := r.evidenceKinds(pb, cs)
	switch {
	case kind == "":
		return bot.Reply{}, c.usageErrorf("say what the evidence is with kind=: %s", listOf(kinds))
	case !slices.Contains(kinds, kind):
		return bot.Reply{}, c.usageErrorf("a %s takes no evidence of kind %q.%s Kinds: %s", pb.Name, kind,
			suggest.DidYouMean(kind, kinds, "kind="), listOf(kinds))
	case ref == "":
		return bot.Reply{}, c.usageErrorf(`say where the evidence is with ref= (a tracking number, a file name, a link), e.g. ref="INV-1042.pdf"`)
	}
	note := strings.TrimSpace(c.in.Fields["note"] + " " + strings.Join(c.in.Args[1:], " "))
	e := storage.Evidence{CaseID: cs.ID, Kind: kind, Ref: ref, Note: note, By: c.req.User, At: c.now}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventEvidence,
		Body: strings.TrimSuffix(fmt.Sprintf("%s: %s %s", kind, ref, note), " "), Data: map[string]string{"kind": kind}}
	if err := c.tx.AddEvidence(ctx, &e, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("evidence on %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	return bot.Reply{Text: fmt.Sprintf("Evidence recorded on %s: %s %s.", cs.Ref, kind, ref)}, nil
}

func (r *Router) caseDue(ctx context.Context, c *call) (bot.Reply, error) {
	// No limit: info deadlines are dropped below, and a team's open
	// deadlines are few hundreds at most.
	f := storage.DeadlineFilter{Scope: c.scope}
	switch which := strings.ToLower(c.in.Arg(0)); which {
	case "", "all":
	case "mine":
		f.Mine = c.req.User
	default:
		return bot.Reply{}, c.usageErrorf("cannot list deadlines %q: choose all or mine", which)
	}
	due, err := r.deps.Store.Deadlines(ctx, f)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("deadlines: %w", err)
	}
	// Someone else's deadlines (the customer's withdrawal period) are on
	// the card for information, not work for the team.
	due = slices.DeleteFunc(due, func(d storage.DueDeadline) bool {
		pb, ok := r.deps.Playbooks.Get(d.Playbook)
		return ok && pb.IsInfo(d.ID)
	})
	if len(due) == 0 {
		return bot.Reply{Text: "No deadlines ahead on open cases.", Visibility: bot.Ephemeral}, nil
	}
	var lines []string
	for _, d := range due[:min(len(due), dueLimit)] {
		loc := c.zones.of(d.CaseZone, d.Platform, d.Workspace, d.Channel).loc
		line := fmt.Sprintf("%s · %s · %s · %s", d.Ref, d.Title, deadline.When(d.Due, loc), deadline.Left(d.Due, c.now))
		if d.Assignee != "" {
			line += " · @" + d.Assignee
		}
		lines = append(lines, line)
	}
	if len(due) > dueLimit {
		lines = append(lines, fmt.Sprintf("… only the soonest %d are shown.", dueLimit))
	}
	if note := c.zones.note(); note != "" {
		lines = append(lines, note)
	}
	return bot.Reply{Text: "Deadlines, soonest first:", Sections: []bot.Section{{Lines: lines}}, Visibility: bot.Ephemeral}, nil
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func pendingCount(steps []playbooks.StepView) int {
	n := 0
	for _, s := range steps {
		if s.Pending() {
			n++
		}
	}
	return n
}
