package discord

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// detailsOption is the option that takes key=value details: a playbook's
// fields beyond the options Discord has room for.
const detailsOption = "details"

// optionName is what Discord takes as a command's or an option's name.
var optionName = regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)

// registerAttempts is how often Register tries while Discord fails on its
// side or cannot be reached (about a minute in all).
const registerAttempts = 6

// Register overwrites the application's commands with those of
// Config.Specs, in the guild Config.GuildID or globally: a bulk
// overwrite, so a command renamed or removed does not linger. It tries
// again while Discord answers with a server error or a rate limit, and
// returns an error saying what to check when Discord refuses the call.
func (a *Adapter) Register(ctx context.Context) error {
	cmds := appCommands(a.cfg.Specs)
	if len(cmds) == 0 {
		return nil
	}
	wait := firstRedial
	for attempt := 1; ; attempt++ {
		_, err := a.rest.ApplicationCommandBulkOverwrite(a.cfg.AppID, a.cfg.GuildID, cmds, discordgo.WithContext(ctx))
		if err == nil {
			break
		}
		de := deliveryError("register commands", err)
		switch {
		case de.Permanent && restStatus(err) == http.StatusUnauthorized:
			return errors.New("discord: Discord refused the bot token (HTTP 401) registering the commands: check DISCORD_BOT_TOKEN")
		case de.Permanent:
			return fmt.Errorf("discord: register commands (check DISCORD_APP_ID and DISCORD_GUILD_ID): %w", err)
		case attempt == registerAttempts:
			return fmt.Errorf("discord: register commands, %d attempts: %w", attempt, err)
		}
		wait = max(wait, de.RetryAfter)
		a.log.Warn("discord: registering commands failed; retrying", "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, maxRedial)
	}
	where := "globally"
	if a.cfg.GuildID != "" {
		where = "in guild " + a.cfg.GuildID
	}
	a.log.Info("discord: commands registered", "commands", len(cmds), "where", where)
	return nil
}

// appCommands turns the core's commands into application commands: "case
// open" a subcommand of /case, "return" a command of its own.
func appCommands(specs []bot.CommandSpec) []*discordgo.ApplicationCommand {
	var cmds []*discordgo.ApplicationCommand
	byRoot := map[string]*discordgo.ApplicationCommand{}
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	// Everyday commands first, so that those needed now and then are the
	// ones that go into a root's overflow group.
	specs = slices.Clone(specs)
	slices.SortStableFunc(specs, func(a, b bot.CommandSpec) int {
		switch {
		case a.More == b.More:
			return 0
		case b.More:
			return -1
		}
		return 1
	})
	for _, s := range specs {
		root, sub, _ := strings.Cut(s.Name, " ")
		if !optionName.MatchString(root) || sub != "" && !optionName.MatchString(sub) {
			continue
		}
		cmd := byRoot[root]
		if cmd == nil {
			cmd = &discordgo.ApplicationCommand{Type: discordgo.ChatApplicationCommand, Name: root, Contexts: &guildOnly}
			byRoot[root] = cmd
			cmds = append(cmds, cmd)
		}
		if sub == "" {
			cmd.Description = description(s.Summary, root)
			cmd.Options = options(s.Params)
			continue
		}
		subcommand := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: sub, Description: description(s.Summary, sub), Options: options(s.Params)}
		addSubcommand(cmd, subcommand)
	}
	for _, cmd := range cmds {
		if cmd.Description == "" {
			cmd.Description = listDescription("/"+cmd.Name+": ", optionNames(cmd.Options))
		}
	}
	return cmds
}

// overflowGroup is the subcommand group that holds a command's
// subcommands beyond the 24 Discord shows at the top: "/case more void".
// readInvocation reads them as "case void", as every other platform has it.
const overflowGroup = "more"

// addSubcommand adds sub to cmd, in its overflow group once cmd has 24
// subcommands; past the group's 25 it is left out.
func addSubcommand(cmd *discordgo.ApplicationCommand, sub *discordgo.ApplicationCommandOption) {
	if len(cmd.Options) < maxCommandOptions-1 {
		cmd.Options = append(cmd.Options, sub)
		return
	}
	if len(cmd.Options) == maxCommandOptions-1 {
		cmd.Options = append(cmd.Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup,
			Name: overflowGroup, Description: "More /" + cmd.Name + " commands"})
	}
	group := cmd.Options[len(cmd.Options)-1]
	if len(group.Options) < maxCommandOptions {
		group.Options = append(group.Options, sub)
		group.Description = listDescription("More /"+cmd.Name+": ", optionNames(group.Options))
	}
}

func optionNames(opts []*discordgo.ApplicationCommandOption) []string {
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = o.Name
	}
	return names
}

// options are a command's parameters as typed options, required ones
// first, as Discord asks. A command of key=value fields only (a
// playbook's, such as /return) also takes a details option for the
// fields it has no room for.
func options(ps []bot.Param) []*discordgo.ApplicationCommandOption {
	allFields := len(ps) > 0 && !slices.ContainsFunc(ps, func(p bot.Param) bool { return !p.Field })
	room := maxCommandOptions
	if allFields {
		room--
	}
	var opts []*discordgo.ApplicationCommandOption
	for _, p := range requiredFirst(ps, func(p bot.Param) bool { return p.Required }) {
		if len(opts) == room {
			break
		}
		if o := option(p); o != nil {
			opts = append(opts, o)
		}
	}
	if allFields {
		opts = append(opts, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: detailsOption,
			Description: "Other details as key=value, e.g. note=\"left at the door\""})
	}
	return opts
}

// requiredFirst returns xs with the required ones first, each part in its
// order: Discord asks for required options first, and a modal shows the
// fields a form cannot do without before it runs out of its five inputs.
func requiredFirst[T any](xs []T, required func(T) bool) []T {
	out := slices.Clone(xs)
	slices.SortStableFunc(out, func(a, b T) int {
		switch ra, rb := required(a), required(b); {
		case ra == rb:
			return 0
		case ra:
			return -1
		}
		return 1
	})
	return out
}

// option is one parameter as an option: a user picks a member, a number
// is an integer from 1, a choice offers its values (through autocomplete
// past Discord's 25), and what a Completer offers is completed.
func option(p bot.Param) *discordgo.ApplicationCommandOption {
	if !optionName.MatchString(p.Name) {
		return nil
	}
	// Details are never required on Discord: left out, the core asks for
	// the fields it needs in a form, which Discord shows as a modal.
	o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: p.Name,
		Description: description(p.Help, p.Name), Required: p.Required && !p.Fields}
	switch p.Type {
	case bot.ParamUser:
		o.Type = discordgo.ApplicationCommandOptionUser
		return o
	case bot.ParamNumber:
		one := 1.0
		o.Type, o.MinValue = discordgo.ApplicationCommandOptionInteger, &one
		return o
	}
	switch {
	case p.Complete || len(p.Choices) > maxChoices:
		o.Autocomplete = true
	case len(p.Choices) > 0:
		for _, c := range p.Choices {
			if len(c.Value) > maxChoiceText {
				continue
			}
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(cmp.Or(c.Label, c.Value), maxChoiceText), Value: c.Value})
		}
	}
	return o
}

// description is an option's or a command's description, which Discord
// requires: 1 to 100 characters.
func description(s, name string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		s = labelOf(name)
	}
	return truncate(s, maxCommandDesc)
}

// listDescription describes a command by its subcommands, as many as fit.
func listDescription(prefix string, subs []string) string {
	d := prefix + strings.Join(subs, ", ")
	for len([]rune(d)) > maxCommandDesc && len(subs) > 1 {
		subs = subs[:len(subs)-1]
		d = prefix + strings.Join(subs, ", ") + ", …"
	}
	return description(d, prefix)
}

// invocation is a command as the user gave it: its name ("case done") and
// its options' values by name, the focused one's name when completing.
type invocation struct {
	name    string
	values  map[string]string
	focused string
}

// readInvocation reads an application command's data; a user option's
// value is the user's id.
func readInvocation(d discordgo.ApplicationCommandInteractionData) invocation {
	inv := invocation{name: d.Name, values: map[string]string{}}
	opts := d.Options
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		if opts[0].Type != discordgo.ApplicationCommandOptionSubCommandGroup || opts[0].Name != overflowGroup {
			inv.name += " " + opts[0].Name
		}
		opts = opts[0].Options
	}
	for _, o := range opts {
		inv.values[o.Name] = optionValue(o)
		if o.Focused {
			inv.focused = o.Name
		}
	}
	return inv
}

func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64: // JSON numbers
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	}
	return fmt.Sprint(o.Value)
}

// commandLine writes an invocation as the line a Slack user would type:
// positional parameters in order, then name=value fields, then free text
// and key=value details, with mentions as "@id".
func commandLine(inv invocation, ps []bot.Param) string {
	words := []string{"/" + inv.name}
	var fields, rest []string
	for _, p := range ps {
		v := strings.TrimSpace(inv.values[p.Name])
		if v == "" {
			continue
		}
		switch {
		case p.Type == bot.ParamUser:
			if !strings.HasPrefix(v, "@") {
				v = "@" + v
			}
			v = incoming(v)
		case p.Rest || p.Fields:
			rest = append(rest, incoming(v))
			continue
		default:
			v = quote(incoming(v))
		}
		if p.Field {
			fields = append(fields, p.Name+"="+v)
		} else {
			words = append(words, v)
		}
	}
	if d := strings.TrimSpace(inv.values[detailsOption]); d != "" && !slices.ContainsFunc(ps, func(p bot.Param) bool { return p.Name == detailsOption }) {
		rest = append(rest, incoming(d))
	}
	return strings.Join(slices.Concat(words, fields, rest), " ")
}
