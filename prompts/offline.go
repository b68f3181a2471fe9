package prompts

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// offlineFiles holds the offline drafter's templates, one folder per
// language and one file per playbook: offline/<lang>/<playbook>.tmpl.
//
//go:embed offline
var offlineFiles embed.FS

// Offline drafts replies from hand-written templates, one per playbook
// situation and language, with wording chosen by tone. It needs no model
// and answers at once, so it is the drafter when no model is configured and
// the fallback whenever the model fails.
//
// Each playbook file defines one template per situation, named
// "<playbook>/<situation>" (the situation is the case's reason or issue as
// the playbook's enum spells it), plus "<playbook>/default". A situation
// without its own template gets the playbook's default; a playbook without a
// file gets "generic/default".
//
// A draft greets the customer by name (Facts.Customer, unless it is an
// e-mail address), acknowledges the problem, apologises when Facts.ShopErred,
// says the situation's concrete next step, says when the customer hears from
// us, names Facts.Ref and the order, and is signed by Facts.Agent. It never
// blames the customer, never mentions the bank or the dispute process, and
// promises money or dates only from the policy. Facts.Step and NextStep are
// the playbook's step titles, written for agents in English, so only the
// generic template quotes Step; the built-in situations say their own next
// step in the customer's language. The supplier-dispute letter is written
// to the supplier, not to Facts.Customer.
//
// Templates read the policy through methods that record what they use, so
// Draft.Promises lists exactly the policy the body commits to, each as
// "key: value" ("refund_within: 14 days"). The policy keys they read are:
//
//   - reply_within: when the customer hears from us next ("2 business
//     days"). Every playbook should define it. Without it a draft promises
//     no date and says "as soon as we know more", which the shop can
//     always keep.
//   - refund_within: how soon a refund is paid ("14 days"). Without it a
//     draft never offers a refund, only to put things right.
//   - prepaid_label: set (to anything but "no") when the shop sends a
//     prepaid return label ("for defective or wrong items"); the draft
//     offers one only for defective or wrong items, or says it checks.
//   - remedy (or remedies): the recall's free remedies (GPSR Art. 37: at
//     least two of repair, replacement and refund), as text: "a free
//     repair, replacement or refund of the price paid". The draft names
//     the ones the text names, in its own language.
//
// The supplier letter asks for the supplier's reply within respond_within,
// or else reply_within (the supplier-dispute playbook's reply time); that
// commits the shop to nothing, so it is no promise. Facts has no field for a
// few case facts the recall notice and the supplier letter cannot do
// without come in Facts.Details (or, in older callers, Policy); they are
// facts, never promises: product, hazard, batch and sku (recall); supplier
// and supplier_contact (supplier-dispute).
//
// A duration of the form "N [business|working|calendar] days|hours|weeks|
// months" is written in the draft's language; any other value is quoted as
// it is.
type Offline struct {
	langs map[string]*offlineLang
}

var _ Drafter = (*Offline)(nil)

// offlineLang is one language's parsed templates and the words the Go side
// writes into them.
type offlineLang struct {
	tmpl *template.Template
	// units spells a duration's unit: units["business day"] = {one, many}.
	units map[string][2]string
	// remedies spells the recall remedies, and or joins a list of them.
	remedies map[string]string
	or       string
}

// Paragraph and line breaks in the templates. The renderer joins every run
// of whitespace into one space, so templates can wrap and indent freely;
// only these markers break the text.
const (
	markPara = "¶"
	markLine = "⏎"
)

// NewOffline parses the embedded templates. It returns an error if a
// template does not parse or a language lacks a situation that English has.
func NewOffline() (*Offline, error) {
	o := &Offline{langs: make(map[string]*offlineLang, len(Languages))}
	for _, lang := range Languages {
		t, err := template.New(lang).Option("missingkey=error").
			ParseFS(offlineFiles, path.Join("offline", lang, "*.tmpl"))
		if err != nil {
			return nil, fmt.Errorf("offline templates: %w", err)
		}
		l := offlineWords(lang)
		l.tmpl = t
		o.langs[lang] = l
	}
	// Every language must write every situation English writes; helper
	// templates differ between languages (German has cases, for one).
	var want []string
	for _, name := range o.templateNames("en") {
		if strings.Contains(name, "/") {
			want = append(want, name)
		}
	}
	for _, lang := range Languages {
		got := o.templateNames(lang)
		for _, name := range append([]string{"greeting", "signoff", "generic/default"}, want...) {
			if !slices.Contains(got, name) {
				return nil, fmt.Errorf("offline templates: %s lacks %q", lang, name)
			}
		}
		for _, name := range got {
			if strings.Contains(name, "/") && !slices.Contains(want, name) {
				return nil, fmt.Errorf("offline templates: %s has %q, which en lacks", lang, name)
			}
		}
	}
	return o, nil
}

// templateNames lists the named templates of a language, sorted.
func (o *Offline) templateNames(lang string) []string {
	var names []string
	for _, t := range o.langs[lang].tmpl.Templates() {
		// Skip the empty root and the files themselves, which hold only
		// definitions.
		if t.Name() != lang && !strings.HasSuffix(t.Name(), ".tmpl") {
			names = append(names, t.Name())
		}
	}
	slices.Sort(names)
	return names
}

// Draft writes the draft for req from its templates. It does not block, so
// it ignores ctx: it is the fallback when the model's context has run out.
// The language is read with ParseLanguage; an empty one is English, and an
// unsupported one falls back to English, as an unknown tone falls back to
// warm, with Note saying so. When req.MaxLen is set and a warm or formal draft
// is longer, the brief one stands in. stream, if not nil, receives the whole
// body once. It returns an error only if a template fails to execute.
func (o *Offline) Draft(_ context.Context, req Request, stream func(string)) (Draft, error) {
	var notes []string
	lang, err := ParseLanguage(req.Language)
	if _, ok := o.langs[lang]; err != nil || !ok {
		if strings.TrimSpace(req.Language) != "" {
			notes = append(notes, fmt.Sprintf("no offline templates in language %q, so the draft is in English", req.Language))
		}
		lang = "en"
	}
	tone := strings.ToLower(strings.TrimSpace(req.Tone))
	switch tone {
	case "":
		tone = ToneWarm
	case ToneWarm, ToneFormal, ToneBrief:
	default:
		notes = append(notes, fmt.Sprintf("unknown tone %q, so the draft is warm", req.Tone))
		tone = ToneWarm
	}

	body, promises, err := o.render(lang, tone, req.Facts)
	if err != nil {
		return Draft{}, err
	}
	if req.MaxLen > 0 && utf8.RuneCountInString(body) > req.MaxLen && tone != ToneBrief {
		body, promises, err = o.render(lang, ToneBrief, req.Facts)
		if err != nil {
			return Draft{}, err
		}
		notes = append(notes, fmt.Sprintf("the %s draft is longer than the %d-character limit, so this is the brief one", tone, req.MaxLen))
	}
	if stream != nil {
		stream(body)
	}
	return Draft{
		Language: lang,
		Body:     body,
		Promises: promises,
		Source:   "offline",
		Note:     strings.Join(notes, "; "),
	}, nil
}

// render executes the template for f's playbook and situation and tidies
// the text. It returns the body and the promises it made.
func (o *Offline) render(lang, tone string, f Facts) (string, []string, error) {
	l := o.langs[lang]
	t := l.tmpl.Lookup(f.Playbook + "/" + f.Situation)
	if t == nil || f.Situation == "" {
		t = l.tmpl.Lookup(f.Playbook + "/default")
	}
	if t == nil {
		t = l.tmpl.Lookup("generic/default")
	}
	d := newOfflineData(l, tone, f)
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return "", nil, fmt.Errorf("offline draft %s/%s: %w", lang, t.Name(), err)
	}
	var promises []string
	// The policy keys whose use commits the shop to something; the others
	// are facts.
	for _, k := range []string{"reply_within", "refund_within", "prepaid_label", "remedy", "remedies"} {
		if v, ok := d.used[k]; ok {
			promises = append(promises, k+": "+v)
		}
	}
	return tidy(buf.String()), promises, nil
}

// tidy joins each paragraph's whitespace into single spaces and breaks the
// text only at the paragraph and line markers.
func tidy(s string) string {
	var paras []string
	for _, p := range strings.Split(s, markPara) {
		var lines []string
		for _, line := range strings.Split(p, markLine) {
			line = strings.Join(strings.Fields(line), " ")
			line = strings.NewReplacer(" .", ".", " ,", ",", " ;", ";", "( ", "(", " )", ")").Replace(line)
			if line != "" {
				lines = append(lines, line)
			}
		}
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(paras, "\n\n")
}

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

// offlineWords returns the words of lang the Go side writes: duration units
// and recall remedies.
func offlineWords(lang string) *offlineLang {
	switch lang {
	case "nb":
		return &offlineLang{
			units: map[string][2]string{
				"day": {"dag", "dager"}, "business day": {"virkedag", "virkedager"},
				"calendar day": {"kalenderdag", "kalenderdager"}, "hour": {"time", "timer"},
				"week": {"uke", "uker"}, "month": {"måned", "måneder"},
			},
			remedies: map[string]string{
				"repair": "reparasjon", "replacement": "et nytt, trygt produkt",
				"refund": "å få hele kjøpesummen tilbake",
			},
			or: "eller",
		}
	case "da":
		return &offlineLang{
			units: map[string][2]string{
				"day": {"dag", "dage"}, "business day": {"hverdag", "hverdage"},
				"calendar day": {"kalenderdag", "kalenderdage"}, "hour": {"time", "timer"},
				"week": {"uge", "uger"}, "month": {"måned", "måneder"},
			},
			remedies: map[string]string{
				"repair": "reparation", "replacement": "et nyt, sikkert produkt",
				"refund": "at få hele købsprisen tilbage",
			},
			or: "eller",
		}
	case "de":
		// Dative plural, as after "innerhalb von" and "binnen".
		return &offlineLang{
			units: map[string][2]string{
				"day": {"Tag", "Tagen"}, "business day": {"Werktag", "Werktagen"},
				"calendar day": {"Kalendertag", "Kalendertagen"}, "hour": {"Stunde", "Stunden"},
				"week": {"Woche", "Wochen"}, "month": {"Monat", "Monaten"},
			},
			remedies: map[string]string{
				"repair": "eine Reparatur", "replacement": "ein sicheres Ersatzprodukt",
				"refund": "die Erstattung des vollen Kaufpreises",
			},
			or: "oder",
		}
	case "sv":
		return &offlineLang{
			units: map[string][2]string{
				"day": {"dag", "dagar"}, "business day": {"arbetsdag", "arbetsdagar"},
				"calendar day": {"kalenderdag", "kalenderdagar"}, "hour": {"timme", "timmar"},
				"week": {"vecka", "veckor"}, "month": {"månad", "månader"},
			},
			remedies: map[string]string{
				"repair": "reparation", "replacement": "en ny, säker produkt",
				"refund": "att få tillbaka hela köpesumman",
			},
			or: "eller",
		}
	}
	return &offlineLang{
		units: map[string][2]string{
			"day": {"day", "days"}, "business day": {"business day", "business days"},
			"calendar day": {"calendar day", "calendar days"}, "hour": {"hour", "hours"},
			"week": {"week", "weeks"}, "month": {"month", "months"},
		},
		remedies: map[string]string{
			"repair": "a repair", "replacement": "a safe replacement",
			"refund": "a refund of the full price you paid",
		},
		or: "or",
	}
}
