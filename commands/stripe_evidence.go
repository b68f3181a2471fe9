package commands

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// EvidenceStager sends a dispute's evidence to Stripe (internal/stripehook's
// EvidenceClient, with STRIPE_API_KEY).
type EvidenceStager interface {
	// Fields lists the text fields of Stripe's evidence, by API name.
	Fields() []string
	// FileFields lists the fields that take the id of a file uploaded to
	// Stripe (file_...), such as receipt.
	FileFields() []string
	// StageEvidence sets the evidence of dispute id, submitting it only when
	// submit is set, and returns the text fields Stripe now holds.
	StageEvidence(ctx context.Context, id string, evidence map[string]string, submit bool) (map[string]string, error)
}

// maxEvidenceText is Stripe's limit on the combined text of a dispute's
// evidence (Stripe docs, "respond to disputes"): checked before sending, so
// the agent learns it here and not from an API error.
const maxEvidenceText = 150_000

// otherEvidence is Stripe's field for what has no field of its own.
const otherEvidence = "uncategorized_text"

// stripeSubmits is the ClaimRun job that lets a dispute's evidence be
// submitted once: Stripe takes one submission.
const stripeSubmits = "stripe_submit"

func (r *Router) stripeCommand() *Command {
	return &Command{Name: "case stripe", Code: "sp", More: true, run: r.caseStripe,
		Params: []Param{choiceParam("action", "What to do at Stripe", "stage", "submit"), r.refParam(storage.StatusOpen),
			choiceParam("confirm", "yes: a lead submits, as the approval button does", "yes").field().optional()},
		Summary:  "Send a Stripe chargeback's evidence to Stripe: stage it (not submitted) and see what Stripe holds, or submit it once, a lead approving.",
		Examples: []string{"/case stripe stage CB-1042", "/case stripe submit CB-1042"}}
}

// caseStripe stages or submits a case's evidence at Stripe.
func (r *Router) caseStripe(ctx context.Context, c *call) (bot.Reply, error) {
	action := strings.ToLower(c.in.Arg(0))
	if action != "stage" && action != "submit" {
		return bot.Reply{}, c.usageErrorf("say what to do at Stripe: stage or submit")
	}
	if r.deps.Evidence == nil {
		return bot.Reply{}, userErrorf("Stripe's API is not configured: set STRIPE_API_KEY (a restricted key that may write disputes).")
	}
	ref, err := storage.ParseRef(c.in.Arg(1))
	if err != nil {
		return bot.Reply{}, c.usageErrorf("%s", err)
	}
	cs, err := r.deps.Store.Case(ctx, c.scope, ref)
	if err != nil {
		return bot.Reply{}, r.caseError(ref, err)
	}
	id := cs.Fields[fieldDisputeID]
	if cs.Fields["processor"] != "stripe" || id == "" {
		return bot.Reply{}, userErrorf("%s is not a Stripe dispute: it needs processor=stripe and dispute_id=dp_...", cs.Ref)
	}
	st, err := r.deps.Store.State(ctx, cs.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("state of %s: %w", cs.Ref, err)
	}
	se := stripeEvidence(st.Evidence, r.deps.Evidence.Fields(), r.deps.Evidence.FileFields())
	if len(se.text)+len(se.files) == 0 {
		return bot.Reply{}, userErrorf("%s has no evidence yet: add it with /case evidence %s kind=shipping_tracking_number ref=...", cs.Ref, cs.Ref)
	}
	total := 0
	for _, v := range se.text {
		total += len([]rune(v))
	}
	if total > maxEvidenceText {
		return bot.Reply{}, userErrorf("the evidence of %s is %d characters of text; Stripe takes at most %d: shorten the notes.", cs.Ref, total, maxEvidenceText)
	}
	evidence := maps.Clone(se.text)
	maps.Copy(evidence, se.files)
	if action == "submit" {
		return r.stripeSubmit(ctx, c, cs, st, id, evidence, se.notUploaded)
	}
	// Staging calls Stripe outside any transaction: a retried request
	// stages the same evidence again, which changes nothing there.
	held, err := r.deps.Evidence.StageEvidence(ctx, id, evidence, false)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("stage evidence of %s: %w", cs.Ref, err)
	}
	names := slices.Sorted(maps.Keys(evidence))
	reply, _, err := r.once(ctx, c.req, func(tx storage.Tx) (bot.Reply, error) {
		ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventNote,
			Body: "Evidence staged at Stripe, not submitted: " + strings.Join(names, ", ")}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return bot.Reply{}, fmt.Errorf("note on %s: %w", cs.Ref, err)
		}
		reply := heldReply(fmt.Sprintf("Staged %d evidence field(s) of %s at Stripe (dispute %s), not submitted. Stripe now holds:", len(names), cs.Ref, id), held)
		addUploadNote(&reply, cs.Ref, id, se.notUploaded)
		return reply, nil
	})
	return reply, err
}

// addUploadNote tells which evidence is a file Stripe does not hold: chat
// gives the bot no files to upload, so they are listed in the cover note
// and must be uploaded in Stripe's Dashboard before the evidence is
// submitted, or uploaded to Stripe and recorded by their file id.
func addUploadNote(reply *bot.Reply, ref storage.Ref, dispute string, kinds []string) {
	if len(kinds) == 0 {
		return
	}
	reply.Sections = append(reply.Sections, bot.Section{Lines: []string{
		fmt.Sprintf("Not uploaded: %s. Stripe takes these only as files, which the bot cannot upload from chat: upload them on dispute %s in Stripe's Dashboard before submitting, or record a file already uploaded to Stripe with /case evidence %s kind=%s ref=file_...",
			strings.Join(kinds, ", "), dispute, ref, kinds[0])}})
}

// stripeSubmit submits the evidence: asked, it shows a lead's approval
// button; approved, it claims the dispute's one submission and calls Stripe
// in that transaction, so that a second press or a retried request finds
// the claim and sends nothing, and a refusal by Stripe releases it. Never
// after the evidence deadline (Stripe's due_by).
func (r *Router) stripeSubmit(ctx context.Context, c *call, cs storage.Case, st storage.CaseState, id string, evidence map[string]string, notUploaded []string) (bot.Reply, error) {
	if cs.Status != storage.StatusOpen {
		return bot.Reply{}, userErrorf("%s is closed: nothing to submit.", cs.Ref)
	}
	if cs.Fields[fieldDueBy] == "" {
		return bot.Reply{}, userErrorf("Stripe gave %s no due_by: its dispute takes no evidence.", cs.Ref)
	}
	for _, d := range st.Deadlines {
		if d.ID == "evidence_due" && c.now.After(d.Due) {
			return bot.Reply{}, userErrorf("the evidence of %s was due %s: Stripe no longer takes it.", cs.Ref, deadline.When(d.Due, c.zones.ofCase(cs)))
		}
	}
	approved := strings.EqualFold(c.in.Fields["confirm"], "yes") && (c.req.Action != nil || !chatPlatform(c.req.Platform))
	if !approved {
		b := r.button("Submit to Stripe", "danger", "case stripe", "submit", cs.Ref.String(), "confirm=yes")
		reply := bot.Reply{Text: fmt.Sprintf("Submit the evidence of %s to Stripe? Stripe takes one submission; a lead approves it.", cs.Ref),
			Sections: []bot.Section{{Lines: slices.Sorted(maps.Keys(evidence))}}}
		addUploadNote(&reply, cs.Ref, id, notUploaded)
		if chatPlatform(c.req.Platform) {
			reply.Buttons = []bot.Button{b}
		} else {
			reply.Sections = append(reply.Sections, bot.Section{Lines: []string{"To submit: " + b.Command}})
		}
		return reply, nil
	}
	if refused := r.needLead(c, cs, "lead", fmt.Sprintf("submit the evidence of %s to Stripe", cs.Ref)); refused != nil {
		return *refused, nil
	}
	reply, _, err := r.once(ctx, c.req, func(tx storage.Tx) (bot.Reply, error) {
		claimed, err := tx.ClaimRun(ctx, stripeSubmits, id)
		if err != nil {
			return bot.Reply{}, err
		}
		if !claimed {
			return bot.Reply{}, userErrorf("the evidence of %s was submitted to Stripe already: Stripe takes one submission.", cs.Ref)
		}
		held, err := r.deps.Evidence.StageEvidence(ctx, id, evidence, true)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("submit evidence of %s: %w", cs.Ref, err)
		}
		ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventNote,
			Body: "Evidence submitted to Stripe: " + strings.Join(slices.Sorted(maps.Keys(evidence)), ", ")}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return bot.Reply{}, fmt.Errorf("note on %s: %w", cs.Ref, err)
		}
		return heldReply(fmt.Sprintf("Submitted the evidence of %s to Stripe (dispute %s). Stripe holds:", cs.Ref, id), held), nil
	})
	return reply, err
}

// heldReply lists what Stripe holds, a line a field.
func heldReply(text string, held map[string]string) bot.Reply {
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(held)) {
		lines = append(lines, fmt.Sprintf("%s: %s", k, clip(held[k], 80)))
	}
	return bot.Reply{Text: text, Sections: []bot.Section{{Lines: lines}}, Visibility: bot.Ephemeral}
}

// caseEvidence is a case's evidence in Stripe's fields.
type caseEvidence struct {
	text  map[string]string // text fields, with the 150,000-character limit
	files map[string]string // file fields, with the id of a file at Stripe
	// notUploaded are the file kinds given without a Stripe file id,
	// listed in uncategorized_text instead.
	notUploaded []string
}

// stripeEvidence turns a case's evidence into Stripe's fields: a kind named
// as one of fields goes there; a file kind whose ref is a Stripe file id
// (file_...) goes to its file field, one file a field; the others (a file
// named in chat, a kind Stripe does not know) are listed in
// uncategorized_text, the cover note.
func stripeEvidence(evidence []storage.Evidence, fields, fileFields []string) caseEvidence {
	out := caseEvidence{text: map[string]string{}, files: map[string]string{}}
	add := func(k, line string) {
		if out.text[k] != "" {
			out.text[k] += "\n"
		}
		out.text[k] += line
	}
	for _, e := range evidence {
		line := strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{e.Ref, e.Note}, func(s string) bool { return s == "" }), " — "))
		switch {
		case slices.Contains(fields, e.Kind):
			add(e.Kind, line)
		case slices.Contains(fileFields, e.Kind) && stripeFileID(e.Ref) && out.files[e.Kind] == "":
			out.files[e.Kind] = e.Ref
		default:
			if slices.Contains(fileFields, e.Kind) && !stripeFileID(e.Ref) && !slices.Contains(out.notUploaded, e.Kind) {
				out.notUploaded = append(out.notUploaded, e.Kind)
			}
			add(otherEvidence, e.Kind+": "+line)
		}
	}
	return out
}

// stripeFileID reports whether ref is the id of a file uploaded to Stripe.
func stripeFileID(ref string) bool {
	id, ok := strings.CutPrefix(ref, "file_")
	return ok && id != "" && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// clip shortens s to n runes for a summary line.
func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// evidenceKinds are the kinds of evidence /case evidence takes for cs: its
// playbook's and other, and for a Stripe dispute, when the bot can send
// evidence to Stripe, every field Stripe has (access_activity_log,
// customer_purchase_ip, ...), so that nothing has to go in as other.
func (r *Router) evidenceKinds(pb *playbooks.Playbook, cs storage.Case) []string {
	kinds := append(pb.EvidenceKinds(), "other")
	if r.deps.Evidence == nil || cs.Fields["processor"] != "stripe" {
		return kinds
	}
	for _, k := range slices.Concat(r.deps.Evidence.Fields(), r.deps.Evidence.FileFields()) {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}
