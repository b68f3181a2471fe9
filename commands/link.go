package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

func (r *Router) linkCommand() *Command {
	kinds := make([]string, len(storage.LinkKinds))
	for i, k := range storage.LinkKinds {
		kinds[i] = string(k)
	}
	return &Command{Name: "case link", Code: "lk", Changes: true, More: true, run: r.caseLink,
		Params: []Param{r.refParam(""), param("other", bot.ParamCase, "The case to link it to, e.g. SUP-1003").completedBy(r.completeCases("")),
			choiceParam("kind", "How they relate", kinds...).optional()},
		Summary:  "Link two cases of the workspace both ways: related (the default), duplicate or supplier.",
		Examples: []string{"/case link RMA-1007 SUP-1003 supplier", "/case link CB-1043 CB-1042 duplicate"}}
}

// caseLink links two cases both ways, with an event on each timeline and
// each card updated, in one transaction. Both are looked up in the
// request's scope, and the store refuses two workspaces' cases besides
// (the console's scope reaches them all).
func (r *Router) caseLink(ctx context.Context, c *call) (bot.Reply, error) {
	ref, err := c.ref()
	if err != nil {
		return bot.Reply{}, err
	}
	if c.in.Arg(1) == "" {
		return bot.Reply{}, c.usageErrorf("say which case to link %s to, e.g. /case link %s SUP-1003", ref, ref)
	}
	otherRef, err := storage.ParseRef(c.in.Arg(1))
	if err != nil {
		return bot.Reply{}, c.usageErrorf("%s", err)
	}
	kind := storage.LinkRelated
	if k := strings.ToLower(c.in.Arg(2)); k != "" {
		kind = storage.LinkKind(k)
		if !slices.Contains(storage.LinkKinds, kind) {
			return bot.Reply{}, c.usageErrorf("%q is not a kind of link: choose related, duplicate or supplier", k)
		}
	}
	if otherRef == ref {
		return bot.Reply{}, userErrorf("%s cannot be linked to itself.", ref)
	}
	// Lock the two in reference order, so that two links of the same pair
	// given either way round queue instead of deadlocking.
	first, second := ref, otherRef
	if second.Prefix < first.Prefix || second.Prefix == first.Prefix && second.Number < first.Number {
		first, second = second, first
	}
	locked := map[storage.Ref]storage.Case{}
	for _, rf := range []storage.Ref{first, second} {
		cs, err := c.tx.CaseForUpdate(ctx, c.scope, rf)
		if err != nil {
			return bot.Reply{}, r.caseError(rf, err)
		}
		locked[rf] = cs
	}
	cs, other := locked[ref], locked[otherRef]
	if cs.Platform != other.Platform || cs.Workspace != other.Workspace {
		return bot.Reply{}, userErrorf("%s and %s are in different workspaces: only cases of one workspace can be linked.", ref, otherRef)
	}
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("link %s: %w", ref, err)
	}
	if i := slices.IndexFunc(st.Links, func(l storage.CaseLink) bool { return l.OtherID == other.ID }); i >= 0 && st.Links[i].Kind == kind {
		return bot.Reply{}, userErrorf("%s and %s are linked already (%s).", ref, otherRef, kind)
	}
	l := storage.CaseLink{CaseID: cs.ID, OtherID: other.ID, Kind: kind, By: c.req.User, At: c.now}
	ev := storage.Event{At: c.now, Actor: c.req.User, Kind: storage.EventLinked, Body: fmt.Sprintf("%s %s", kind, otherRef),
		Data: map[string]string{"other": otherRef.String(), "kind": string(kind)}}
	otherEv := storage.Event{At: c.now, Actor: c.req.User, Kind: storage.EventLinked, Body: fmt.Sprintf("%s %s", kind, ref),
		Data: map[string]string{"other": ref.String(), "kind": string(kind)}}
	if err := c.tx.LinkCases(ctx, l, &ev, &otherEv); err != nil {
		return bot.Reply{}, fmt.Errorf("link %s to %s: %w", ref, otherRef, err)
	}
	text := fmt.Sprintf("Linked %s and %s (%s).", ref, otherRef, kind)
	// The other case's thread and card hear of it too: publish it as its
	// own change, then leave the first case as the command's change.
	c.changed(other, nil)
	otherReply := bot.Reply{Text: text}
	if err := r.publish(ctx, c, &otherReply); err != nil {
		return bot.Reply{}, err
	}
	c.changed(cs, nil)
	return bot.Reply{Text: text}, nil
}

// linkLines list a case's links for its card and /case show.
func linkLines(links []storage.CaseLink) []string {
	lines := make([]string, 0, len(links))
	for _, l := range links {
		lines = append(lines, fmt.Sprintf("%s · %s", l.Other, l.Kind))
	}
	return lines
}
