package prompts

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// promptFiles holds the model's prompt templates: system.tmpl, the shared
// definitions in facts.tmpl and one user template per playbook family.
//
//go:embed templates/*.tmpl
var promptFiles embed.FS

// promptTemplates parses promptFiles once; the parsed set is only read.
var promptTemplates = sync.OnceValues(func() (*template.Template, error) {
	return template.New("prompts").Option("missingkey=error").ParseFS(promptFiles, "templates/*.tmpl")
})

// promptFamilies are the playbooks with their own user template; any other
// playbook (a team's own) gets default.tmpl.
var promptFamilies = []string{"chargeback", "marketplace-claim", "return", "recall", "supplier-dispute"}

// maxMessageRunes caps the customer's message in a prompt: a pasted e-mail
// thread must not blow the model's context or the bill.
const maxMessageRunes = 4000

// promptView is what the prompt templates see: the facts, made single-line
// and unable to open or close the message fence, and the customer's message,
// escaped so that it cannot close the fence.
type promptView struct {
	Facts
	Language     string
	LanguageName string
	ToneGuide    string
	MaxLen       int
	CustomerRole string // "Customer", or who the end customer is to the reader
	PolicyLines  []policyLine
	DetailLines  []policyLine
	Message      string
	Shortened    bool
	Placeholders string // examples of the masker's placeholders, for the system prompt
}

// policyLine is one of the playbook's policy texts.
type policyLine struct{ Label, Text string }

// RenderPrompt renders the system and user prompts for req: the system
// prompt says who the assistant is and what a draft must and must never do;
// the user prompt holds only req's Facts, the guidance of the case's
// playbook family and the customer's message, fenced as quoted data between
// <customer_message> tags with '<', '>' and '&' escaped as entities, so no
// text inside can close the fence. It returns an error if req.Language is
// not one of Languages or req.Tone is not a known tone.
func RenderPrompt(req Request) (system, user string, err error) {
	t, err := promptTemplates()
	if err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	v, err := newPromptView(req)
	if err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	family := "default"
	if slices.Contains(promptFamilies, req.Facts.Playbook) {
		family = req.Facts.Playbook
	}
	var sys, usr strings.Builder
	if err := t.ExecuteTemplate(&sys, "system.tmpl", v); err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	if err := t.ExecuteTemplate(&usr, family+".tmpl", v); err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	return strings.TrimSpace(sys.String()) + "\n", strings.TrimSpace(usr.String()) + "\n", nil
}

func newPromptView(req Request) (*promptView, error) {
	name, ok := langNames[req.Language]
	if !ok || !slices.Contains(Languages, req.Language) {
		return nil, fmt.Errorf("language %q is not one of %s", req.Language, strings.Join(Languages, ", "))
	}
	tone, ok := toneGuides[req.Tone]
	if !ok {
		return nil, fmt.Errorf("unknown tone %q: use %s, %s or %s", req.Tone, ToneWarm, ToneFormal, ToneBrief)
	}
	f := req.Facts
	for _, s := range []*string{&f.Ref, &f.Playbook, &f.PlaybookTitle, &f.Situation, &f.SituationLabel,
		&f.Customer, &f.Order, &f.Amount, &f.Step, &f.NextStep, &f.Agent, &f.Signature, &f.Outcome, &f.OutcomeLabel} {
		*s = factText(*s)
	}
	f.Policy = nil
	v := &promptView{
		Facts:        f,
		Language:     req.Language,
		LanguageName: name,
		ToneGuide:    tone,
		MaxLen:       max(req.MaxLen, 0),
		CustomerRole: "Customer",
		Placeholders: placeholderExamples,
	}
	if f.Playbook == "supplier-dispute" {
		v.CustomerRole = "Affected end customer (not the reader)"
	}
	v.PolicyLines, v.DetailLines = lines(req.Facts.Policy), lines(req.Facts.Details)
	f.Details = nil
	v.Message, v.Shortened = fenceText(req.CustomerMessage)
	return v, nil
}

// lines renders a map of facts as labelled lines, in key order.
func lines(m map[string]string) []policyLine {
	var out []policyLine
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if text := factText(m[k]); text != "" {
			out = append(out, policyLine{Label: factText(strings.ReplaceAll(k, "_", " ")), Text: text})
		}
	}
	return out
}

// toneGuides tells the model what each tone means; empty is warm.
var toneGuides = map[string]string{
	"":         "warm and personal: plain, friendly words and short paragraphs",
	ToneWarm:   "warm and personal: plain, friendly words and short paragraphs",
	ToneFormal: "formal and courteous: complete sentences, no slang, no exclamation marks",
	ToneBrief:  "brief: at most five short sentences, still kind",
}

// placeholderExamples shows the model what Mask's placeholders look like,
// so it copies them rather than inventing an address.
const placeholderExamples = "«EMAIL_1» or «PHONE_1»"

// factText makes a fact one line, without control characters, and swaps
// angle brackets for look-alikes so a fact cannot open or close the fence.
func factText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '<':
			return '‹'
		case r == '>':
			return '›'
		case unicode.IsControl(r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}

// fenceText prepares the customer's message for the fence: valid UTF-8,
// Unix line breaks, no control characters but tabs and newlines, at most
// maxMessageRunes runes, and '&', '<' and '>' as entities, so that no
// sequence inside can close </customer_message>. It reports whether it
// shortened the message.
func fenceText(s string) (string, bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	shortened := false
	if utf8.RuneCountInString(s) > maxMessageRunes {
		s = string([]rune(s)[:maxMessageRunes]) + " …"
		shortened = true
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s), shortened
}
