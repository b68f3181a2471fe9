package commands

import (
	"context"
	"fmt"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

func (r *Router) resendCommand() *Command {
	return &Command{Name: "case resend", Code: "rs", Params: []Param{r.refParam("")}, Changes: true, More: true, run: r.caseResend,
		Summary:  "Post again what the bot could not post for a case (its card, thread messages, card updates).",
		Examples: []string{"/case resend CB-1042"}}
}

// caseResend puts a case's failed messages back in the outbox, in their
// order, once whatever stopped them (the bot not in the channel, say) is
// fixed. The answer is the user's alone: the messages themselves are what
// the channel sees.
func (r *Router) caseResend(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	n, err := c.tx.RequeueFailed(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("resend %s: %w", cs.Ref, err)
	}
	if n == 0 {
		return bot.Reply{}, userErrorf("%s has nothing to post again: what the bot could not post is shown in /case show %s, and a card posted since has taken its place.", cs.Ref, cs.Ref)
	}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventResent, Body: fmt.Sprintf("%d message(s) the bot could not post, sent again", n)}
	if err := c.tx.AppendEvent(ctx, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("resend %s: %w", cs.Ref, err)
	}
	c.enqueued = true
	return bot.Reply{Text: fmt.Sprintf("Posting %d message(s) of %s again.", n, cs.Ref), Visibility: bot.Ephemeral}, nil
}
