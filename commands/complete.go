package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

var _ bot.Completer = (*Router)(nil)

// Complete offers the values of a command's parameter that start with what
// the user typed: a parameter's static choices, or, read from storage
// within the request's workspace, the cases, a case's steps, outcomes or
// evidence kinds. It returns at most bot.MaxChoices; an unknown command or
// parameter is an error, and a case that is not found offers nothing.
func (r *Router) Complete(ctx context.Context, req *bot.Request, q bot.Completion) ([]bot.Choice, error) {
	cmd, ok := r.commands[q.Command]
	if !ok {
		return nil, fmt.Errorf("complete: no command %q", q.Command)
	}
	i := slices.IndexFunc(cmd.Params, func(p Param) bool { return p.Name == q.Param })
	if i < 0 {
		return nil, fmt.Errorf("complete: /%s has no parameter %q", q.Command, q.Param)
	}
	p := cmd.Params[i]
	if p.complete == nil {
		return matching(p.Choices, q.Typed), nil
	}
	scope, err := r.scope(req)
	if err != nil {
		return nil, err
	}
	choices, err := p.complete(ctx, &call{cmd: cmd, req: req, now: r.deps.Now().UTC(), scope: scope, zones: r.zonesFor(ctx, req)}, q)
	if err != nil {
		return nil, fmt.Errorf("complete /%s %s: %w", q.Command, q.Param, err)
	}
	return choices[:min(len(choices), bot.MaxChoices)], nil
}

// matching returns the choices whose value starts with typed, ignoring
// case, at most bot.MaxChoices.
func matching(choices []bot.Choice, typed string) []bot.Choice {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []bot.Choice
	for _, c := range choices {
		if strings.HasPrefix(strings.ToLower(c.Value), typed) && len(out) < bot.MaxChoices {
			out = append(out, c)
		}
	}
	return out
}

// completeCases offers the cases in status whose reference, order or
// customer starts with what was typed, newest first.
func (r *Router) completeCases(status storage.Status) completeFunc {
	return func(ctx context.Context, c *call, q bot.Completion) ([]bot.Choice, error) {
		cases, err := r.deps.Store.MatchCases(ctx, c.scope, status, q.Typed, bot.MaxChoices)
		if err != nil {
			return nil, err
		}
		choices := make([]bot.Choice, 0, len(cases))
		for _, cs := range cases {
			choices = append(choices, bot.Choice{Value: cs.Ref.String(), Label: listLine(cs, c.zones.ofCase(cs))})
		}
		return choices, nil
	}
}

// fromCase completes from the case a completion names in its case value:
// choices lists what the case's playbook offers for it. A case that is not
// found, or not named yet, offers nothing.
func (r *Router) fromCase(choices func(*playbooks.Playbook, storage.Case) []bot.Choice) completeFunc {
	return func(ctx context.Context, c *call, q bot.Completion) ([]bot.Choice, error) {
		ref, err := storage.ParseRef(q.Values["case"])
		if err != nil {
			return nil, nil
		}
		cs, err := r.deps.Store.Case(ctx, c.scope, ref)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return nil, nil
		case err != nil:
			return nil, err
		}
		return matching(choices(r.playbook(cs), cs), q.Typed), nil
	}
}

// stepChoices are the steps that apply to a case, in order.
func stepChoices(pb *playbooks.Playbook, cs storage.Case) []bot.Choice {
	steps, _ := pb.Progress(cs.Fields, storage.CaseState{})
	choices := make([]bot.Choice, 0, len(steps))
	for _, s := range steps {
		choices = append(choices, bot.Choice{Value: s.ID, Label: s.ID + ": " + s.Title})
	}
	return choices
}

// outcomeChoices are the ways a case of pb can end.
func outcomeChoices(pb *playbooks.Playbook, _ storage.Case) []bot.Choice {
	choices := make([]bot.Choice, 0, len(pb.Outcomes))
	for _, o := range pb.Outcomes {
		choices = append(choices, bot.Choice{Value: o.ID, Label: o.Label})
	}
	return choices
}

// evidenceChoices are the kinds of evidence /case evidence takes for cs.
func (r *Router) evidenceChoices(pb *playbooks.Playbook, cs storage.Case) []bot.Choice {
	kinds := r.evidenceKinds(pb, cs)
	choices := make([]bot.Choice, 0, len(kinds))
	for _, k := range kinds {
		choices = append(choices, bot.Choice{Value: k})
	}
	return choices
}
