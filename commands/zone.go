package commands

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// zones finds the zone each time of a request is shown in, by one rule
// (deadline.Shown): the case's own, else the zone of the channel the case
// lives in, else the user's as the platform reports it, else UTC. A case's
// card, /case list, /case due and its reminders therefore agree, wherever
// they are read. A channel's zone is read when a time is first written,
// and kept a while for every request (channelZones).
type zones struct {
	ctx   context.Context // the request's: a zones lives for one request
	store storage.Store
	log   *slog.Logger
	cache *channelZones
	now   time.Time
	user  string // the user's zone, from the platform; "" for none
	// fallback is the zone of the times written so far that are not in a
	// case's own zone, for the note that says which it is.
	fallback *shown
}

type channelKey struct{ platform, workspace, channel string }

// channelZonesTTL is how long a channel's zone is kept: a zone set on
// another replica shows there within it. Every request that writes a time
// would otherwise read the channel's settings, one more round trip on the
// open path.
const channelZonesTTL = 30 * time.Second

// channelZones keeps channels' zones for channelZonesTTL.
type channelZones struct {
	mu sync.Mutex
	m  map[channelKey]cachedZone
}

type cachedZone struct {
	name  string
	until time.Time
}

// forget drops a channel's zone, which its request has just changed.
func (c *channelZones) forget(platform, workspace, channel string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, channelKey{platform, workspace, channel})
}

func (r *Router) zonesFor(ctx context.Context, req *bot.Request) *zones {
	return &zones{ctx: ctx, store: r.deps.Store, log: r.deps.Logger, cache: r.channelZones, now: r.deps.Now(), user: req.Zone}
}

// shown is a zone a time is shown in and whose it is (deadline.ZoneOf...).
type shown struct {
	loc  *time.Location
	from string
}

// of returns the zone of a case with timezone field caseTZ that lives in
// the channel.
func (z *zones) of(caseTZ, platform, workspace, channel string) shown {
	loc, from := deadline.Shown(caseTZ, z.channel(platform, workspace, channel), z.user)
	s := shown{loc, from}
	if from != deadline.ZoneOfCase {
		z.fallback = &s
	}
	return s
}

// ofCase returns the zone cs's times are shown in.
func (z *zones) ofCase(cs storage.Case) *time.Location {
	return z.of(cs.Fields[playbooks.FieldTimezone], cs.Platform, cs.Workspace, cs.Channel).loc
}

// channel returns a channel's zone, "" when it has none or cannot be read
// (the time is then shown in the next zone of the rule, named as always).
func (z *zones) channel(platform, workspace, channel string) string {
	if channel == "" || platform == bot.PlatformConsole {
		return ""
	}
	k := channelKey{platform, workspace, channel}
	z.cache.mu.Lock()
	c, ok := z.cache.m[k]
	z.cache.mu.Unlock()
	if ok && z.now.Before(c.until) {
		return c.name
	}
	s, err := z.store.ChannelSettings(z.ctx, platform, workspace, channel)
	if err != nil {
		z.log.Warn("commands: reading a channel's time zone; its times are shown in the next zone", "channel", channel, "error", err)
		return ""
	}
	z.cache.mu.Lock()
	defer z.cache.mu.Unlock()
	if z.cache.m == nil || len(z.cache.m) > 10000 { // bounded: a big install just reads again
		z.cache.m = map[channelKey]cachedZone{}
	}
	z.cache.m[k] = cachedZone{s.Zone, z.now.Add(channelZonesTTL)}
	return s.Zone
}

// note says which zone the times written so far are in, when some were not
// in their case's own (a list ends with it), and how to give the channel
// one; "" when every time was in its case's zone.
func (z *zones) note() string {
	if z.fallback == nil {
		return ""
	}
	switch z := *z.fallback; z.from {
	case deadline.ZoneOfChannel:
		return fmt.Sprintf("Times are in %s, the channel's zone.", z.loc)
	case deadline.ZoneOfUser:
		return fmt.Sprintf("Times are in %s, your zone; give the channel its own: /case zone Europe/Oslo", z.loc)
	case deadline.ZoneDefault:
		return "Times are in UTC; give the channel its zone: /case zone Europe/Oslo"
	}
	return ""
}

// channelZoneByDefault gives a case opened without a timezone the zone of
// its channel, when the channel has one and the playbook knows the field:
// its end-of-day deadlines then end at the channel's midnight rather than
// UTC's (an hour later in Oslo, on the dangerous side), its local dates
// and times are read in it, and none of its times move if the channel's
// zone changes later.
func (r *Router) channelZoneByDefault(c *call, pb *playbooks.Playbook) {
	if _, ok := pb.Field(playbooks.FieldTimezone); !ok {
		return
	}
	if _, given := c.in.Fields[playbooks.FieldTimezone]; given {
		return
	}
	if z := c.zones.channel(c.req.Platform, c.req.Workspace, c.req.Channel); z != "" {
		if c.in.Fields == nil {
			c.in.Fields = map[string]string{}
		}
		c.in.Fields[playbooks.FieldTimezone] = z
	}
}

func (r *Router) zoneCommand() *Command {
	return &Command{Name: "case zone", Changes: true, More: true, run: r.caseZone,
		Params:   []Param{textParam("zone", "The channel's time zone as IANA names it (Europe/Oslo, America/New_York), or off").optional()},
		Summary:  "Show or set the time zone this channel's times are shown in (and its daily summary is scheduled in); a case's own timezone= comes first.",
		Examples: []string{"/case zone", "/case zone Europe/Oslo", "/case zone off"}}
}

// caseZone shows, sets or clears the zone of the request's channel,
// keeping its other settings.
func (r *Router) caseZone(ctx context.Context, c *call) (bot.Reply, error) {
	req := c.req
	if !chatPlatform(req.Platform) {
		return bot.Reply{}, userErrorf("The console has no channel to give a zone: its times are in TZ (%s here). Run /case zone in a Slack or Discord channel.", cmp.Or(req.Zone, "UTC"))
	}
	s, err := c.tx.ChannelSettings(ctx, req.Platform, req.Workspace, req.Channel)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("zone: %w", err)
	}
	arg := strings.Join(c.in.Args, " ")
	if arg == "" {
		z := c.zones.of("", req.Platform, req.Workspace, req.Channel)
		text := map[string]string{
			deadline.ZoneOfChannel: fmt.Sprintf("Times in this channel are shown in %s, the channel's zone. /case zone off clears it.", z.loc),
			deadline.ZoneOfUser:    fmt.Sprintf("This channel has no zone: times are shown in yours, %s. /case zone Europe/Oslo gives it one.", z.loc),
			deadline.ZoneDefault:   "This channel has no zone: times are shown in UTC. /case zone Europe/Oslo gives it one.",
		}[z.from]
		return bot.Reply{Text: text + " A case opened with timezone= shows its own.", Visibility: bot.Ephemeral}, nil
	}
	zone := ""
	if !strings.EqualFold(arg, "off") {
		loc, _, err := deadline.Zone("", arg)
		if err != nil {
			return bot.Reply{}, c.usageErrorf("%q is not a time zone (%s), or off", arg, err)
		}
		zone = loc.String()
	}
	s.Zone, s.UpdatedBy = zone, req.User
	if err := c.tx.SaveChannelSettings(ctx, &s); err != nil {
		return bot.Reply{}, fmt.Errorf("zone: %w", err)
	}
	r.channelZones.forget(req.Platform, req.Workspace, req.Channel)
	text := "This channel's times are now shown in " + cmp.Or(zone, "UTC") + "."
	if zone == "" {
		text = "This channel has no zone now: times are shown in UTC, or in the zone Slack gives for the user who asks."
	}
	if s.Subscribed() {
		text += fmt.Sprintf(" Its daily summary comes at %s %s.", s.SummaryAt, cmp.Or(zone, "UTC"))
	}
	return bot.Reply{Text: text}, nil
}
