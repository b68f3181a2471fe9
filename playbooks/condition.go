package playbooks

import (
	"fmt"
	"slices"
	"strings"
)

// Condition limits a step, deadline or piece of evidence to some cases.
type Condition struct {
	Field  string
	Values []string // empty: the field only has to be set
	Negate bool     // field!=a|b
}

// ParseCondition reads "reason=damaged|wrong_item", "processor!=stripe" or
// "tracking".
func ParseCondition(s string) (Condition, error) {
	s = strings.TrimSpace(s)
	field, values, negate := s, "", false
	if f, v, ok := strings.Cut(s, "!="); ok {
		field, values, negate = f, v, true
	} else if f, v, ok := strings.Cut(s, "="); ok {
		field, values = f, v
	}
	c := Condition{Field: strings.TrimSpace(field), Negate: negate}
	if !fieldPattern.MatchString(c.Field) {
		return c, fmt.Errorf("condition %q must be field=value, field=a|b, field!=value or field, like reason=damaged", s)
	}
	if values == "" && strings.Contains(s, "=") {
		return c, fmt.Errorf("condition %q has no value after =", s)
	}
	for v := range strings.SplitSeq(values, "|") {
		if v = strings.TrimSpace(v); v != "" {
			c.Values = append(c.Values, v)
		}
	}
	return c, nil
}

// Holds reports whether the condition is true of a case's fields.
func (c Condition) Holds(fields map[string]string) bool {
	v := fields[c.Field]
	if len(c.Values) == 0 {
		return v != ""
	}
	return slices.Contains(c.Values, v) != c.Negate
}

// applies evaluates an optional, already validated condition.
func applies(when string, fields map[string]string) bool {
	if when == "" {
		return true
	}
	c, err := ParseCondition(when)
	return err == nil && c.Holds(fields)
}
