package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// Lead is one entry of DISPUTEDESK_LEADS: a user, or everyone in a
// Discord role or a Slack user group, on one platform.
type Lead struct {
	Platform string
	User     string // a user id; empty for a role
	Role     string // a Discord role or Slack user group id; empty for a user
}

// String writes the lead back as DISPUTEDESK_LEADS takes it.
func (l Lead) String() string {
	switch {
	case l.Role != "" && l.Platform == bot.PlatformSlack:
		return l.Platform + ":" + l.Role // a group's id says it is one: S...
	case l.Role != "":
		return l.Platform + ":role:" + l.Role
	}
	return l.Platform + ":" + l.User
}

// NeedsSlackGroups reports whether a lead is a Slack user group: the Slack
// adapter then looks up each user's groups (slack.Config.UserGroups), which
// Slack does not send with a request.
func NeedsSlackGroups(leads []Lead) bool {
	return slices.ContainsFunc(leads, func(l Lead) bool { return l.Platform == bot.PlatformSlack && l.Role != "" })
}

// mention is how a post names the lead.
func (l Lead) mention() string {
	if l.Role != "" {
		return bot.GroupMention(l.Role)
	}
	return bot.Mention(l.User)
}

var (
	slackUserID  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	slackGroupID = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	snowflake    = regexp.MustCompile(`^[0-9]{5,20}$`)
	consoleUser  = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

// leadsSyntax is what to write, for errors.
const leadsSyntax = "write slack:U0123 (a Slack user), slack:S0123 (a Slack user group), discord:123456789012345678 (a Discord user) or discord:role:123456789012345678 (everyone with a Discord role), separated by commas"

// ParseLeads reads DISPUTEDESK_LEADS. Each error names the entry and says
// what to write instead.
func ParseLeads(v string) ([]Lead, error) {
	var leads []Lead
	var errs []error
	for _, entry := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		l, err := parseLead(entry)
		if err != nil {
			errs = append(errs, fmt.Errorf("DISPUTEDESK_LEADS: %q %w", entry, err))
			continue
		}
		if !slices.Contains(leads, l) {
			leads = append(leads, l)
		}
	}
	return leads, errors.Join(errs...)
}

func parseLead(entry string) (Lead, error) {
	platform, id, ok := strings.Cut(entry, ":")
	if !ok {
		switch {
		case slackUserID.MatchString(entry):
			return Lead{}, fmt.Errorf("names no platform: write slack:%s", entry)
		case snowflake.MatchString(entry):
			return Lead{}, fmt.Errorf("names no platform: write discord:%s", entry)
		}
		return Lead{}, fmt.Errorf("is not a lead: %s", leadsSyntax)
	}
	switch platform = strings.ToLower(platform); platform {
	case bot.PlatformSlack:
		switch {
		case slackUserID.MatchString(id):
			return Lead{Platform: platform, User: id}, nil
		case slackGroupID.MatchString(strings.TrimPrefix(id, "group:")):
			return Lead{Platform: platform, Role: strings.TrimPrefix(id, "group:")}, nil
		case strings.HasPrefix(id, "group:") || strings.HasPrefix(id, "@"):
			return Lead{}, errors.New("is not a Slack user group id: write slack:S0123, the group's id (Slack: the group's profile, ⋮, Copy group ID)")
		}
	case bot.PlatformDiscord:
		if role, isRole := strings.CutPrefix(id, "role:"); isRole && snowflake.MatchString(role) {
			return Lead{Platform: platform, Role: role}, nil
		}
		if snowflake.MatchString(id) {
			return Lead{Platform: platform, User: id}, nil
		}
	case bot.PlatformConsole:
		if consoleUser.MatchString(id) {
			return Lead{Platform: platform, User: id}, nil
		}
	}
	return Lead{}, fmt.Errorf("is not a lead: %s", leadsSyntax)
}

// leadsOn are the leads on platform.
func (r *Router) leadsOn(platform string) []Lead {
	var on []Lead
	for _, l := range r.deps.Leads {
		if l.Platform == platform {
			on = append(on, l)
		}
	}
	return on
}

// isLead reports whether the request's user is a lead: always, when no
// leads are configured.
func (r *Router) isLead(req *bot.Request) bool {
	if len(r.deps.Leads) == 0 {
		return true
	}
	for _, l := range r.leadsOn(req.Platform) {
		if l.User != "" && l.User == req.User || l.Role != "" && slices.Contains(req.Roles, l.Role) {
			return true
		}
	}
	return false
}

// needLead answers a user who is not a lead and asked to do what owner
// (lead or finance) does: what, on cs. The answer names who can and offers
// to ask them in the case's thread. It returns nil when the user may.
func (r *Router) needLead(c *call, cs storage.Case, owner, what string) *bot.Reply {
	if owner == "" || r.isLead(c.req) {
		return nil
	}
	leads := r.leadsOn(c.req.Platform)
	who := "a lead named in DISPUTEDESK_LEADS, none of whom is on this platform"
	if len(leads) > 0 {
		var names []string
		for _, l := range leads {
			names = append(names, l.mention())
		}
		who = strings.Join(names, ", ")
	}
	article := map[string]string{"lead": "a lead", "finance": "finance"}[owner]
	return &bot.Reply{
		Text:       fmt.Sprintf("Only %s may %s: ask %s", article, what, who),
		Buttons:    []bot.Button{r.button("Ask "+article, "primary", "case ask", cs.Ref.String(), quote(what))},
		Visibility: bot.Ephemeral,
	}
}

func (r *Router) askCommand() *Command {
	return &Command{Name: "case ask", Code: "ak", Changes: true, More: true, run: r.caseAsk,
		Params:   []Param{r.refParam(storage.StatusOpen), textParam("what", "What the lead is asked to do").rest()},
		Summary:  "Ask the leads (DISPUTEDESK_LEADS) in the case's thread to do what only they may.",
		Examples: []string{"/case ask CB-1042 close CB-1042 as accepted"}}
}

// caseAsk posts a request to the leads in the case's thread.
func (r *Router) caseAsk(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	what := strings.TrimSpace(c.in.Rest(0))
	if what == "" {
		return bot.Reply{}, c.usageErrorf("say what the lead is asked to do")
	}
	var names []string
	for _, l := range r.leadsOn(cs.Platform) {
		names = append(names, l.mention())
	}
	if len(names) == 0 {
		return bot.Reply{}, userErrorf("no lead is named for this platform in DISPUTEDESK_LEADS: ask your team's lead directly")
	}
	text := fmt.Sprintf("%s asks %s on %s: %s.", bot.Mention(c.req.User), strings.Join(names, ", "), cs.Ref, what)
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventNote, Body: "asked a lead to " + what}
	if err := c.tx.AppendEvent(ctx, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("ask on %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil).post = &bot.Reply{Text: text}
	return bot.Reply{Text: text}, nil
}
