package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/schedule"
	dailysummary "github.com/disputedesk/disputedesk/internal/summary"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// defaultSummaryAt is a subscription's time when none is given.
const defaultSummaryAt = "09:00"

func (r *Router) summaryCommand() *Command {
	return &Command{Name: "case summary", Changes: true, run: r.caseSummary,
		Params: []Param{
			choiceParam("action", "subscribe, unsubscribe, or now to post one at once; nothing shows the subscription",
				"subscribe", "unsubscribe", "now").optional(),
			textParam("time", "The local time of day, HH:MM (default 09:00)").optional(),
			textParam("zone", "The channel's time zone, as IANA names it: Europe/Oslo, America/New_York").optional(),
			choiceParam("days", "Every day, or Monday to Friday", storage.SummaryDaily, storage.SummaryWeekdays).optional(),
		},
		Summary: "The channel's daily summary of what is due and what happened: subscribe, stop, or post one now.",
		Examples: []string{"/case summary subscribe 09:00 Europe/Oslo weekdays", "/case summary now",
			"/case summary", "/case summary unsubscribe"}}
}

// caseSummary shows, changes or posts the channel's daily summary.
func (r *Router) caseSummary(ctx context.Context, c *call) (bot.Reply, error) {
	if !chatPlatform(c.req.Platform) {
		return bot.Reply{}, userErrorf("the console has no channel to post a summary in. " +
			"Print one from the shell: disputedesk summary --channel slack:TEAM/CHANNEL")
	}
	ch, err := c.tx.ChannelSettings(ctx, c.req.Platform, c.req.Workspace, c.req.Channel)
	if err != nil {
		return bot.Reply{}, err
	}
	switch action := strings.ToLower(c.in.Arg(0)); action {
	case "":
		return bot.Reply{Text: r.subscription(ch, c.now), Visibility: bot.Ephemeral}, nil
	case "subscribe":
		return r.subscribe(ctx, c, ch)
	case "unsubscribe":
		if !ch.Subscribed() {
			return bot.Reply{Text: "This channel has no daily summary.", Visibility: bot.Ephemeral}, nil
		}
		ch.SummaryAt, ch.SummaryDays, ch.UpdatedBy = "", "", c.req.User
		if err := c.tx.SaveChannelSettings(ctx, &ch); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Text: "This channel no longer gets the daily summary. Subscribe again: /case summary subscribe"}, nil
	case "now":
		return r.summaryNow(ctx, c, ch)
	default:
		return bot.Reply{}, c.usageErrorf("%q is not something /case summary does: write subscribe, unsubscribe or now, or nothing to see the subscription", action)
	}
}

// subscribe reads [HH:MM] [zone] [daily|weekdays], in any order, and
// subscribes the channel, keeping what is not given from an earlier
// subscription.
func (r *Router) subscribe(ctx context.Context, c *call, ch storage.ChannelSettings) (bot.Reply, error) {
	at, zone, days := ch.SummaryAt, ch.Zone, ch.SummaryDays
	for _, arg := range c.in.Args[1:] {
		switch low := strings.ToLower(arg); {
		case low == storage.SummaryDaily || low == storage.SummaryWeekdays:
			days = low
		case strings.Contains(arg, ":"):
			h, m, err := schedule.ParseClock(arg)
			if err != nil {
				return bot.Reply{}, c.usageErrorf("%s", err)
			}
			at = fmt.Sprintf("%02d:%02d", h, m)
		default:
			loc, _, err := deadline.Zone("", arg)
			if err != nil {
				return bot.Reply{}, c.usageErrorf("%q is not a time zone (%s)", arg, err)
			}
			zone = loc.String()
		}
	}
	if at == "" {
		at = defaultSummaryAt
	}
	if days == "" {
		days = storage.SummaryDaily
	}
	now := c.now
	ch.SummaryAt, ch.Zone, ch.SummaryDays, ch.SubscribedAt, ch.UpdatedBy = at, zone, days, &now, c.req.User
	if err := c.tx.SaveChannelSettings(ctx, &ch); err != nil {
		return bot.Reply{}, err
	}
	r.channelZones.forget(ch.Platform, ch.Workspace, ch.Channel)
	text := "Subscribed. " + r.subscription(ch, c.now)
	if zone == "" {
		text += " Times are in UTC; give the channel's zone to change that: /case summary subscribe " + at + " Europe/Oslo"
	}
	return bot.Reply{Text: text}, nil
}

// subscription says what the channel is subscribed to, and when the next
// summary comes.
func (r *Router) subscription(ch storage.ChannelSettings, now time.Time) string {
	if !ch.Subscribed() {
		return "This channel has no daily summary. Subscribe: /case summary subscribe 09:00 Europe/Oslo weekdays"
	}
	loc := dailysummary.Zone(ch)
	every := "every day"
	if ch.SummaryDays == storage.SummaryWeekdays {
		every = "every weekday"
	}
	text := fmt.Sprintf("this channel gets the daily summary %s at %s %s", every, ch.SummaryAt, loc)
	if next, ok := schedule.NextSlot(ch, now); ok {
		text += ", next " + next.In(loc).Format("Mon 2 Jan 15:04 MST")
	}
	if ch.LastSummaryAt != nil {
		text += "; the last one was posted " + ch.LastSummaryAt.In(loc).Format("Mon 2 Jan 15:04 MST")
	}
	return strings.ToUpper(text[:1]) + text[1:] + "."
}

// summaryNow queues the channel's summary since its last scheduled one,
// once however often the request is retried; the next scheduled one
// still covers the same time.
func (r *Router) summaryNow(ctx context.Context, c *call, ch storage.ChannelSettings) (bot.Reply, error) {
	reply, err := dailysummary.Compose(ctx, r.deps.Store, ch, dailysummary.Since(ch, c.now), c.now, r.deps.Playbooks, dailysummary.Options{Show: r.ShowButton})
	if err != nil {
		return bot.Reply{}, err
	}
	payload, err := json.Marshal(reply)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("summary: %w", err)
	}
	m := storage.OutboxMessage{Platform: ch.Platform, Workspace: ch.Workspace, Channel: ch.Channel, Kind: storage.OutboxChannel, Payload: string(payload)}
	if err := c.tx.Enqueue(ctx, &m); err != nil {
		return bot.Reply{}, err
	}
	c.enqueued = true
	return bot.Reply{Text: "Posting the summary in this channel.", Visibility: bot.Ephemeral}, nil
}

// ShowButton is the button that shows case ref, for posts made outside a
// request (the daily summary).
func (r *Router) ShowButton(ref storage.Ref) bot.Button {
	return r.button("Show "+ref.String(), "", "case show", ref.String())
}
