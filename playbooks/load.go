package playbooks

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/playbooks/holiday"
)

// Problem is one thing wrong in a playbook file, where it is.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return p.File + ": " + p.Msg
}

// Problems is every problem found; a playbook with problems is not loaded.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// LoadDir reads every .yaml and .yml file in dir. It reports the problems
// of all files at once, as Problems.
func LoadDir(dir string) ([]*Playbook, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("playbooks directory: %w", err)
	}
	return loadFS(os.DirFS(dir), ".", dir)
}

// LoadFile reads one playbook file, for lint; its problems are Problems.
func LoadFile(file string) (*Playbook, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("playbook file: %w", err)
	}
	return Parse(file, data)
}

// loadFS reads the playbooks in fsys's dir; shownAs names dir in problems.
func loadFS(fsys fs.FS, dir string, shownAs ...string) ([]*Playbook, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	shown := dir
	if len(shownAs) > 0 {
		shown = shownAs[0]
	}
	var pbs []*Playbook
	var problems Problems
	names := map[string]string{}
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || ext != ".yaml" && ext != ".yml" {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		file := filepath.Join(shown, e.Name())
		pb, err := Parse(file, data)
		var ps Problems
		switch {
		case errors.As(err, &ps):
			problems = append(problems, ps...)
			continue
		case err != nil:
			return nil, err
		}
		if other, dup := names[pb.Name]; dup {
			problems = append(problems, Problem{File: file, Msg: fmt.Sprintf("playbook %q is also defined in %s", pb.Name, other)})
			continue
		}
		names[pb.Name] = file
		pbs = append(pbs, pb)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return pbs, nil
}

// typeError matches the YAML decoder's messages so they can be retold
// with the file name and in plain words.
var typeError = regexp.MustCompile(`^line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`^field (\S+) not found in type playbooks\.(\w+)$`)

// Parse reads one playbook from data, strictly: unknown keys, wrong types
// and every rule below are reported with the file and line, as Problems.
func Parse(file string, data []byte) (*Playbook, error) {
	var pb Playbook
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// A *yaml.TypeError (an unknown key, a wrong type) leaves the rest of
	// the document decoded, so the rules are still checked: one run of lint
	// shows every problem, not one a time.
	var typeProblems Problems
	if err := dec.Decode(&pb); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, decodeProblems(file, err)
		}
		typeProblems = decodeProblems(file, err).(Problems)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, decodeProblems(file, err)
	}
	v := validator{file: file, lines: map[string]int{}, pb: &pb}
	v.index(&root, "")
	v.validate()
	problems := typeProblems
	for _, p := range v.problems {
		// A value of the wrong type decodes as empty: "required" would say it twice.
		if !slices.ContainsFunc(typeProblems, func(tp Problem) bool { return tp.Line == p.Line }) {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
		return nil, problems
	}
	return &pb, nil
}

func decodeProblems(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var ps Problems
		for _, msg := range te.Errors {
			m := typeError.FindStringSubmatch(msg)
			if m == nil {
				ps = append(ps, Problem{File: file, Msg: msg})
				continue
			}
			line, _ := strconv.Atoi(m[1])
			text := m[2]
			if u := unknownField.FindStringSubmatch(text); u != nil {
				text = fmt.Sprintf("unknown key %q in a %s: %s", u[1], strings.ToLower(u[2]), knownKeys(u[2]))
			}
			ps = append(ps, Problem{File: file, Line: line, Msg: text})
		}
		return ps
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := typeError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problems{{File: file, Line: line, Msg: "not valid YAML: " + m[2]}}
	}
	if err.Error() == "EOF" {
		msg = "the file is empty: a playbook needs at least name, title, prefix, steps and outcomes"
	}
	return Problems{{File: file, Msg: msg}}
}

// knownKeys lists the keys a type of the format takes, for "unknown key".
func knownKeys(typeName string) string {
	keys := map[string]string{
		"Playbook":  "name, title, prefix, description, shorthand, keywords, policy, fields, steps, deadlines, reminders, outcomes, evidence",
		"Field":     "name, label, type, required, help, values, event",
		"EnumValue": "value, label, apologise",
		"Step":      "id, title, guidance, checklist, owner, approval_above, due, when",
		"Deadline":  "id, title, rule, source, met_by, when, country, kind",
		"Outcome":   "id, label, description, owner",
		"Evidence":  "kind, label, when",
	}[typeName]
	return "the keys are " + keys
}

// validator checks a decoded playbook and places problems on lines.
type validator struct {
	file     string
	lines    map[string]int // "steps[2].due" -> line
	pb       *Playbook
	problems Problems
}

// index records the line of every key and list item under path.
func (v *validator) index(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			v.index(c, path)
		}
	case yaml.MappingNode:
		v.lines[path] = n.Line
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if path != "" {
				p = path + "." + key
			}
			v.lines[p] = n.Content[i].Line
			v.index(n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			v.lines[p] = c.Line
			v.index(c, p)
		}
	}
}

// addf records a problem at path, or at its nearest parent with a line.
func (v *validator) addf(path, format string, args ...any) {
	line := 0
	for p := path; ; {
		if l, ok := v.lines[p]; ok {
			line = l
			break
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

var (
	namePattern   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	idPattern     = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	fieldPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	prefixPattern = regexp.MustCompile(`^[A-Z]{2,5}$`)
	shortPattern  = regexp.MustCompile(`^/[a-z]+( [a-z]+)?$`)
	fieldTypes    = []FieldType{TypeText, TypeMoney, TypeCurrency, TypeDate, TypeDateTime, TypeEnum, TypeUser, TypeURL}
	owners        = []string{"agent", "lead", "finance", "ops", "legal", "compliance"}
)

func (v *validator) validate() {
	pb := v.pb
	v.required("name", pb.Name)
	if pb.Name != "" && !namePattern.MatchString(pb.Name) {
		v.addf("name", "name %q must be lower-case letters, digits and -, like return or supplier-dispute", pb.Name)
	}
	v.required("title", pb.Title)
	v.required("description", pb.Description)
	v.required("prefix", pb.Prefix)
	if pb.Prefix != "" && !prefixPattern.MatchString(pb.Prefix) {
		v.addf("prefix", "prefix %q must be 2 to 5 upper-case letters, like CB or RMA", pb.Prefix)
	}
	if pb.Shorthand != "" && (!shortPattern.MatchString(pb.Shorthand) || strings.HasPrefix(pb.Shorthand, "/case")) {
		v.addf("shorthand", "shorthand %q must be a slash command of one or two lower-case words, not /case, like /return or /dispute chargeback", pb.Shorthand)
	}
	for i, k := range pb.Keywords {
		if k != strings.ToLower(strings.TrimSpace(k)) || k == "" {
			v.addf(fmt.Sprintf("keywords[%d]", i), "keyword %q must be lower case, without surrounding spaces", k)
		}
	}
	v.fields()
	if len(pb.Steps) == 0 {
		v.addf("steps", "a playbook needs at least one step")
	}
	seen := map[string]bool{}
	for i, s := range pb.Steps {
		at := fmt.Sprintf("steps[%d]", i)
		v.id(at+".id", "step", s.ID, seen)
		v.required(at+".title", s.Title)
		if s.Owner != "" && !slices.Contains(owners, s.Owner) {
			v.addf(at+".owner", "owner %q is not a role: use %s", s.Owner, strings.Join(owners, ", "))
		}
		if s.ApprovalAbove != "" {
			if _, err := money.Parse(s.ApprovalAbove, "EUR"); err != nil || !Approves(s.Owner) {
				v.addf(at+".approval_above", "approval_above %q of step %s needs a plain amount such as 200, on a step whose owner is lead or finance", s.ApprovalAbove, s.ID)
			}
		}
		for j, item := range s.Checklist {
			if strings.TrimSpace(item) == "" {
				v.addf(fmt.Sprintf("%s.checklist[%d]", at, j), "checklist item %d of step %s is empty", j+1, s.ID)
			}
		}
		v.rule(at+".due", s.Due)
		v.when(at+".when", s.When)
	}
	seen = map[string]bool{}
	for i, d := range pb.Deadlines {
		at := fmt.Sprintf("deadlines[%d]", i)
		v.id(at+".id", "deadline", d.ID, seen)
		v.required(at+".title", d.Title)
		v.required(at+".rule", d.Rule)
		v.rule(at+".rule", d.Rule)
		v.required(at+".source", d.Source)
		if _, ok := pb.Step(d.MetBy); d.MetBy != "" && !ok {
			v.addf(at+".met_by", "met_by %q is not a step: use one of %s", d.MetBy, strings.Join(pb.StepIDs(), ", "))
		}
		switch d.Kind {
		case "", KindTask:
		case KindInfo:
			if d.MetBy != "" {
				v.addf(at+".met_by", "deadline %s is kind info, someone else's deadline that nothing we do meets: remove met_by, or make it a task", d.ID)
			}
		default:
			v.addf(at+".kind", "kind %q of deadline %s is not task or info", d.Kind, d.ID)
		}
		v.when(at+".when", d.When)
		if _, ok := holiday.ForCountry(d.Country); d.Country != "" && !ok {
			v.addf(at+".country", "country %q has no holiday calendar: use one of %s, or leave it out to use the case's country", d.Country, strings.Join(holiday.Countries(), ", "))
		}
	}
	v.reminders()
	if len(pb.Outcomes) == 0 {
		v.addf("outcomes", "a playbook needs at least one outcome, like resolved")
	}
	seen = map[string]bool{}
	for i, o := range pb.Outcomes {
		at := fmt.Sprintf("outcomes[%d]", i)
		v.id(at+".id", "outcome", o.ID, seen)
		v.required(at+".label", o.Label)
		if o.Owner != "" && !Approves(o.Owner) {
			v.addf(at+".owner", "owner %q of outcome %s is not lead or finance, the roles DISPUTEDESK_LEADS names", o.Owner, o.ID)
		}
	}
	seen = map[string]bool{}
	for i, e := range pb.Evidence {
		at := fmt.Sprintf("evidence[%d]", i)
		v.required(at+".kind", e.Kind)
		if e.Kind != "" && !fieldPattern.MatchString(e.Kind) {
			v.addf(at+".kind", "evidence kind %q must be lower-case letters, digits and _", e.Kind)
		}
		if key := e.Kind + "|" + e.When; seen[key] {
			v.addf(at+".kind", "evidence %q is listed twice for the same cases", e.Kind)
		} else {
			seen[key] = true
		}
		v.required(at+".label", e.Label)
		v.when(at+".when", e.When)
	}
}

func (v *validator) fields() {
	seen := map[string]bool{}
	for i, f := range v.pb.Fields {
		at := fmt.Sprintf("fields[%d]", i)
		switch {
		case f.Name == "":
			v.addf(at, "field %d has no name", i+1)
		case !fieldPattern.MatchString(f.Name):
			v.addf(at+".name", "field name %q must be lower-case letters, digits and _, like delivered_on", f.Name)
		case seen[f.Name]:
			v.addf(at+".name", "field %q is defined twice", f.Name)
		}
		seen[f.Name] = true
		if !slices.Contains(fieldTypes, f.Type) {
			v.addf(at+".type", "field %s: type %q is not one of %s", f.Name, f.Type, typeList())
		}
		// amount and currency are how a case's money is stored.
		if f.Name == "amount" && f.Type != TypeMoney || f.Name == "currency" && f.Type != TypeCurrency {
			v.addf(at+".type", "field %s must have type %s", f.Name, map[string]FieldType{"amount": TypeMoney, "currency": TypeCurrency}[f.Name])
		}
		if f.Type == TypeEnum && len(f.Values) == 0 {
			v.addf(at+".values", "enum field %s needs values", f.Name)
		}
		if f.Event && f.Type != TypeDate && f.Type != TypeDateTime {
			v.addf(at+".event", "field %s: event: true is for a date or datetime field, and %s is %s", f.Name, f.Name, f.Type)
		}
		if f.Type != TypeEnum && len(f.Values) > 0 {
			v.addf(at+".values", "field %s has values but its type is %s: make it an enum", f.Name, f.Type)
		}
		values := map[string]bool{}
		for j, ev := range f.Values {
			vat := fmt.Sprintf("%s.values[%d]", at, j)
			if !idPattern.MatchString(ev.Value) {
				v.addf(vat+".value", "value %q of %s must be lower-case letters, digits, _ and -", ev.Value, f.Name)
			}
			if values[ev.Value] {
				v.addf(vat+".value", "value %q of %s is listed twice", ev.Value, f.Name)
			}
			values[ev.Value] = true
		}
	}
}

func typeList() string {
	s := make([]string, len(fieldTypes))
	for i, t := range fieldTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// reminders checks the thresholds: a key given empty is a mistake rather
// than "no reminders", which would silence a deadline unnoticed.
func (v *validator) reminders() {
	if _, set := v.lines["reminders"]; set && len(v.pb.Reminders) == 0 {
		v.addf("reminders", "reminders is empty: list how long before each deadline to remind, like [24h, 4h, 1h], or leave the key out for 72h, 24h, 4h")
	}
	for i, r := range v.pb.Reminders {
		if _, err := deadline.ParseReminder(r); err != nil {
			v.addf(fmt.Sprintf("reminders[%d]", i), "%s, as in reminders: [24h, 4h, 1h]", err)
		}
	}
}

func (v *validator) required(path, value string) {
	if strings.TrimSpace(value) == "" {
		v.addf(path, "%s is required", path[strings.LastIndex(path, ".")+1:])
	}
}

func (v *validator) id(path, what, id string, seen map[string]bool) {
	switch {
	case id == "":
		v.addf(path, "a %s needs an id", what)
	case !idPattern.MatchString(id):
		v.addf(path, "%s id %q must be lower-case letters, digits, _ and -", what, id)
	case seen[id]:
		v.addf(path, "%s id %q is used twice", what, id)
	}
	seen[id] = true
}

// rule checks a deadline rule and what it refers to.
func (v *validator) rule(path, text string) {
	if text == "" {
		return
	}
	r, err := deadline.Parse(text)
	if err != nil {
		v.addf(path, "%v", err)
		return
	}
	for _, name := range r.Fields() {
		f, ok := v.pb.Field(name)
		switch {
		case !ok:
			v.addf(path, "rule %q reads field %s, which the playbook does not define", text, name)
		case f.Type != TypeDate && f.Type != TypeDateTime:
			v.addf(path, "rule %q reads field %s, which is %s, not a date or datetime", text, name, f.Type)
		}
	}
	for _, id := range r.Steps() {
		if _, ok := v.pb.Step(id); !ok {
			v.addf(path, "rule %q reads step %s, which the playbook does not have", text, id)
		}
	}
}

// when checks a condition and what it refers to.
func (v *validator) when(path, text string) {
	if text == "" {
		return
	}
	c, err := ParseCondition(text)
	if err != nil {
		v.addf(path, "%v", err)
		return
	}
	f, ok := v.pb.Field(c.Field)
	if !ok {
		v.addf(path, "condition %q reads field %s, which the playbook does not define", text, c.Field)
		return
	}
	if f.Type != TypeEnum {
		return
	}
	for _, want := range c.Values {
		if !slices.ContainsFunc(f.Values, func(e EnumValue) bool { return e.Value == want }) {
			v.addf(path, "condition %q: %q is not a value of %s", text, want, c.Field)
		}
	}
}
