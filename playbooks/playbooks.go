// Package playbooks describes the procedures a team follows per kind of case
// (supplier disputes, chargebacks, marketplace claims, returns, recalls) and
// works out, purely from a case's facts and state, what is next and by when.
// Built-in playbooks are embedded YAML; teams add or override their own.
package playbooks

import (
	"cmp"
	"embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/playbooks/deadline"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Catalog is the set of playbooks a team can open.
type Catalog struct {
	byName   map[string]*Playbook
	byPrefix map[string]*Playbook
	names    []string
}

// NewCatalog indexes playbooks by name and reference prefix. Two playbooks
// may not share a name, a prefix or a shorthand.
func NewCatalog(pbs ...*Playbook) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Playbook{}, byPrefix: map[string]*Playbook{}}
	shorthands := map[string]string{}
	for _, p := range pbs {
		if _, dup := c.byName[p.Name]; dup {
			return nil, fmt.Errorf("two playbooks are named %q", p.Name)
		}
		if other, dup := c.byPrefix[p.Prefix]; dup {
			return nil, fmt.Errorf("playbooks %s and %s both use the prefix %s: give each its own", other.Name, p.Name, p.Prefix)
		}
		if other, dup := shorthands[p.Shorthand]; dup && p.Shorthand != "" {
			return nil, fmt.Errorf("playbooks %s and %s both use the shorthand %s", other, p.Name, p.Shorthand)
		}
		shorthands[p.Shorthand] = p.Name
		c.byName[p.Name] = p
		c.byPrefix[p.Prefix] = p
		c.names = append(c.names, p.Name)
	}
	return c, nil
}

// Builtin returns the playbooks disputedesk ships with.
func Builtin() (*Catalog, error) {
	pbs, err := loadFS(builtinFS, "builtin")
	if err != nil {
		return nil, fmt.Errorf("built-in playbooks: %w", err)
	}
	return NewCatalog(pbs...)
}

// Load returns the built-in playbooks, with those in dir (if not empty)
// added or, where a name matches, replacing the built-in one.
func Load(dir string) (*Catalog, error) {
	builtin, err := loadFS(builtinFS, "builtin")
	if err != nil {
		return nil, fmt.Errorf("built-in playbooks: %w", err)
	}
	if dir == "" {
		return NewCatalog(builtin...)
	}
	team, err := LoadDir(dir)
	if err != nil {
		return nil, err
	}
	all := slices.DeleteFunc(builtin, func(b *Playbook) bool {
		return slices.ContainsFunc(team, func(t *Playbook) bool { return t.Name == b.Name })
	})
	return NewCatalog(append(all, team...)...)
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

// All lists the playbooks in catalog order.
func (c *Catalog) All() []*Playbook {
	all := make([]*Playbook, 0, len(c.names))
	for _, n := range c.names {
		all = append(all, c.byName[n])
	}
	return all
}

// Prefixes lists the reference prefixes in catalog order.
func (c *Catalog) Prefixes() []string {
	var ps []string
	for _, p := range c.All() {
		ps = append(ps, p.Prefix)
	}
	return ps
}

// ReminderThresholds returns how long before each of p's deadlines a
// reminder goes out, largest first, each once; deadline.DefaultReminders
// when p names none. Thresholds Parse refused are left out.
func (p *Playbook) ReminderThresholds() []time.Duration {
	var ths []time.Duration
	for _, s := range p.Reminders {
		if d, err := deadline.ParseReminder(s); err == nil {
			ths = append(ths, d)
		}
	}
	if len(ths) == 0 {
		return deadline.DefaultReminders()
	}
	slices.SortFunc(ths, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return slices.Compact(ths)
}

// MaxReminder is the largest reminder threshold of any playbook in c: how
// far ahead a scheduler must look for deadlines to remind of.
func (c *Catalog) MaxReminder() time.Duration {
	m := slices.Max(deadline.DefaultReminders())
	if c == nil || len(c.names) == 0 {
		return m
	}
	m = 0
	for _, p := range c.byName {
		m = max(m, slices.Max(p.ReminderThresholds()))
	}
	return m
}

// Field returns the field called name.
func (p *Playbook) Field(name string) (*Field, bool) {
	for i := range p.Fields {
		if p.Fields[i].Name == name {
			return &p.Fields[i], true
		}
	}
	return nil, false
}

// Step returns the step with id.
func (p *Playbook) Step(id string) (*Step, bool) {
	for i := range p.Steps {
		if p.Steps[i].ID == id {
			return &p.Steps[i], true
		}
	}
	return nil, false
}

// StepIDs lists the step ids in order.
func (p *Playbook) StepIDs() []string {
	ids := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		ids[i] = s.ID
	}
	return ids
}

// OutcomeIDs lists the ways a case of this playbook can end.
func (p *Playbook) OutcomeIDs() []string {
	ids := make([]string, len(p.Outcomes))
	for i, o := range p.Outcomes {
		ids[i] = o.ID
	}
	return ids
}

// HasOutcome reports whether o ends a case of this playbook.
func (p *Playbook) HasOutcome(o string) bool { return slices.Contains(p.OutcomeIDs(), o) }

// EvidenceKinds lists the kinds of evidence the playbook knows, once each.
func (p *Playbook) EvidenceKinds() []string {
	var kinds []string
	for _, e := range p.Evidence {
		if !slices.Contains(kinds, e.Kind) {
			kinds = append(kinds, e.Kind)
		}
	}
	return kinds
}

// Label returns the field's label, or one made from its name.
func (f *Field) LabelOrName() string {
	if f.Label != "" {
		return f.Label
	}
	s := strings.ReplaceAll(f.Name, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
