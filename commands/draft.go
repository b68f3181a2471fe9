package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/prompts"
	"github.com/disputedesk/disputedesk/storage"
)

// draftTimeout bounds the drafter: a draft comes back within a few seconds,
// from the model or, failing that, offline.
const draftTimeout = 8 * time.Second

// situationFields are the fields that say what went wrong, in the order
// they are looked for.
var situationFields = []string{"reason", "issue", "claim_type"}

// detailFields are the case fields a recall notice or a supplier letter
// states (prompts.Facts.Details).
var detailFields = []string{"product", "hazard", "batch", "sku", "supplier", "supplier_contact"}

func (r *Router) draftCommands() []*Command {
	if r.deps.Drafter == nil {
		return nil
	}
	return []*Command{
		{Name: "case draft", Code: "dr", Params: []Param{r.refParam(""), toneParam(), langParam(), textParam("message", "The customer's message to answer").optional().rest()}, run: r.caseDraft,
			Summary: "Suggest a reply to the customer, seen only by you, to approve, edit or write again.",
			Examples: []string{
				"/case draft RMA-1007",
				`/case draft CB-1042 tone=formal "Hvor er pakken min? Jeg har ventet i tre uker."`,
			}},
		{Name: "case redraft", Code: "rd", Params: []Param{r.refParam(""), draftParam(), toneParam()}, run: r.caseRedraft,
			Summary:  "Write a draft again: another try, shorter (tone=brief) or more formal (tone=formal).",
			Examples: []string{"/case redraft RMA-1007 3 tone=brief"}},
		{Name: "case edit", Code: "ed", Params: []Param{r.refParam(""), draftParam()}, run: r.caseEditDraft,
			Summary:  "Edit a draft before approving it.",
			Examples: []string{"/case edit RMA-1007 3"}},
		{Name: "case approve", Code: "ap", Params: []Param{r.refParam(""), draftParam(), textParam("body", "The reply as edited").field().optional()}, Changes: true, run: r.caseApprove,
			Summary:  "Approve a draft, as written or edited: it goes on the timeline and into the case thread, for you to send.",
			Examples: []string{"/case approve RMA-1007 3", `/case approve RMA-1007 3 body="Hi Kari, ..."`}},
	}
}

func toneParam() Param {
	return choiceParam("tone", "How the reply sounds", prompts.ToneWarm, prompts.ToneFormal, prompts.ToneBrief).field().optional()
}

func langParam() Param {
	return choiceParam("lang", "The reply's language", "en", "nb", "da", "de", "sv").field().optional()
}

func (r *Router) caseDraft(ctx context.Context, c *call) (bot.Reply, error) {
	for k := range c.in.Fields {
		if k != "tone" && k != "lang" {
			return bot.Reply{}, c.usageErrorf("/case draft takes tone= and lang=, not %s=: put the customer's message in quotes", k)
		}
	}
	cs, st, err := r.viewCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	message := strings.Join(c.in.Args[1:], " ")
	return r.draft(ctx, c, cs, st, message, c.in.Fields["lang"], c.in.Fields["tone"])
}

func (r *Router) caseRedraft(ctx context.Context, c *call) (bot.Reply, error) {
	cs, st, err := r.viewCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	old, err := r.draftOf(ctx, c, cs)
	if err != nil {
		return bot.Reply{}, err
	}
	tone := c.in.Fields["tone"]
	if tone == "" {
		tone = old.Tone
	}
	return r.draft(ctx, c, cs, st, old.CustomerMessage, old.Language, tone)
}

// draft asks the drafter for a reply, outside any transaction (a model may
// take seconds), then saves it with its timeline event.
func (r *Router) draft(ctx context.Context, c *call, cs storage.Case, st storage.CaseState, message, lang, tone string) (bot.Reply, error) {
	switch tone = strings.ToLower(tone); tone {
	case "":
		tone = prompts.ToneWarm
	case prompts.ToneWarm, prompts.ToneFormal, prompts.ToneBrief:
	default:
		return bot.Reply{}, c.usageErrorf("tone=%s: choose warm, formal or brief", tone)
	}
	if lang != "" {
		var err error
		if lang, err = prompts.ParseLanguage(lang); err != nil {
			return bot.Reply{}, c.usageErrorf("lang=: %v", err)
		}
	}
	lang, _ = prompts.Resolve(lang, message, c.req.Locale, r.deps.DefaultLanguage)
	pb := r.playbook(cs)
	req := prompts.Request{Facts: r.facts(pb, cs, st, c.req, lang), CustomerMessage: message, Language: lang, Tone: tone, MaxLen: c.req.MaxText}
	dctx, cancel := context.WithTimeout(ctx, draftTimeout)
	defer cancel()
	d, err := r.deps.Drafter.Draft(dctx, req, c.req.Progress)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("draft for %s: %w", cs.Ref, err)
	}
	rec := storage.DraftRecord{CaseID: cs.ID, Language: d.Language, Tone: tone, Body: d.Body, Source: d.Source, CustomerMessage: message, By: c.req.User, At: c.now}
	reply, _, err := r.once(ctx, c.req, func(tx storage.Tx) (bot.Reply, error) {
		ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Body: fmt.Sprintf("suggested a %s reply in %s (%s)", tone, d.Language, d.Source)}
		if err := tx.SaveDraft(ctx, &rec, &ev); err != nil {
			return bot.Reply{}, err
		}
		return r.draftReply(cs, rec, d), nil
	})
	if err != nil {
		return bot.Reply{}, fmt.Errorf("draft for %s: %w", cs.Ref, err)
	}
	return reply, nil
}

// draftReply shows a draft to the agent, privately, with what to do next.
func (r *Router) draftReply(cs storage.Case, rec storage.DraftRecord, d prompts.Draft) bot.Reply {
	ref, id := cs.Ref.String(), strconv.FormatInt(rec.Number, 10)
	reply := bot.Reply{
		Text:       fmt.Sprintf("Draft %s for %s (%s, %s, %s), only you see it. Nothing is sent to the customer until you send it.", id, ref, rec.Language, rec.Tone, rec.Source),
		Sections:   []bot.Section{{Title: "Draft " + id, Lines: strings.Split(rec.Body, "\n")}},
		Visibility: bot.Ephemeral,
		Buttons: []bot.Button{
			r.button("Approve", "primary", "case approve", ref, id),
			r.button("Edit", "", "case edit", ref, id),
			r.button("Regenerate", "", "case redraft", ref, id),
			r.button("Shorter", "", "case redraft", ref, id, "tone="+prompts.ToneBrief),
			r.button("More formal", "", "case redraft", ref, id, "tone="+prompts.ToneFormal),
		},
	}
	if d.Note != "" {
		reply.Sections = append(reply.Sections, bot.Section{Lines: []string{d.Note}})
	}
	if len(d.Problems) > 0 {
		reply.Sections = append(reply.Sections, bot.Section{Title: "Check before sending", Lines: d.Problems})
	}
	return reply
}

func (r *Router) caseEditDraft(ctx context.Context, c *call) (bot.Reply, error) {
	cs, _, err := r.viewCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	d, err := r.draftOf(ctx, c, cs)
	if err != nil {
		return bot.Reply{}, err
	}
	id := strconv.FormatInt(d.Number, 10)
	form := r.form("Edit draft "+id, "Approve", "case approve", []string{cs.Ref.String(), id},
		bot.FormField{Name: "body", Label: "Reply to the customer", Required: true, Value: d.Body})
	approve := form.Command
	if chatPlatform(c.req.Platform) {
		return bot.Reply{Text: "Edit the draft, then approve it.", Visibility: bot.Ephemeral, Form: form}, nil
	}
	return bot.Reply{
		Text:       fmt.Sprintf(`Draft %d for %s. Edit it and approve with: %s body="..."`, d.Number, cs.Ref, approve),
		Sections:   []bot.Section{{Lines: strings.Split(d.Body, "\n")}},
		Visibility: bot.Ephemeral,
	}, nil
}

func (r *Router) caseApprove(ctx context.Context, c *call) (bot.Reply, error) {
	cs, err := r.lockCase(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	id, err := strconv.ParseInt(c.in.Arg(1), 10, 64)
	if err != nil {
		return bot.Reply{}, c.usageErrorf("say which draft with its number, as /case draft showed it")
	}
	d, err := c.tx.Draft(ctx, cs.ID, id)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return bot.Reply{}, userErrorf("%s has no draft %d: /case draft %s writes one.", cs.Ref, id, cs.Ref)
	case err != nil:
		return bot.Reply{}, fmt.Errorf("approve draft %d: %w", id, err)
	case d.ApprovedAt != nil:
		return bot.Reply{}, userErrorf("draft %d of %s is already approved (by %s, %s).", id, cs.Ref, bot.Mention(d.ApprovedBy), deadline.When(*d.ApprovedAt, c.zones.ofCase(cs)))
	}
	if body := strings.TrimSpace(c.in.Fields["body"]); body != "" {
		d.Body = body
	}
	d.ApprovedBy, d.ApprovedAt = c.req.User, &c.now
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Body: d.Body, Data: map[string]string{"draft": strconv.FormatInt(id, 10)}}
	if err := c.tx.ApproveDraft(ctx, &d, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("approve draft %d: %w", id, err)
	}
	reply := bot.Reply{
		Text:     fmt.Sprintf("Approved reply for %s, ready to send to the customer:", cs.Ref),
		Sections: []bot.Section{{Lines: strings.Split(d.Body, "\n")}},
	}
	// An edited draft is checked again; the agent decides.
	pb := r.playbook(cs)
	st, err := c.tx.State(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("approve draft %d: %w", id, err)
	}
	c.changed(cs, &st).post = &bot.Reply{
		Text:     fmt.Sprintf("%s approved a reply to the customer (draft %d, %s):", bot.Mention(c.req.User), id, d.Language),
		Sections: reply.Sections,
	}
	req := prompts.Request{Facts: r.facts(pb, cs, st, c.req, d.Language), Language: d.Language, Tone: d.Tone, MaxLen: c.req.MaxText}
	if problems := prompts.Lint(req, prompts.Draft{Language: d.Language, Body: d.Body}); len(problems) > 0 {
		sec := bot.Section{Title: "Check before sending"}
		for _, p := range problems {
			sec.Lines = append(sec.Lines, p.Msg)
		}
		reply.Sections = append(reply.Sections, sec)
	}
	return reply, nil
}

// draftOf loads the draft named in the second argument.
func (r *Router) draftOf(ctx context.Context, c *call, cs storage.Case) (storage.DraftRecord, error) {
	id, err := strconv.ParseInt(c.in.Arg(1), 10, 64)
	if err != nil {
		return storage.DraftRecord{}, c.usageErrorf("say which draft with its number, as /case draft showed it")
	}
	d, err := r.deps.Store.Draft(ctx, cs.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return d, userErrorf("%s has no draft %d: /case draft %s writes one.", cs.Ref, id, cs.Ref)
	}
	return d, err
}

// facts are what a draft in lang may say about a case: its details (money
// written the reader's way), its step and its playbook's policy, or how it
// ended; and who signs: the agent's display name (a chat platform's user
// id is no name; the console's is) and the shop's signature.
func (r *Router) facts(pb *playbooks.Playbook, cs storage.Case, st storage.CaseState, req *bot.Request, lang string) prompts.Facts {
	f := prompts.Facts{
		Ref: cs.Ref.String(), Playbook: pb.Name, PlaybookTitle: pb.Title,
		Customer: cs.Fields["customer"], Order: cs.Fields["order"], Policy: pb.Policy,
		Agent: req.UserName, Signature: r.deps.Signature,
	}
	if !chatPlatform(req.Platform) {
		f.Agent = cmp.Or(req.UserName, req.User)
	}
	if cs.Amount != nil {
		f.Amount = money.Local(*cs.Amount, lang)
	}
	if cs.Status == storage.StatusClosed {
		f.Outcome, f.OutcomeLabel = cs.Outcome, cs.Outcome
		for _, o := range pb.Outcomes {
			if o.ID == cs.Outcome {
				f.OutcomeLabel = o.Label
			}
		}
	}
	for _, name := range detailFields {
		if v := cs.Fields[name]; v != "" {
			if f.Details == nil {
				f.Details = map[string]string{}
			}
			f.Details[name] = v
		}
	}
	for _, name := range situationFields {
		field, ok := pb.Field(name)
		if !ok || cs.Fields[name] == "" {
			continue
		}
		f.Situation = cs.Fields[name]
		for _, v := range field.Values {
			if v.Value == f.Situation {
				f.SituationLabel, f.ShopErred = v.Label, v.Apologise
			}
		}
		break
	}
	steps, next := pb.Progress(cs.Fields, st)
	if next >= 0 {
		f.Step = steps[next].Title
		if next+1 < len(steps) {
			f.NextStep = steps[next+1].Title
		}
	}
	return f
}
