package commands

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// message handles a plain chat message: one in a case's thread goes on the
// case's timeline; one that mentions the bot outside a case gets a
// suggestion of the playbook that fits. Anything else is not for the bot.
func (r *Router) message(ctx context.Context, req *bot.Request, scope storage.Scope) (bot.Reply, error) {
	if req.Thread != "" {
		cs, err := r.deps.Store.CaseByThread(ctx, scope, req.Channel, req.Thread)
		switch {
		case err == nil:
			return r.recordMessage(ctx, req, cs)
		case !errors.Is(err, storage.ErrNotFound):
			return bot.Reply{}, fmt.Errorf("case of thread: %w", err)
		}
	}
	if !req.Mentioned {
		return bot.Reply{}, nil
	}
	// A platform may deliver a message again when it thinks we did not
	// get it: the answer is recorded before it is sent, and a delivery
	// already answered gets none.
	reply, replayed, err := r.once(ctx, req, func(storage.Tx) (bot.Reply, error) { return r.suggestion(req.Text), nil })
	if err != nil || replayed {
		return bot.Reply{}, err
	}
	return reply, nil
}

// suggestion answers a mention of the bot with the playbook that fits what
// was said, or all of them to choose from.
func (r *Router) suggestion(text string) bot.Reply {
	pb, fields, ok := r.deps.Playbooks.Suggest(text)
	if !ok {
		var bs []bot.Button
		for _, p := range r.deps.Playbooks.All() {
			bs = append(bs, r.button(p.Title, "", "case open", p.Name))
		}
		return bot.Reply{Text: "I could not tell which playbook fits. Pick one to open a case:", Buttons: bs, Visibility: bot.Ephemeral}
	}
	args := []string{pb.Name}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		args = append(args, k+"="+quote(fields[k]))
	}
	return bot.Reply{
		Text:       fmt.Sprintf("That sounds like a %s: %s. Open a case?", strings.ToLower(pb.Title), pb.Description),
		Buttons:    []bot.Button{r.button("Open "+strings.ToLower(pb.Title), "primary", "case open", args...)},
		Visibility: bot.Ephemeral,
	}
}

// recordMessage puts a message from a case's thread on its timeline; the
// message is the platform's, so the bot answers nothing.
func (r *Router) recordMessage(ctx context.Context, req *bot.Request, cs storage.Case) (bot.Reply, error) {
	_, _, err := r.once(ctx, req, func(tx storage.Tx) (bot.Reply, error) {
		ev := storage.Event{CaseID: cs.ID, At: r.deps.Now().UTC(), Actor: req.User, Kind: storage.EventMessage, Body: cut(req.Text)}
		if req.Permalink != "" {
			ev.Data = map[string]string{"permalink": req.Permalink}
		}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return bot.Reply{}, fmt.Errorf("record message on %s: %w", cs.Ref, err)
		}
		return bot.Reply{}, nil
	})
	return bot.Reply{}, err
}
