package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
)

func (r *Router) oncallCommand() *Command {
	return &Command{Name: "case oncall", Changes: true, More: true, run: r.caseOncall,
		Params:   []Param{textParam("group", "The user group (Slack) or role (Discord) to mention, or off").optional()},
		Summary:  "Show, set or clear (off) the group that reminders of unassigned cases in this channel mention.",
		Examples: []string{"/case oncall", "/case oncall @support-oncall", "/case oncall off"}}
}

// caseOncall shows, sets or clears the on-call group of the request's
// channel, keeping its other settings. It is a channel's setting, so the
// console, which has none, is refused.
func (r *Router) caseOncall(ctx context.Context, c *call) (bot.Reply, error) {
	req := c.req
	if req.Platform != bot.PlatformSlack && req.Platform != bot.PlatformDiscord {
		return bot.Reply{}, userErrorf("The console has no channels, so no on-call group: run /case oncall in a Slack or Discord channel.")
	}
	s, err := c.tx.ChannelSettings(ctx, req.Platform, req.Workspace, req.Channel)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("oncall: %w", err)
	}
	// Joined, so that a label with a space or a word too many is refused
	// as a whole rather than cut off.
	arg := strings.Join(c.in.Args, " ")
	if arg == "" {
		// Shown to the asker only, so that looking does not ping the group.
		if s.OnCall == "" {
			return bot.Reply{Text: "Reminders of unassigned cases in this channel mention nobody. /case oncall @group sets who they mention.", Visibility: bot.Ephemeral}, nil
		}
		return bot.Reply{Text: fmt.Sprintf("Reminders of unassigned cases in this channel mention %s. /case oncall off stops that.", bot.GroupMention(s.OnCall)), Visibility: bot.Ephemeral}, nil
	}
	group := ""
	if !strings.EqualFold(arg, "off") {
		if group, err = parseGroup(req.Platform, arg); err != nil {
			return bot.Reply{}, c.usageErrorf("%s", err)
		}
	}
	s.OnCall, s.UpdatedBy = group, req.User
	if err := c.tx.SaveChannelSettings(ctx, &s); err != nil {
		return bot.Reply{}, fmt.Errorf("oncall: %w", err)
	}
	if group == "" {
		return bot.Reply{Text: "Reminders of unassigned cases in this channel now mention nobody."}, nil
	}
	return bot.Reply{Text: fmt.Sprintf("Reminders of unassigned cases in this channel now mention %s.", bot.GroupMention(group))}, nil
}

// The forms a group arrives in: Slack's markup <!subteam^S0123ABC|@name>,
// Discord's <@&123...>, the adapters' "@&id" for either, or a bare id.
var (
	slackGroup    = regexp.MustCompile(`^(?:<!subteam\^(S[A-Z0-9]+)(?:\|[^<>]*)?>|@&(S[A-Z0-9]+)|(S[A-Z0-9]{2,}))$`)
	discordGroup  = regexp.MustCompile(`^(?:<@&(\d{5,20})>|@&(\d{5,20})|(\d{5,20}))$`)
	slackOnCall   = "a Slack user group: type @ and pick the group so Slack links it (<!subteam^S0123ABC|@support-oncall>), or give its id, like S0123ABC"
	discordOnCall = "a Discord role: type @ and pick the role (<@&123456789012345678>), or give its id, like 123456789012345678"
)

// parseGroup reads the group s names on platform, in any of the forms a
// user types or pastes; anything else is an error saying what to write.
func parseGroup(platform, s string) (string, error) {
	re, what := slackGroup, slackOnCall
	if platform == bot.PlatformDiscord {
		re, what = discordGroup, discordOnCall
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("%q is not a group the bot can mention: write %s, or off", s, what)
	}
	return m[1] + m[2] + m[3], nil
}
