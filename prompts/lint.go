package prompts

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with a draft, shown to the agent. Rule is one
// of "empty", "language", "reference", "acknowledge", "apology",
// "next_step", "timeframe", "promise", "chargeback_advice", "blame" and
// "length"; Msg says what is wrong in a few lower-case words, for a person.
type Problem struct{ Rule, Msg string }

// String returns "rule: message".
func (p Problem) String() string { return p.Rule + ": " + p.Msg }

// lintPromiseKeys are the policy keys that allow a draft to offer money,
// by kind of promise. A draft that promises a refund needs a non-empty
// "refund" or "refund_within"; compensation needs "compensation"; a
// discount (or voucher, coupon) "discount"; a gift card (or store credit)
// "gift". Besides these keys, a policy value that itself offers one allows
// it ("remedies": "repair, replacement, refund" allows a refund); nothing
// else does.
var lintPromiseKeys = map[string][]string{
	"refund":       {"refund", "refund_within"},
	"compensation": {"compensation"},
	"discount":     {"discount"},
	"gift":         {"gift"},
}

// lintPromiseNames name the promise kinds in messages.
var lintPromiseNames = map[string]string{
	"refund": "a refund", "compensation": "compensation", "discount": "a discount", "gift": "a gift card",
}

// Lint checks a draft before an agent sees it and returns what is wrong,
// nil when nothing is. Both drafters' drafts pass through it.
//
// Required: a body ("empty"); the request's language ("language": a drafter
// that names another language fails, and so does a body Detect reads as
// another language, except Bokmål, Danish and Swedish for each other when
// the drafter named the right one, since Detect is least sure there); the
// case reference ("reference"); an acknowledgement of the problem or its
// name ("acknowledge"); an apology when the shop erred ("apology"); what
// happens next ("next_step"); when ("timeframe": within N days, a date,
// tomorrow, or a policy value verbatim); no more than req.MaxLen characters
// ("length"). A closed case's draft (Facts.Outcome) says what was decided:
// it needs no acknowledgement, next step or timeframe, and may state the
// refund or credit given.
//
// Forbidden ("promise"): an amount with a currency that is neither
// req.Facts.Amount nor in a Policy value; a timeframe ("within 3 days") or
// date that is neither in a Policy value nor in the case's Step or NextStep;
// words offering a refund, compensation, a discount or a gift card without
// the policy key that allows it (lintPromiseKeys). Also forbidden: advice to
// file a chargeback, a bank or PayPal dispute or an A-to-z claim, or to
// contact the bank ("chargeback_advice"), and blaming the customer
// ("blame").
//
// Phrases are matched in the draft's language (the drafter's, and the one
// Detect reads, or the request's when neither is known; all five when
// nothing is). The promise checks also read d.Promises, in every language.
func Lint(req Request, d Draft) []Problem {
	body := strings.TrimSpace(d.Body)
	if body == "" {
		return []Problem{{"empty", "the draft is empty"}}
	}
	l := &linter{req: req, f: req.Facts, body: body, text: lintParse(body), allowed: lintAllowed(req.Facts),
		phrases: langData().lint}
	l.language(d.Language)
	l.required()
	l.promises(l.text, body, l.langs)
	if len(d.Promises) > 0 {
		p := strings.Join(d.Promises, ".\n")
		l.promises(lintParse(p), p, Languages)
	}
	l.advice()
	l.blame()
	if n := utf8.RuneCountInString(body); req.MaxLen > 0 && n > req.MaxLen {
		l.add("length", "is %d characters; the limit is %d", n, req.MaxLen)
	}
	return l.problems
}

// linter is one Lint call's state.
type linter struct {
	req      Request
	f        Facts
	body     string
	text     lintText
	allowed  lintAllowance
	phrases  map[string]*lintLang
	langs    []string        // whose phrases apply
	promised map[string]bool // promise kinds already reported
	problems []Problem
}

// add records a problem once.
func (l *linter) add(rule, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, p := range l.problems {
		if p.Rule == rule && p.Msg == msg {
			return
		}
	}
	l.problems = append(l.problems, Problem{rule, msg})
}

// words returns a list from the phrase tables of the draft's languages.
func (l *linter) words(pick func(*lintLang) []string) []string {
	var all []string
	for _, lang := range l.langs {
		all = append(all, pick(l.phrases[lang])...)
	}
	return all
}

// example returns the first phrase of a list, quoted, for a message.
func (l *linter) example(pick func(*lintLang) []string) string {
	return fmt.Sprintf("%q", strings.ReplaceAll(pick(l.phrases[l.langs[0]])[0], "*", ""))
}

// language checks the draft's language against the request's and decides
// whose phrases the other rules read.
func (l *linter) language(declared string) {
	want := lintLangTag(l.req.Language)
	declared = lintLangTag(declared)
	detected, sure := Detect(l.body)
	switch {
	case want == "":
	case declared != "" && declared != want:
		l.add("language", "is written in %s; the customer's language is %s", lintLangName(declared), lintLangName(want))
	case sure && detected != want && (declared == "" || !lintScandinavian(detected) || !lintScandinavian(want)):
		l.add("language", "reads as %s; the customer's language is %s", lintLangName(detected), lintLangName(want))
	}
	for _, lang := range []string{declared, detected} {
		if l.phrases[lang] != nil && (len(l.langs) == 0 || l.langs[0] != lang) {
			l.langs = append(l.langs, lang)
		}
	}
	if len(l.langs) == 0 && l.phrases[want] != nil {
		l.langs = []string{want}
	}
	if len(l.langs) == 0 {
		l.langs = Languages
	}
}

// required checks the parts every draft has: the reference, an
// acknowledgement, an apology where due, the next step and a timeframe.
func (l *linter) required() {
	f := l.f
	if f.Ref != "" && !strings.Contains(strings.ToLower(l.body), strings.ToLower(f.Ref)) {
		l.add("reference", "does not name the case reference %s", f.Ref)
	}
	situation := l.words(func(w *lintLang) []string { return w.Situation })
	for _, s := range []string{f.SituationLabel, strings.ReplaceAll(f.Situation, "_", " ")} {
		if s = strings.TrimSpace(s); s != "" {
			situation = append(situation, strings.Join(lintTokens(s), " "))
		}
	}
	if f.Outcome != "" {
		return // a closed case's draft says what was decided: nothing comes next
	}
	if !l.text.has(l.words(func(w *lintLang) []string { return w.Acknowledge })) && !l.text.has(situation) {
		l.add("acknowledge", "does not acknowledge the customer's problem (e.g. %s, or name it)",
			l.example(func(w *lintLang) []string { return w.Acknowledge }))
	}
	if f.ShopErred && !l.text.has(l.words(func(w *lintLang) []string { return w.Apology })) {
		l.add("apology", "does not apologise, though the shop is at fault (e.g. %s)",
			l.example(func(w *lintLang) []string { return w.Apology }))
	}
	if !l.text.has(l.words(func(w *lintLang) []string { return w.NextStep })) {
		l.add("next_step", "does not say what happens next (e.g. %s)",
			l.example(func(w *lintLang) []string { return w.NextStep }))
	}

	timeframe := len(lintDurations(l.text, true)) > 0 || len(lintDates(l.body)) > 0 ||
		lintTomorrow(l.text, l.words(func(w *lintLang) []string { return w.Tomorrow }))
	for _, v := range f.Policy {
		if v = strings.TrimSpace(v); strings.ContainsAny(v, "0123456789") &&
			strings.Contains(strings.ToLower(l.body), strings.ToLower(v)) {
			timeframe = true
		}
	}
	// A draft may only give the timeframes the case has, so with none in
	// the policy, Step or NextStep, none is required.
	if !timeframe && (len(l.allowed.durs) > 0 || len(l.allowed.dates) > 0) {
		l.add("timeframe", "gives no timeframe (within N days, a date or tomorrow)")
	}
}

// promises checks a text (the body, or the drafter's list of promises) for
// money and dates beyond the case's facts and policy, reading the phrases
// of langs.
func (l *linter) promises(t lintText, src string, langs []string) {
	if l.promised == nil {
		l.promised = map[string]bool{}
	}
	for _, kind := range []string{"refund", "compensation", "discount", "gift"} {
		if l.promised[kind] || l.allowed.kinds[kind] {
			continue
		}
		var list []string
		for _, lang := range langs {
			list = append(list, l.phrases[lang].Promise[kind]...)
		}
		if m := t.find(list); m != "" {
			l.promised[kind] = true
			l.add("promise", "promises %s (%q), which the policy does not offer", lintPromiseNames[kind], m)
		}
	}
	for _, a := range lintAmounts(src) {
		switch {
		case l.allowed.amount(a):
		case l.f.Amount != "":
			l.add("promise", "names %s; the case amount is %s and no policy value gives it", a.text, l.f.Amount)
		default:
			l.add("promise", "names %s, which neither the case nor the policy gives", a.text)
		}
	}
	for _, dur := range lintDurations(t, true) {
		if !l.allowed.duration(dur) {
			l.add("promise", "%s", lintDurationProblem(t, dur, l.f.Policy))
		}
	}
	for _, dt := range lintDates(src) {
		if !l.allowed.date(dt) {
			l.add("promise", "promises the date %s, which is not in the policy or the case", dt.text)
		}
	}
}

// advice looks for a sentence sending the customer to their bank or
// payment provider.
func (l *linter) advice() {
	negation := l.words(func(w *lintLang) []string { return w.AdviceNegation })
	verbs := l.words(func(w *lintLang) []string { return w.AdviceVerbs })
	objects := l.words(func(w *lintLang) []string { return w.AdviceObjects })
	direct := l.words(func(w *lintLang) []string { return w.AdviceDirect })
	for _, s := range l.text.sentences {
		one := lintText{sentences: [][]string{s}}
		if one.has(negation) {
			continue
		}
		if m := one.find(direct); m != "" {
			l.add("chargeback_advice", "advises the customer to go to their bank or payment provider (%q)", m)
			return
		}
		if v := lintAdviceVerb(s, verbs); v != "" {
			if o := one.find(objects); o != "" {
				l.add("chargeback_advice", "advises the customer to go to their bank or payment provider (%q)", v+" … "+o)
				return
			}
		}
	}
}

// blame looks for a sentence blaming the customer.
func (l *linter) blame() {
	blame := l.words(func(w *lintLang) []string { return w.Blame })
	except := l.words(func(w *lintLang) []string { return w.BlameExcept })
	for _, s := range l.text.sentences {
		one := lintText{sentences: [][]string{s}}
		if m := one.find(blame); m != "" && !one.has(except) {
			l.add("blame", "blames the customer (%q)", m)
			return
		}
	}
}

// lintAdviceVerb returns the first advice verb in the sentence that the
// shop is not the subject of, or "".
func lintAdviceVerb(s []string, verbs []string) string {
	firstPerson := langData().grammar.firstPerson
	for i := range s {
		for _, v := range verbs {
			n, ok := lintMatchAt(s, i, strings.Fields(v))
			if !ok {
				continue
			}
			ours := false
			for j := max(0, i-3); j < i; j++ {
				ours = ours || firstPerson[s[j]]
			}
			if !ours {
				return strings.Join(s[i:i+n], " ")
			}
		}
	}
	return ""
}

// lintLangTag normalises a language tag, keeping one it does not know as
// given so that a mismatch still shows.
func lintLangTag(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if l, err := ParseLanguage(s); err == nil {
		return l
	}
	return strings.ToLower(strings.TrimSpace(s))
}

func lintLangName(l string) string {
	if n, ok := langNames[l]; ok {
		return n + " (" + l + ")"
	}
	return l
}

func lintScandinavian(l string) bool { return l == "nb" || l == "da" || l == "sv" }

// lintPolicyHas reports whether the policy has any of the keys, with a value.
func lintPolicyHas(policy map[string]string, keys ...string) bool {
	for _, k := range keys {
		if strings.TrimSpace(policy[k]) != "" {
			return true
		}
	}
	return false
}

// lintAllowance is what a draft may promise: the case's amount and
// everything in its policy values, Step and NextStep.
type lintAllowance struct {
	kinds   map[string]bool // promise kinds the policy offers
	amounts []lintAmount
	bare    []int64 // policy numbers without a currency: "restocking_fee": "5,00"
	durs    []lintDuration
	dates   []lintDate
}

func lintAllowed(f Facts) lintAllowance {
	a := lintAllowance{kinds: map[string]bool{}}
	for kind, keys := range lintPromiseKeys {
		a.kinds[kind] = lintPolicyHas(f.Policy, keys...)
		// A policy value that offers it allows it too: "remedies":
		// "repair, replacement, refund".
		var list []string
		for _, l := range Languages {
			list = append(list, langData().lint[l].Promise[kind]...)
		}
		for _, v := range f.Policy {
			a.kinds[kind] = a.kinds[kind] || lintParse(v).has(list)
		}
	}
	// A closed case's draft states what was decided: a refund or credit
	// given is a fact, not a promise.
	switch f.Outcome {
	case "refunded", "accepted", "lost":
		a.kinds["refund"] = true
	case "credited":
		a.kinds["compensation"], a.kinds["refund"] = true, true
	}
	a.amounts = lintAmounts(f.Amount)
	sources := []string{f.Step, f.NextStep}
	for _, v := range f.Policy {
		sources = append(sources, v)
		a.amounts = append(a.amounts, lintAmounts(v)...)
		if v = strings.TrimSpace(v); lintBareRE.MatchString(v) {
			if minor, ok := lintMinor(v); ok {
				a.bare = append(a.bare, minor)
			}
		}
	}
	for _, s := range sources {
		a.durs = append(a.durs, lintDurations(lintParse(s), false)...)
		a.dates = append(a.dates, lintDates(s)...)
	}
	return a
}

func (a lintAllowance) amount(x lintAmount) bool {
	for _, y := range a.amounts {
		if x.minor == y.minor && (x.currency == y.currency || x.currency == "KR" && strings.HasSuffix(y.currency, "K") ||
			y.currency == "KR" && strings.HasSuffix(x.currency, "K")) {
			return true
		}
	}
	for _, n := range a.bare {
		if x.minor == n {
			return true
		}
	}
	return false
}

func (a lintAllowance) duration(x lintDuration) bool {
	for _, y := range a.durs {
		if x.num == y.num && x.unit == y.unit {
			return true
		}
	}
	return false
}

func (a lintAllowance) date(x lintDate) bool {
	for _, y := range a.dates {
		if x.month == y.month && x.day == y.day && (x.year == 0 || y.year == 0 || x.year == y.year) {
			return true
		}
	}
	return false
}
