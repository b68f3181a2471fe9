package prompts

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// offlineData is what a template sees: the facts (with markers and runs of
// whitespace removed), the tone, the customer's names and methods that read
// the policy and record what they read.
type offlineData struct {
	Facts
	Warm, Formal, Brief bool
	// First is the customer's given name and Full the whole name; both are
	// empty when the name is unknown or is an e-mail address.
	First, Full string

	lang *offlineLang
	used map[string]string
}

func newOfflineData(l *offlineLang, tone string, f Facts) *offlineData {
	clean := func(s string) string {
		s = strings.NewReplacer(markPara, " ", markLine, " ").Replace(s)
		return strings.Join(strings.Fields(s), " ")
	}
	g := f
	g.Ref, g.Playbook, g.Situation = clean(f.Ref), clean(f.Playbook), clean(f.Situation)
	g.PlaybookTitle, g.SituationLabel = clean(f.PlaybookTitle), clean(f.SituationLabel)
	g.Customer, g.Order, g.Amount = clean(f.Customer), clean(f.Order), clean(f.Amount)
	g.Step, g.NextStep, g.Agent = clean(f.Step), clean(f.NextStep), clean(f.Agent)
	g.Signature, g.Outcome, g.OutcomeLabel = clean(f.Signature), clean(f.Outcome), clean(f.OutcomeLabel)
	g.Policy = make(map[string]string, len(f.Policy))
	for k, v := range f.Policy {
		g.Policy[k] = clean(v)
	}
	g.Details = make(map[string]string, len(f.Details))
	for k, v := range f.Details {
		g.Details[k] = clean(v)
	}
	d := &offlineData{
		Facts:  g,
		Warm:   tone == ToneWarm,
		Formal: tone == ToneFormal,
		Brief:  tone == ToneBrief,
		lang:   l,
		used:   make(map[string]string),
	}
	d.First, d.Full = names(g.Customer)
	return d
}

// names splits a customer's name into the given name and the full name,
// reading "Nordmann, Kari" as Kari Nordmann. An e-mail address or a name
// with digits is no name to greet by.
func names(s string) (first, full string) {
	s = strings.Trim(s, ", ")
	if s == "" || strings.ContainsAny(s, "@0123456789") {
		return "", ""
	}
	if last, given, ok := strings.Cut(s, ","); ok && strings.TrimSpace(given) != "" {
		s = strings.TrimSpace(given) + " " + strings.TrimSpace(last)
	}
	fields := strings.Fields(s)
	return fields[0], strings.Join(fields, " ")
}

// Has reports whether the policy sets key to something other than a
// refusal such as "no". It records nothing: use it for wording that
// commits to nothing.
func (d *offlineData) Has(key string) bool {
	if d.Details[key] != "" {
		return true
	}
	switch strings.ToLower(d.Policy[key]) {
	case "", "no", "false", "none", "n/a", "-", "0":
		return false
	}
	return true
}

// Offer is Has for wording that commits the shop to key's policy: it
// records key as used when the policy sets it.
func (d *offlineData) Offer(key string) bool {
	if !d.Has(key) {
		return false
	}
	d.used[key] = d.Policy[key]
	return true
}

// P returns key's case detail, or else its policy value as it is, which
// it records as used (a detail is stated, not promised).
func (d *offlineData) P(key string) string {
	if v := d.Details[key]; v != "" {
		return v
	}
	if !d.Has(key) {
		return ""
	}
	d.used[key] = d.Policy[key]
	return d.Policy[key]
}

// Dur returns key's policy value as a duration in the draft's language
// ("2 virkedager"; German in the dative, for "innerhalb von") and records it
// as used. A value that is not a plain duration is returned as it is.
func (d *offlineData) Dur(key string) string {
	v := d.P(key)
	fields := strings.Fields(strings.ToLower(v))
	if len(fields) < 2 || len(fields) > 3 {
		return v
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 0 {
		return v
	}
	unit := strings.TrimSuffix(fields[len(fields)-1], "s")
	if len(fields) == 3 {
		kind := fields[1]
		if kind == "working" {
			kind = "business"
		}
		unit = kind + " " + unit
	}
	w, ok := d.lang.units[unit]
	if !ok {
		return v
	}
	if n == 1 {
		return "1 " + w[0]
	}
	return fields[0] + " " + w[1]
}

// Addressee is the name to greet a supplier by: the name in the policy's
// supplier_contact ("Lily Chen, sales@supplier.example"), without the
// e-mail address; empty when there is none.
func (d *offlineData) Addressee() string {
	contact := d.Details["supplier_contact"]
	if contact == "" {
		contact = d.Policy["supplier_contact"]
	}
	for _, part := range strings.Split(contact, ",") {
		if _, full := names(strings.TrimSpace(part)); full != "" {
			return full
		}
	}
	return ""
}

// remedyKey is the policy key of the recall's remedies: "remedy", as the
// built-in recall playbook spells it, or "remedies".
func (d *offlineData) remedyKey() string {
	if d.Has("remedy") {
		return "remedy"
	}
	return "remedies"
}

// OfferRemedy is Offer for the recall's remedies.
func (d *offlineData) OfferRemedy() bool { return d.Offer(d.remedyKey()) }

// RemedyHas reports whether the recall's remedies include kind: repair,
// replacement or refund. It records nothing.
func (d *offlineData) RemedyHas(kind string) bool {
	return slices.Contains(remedyKinds(d.Policy[d.remedyKey()]), kind)
}

// Remedies returns the recall's remedies as a list in the draft's language
// ("a repair, a safe replacement or a refund of the full price you paid")
// and records them as used. It reads the remedies named in the policy text
// ("a free repair, replacement or refund of the price paid"); a text that
// names none of repair, replacement and refund is returned as it is.
func (d *offlineData) Remedies() string {
	v := d.P(d.remedyKey())
	kinds := remedyKinds(v)
	switch len(kinds) {
	case 0:
		return v
	case 1:
		return d.lang.remedies[kinds[0]]
	}
	items := make([]string, len(kinds))
	for i, k := range kinds {
		items[i] = d.lang.remedies[k]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + d.lang.or + " " + items[len(items)-1]
}

// remedyKinds returns the remedies a policy text names, in the order
// repair, replacement, refund.
func remedyKinds(v string) []string {
	words := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return !unicode.IsLetter(r) })
	var kinds []string
	for _, k := range [][2]string{{"repair", "repair"}, {"replac", "replacement"}, {"refund", "refund"}} {
		if slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, k[0]) }) {
			kinds = append(kinds, k[1])
		}
	}
	return kinds
}

// Span returns the first of keys the policy sets, as a duration in the
// draft's language like Dur, but records nothing: for times the draft asks
// of others (the supplier's reply), which commit the shop to nothing.
func (d *offlineData) Span(keys ...string) string {
	for _, k := range keys {
		if d.Has(k) {
			used := d.used
			d.used = map[string]string{}
			s := d.Dur(k)
			d.used = used
			return s
		}
	}
	return ""
}
