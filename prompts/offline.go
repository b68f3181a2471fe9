package prompts

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"
	"text/template"
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
// file gets "generic/default". A closed case (Facts.Outcome) gets
// "generic/closed", which says what was decided.
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
	if f.Outcome != "" {
		t = l.tmpl.Lookup("generic/closed")
	}
	if t == nil || f.Situation == "" && f.Outcome == "" {
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
