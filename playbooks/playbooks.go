// Package playbooks describes the procedures a team follows per kind of case:
// supplier disputes, chargebacks, marketplace claims, returns and recalls.
package playbooks

import (
	"slices"
	"strings"
)

// Playbook is one kind of case and how to work it.
type Playbook struct {
	Name   string // chargeback
	Title  string // Chargeback
	Prefix string // CB, the prefix of its case references
	// Description says in one line when to use it.
	Description string
	// Outcomes are the ways a case of this kind can end.
	Outcomes []string
}

// HasOutcome reports whether o ends a case of this playbook.
func (p *Playbook) HasOutcome(o string) bool { return slices.Contains(p.Outcomes, o) }

// Catalog is the set of playbooks a team can open.
type Catalog struct {
	byName   map[string]*Playbook
	byPrefix map[string]*Playbook
	names    []string
}

// NewCatalog indexes playbooks by name and by reference prefix.
func NewCatalog(pbs ...*Playbook) *Catalog {
	c := &Catalog{byName: map[string]*Playbook{}, byPrefix: map[string]*Playbook{}}
	for _, p := range pbs {
		c.byName[p.Name] = p
		c.byPrefix[p.Prefix] = p
		c.names = append(c.names, p.Name)
	}
	return c
}

// Builtin returns the five playbooks disputedesk ships with.
func Builtin() *Catalog {
	return NewCatalog(
		&Playbook{Name: "supplier-dispute", Title: "Supplier dispute", Prefix: "SUP",
			Description: "a supplier shipped late, wrong or defective goods, or billed wrongly",
			Outcomes:    []string{"refunded", "replaced", "credited", "renegotiated", "withdrawn", "lost"}},
		&Playbook{Name: "chargeback", Title: "Chargeback", Prefix: "CB",
			Description: "a customer disputed a payment with their bank, Stripe, PayPal or Square",
			Outcomes:    []string{"won", "lost", "accepted", "refunded", "withdrawn"}},
		&Playbook{Name: "marketplace-claim", Title: "Marketplace claim", Prefix: "MC",
			Description: "an Amazon A-to-z Guarantee claim or a similar marketplace claim",
			Outcomes:    []string{"won", "lost", "refunded", "withdrawn"}},
		&Playbook{Name: "return", Title: "Return", Prefix: "RMA",
			Description: "a customer returns an item: damaged, wrong, late, not as described, lost",
			Outcomes:    []string{"refunded", "replaced", "repaired", "credited", "rejected", "withdrawn"}},
		&Playbook{Name: "recall", Title: "Product recall", Prefix: "RCL",
			Description: "a product must be recalled for a safety or compliance problem",
			Outcomes:    []string{"completed", "withdrawn"}},
	)
}

// Get returns the playbook called name (case-insensitive).
func (c *Catalog) Get(name string) (*Playbook, bool) {
	p, ok := c.byName[strings.ToLower(name)]
	return p, ok
}

// ByPrefix returns the playbook whose case references start with prefix.
func (c *Catalog) ByPrefix(prefix string) (*Playbook, bool) {
	p, ok := c.byPrefix[strings.ToUpper(prefix)]
	return p, ok
}

// Names lists the playbooks' names in catalog order.
func (c *Catalog) Names() []string { return slices.Clone(c.names) }
