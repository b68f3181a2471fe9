package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/internal/suggest"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// listLimit bounds /case list; more than this is a job for a filter.
const listLimit = 25

func (r *Router) caseCommands() []*Command {
	return []*Command{
		{Name: "case open", Code: "o", Params: []Param{r.playbookParam(), detailsParam()}, Changes: true, run: r.caseOpen,
			Summary: "Open a case from a playbook, with its details as key=value.",
			Examples: []string{
				`/case open chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann"`,
				`/case open return order=2231 reason=damaged`,
			}},
		{Name: "case show", Code: "s", Params: []Param{r.refParam("")}, run: r.caseShow,
			Summary:  "Show a case: its details, outcome and timeline.",
			Examples: []string{"/case show CB-1042"}},
		{Name: "case list", Code: "l", Params: []Param{choiceParam("which", "Which cases", "open", "mine", "all").optional(), filtersParam()}, run: r.caseList,
			Summary:  "List open cases (the default), yours, or all, newest first; filter with key=value.",
			Examples: []string{"/case list", "/case list mine", "/case list playbook=supplier-dispute supplier=brightway", "/case list all customer=soren since=2026-11-01"}},
		{Name: "case note", Code: "n", Params: []Param{r.refParam(storage.StatusOpen), textParam("text", "The note").rest()}, Changes: true, run: r.caseNote,
			Summary:  "Add a note to a case's timeline, or correct note N with --fix N.",
			Examples: []string{"/case note CB-1042 Customer sent the tracking screenshot.", "/case note CB-1042 --fix 1 Customer sent the tracking number."}},
		{Name: "case assign", Code: "a", Params: []Param{r.refParam(storage.StatusOpen), userParam()}, Changes: true, run: r.caseAssign,
			Summary:  "Give a case to a teammate (@me for yourself).",
			Examples: []string{"/case assign CB-1042 @kari", "/case assign CB-1042 @me"}},
		{Name: "case close", Code: "c", Changes: true, run: r.caseClose,
			Params: []Param{r.refParam(storage.StatusOpen), r.outcomeParam(),
				param("amount", bot.ParamMoney, "The amount refunded, won or credited").field().optional(),
				textParam("note", "A closing note").field().optional(),
				choiceParam(forceField, "yes: close even with steps or deadlines open, or an unusual amount", "yes").field().optional()},
			Summary: "Close a case with its outcome and, where money moved, the amount.",
			Examples: []string{
				"/case close CB-1042 outcome=won",
				`/case close RMA-1007 outcome=refunded amount=49,90 note="Refunded after the parcel came back"`,
			}},
		{Name: "case reopen", Code: "r", Params: []Param{r.refParam(storage.StatusClosed), textParam("reason", "Why it is reopened").optional().rest()}, Changes: true, run: r.caseReopen,
			Summary:  "Reopen a closed case.",
			Examples: []string{"/case reopen CB-1042 The bank reversed its decision"}},
	}
}

func (r *Router) caseOpen(ctx context.Context, c *call) (bot.Reply, error) {
	name := c.in.Arg(0)
	if name == "" && chatPlatform(c.req.Platform) {
		reply := bot.Reply{Text: "Which playbook? Pick one and fill in its details:", Visibility: bot.Ephemeral}
		for _, p := range r.deps.Playbooks.All() {
			reply.Buttons = append(reply.Buttons, r.button(p.Title, "", "case open", p.Name))
		}
		return reply, nil
	}
	if name == "" {
		return bot.Reply{}, c.usageErrorf("say which playbook to open: %s", listOf(r.deps.Playbooks.Names()))
	}
	pb, ok := r.deps.Playbooks.Get(name)
	if !ok {
		return bot.Reply{}, userErrorf("there is no playbook %q.%s The playbooks are %s.", name,
			suggest.DidYouMean(name, r.deps.Playbooks.Names(), ""), listOf(r.deps.Playbooks.Names()))
	}
	c.in.Args = c.in.Args[1:]
	return r.open(ctx, c, pb)
}

// shorthandCommands are the playbooks' own commands, such as /return and
// /dispute chargeback: /case open with the playbook given.
func (r *Router) shorthandCommands() []*Command {
	var cmds []*Command
	for _, pb := range r.deps.Playbooks.All() {
		if pb.Shorthand == "" {
			continue
		}
		cmds = append(cmds, &Command{
			Name:     strings.TrimPrefix(pb.Shorthand, "/"),
			Params:   fieldParams(pb),
			Summary:  fmt.Sprintf("Open a %s: %s.", strings.ToLower(pb.Title), pb.Description),
			Examples: []string{"/case help open shows every playbook's fields."},
			Changes:  true,
			run:      func(ctx context.Context, c *call) (bot.Reply, error) { return r.open(ctx, c, pb) },
		})
	}
	return cmds
}

// open opens a case of pb with the details in c's fields, and writes its
// deadlines, all in c's transaction.
func (r *Router) open(ctx context.Context, c *call, pb *playbooks.Playbook) (bot.Reply, error) {
	usage := &UserError{Usage: fmt.Sprintf("/case open %s %s", pb.Name, usage(fieldParams(pb)))}
	if extra := c.in.Args; len(extra) > 0 {
		usage.Msg = fmt.Sprintf("%q is not a key=value detail: write details as key=value, e.g. customer=%q", extra[0], extra[0])
		return bot.Reply{}, usage
	}
	duplicateOK := takeDuplicateOK(c.in.Fields)
	r.channelZoneByDefault(c, pb)
	fields, amount, err := pb.CheckFields(c.in.Fields, r.deps.DefaultCurrency, c.now)
	if err != nil && chatPlatform(c.req.Platform) && onlyMissing(err) {
		return bot.Reply{Text: "A few details are missing.", Form: r.fieldsForm(pb, c.in.Fields), Visibility: bot.Ephemeral}, nil
	}
	if err != nil {
		usage.Msg = fmt.Sprintf("cannot open the %s yet:\n%s", pb.Name, bullets(err))
		usage.Fields = fieldProblems(err)
		return bot.Reply{}, usage
	}
	if !c.scope.All && !c.scope.Contains(storage.Case{Platform: c.req.Platform, Workspace: c.req.Workspace, Channel: c.req.Channel}) {
		return bot.Reply{}, userErrorf("the console is looking at %s, and a case it opens belongs to the console: run disputedesk console without --workspace to open one", WorkspaceKey(c.scope.Platform, c.scope.Workspace))
	}
	if !duplicateOK {
		dups, why, err := r.duplicates(ctx, c, pb, fields)
		if err != nil {
			return bot.Reply{}, err
		}
		if len(dups) > 0 {
			return r.duplicateReply(c, pb, c.in.Fields, dups, why), nil
		}
	}
	cs := storage.Case{
		Ref:       storage.Ref{Prefix: pb.Prefix},
		Playbook:  pb.Name,
		Status:    storage.StatusOpen,
		Fields:    fields,
		Amount:    amount,
		Platform:  c.req.Platform,
		Workspace: c.req.Workspace,
		Channel:   c.req.Channel,
		Thread:    c.req.Thread,
		OpenedBy:  c.req.User,
		OpenedAt:  c.now,
		UpdatedAt: c.now,
	}
	ev := storage.Event{At: c.now, Actor: c.req.User, Kind: storage.EventOpened, Body: summary(pb, cs)}
	// Deadlines are written with the case (one statement on PostgreSQL); the card is rendered from them.
	deadlines, changed, dev, err := r.deadlineChanges(c, pb, cs, storage.CaseState{})
	if err != nil {
		return bot.Reply{}, err
	}
	if err := c.tx.OpenCase(ctx, &cs, &ev, changed, dev); err != nil {
		return bot.Reply{}, fmt.Errorf("open case: %w", err)
	}
	for i := range deadlines {
		deadlines[i].CaseID = cs.ID
	}
	st := storage.CaseState{Deadlines: deadlines}
	c.changed(cs, &st).opened = true
	reply := r.card(c, pb, cs, st)
	reply.Text = fmt.Sprintf("Opened %s: %s.", cs.Ref, summary(pb, cs)) + passedAtOpening(pb, deadlines, c.now, c.zones.ofCase(cs))
	return reply, nil
}

// passedAtOpening says which deadlines had passed already when a case was
// opened at now, so that no one learns it later from the card alone: the
// customer's (an info deadline, such as the withdrawal period) and ours.
func passedAtOpening(pb *playbooks.Playbook, ds []storage.Deadline, now time.Time, loc *time.Location) string {
	var s string
	for _, d := range ds {
		if d.MetAt != nil || !d.Due.Before(now) {
			continue
		}
		verb := "is overdue already"
		if pb.IsInfo(d.ID) {
			verb = "had already ended"
		}
		s += fmt.Sprintf(" Note: %s %s: %s, %s ago.", d.Title, verb, deadline.When(d.Due, loc), strings.TrimPrefix(deadline.Left(d.Due, now), "overdue by "))
	}
	return s
}

// bullets writes each line of err as a bullet.
func bullets(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "• " + l
	}
	return strings.Join(lines, "\n")
}

// amount reads amount= and currency= from fields; fallback is the currency
// to use when none is given (the case's, when closing), before the team default.
func (r *Router) amount(fields map[string]string, fallback string) (*storage.Money, error) {
	a, ok := fields[playbooks.FieldAmount]
	if !ok {
		return nil, nil
	}
	m, err := money.Parse(a, money.CurrencyOf(a, fields[playbooks.FieldCurrency], cmp.Or(fallback, r.deps.DefaultCurrency)))
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func (r *Router) caseShow(ctx context.Context, c *call) (bot.Reply, error) {
	ref, err := c.ref()
	if arg := c.in.Arg(0); err != nil && arg != "" {
		// Not a reference: perhaps the order number the customer gave.
		var list *bot.Reply
		if ref, list, err = r.showByOrder(ctx, c, arg); list != nil {
			return *list, err
		}
	}
	if err != nil {
		return bot.Reply{}, err
	}
	cs, st, err := r.viewRef(ctx, c, ref)
	if err != nil {
		return bot.Reply{}, err
	}
	events, err := r.deps.Store.Timeline(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("show %s: %w", cs.Ref, err)
	}
	reply := r.card(c, r.playbook(cs), cs, st)
	if _, loaded := r.deps.Playbooks.Get(cs.Playbook); !loaded {
		reply.Sections = append([]bot.Section{{Title: "Playbook not loaded", Lines: []string{fmt.Sprintf(
			"Playbook %s is not loaded, so its steps, deadlines and outcomes are unknown: restore its file in DISPUTEDESK_PLAYBOOKS, or close the case with /case close %s outcome=<one word>.",
			cs.Playbook, cs.Ref)}}}, reply.Sections...)
	}
	if c.scope.All && chatPlatform(cs.Platform) {
		reply.Fields = append(reply.Fields, bot.Field{Label: "Workspace", Value: workspaceLabel(cs)})
	}
	if chatPlatform(cs.Platform) {
		failed, err := r.deps.Store.OutboxFailures(ctx, cs.ID)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("show %s: %w", cs.Ref, err)
		}
		if len(failed) > 0 {
			sec := bot.Section{Title: "Messages the bot could not post"}
			for _, m := range failed {
				sec.Lines = append(sec.Lines, fmt.Sprintf("%s %s after %d attempt(s): %s", m.Kind, deadline.When(m.CreatedAt, c.zones.ofCase(cs)), m.Attempts, m.LastError))
			}
			sec.Lines = append(sec.Lines, fmt.Sprintf("Once the cause is fixed, /case resend %s posts them again.", cs.Ref))
			reply.Sections = append(reply.Sections, sec)
		}
	}
	if sec, ok := notesSection(events, c.zones.ofCase(cs)); ok {
		reply.Sections = append(reply.Sections, sec)
	}
	reply.Sections = append(reply.Sections, timeline(events, c.zones.ofCase(cs)))
	reply.Visibility = bot.Ephemeral
	return reply, nil
}

func (r *Router) caseList(ctx context.Context, c *call) (bot.Reply, error) {
	which := strings.ToLower(c.in.Arg(0))
	status := storage.StatusOpen
	switch which {
	case "", "open":
		which = "open"
	case "mine", "all":
		if which == "all" {
			status = ""
		}
	default:
		return bot.Reply{}, c.usageErrorf("cannot list %q: choose open, mine or all", which)
	}
	q, err := r.caseQuery(c, status)
	if err != nil {
		return bot.Reply{}, err
	}
	if which == "mine" {
		q.Mine = c.req.User
	}
	q.Limit = listLimit
	cases, total, err := r.deps.Store.FindCases(ctx, q)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list cases: %w", err)
	}
	if len(cases) == 0 && len(c.in.Fields) > 0 {
		return bot.Reply{Text: "No case matches these filters.", Visibility: bot.Ephemeral}, nil
	}
	if len(cases) == 0 {
		return bot.Reply{Text: listEmpty[which], Visibility: bot.Ephemeral}, nil
	}
	return r.caseRows(ctx, c, listTitle[which]+":", cases, total)
}

var (
	listTitle = map[string]string{"open": "Open cases", "mine": "Your open cases", "all": "All cases"}
	listEmpty = map[string]string{
		"open": "No open cases. Open one with /case open <playbook>.",
		"mine": "No open cases are yours. /case list shows the team's; /case assign REF @me takes one.",
		"all":  "No cases yet. Open one with /case open <playbook>.",
	}
)

func (r *Router) caseNote(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if c.in.Arg(1) == fixFlag {
		return r.fixNote(ctx, c, cs)
	}
	text := c.in.Rest(0)
	if text == "" {
		return bot.Reply{}, c.usageErrorf("the note is empty: write it after the reference")
	}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventNote, Body: text}
	if err := c.tx.AppendEvent(ctx, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("note on %s: %w", cs.Ref, err)
	}
	// The thread reads the note itself; the noter only needs to know it is kept.
	c.changed(cs, nil).post = &bot.Reply{Text: c.who() + " noted: " + text}
	return bot.Reply{Text: fmt.Sprintf("Noted on %s.", cs.Ref)}, nil
}

func (r *Router) caseAssign(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	who, ok := strings.CutPrefix(c.in.Arg(1), "@")
	if !ok || who == "" {
		return bot.Reply{}, c.usageErrorf("say who takes %s with an @mention, e.g. /case assign %s @me", cs.Ref, cs.Ref)
	}
	if who == "me" {
		who = c.req.User
	}
	if cs.Assignee == who {
		return bot.Reply{}, userErrorf("%s is already assigned to %s.", cs.Ref, bot.Mention(who))
	}
	cs.Assignee, cs.UpdatedAt = who, c.now
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventAssigned, Body: bot.Mention(who)}
	if err := c.tx.UpdateCase(ctx, &cs, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("assign %s: %w", cs.Ref, err)
	}
	c.changed(cs, nil)
	return bot.Reply{Text: fmt.Sprintf("%s is now assigned to %s.", cs.Ref, bot.Mention(who))}, nil
}

// ref reads the case reference in the first argument.
func (c *call) ref() (storage.Ref, error) {
	s := c.in.Arg(0)
	if s == "" {
		return storage.Ref{}, c.usageErrorf("say which case: give its reference, like CB-1042")
	}
	ref, err := storage.ParseRef(s)
	if err != nil {
		return storage.Ref{}, c.usageErrorf("%s", err)
	}
	return ref, nil
}

// viewCase loads the case named in the first argument, and its state, to read.
func (r *Router) viewCase(ctx context.Context, c *call) (storage.Case, storage.CaseState, error) {
	ref, err := c.ref()
	if err != nil {
		return storage.Case{}, storage.CaseState{}, err
	}
	return r.viewRef(ctx, c, ref)
}

// viewRef loads case ref, and its state, to read.
func (r *Router) viewRef(ctx context.Context, c *call, ref storage.Ref) (storage.Case, storage.CaseState, error) {
	cs, err := r.deps.Store.Case(ctx, c.scope, ref)
	if err != nil {
		return storage.Case{}, storage.CaseState{}, r.caseError(ref, err)
	}
	st, err := r.deps.Store.State(ctx, cs.ID)
	if err != nil {
		return storage.Case{}, storage.CaseState{}, fmt.Errorf("state of %s: %w", ref, err)
	}
	return cs, st, nil
}

// lockCase loads the case named in the first argument for a change.
func (r *Router) lockCase(ctx context.Context, c *call) (storage.Case, error) {
	ref, err := c.ref()
	if err != nil {
		return storage.Case{}, err
	}
	cs, err := c.tx.CaseForUpdate(ctx, c.scope, ref)
	if err != nil {
		return storage.Case{}, r.caseError(ref, err)
	}
	return cs, nil
}

// caseError explains a failed lookup of ref.
func (r *Router) caseError(ref storage.Ref, err error) error {
	if !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("load %s: %w", ref, err)
	}
	if _, ok := r.deps.Playbooks.ByPrefix(ref.Prefix); !ok {
		return userErrorf("there is no case %s: references start with %s. /case list shows open cases.", ref, listOf(r.deps.Playbooks.Prefixes()))
	}
	return userErrorf("there is no case %s. /case list shows open cases.", ref)
}

// playbook returns a case's playbook; one since removed from the catalog
// still shows, with its name for a title.
func (r *Router) playbook(cs storage.Case) *playbooks.Playbook {
	if pb, ok := r.deps.Playbooks.Get(cs.Playbook); ok {
		return pb
	}
	return &playbooks.Playbook{Name: cs.Playbook, Title: cs.Playbook, Prefix: cs.Ref.Prefix}
}
