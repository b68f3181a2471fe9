package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// maxSnooze bounds a snooze: a deadline reminder silenced longer than this
// is a deadline forgotten.
const maxSnooze = 14 * 24 * time.Hour

func (r *Router) snoozeCommand() *Command {
	return &Command{Name: "case snooze", Code: "sz", Changes: true, run: r.caseSnooze,
		Params: []Param{r.refParam(storage.StatusOpen), textParam("for", "How long, in hours or days: 24h, 3d (at most 14d)"),
			textParam("reason", "Why the reminders may wait").optional().rest()},
		Summary:  "Silence a case's deadline reminders for a while (up to 14 days); the deadlines stay on the card.",
		Examples: []string{"/case snooze CB-1042 24h Waiting for the bank's letter", "/case snooze RMA-1007 3d"}}
}

// caseSnooze silences a case's reminders until now plus the duration
// given, on the timeline. Once it ends, the latest reminder due is posted.
func (r *Router) caseSnooze(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if cs.Status == storage.StatusClosed {
		return bot.Reply{}, userErrorf("%s is closed: it has no reminders to silence.", cs.Ref)
	}
	d, err := parseSnooze(c.in.Arg(1))
	if err != nil {
		return bot.Reply{}, c.usageErrorf("%s", err)
	}
	until := c.now.Add(d)
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventSnoozed,
		Body: strings.TrimSuffix("reminders silenced until "+deadline.When(until, c.zones.ofCase(cs))+": "+c.in.Rest(1), ": ")}
	if err := c.tx.Snooze(ctx, cs.ID, until, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("snooze %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	return bot.Reply{Text: fmt.Sprintf("Reminders for %s are silenced until %s.", cs.Ref, deadline.When(until, c.zones.ofCase(cs)))}, nil
}

// parseSnooze reads a snooze's length: a whole number of hours (24h) or
// days (3d), up to maxSnooze.
func parseSnooze(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour}
	if len(s) < 2 || unit[s[len(s)-1]] == 0 {
		return 0, fmt.Errorf("say how long with hours or days, e.g. 24h or 3d, not %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("say how long with a whole number of hours or days, e.g. 24h or 3d, not %q", s)
	}
	d := time.Duration(n) * unit[s[len(s)-1]]
	if d > maxSnooze {
		return 0, fmt.Errorf("%s is longer than reminders may wait: at most 14 days (14d)", s)
	}
	return d, nil
}
