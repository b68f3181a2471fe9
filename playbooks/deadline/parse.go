package deadline

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxN bounds offsets: 9999 covers any real deadline (27 years in days) and
// keeps business-day counting and durations far from overflow.
const maxN = 9999

// maxOffsets bounds the offsets chained in one alternative: two say any
// period the law words as "N months from the end of a 14-day period".
const maxOffsets = 3

// Messages shared by several errors.
const (
	useUnit = "use h, hours, calendar days, business days, working days, calendar months or years"
	useRoll = `write ", next working day"`
	example = `"field:due_by or opened + 7 calendar days"`
)

// Parse reads a rule. Its errors quote the rule and say how to fix it, for
// the author of a playbook.
func Parse(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Rule{}, errors.New(`empty deadline rule: write one such as "opened + 48h" or ` + example)
	}
	p := &parser{rule: s, s: asciiLower(s)}
	var r Rule
	for {
		a, err := p.alt()
		if err != nil {
			return Rule{}, err
		}
		r.alts = append(r.alts, a)
		p.space()
		if p.i == len(p.s) {
			return r, nil
		}
		if p.peekWord() != "or" {
			return Rule{}, fmt.Errorf("unexpected %q in %q: join alternatives with \" or \", as in %s", p.chunk(), p.rule, example)
		}
		p.i += len("or")
		p.space()
		if p.i == len(p.s) {
			return Rule{}, fmt.Errorf("nothing after \"or\" in %q: add an alternative, as in %s", p.rule, example)
		}
	}
}

// parser reads a rule left to right. s is rule with ASCII letters
// lower-cased, so byte offsets in s are offsets in rule, which is quoted in
// messages as written.
type parser struct {
	rule string
	s    string
	i    int
}

func (p *parser) alt() (alt, error) {
	var a alt
	if p.peek() != '+' { // "+ 10 business days" is short for "opened + 10 business days"
		switch w := p.word(); w {
		case "opened":
		case "field", "step":
			if err := p.name(&a, w); err != nil {
				return alt{}, err
			}
		default:
			return alt{}, fmt.Errorf("unknown start %q in %q: begin with opened, field:NAME, step:ID or \"+\" (for opened +)", p.chunkFrom(p.i-len(w)), p.rule)
		}
	}
	for {
		p.space()
		c := p.peek()
		if isDigit(c) {
			return alt{}, fmt.Errorf("sign missing before %q in %q: write + or -, as in \"opened + 48h\"", p.chunk(), p.rule)
		}
		if c != '+' && c != '-' {
			break
		}
		if len(a.offs) == maxOffsets {
			return alt{}, fmt.Errorf("more than %d offsets in %q: write at most %d, as in \"field:delivered_on + 14 calendar days + 12 calendar months\"", maxOffsets, p.rule, maxOffsets)
		}
		if err := p.offset(&a); err != nil {
			return alt{}, err
		}
		// A roll between offsets rolls the period that ends there before
		// the next one counts from it: "+ 14 calendar days, next working
		// day + 12 calendar months".
		p.space()
		if p.peek() != ',' {
			continue
		}
		p.i++
		if err := p.roll(&a); err != nil {
			return alt{}, err
		}
		p.space()
		if c := p.peek(); c != '+' && c != '-' {
			return a, nil
		}
		a.roll = false
		a.offs[len(a.offs)-1].roll = true
	}
	p.space()
	if p.peek() == ',' {
		p.i++
		if err := p.roll(&a); err != nil {
			return alt{}, err
		}
	}
	return a, nil
}

// name reads the ":NAME" after "field" or the ":ID" after "step".
func (p *parser) name(a *alt, kind string) error {
	what, ex := "field name", "field:delivered_on"
	a.base = field
	if kind == "step" {
		what, ex = "step id", "step:acknowledge"
		a.base = step
	}
	p.space()
	if p.peek() != ':' {
		return fmt.Errorf("%q needs a colon and a %s, as in %s", kind, what, ex)
	}
	p.i++
	p.space()
	start := p.i
	// Step ids may hold "-" (schema.go), field names may not, so
	// "field:due_by-2h" still reads as due_by - 2h.
	for c := p.peek(); isLetter(c) || isDigit(c) || c == '_' || (c == '-' && a.base == step); c = p.peek() {
		p.i++
	}
	a.name = p.s[start:p.i]
	if a.name == "" {
		return fmt.Errorf("%q needs a %s, as in %s", kind+":", what, ex)
	}
	if a.base == field && p.peek() == '-' && isLetter(p.at(p.i+1)) {
		return fmt.Errorf("field name %q in %q: use lower-case letters, digits and _", p.chunkFrom(start), p.rule)
	}
	return nil
}

// offset reads "+ N unit" or "- N unit" and appends it to a.
func (p *parser) offset(a *alt) error {
	var o offset
	if err := p.offsetInto(&o); err != nil {
		return err
	}
	a.offs = append(a.offs, o)
	return nil
}

func (p *parser) offsetInto(a *offset) error {
	sign := p.s[p.i]
	p.i++
	p.space()
	start := p.i
	for isDigit(p.peek()) {
		p.i++
	}
	digits := p.s[start:p.i]
	if digits == "" {
		return fmt.Errorf("number missing after %q in %q: write it as in \"opened + 14 calendar days\"", string(sign), p.rule)
	}
	if c := p.peek(); (c == '.' || c == ',') && isDigit(p.at(p.i+1)) {
		j := p.i + 1
		for isDigit(p.at(j)) {
			j++
		}
		return fmt.Errorf("%s is not a whole number in %q: use whole numbers, as in 90m for 1.5h", p.rule[start:j], p.rule)
	}
	// Trimming zeros first keeps Atoi from overflowing on long input.
	if d := strings.TrimLeft(digits, "0"); len(d) > len(strconv.Itoa(maxN)) {
		return fmt.Errorf("number %s is too large in %q: use at most %d", digits, p.rule, maxN)
	}
	n, _ := strconv.Atoi(digits)
	if n == 0 {
		return fmt.Errorf("offset of 0 in %q does nothing: remove it or use a number from 1 to %d", p.rule, maxN)
	}
	if n > maxN {
		return fmt.Errorf("number %s is too large in %q: use at most %d", digits, p.rule, maxN)
	}
	a.n = n
	if sign == '-' {
		a.n = -n
	}
	p.space()
	start = p.i
	w := p.word()
	switch w {
	case "":
		return fmt.Errorf("unit missing after %s in %q: %s", digits, p.rule, useUnit)
	case "h", "hr", "hrs", "hour", "hours":
		a.unit = hours
	case "m", "min", "mins", "minute", "minutes":
		a.unit = minutes
	case "day", "days":
		a.unit = calendarDays
	case "week", "weeks":
		a.unit = weeks
	case "month", "months":
		a.unit = months
	case "year", "years":
		a.unit = years
	case "calendar", "business", "working":
		p.space()
		d := p.word()
		switch {
		case d == "day" || d == "days":
			a.unit = businessDays
			if w == "calendar" {
				a.unit = calendarDays
			}
		case w == "calendar" && (d == "month" || d == "months"):
			a.unit = months
		default:
			return fmt.Errorf("unknown unit %q in %q: %s", strings.TrimSpace(p.rule[start:p.i]), p.rule, useUnit)
		}
	default:
		return fmt.Errorf("unknown unit %q in %q: %s", p.rule[start:p.i], p.rule, useUnit)
	}
	return nil
}

// roll reads what follows the comma: "next working day", optionally preceded
// by "rolled to the".
func (p *parser) roll(a *alt) error {
	p.space()
	start, end := p.i, p.i
	var words []string
	for {
		p.space()
		w := p.peekWord()
		if w == "" || w == "or" {
			break
		}
		p.i += len(w)
		end = p.i
		words = append(words, w)
	}
	p.i = end
	if len(words) == 0 {
		return fmt.Errorf("nothing after \",\" in %q: %s", p.rule, useRoll)
	}
	t := strings.Join(words, " ")
	for _, prefix := range [...]string{"rolled ", "to ", "the "} {
		t = strings.TrimPrefix(t, prefix)
	}
	if t != "next working day" && t != "next business day" {
		return fmt.Errorf("unknown roll %q in %q: %s", p.rule[start:end], p.rule, useRoll)
	}
	a.roll = true
	return nil
}

func (p *parser) at(i int) byte {
	if i < len(p.s) {
		return p.s[i]
	}
	return 0
}

func (p *parser) peek() byte { return p.at(p.i) }

func (p *parser) space() {
	for isSpace(p.peek()) {
		p.i++
	}
}

// peekWord returns the run of letters at the cursor.
func (p *parser) peekWord() string {
	j := p.i
	for isLetter(p.at(j)) {
		j++
	}
	return p.s[p.i:j]
}

func (p *parser) word() string {
	w := p.peekWord()
	p.i += len(w)
	return w
}

// chunk is the text at the cursor up to the next space, as written, to quote
// in messages.
func (p *parser) chunk() string { return p.chunkFrom(p.i) }

func (p *parser) chunkFrom(i int) string {
	j := i
	for j < len(p.rule) && !isSpace(p.rule[j]) {
		j++
	}
	return p.rule[i:j]
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' }

// asciiLower lower-cases ASCII letters only, byte for byte, so that offsets
// stay valid in the original and no Unicode folding (the Kelvin sign to "k")
// smuggles other characters into names.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// String returns the canonical text of the rule, which Parse reads back to
// the same rule: "field:delivered_on + 14 calendar days, next working day".
func (r Rule) String() string {
	parts := make([]string, len(r.alts))
	for i, a := range r.alts {
		parts[i] = a.text(":")
	}
	return strings.Join(parts, " or ")
}

// Fields returns the names of the fields the rule reads, in order, so that
// playbook validation can check they exist and hold dates or datetimes.
func (r Rule) Fields() []string { return r.names(field) }

// Steps returns the ids of the steps the rule reads, in order.
func (r Rule) Steps() []string { return r.names(step) }

func (r Rule) names(b base) []string {
	var out []string
	for _, a := range r.alts {
		if a.base == b && !slices.Contains(out, a.name) {
			out = append(out, a.name)
		}
	}
	return out
}

// text writes the alternative with sep between "field" or "step" and the
// name: ":" for the rule, " " for the basis people read.
func (a alt) text(sep string) string {
	var b strings.Builder
	switch a.base {
	case field:
		b.WriteString("field" + sep + a.name)
	case step:
		b.WriteString("step" + sep + a.name)
	default:
		b.WriteString("opened")
	}
	for _, o := range a.offs {
		n, op := o.n, " + "
		if n < 0 {
			n, op = -n, " - "
		}
		b.WriteString(op)
		switch o.unit {
		case hours:
			fmt.Fprintf(&b, "%dh", n)
		case minutes:
			fmt.Fprintf(&b, "%dm", n)
		case calendarDays:
			b.WriteString(plural(n, "calendar day"))
		case businessDays:
			b.WriteString(plural(n, "business day"))
		case weeks:
			b.WriteString(plural(n, "week"))
		case months:
			b.WriteString(plural(n, "calendar month"))
		case years:
			b.WriteString(plural(n, "year"))
		}
		if o.roll {
			b.WriteString(", next working day")
		}
	}
	if a.roll {
		b.WriteString(", next working day")
	}
	return b.String()
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
