// Package commands turns chat commands into work: it parses a command line
// once, routes it to the command that owns it, runs changes in one database
// transaction with the request's idempotency record, and answers with a
// platform-neutral bot.Reply. Help is generated from the commands themselves.
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/actionid"
	"github.com/disputedesk/disputedesk/internal/suggest"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/prompts"
	"github.com/disputedesk/disputedesk/storage"
)

// Deps is what the commands work with.
type Deps struct {
	Store     storage.Store
	Playbooks *playbooks.Catalog
	// DefaultCurrency applies to amounts given without a currency; empty
	// means a currency must always be given.
	DefaultCurrency string
	Now             func() time.Time
	Logger          *slog.Logger
	// Timeout bounds one request; zero means 10 seconds.
	Timeout time.Duration
	// Wake, when set, is called after a change that queued messages in the
	// outbox has committed, so the delivery worker sends them at once.
	Wake func()
	// Calendar is the team's default country for holidays and its own
	// added and removed dates (DISPUTEDESK_COUNTRY, DISPUTEDESK_HOLIDAYS),
	// for working-day deadlines.
	Calendar playbooks.Calendar
	// Drafter writes reply drafts; nil leaves out the draft commands.
	Drafter prompts.Drafter
	// DefaultLanguage is the team's language for drafts when neither the
	// agent, the customer's message nor the platform says otherwise.
	DefaultLanguage string
	// Channels limits the bot, in each workspace it names (by
	// WorkspaceKey), to the channels listed: commands from other channels
	// there are refused and cases in them are not found. A workspace it
	// does not name is not limited.
	Channels map[string][]string
	// Signature is the shop's name under every reply draft
	// (DISPUTEDESK_SIGNATURE); empty, drafts are signed by the agent alone.
	Signature string
	// Leads may do what a playbook gives its lead or finance (steps and
	// outcomes marked owner: lead or finance, DISPUTEDESK_LEADS); empty,
	// everyone may do everything.
	Leads []Lead
	// Evidence sends a Stripe dispute's evidence to Stripe (STRIPE_API_KEY);
	// nil: /case stripe says how to turn it on.
	Evidence EvidenceStager
	// ConsoleWorkspace narrows the console to one workspace (a
	// WorkspaceKey); empty, the console sees every workspace.
	ConsoleWorkspace string
}

// Command is one chat command, described as data.
type Command struct {
	Name string // "case open": the root word and the subcommand
	// Code names the command in action ids (internal/actionid), for the
	// commands a button or form may run; empty for the others. A code is
	// never changed or given to another command: posted buttons carry it.
	Code string
	// Params are its parameters, in the order they are written; help,
	// usage lines, native commands and completion are made from them.
	Params   []Param
	Summary  string
	Examples []string
	// Changes marks a command that changes state: it runs in one transaction
	// with the record of its request, so a retried request changes nothing twice.
	Changes bool
	// More marks a command needed now and then (bot.CommandSpec.More).
	More bool
	run  func(ctx context.Context, c *call) (bot.Reply, error)
}

// Usage is the command's synopsis, e.g. "/case note REF text".
func (c *Command) Usage() string { return strings.TrimSpace("/" + c.Name + " " + usage(c.Params)) }

// call is one run of a command.
type call struct {
	cmd *Command
	req *bot.Request
	in  Input // Args start after the subcommand
	now time.Time
	tx  storage.Tx // set when cmd.Changes
	// scope is whose cases the request reaches: every lookup goes through it.
	scope storage.Scope

	// change is what the command did to a case, for publish; nil when it
	// changed none.
	change   *caseChange
	enqueued bool // the command queued messages in the outbox
	// actor is who the team sees made the change (Stripe, for a webhook);
	// empty: a mention of the request's user.
	actor string
	// zones says which zone each time is shown in.
	zones *zones
}

// usageErrorf is a UserError that also shows the command's usage.
func (c *call) usageErrorf(format string, args ...any) *UserError {
	return &UserError{Msg: fmt.Sprintf(format, args...), Usage: c.cmd.Usage()}
}

// Router dispatches requests to commands.
type Router struct {
	deps     Deps
	commands map[string]*Command // by Name
	byCode   map[string]*Command // by Code
	families map[string][]*Command
	roots    []string
	handler  bot.Handler
	console  storage.Scope // the console's scope, from Deps.ConsoleWorkspace
	// channelZones keeps the channels' time zones a while (zone.go).
	channelZones *channelZones
}

var _ bot.Handler = (*Router)(nil)

// NewRouter registers every command and wraps dispatch in mw and the
// router's own middleware (error replies, logging, timeout). It fails if two
// commands share a name.
func NewRouter(deps Deps, mw ...bot.Middleware) (*Router, error) {
	if deps.Store == nil || deps.Playbooks == nil {
		return nil, errors.New("commands: Store and Playbooks are required")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Timeout == 0 {
		deps.Timeout = 10 * time.Second
	}
	r := &Router{deps: deps, commands: map[string]*Command{}, byCode: map[string]*Command{}, families: map[string][]*Command{}, console: storage.AllWorkspaces,
		channelZones: &channelZones{}}
	if deps.ConsoleWorkspace != "" {
		var err error
		if r.console, err = ParseWorkspace(deps.ConsoleWorkspace); err != nil {
			return nil, fmt.Errorf("commands: console %w", err)
		}
	}
	for _, c := range slices.Concat(r.caseCommands(), r.correctionCommands(), []*Command{r.findCommand(), r.linkCommand(), r.setCommand(), r.resendCommand(), r.snoozeCommand(), r.summaryCommand(), r.oncallCommand(), r.zoneCommand(), r.askCommand(), r.stripeCommand()}, r.stepCommands(), r.draftCommands(), r.shorthandCommands()) {
		if err := r.add(c); err != nil {
			return nil, err
		}
	}
	base := []bot.Middleware{errorReplies(deps.Logger, r.CommandOf), logRequests(deps.Logger, r.CommandOf), timeout(deps.Timeout)}
	r.handler = bot.Chain(bot.HandlerFunc(r.dispatch), append(base, mw...)...)
	return r, nil
}

func (r *Router) add(c *Command) error {
	if _, dup := r.commands[c.Name]; dup {
		return fmt.Errorf("commands: %q is registered twice", c.Name)
	}
	if c.Code != "" {
		if other, dup := r.byCode[c.Code]; dup {
			return fmt.Errorf("commands: %q and %q have the same code %q", other.Name, c.Name, c.Code)
		}
		if !actionid.ValidCode(c.Code) {
			return fmt.Errorf("commands: %q has code %q: write 1 to %d lower-case letters", c.Name, c.Code, actionid.MaxCode)
		}
		r.byCode[c.Code] = c
	}
	root, _, _ := strings.Cut(c.Name, " ")
	if _, seen := r.families[root]; !seen {
		r.roots = append(r.roots, root)
	}
	r.commands[c.Name] = c
	r.families[root] = append(r.families[root], c)
	return nil
}

// Commands lists the registered commands in registration order.
func (r *Router) Commands() []*Command {
	var all []*Command
	for _, root := range r.roots {
		all = append(all, r.families[root]...)
	}
	return all
}

// Handle answers one request. Errors come back as replies; the error result
// is non-nil only if a middleware given to NewRouter returns one.
func (r *Router) Handle(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	return r.handler.Handle(ctx, req)
}

func (r *Router) dispatch(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if req.Action != nil {
		return r.action(ctx, req)
	}
	if req.IsMessage() && req.Platform != bot.PlatformConsole {
		scope, err := r.scope(req)
		if err != nil {
			return bot.Reply{}, nil // not a channel of the bot's: not for it
		}
		return r.message(ctx, req, scope)
	}
	if err := checkText("the command", req.Text, MaxLineLen); err != nil {
		return bot.Reply{}, err
	}
	in, err := Parse(req.Text)
	if err != nil {
		return bot.Reply{}, err
	}
	return r.run(ctx, req, in)
}

// action turns a button press or a form submission into a command.
func (r *Router) action(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	line, err := r.actionLine(req.Action.Value)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := checkText("the button's command", line, MaxLineLen); err != nil {
		return bot.Reply{}, err
	}
	in, err := Parse(line)
	if err != nil {
		return bot.Reply{}, err
	}
	switch req.Action.ID {
	case bot.ActionRun:
	case bot.ActionForm:
		// Form values are free text: they become fields as they are,
		// never re-read as a command line.
		for k, v := range req.Action.Values {
			if v = strings.TrimSpace(v); v != "" {
				in.Fields[strings.ToLower(k)] = v
			}
		}
	default:
		return bot.Reply{}, errButtonGone
	}
	return r.run(ctx, req, in)
}

// run routes a parsed command line to its command.
func (r *Router) run(ctx context.Context, req *bot.Request, in Input) (bot.Reply, error) {
	family, ok := r.families[in.Root]
	if !ok {
		return bot.Reply{}, userErrorf("unknown command /%s.%s Commands: %s", in.Root,
			suggest.DidYouMean(in.Root, r.roots, "/"), "/"+strings.Join(r.roots, ", /")+". Try /case help")
	}
	sub := strings.ToLower(in.Arg(0))
	cmd, whole := r.commands[in.Root] // a one-word command such as /return takes all the arguments
	if sub == "help" || sub == "" && !whole {
		return r.help(in.Root, in.Arg(1)), nil
	}
	if !whole {
		cmd, ok = r.commands[in.Root+" "+sub]
	}
	if !ok {
		var subs []string
		for _, c := range family {
			subs = append(subs, strings.TrimPrefix(c.Name, in.Root+" "))
		}
		return bot.Reply{}, userErrorf("unknown command /%s %s.%s Try /%s help for the list",
			in.Root, sub, suggest.DidYouMean(sub, subs, "/"+in.Root+" "), in.Root)
	}
	if !whole {
		in.Args, in.argEnds = in.Args[1:], in.argEnds[1:]
	}
	if err := checkFields(in); err != nil {
		return bot.Reply{}, err
	}
	scope, err := r.scope(req)
	if err != nil {
		return bot.Reply{}, err
	}
	c := &call{cmd: cmd, req: req, in: in, now: r.deps.Now().UTC(), scope: scope, zones: r.zonesFor(ctx, req)}
	if !cmd.Changes {
		return cmd.run(ctx, c)
	}
	reply, replayed, err := r.once(ctx, req, func(tx storage.Tx) (bot.Reply, error) {
		c.tx, c.enqueued, c.change = tx, false, nil
		reply, err := cmd.run(ctx, c)
		if err != nil {
			return bot.Reply{}, err
		}
		return reply, r.publish(ctx, c, &reply)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	if !replayed && c.enqueued && r.deps.Wake != nil {
		r.deps.Wake()
	}
	return reply, nil
}

// help lists a family's commands, or explains one of them.
func (r *Router) help(root, sub string) bot.Reply {
	if c, ok := r.commands[root+" "+strings.ToLower(sub)]; ok {
		lines := []string{c.Summary}
		for _, ex := range c.Examples {
			lines = append(lines, "  "+ex)
		}
		return bot.Reply{Text: "Usage: " + c.Usage(), Sections: []bot.Section{{Lines: lines}}, Visibility: bot.Ephemeral}
	}
	// Bullets, not columns: Slack and Discord show the list in a
	// proportional font, where padding with spaces aligns nothing.
	var lines []string
	for _, c := range r.families[root] {
		lines = append(lines, fmt.Sprintf("• %s: %s", c.Usage(), c.Summary))
	}
	return bot.Reply{
		Text:       fmt.Sprintf("disputedesk walks your team through disputes, returns and recalls. Commands for /%s:", root),
		Sections:   []bot.Section{{Lines: lines}, {Title: "Playbooks", Lines: r.playbookLines()}, {Lines: []string{fmt.Sprintf("/%s help <command> shows examples.", root)}}},
		Visibility: bot.Ephemeral,
	}
}

// playbookLines lists the playbooks as bullets: name, prefix and the
// command that opens one, then what it is for.
func (r *Router) playbookLines() []string {
	names := r.deps.Playbooks.Names()
	lines := make([]string, 0, len(names))
	for _, n := range names {
		p, _ := r.deps.Playbooks.Get(n)
		open := p.Shorthand
		if open == "" {
			open = "/case open " + p.Name
		}
		lines = append(lines, fmt.Sprintf("• %s (%s, %s): %s", n, p.Prefix, open, p.Description))
	}
	return lines
}

// logRequests logs each request once, at debug level, by its id and by
// name(req), the registered command. Neither the request's text nor a
// UserError's message (which quotes it, names included) is logged; other
// errors are masked (logError).
func logRequests(log *slog.Logger, name func(*bot.Request) string) bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
			start := time.Now()
			reply, err := next.Handle(ctx, req)
			attrs := []any{"request_id", req.ID, "platform", req.Platform, "command", name(req), "duration", time.Since(start)}
			var ue *UserError
			switch {
			case err == nil:
				attrs = append(attrs, "outcome", "ok")
			case errors.As(err, &ue):
				attrs = append(attrs, "outcome", "user_error")
			default:
				attrs = append(attrs, "outcome", "error", "error", logError(err))
			}
			log.DebugContext(ctx, "request", attrs...)
			return reply, err
		})
	}
}

func timeout(d time.Duration) bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next.Handle(ctx, req)
		})
	}
}

// listOf writes options as "a, b or c".
func listOf(options []string) string {
	switch len(options) {
	case 0:
		return ""
	case 1:
		return options[0]
	}
	return strings.Join(options[:len(options)-1], ", ") + " or " + options[len(options)-1]
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// CommandOf names the registered command a request runs ("case open"), also
// for a button or form, for metrics: it returns "help" or "unknown" for
// everything else, so that what users type never becomes a label.
func (r *Router) CommandOf(req *bot.Request) string {
	if req.IsMessage() {
		return "message"
	}
	line := req.Text
	if req.Action != nil {
		var err error
		if line, err = r.actionLine(req.Action.Value); err != nil {
			return "unknown"
		}
	}
	in, err := Parse(line)
	if err != nil {
		return "unknown"
	}
	if _, ok := r.families[in.Root]; ok {
		_, whole := r.commands[in.Root]
		if sub := strings.ToLower(in.Arg(0)); sub == "help" || sub == "" && !whole {
			return "help"
		}
	}
	if c, ok := r.commands[in.Root]; ok {
		return c.Name
	}
	if c, ok := r.commands[in.Root+" "+strings.ToLower(in.Arg(0))]; ok {
		return c.Name
	}
	return "unknown"
}
