// Package prompts drafts replies to customers: empathetic, grounded in the
// case's facts and the playbook's policy, in the customer's language, and
// checked by a linter before an agent sees them. The bot never sends a
// draft to a customer on its own: an agent approves, edits or regenerates it.
//
// Two drafters implement Drafter: an OpenAI-compatible model (the only code
// importing go-openai) and offline templates per playbook situation and
// language, used when no model is configured and whenever the model fails
// or its answer does not pass the linter.
package prompts

import "context"

// Languages drafts are written in, as BCP 47 base tags.
var Languages = []string{"en", "nb", "da", "de", "sv"}

// Tones of a draft.
const (
	ToneWarm   = "warm"
	ToneFormal = "formal"
	ToneBrief  = "brief"
)

// Facts are everything a draft may say: the case's facts, its current step
// and the playbook's policy. Nothing else about the shop may be promised.
type Facts struct {
	Ref           string // CB-1042: every draft names it
	Playbook      string // chargeback, return...
	PlaybookTitle string
	// Situation is the case's reason or issue (damaged, product_not_received);
	// empty when the case has none yet.
	Situation      string
	SituationLabel string
	// ShopErred says the situation is the shop's fault (damaged, wrong item,
	// late): the draft apologises.
	ShopErred bool
	Customer  string // the customer's name, as on the order
	Order     string
	Amount    string // "EUR 49.90"; empty when the case has none
	// Step is what the team is doing now; NextStep what comes after.
	Step     string
	NextStep string
	// Policy holds the playbook's policy texts by key, e.g.
	// "refund_within": "14 days", "prepaid_label": "for defective or wrong items".
	// A draft may promise money or dates only from here.
	Policy map[string]string
	// Details are case facts some letters cannot do without, by field name:
	// product, hazard, batch and sku for a recall notice; supplier and
	// supplier_contact for a letter to a supplier. They are stated, never
	// promised.
	Details map[string]string
	Agent   string // who signs: the agent's display name; empty when unknown
	// Signature is the shop's name, signed under the agent
	// (DISPUTEDESK_SIGNATURE); empty when the shop gave none.
	Signature string
	// Outcome is how the case ended (refunded, rejected...), set only for
	// a closed case: the draft says what was decided. OutcomeLabel is the
	// playbook's label for it.
	Outcome, OutcomeLabel string
}

// Request asks for one draft.
type Request struct {
	Facts Facts
	// CustomerMessage is the customer's own words. It is data, quoted to
	// the model; instructions inside it are not followed.
	CustomerMessage string
	Language        string // one of Languages
	Tone            string // ToneWarm, ToneFormal or ToneBrief; empty means warm
	// MaxLen is the platform's limit on a message, in characters; 0 means none.
	MaxLen int
}

// Draft is a suggested reply.
type Draft struct {
	Language string
	Body     string
	// Promises lists what the draft commits the shop to (a refund, a date).
	Promises []string
	Source   string // "model" or "offline"
	// Problems are the linter's findings, shown to the agent; empty when
	// the draft passes.
	Problems []string
	// Note says why an offline draft stands in for the model's, if it does.
	Note string
}

// Drafter writes drafts. stream, when not nil, receives the body's text as
// it is written, in order, so an agent sees the draft appear.
type Drafter interface {
	Draft(ctx context.Context, req Request, stream func(text string)) (Draft, error)
}
