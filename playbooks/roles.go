package playbooks

import (
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/storage"
)

// Approves reports whether owner is a role whose say DISPUTEDESK_LEADS
// gives to some people only: lead or finance. Steps of other owners
// (agent, ops, legal, compliance) anyone may do.
func Approves(owner string) bool { return owner == "lead" || owner == "finance" }

// NeedsOwner returns the role that must do step s on a case with amount
// (nil when it has none), or "" when anyone may: a step owned by lead or
// finance, unless its approval_above is not exceeded.
func (s *Step) NeedsOwner(amount *storage.Money) string {
	if !Approves(s.Owner) {
		return ""
	}
	if s.ApprovalAbove != "" && amount != nil {
		limit, err := money.Parse(s.ApprovalAbove, amount.Currency)
		if err == nil && amount.Minor <= limit.Minor {
			return ""
		}
	}
	return s.Owner
}

// OutcomeOwner returns the role that may close a case as outcome, or ""
// when anyone may.
func (p *Playbook) OutcomeOwner(outcome string) string {
	for _, o := range p.Outcomes {
		if o.ID == outcome && Approves(o.Owner) {
			return o.Owner
		}
	}
	return ""
}
