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

// lintLang holds one language's phrases. A phrase is words separated by
// spaces, matched within a sentence, case-insensitively: "refund*" matches
// words starting with "refund", "*ing" words ending in "ing", and "…" up
// to four words of anything. The lists are small on purpose: each phrase
// is one a support reply really uses, and a miss is shown to the agent, who
// decides.
type lintLang struct {
	// acknowledge: the draft shows it heard the customer; situation: it
	// names the problem, which acknowledges it too.
	acknowledge, situation []string
	apology                []string // needed when the shop erred
	nextStep               []string // what happens now, by us or by the customer
	tomorrow               []string // a timeframe without a number
	// promise: words that promise money, by kind (lintPromiseKeys).
	promise map[string][]string
	// A sentence with one of adviceVerbs and one of adviceObjects, or with
	// one of adviceDirect, advises the customer to go to their bank or
	// payment provider, unless it says there is no need to (adviceNegation).
	adviceVerbs, adviceObjects, adviceDirect, adviceNegation []string
	// blame: the draft blames the customer, unless the sentence is one of
	// blameExcept ("you should have received an e-mail").
	blame, blameExcept []string
}

// lintWords are the phrases, per language.
var lintWords = map[string]*lintLang{
	"en": {
		acknowledge: []string{"thank you for letting us know", "thanks for letting us know", "thank you for telling us",
			"thanks for telling us", "thank you for your message", "thanks for your message", "thank you for contacting",
			"thanks for contacting", "thank you for reaching out", "thanks for reaching out", "thank you for getting in touch",
			"sorry to hear", "sorry that", "sorry about", "apologise that", "apologize that", "we understand", "i understand", "we have heard", "we've heard", "let us know that",
			"informed us that", "you let us know", "you told us"},
		situation: []string{"damaged", "broken", "defective", "faulty", "not arrived", "hasn't arrived", "never arrived",
			"not reached", "hasn't reached", "not received", "wrong item", "wrong size", "wrong product", "late", "delayed",
			"missing", "lost", "charged twice", "not recognise", "don't recognise", "not as described", "doesn't match",
			"does not match", "recall*"},
		apology:  []string{"sorry", "apologise", "apologize", "apologies", "our mistake", "our fault", "that's on us"},
		nextStep: []string{"we will", "we'll", "i will", "i'll", "we are going to", "we're going to", "i'm going to", "we're *ing", "we are *ing", "i'm *ing", "i am *ing", "we have sent", "we've sent", "we have arranged", "we've arranged", "next step", "please send", "please reply", "please return", "please confirm", "please tell", "could you send", "could you reply", "could you tell", "could you confirm", "just reply"},
		tomorrow: []string{"tomorrow"},
		promise: map[string][]string{
			"refund":       {"refund*", "money back", "reimburs*", "pay you back"},
			"compensation": {"compensat*"},
			"discount":     {"discount*", "voucher*", "coupon*", "price reduction"},
			"gift":         {"gift card*", "gift voucher*", "gift certificate*", "free gift", "store credit", "as a gift"},
		},
		adviceVerbs: []string{"contact", "call", "ask", "open", "file", "raise", "start", "submit", "initiate",
			"request", "reach out to", "get in touch with", "go to", "dispute"},
		adviceObjects: []string{"chargeback*", "charge-back*", "charge back", "your bank", "the bank", "card issuer",
			"credit card company", "card company", "paypal", "a-to-z", "bank dispute", "payment dispute"},
		adviceDirect:   []string{"dispute the charge", "dispute the payment", "dispute the transaction"},
		adviceNegation: []string{"no need", "don't need", "do not need", "not necessary", "needn't", "don't have to", "do not have to"},
		blame: []string{"your fault", "your own fault", "your mistake", "you should have", "you should've", "you failed to",
			"you forgot to", "you did not read", "you didn't read", "you were supposed to", "you ignored", "your responsibility"},
		blameExcept: []string{"should have received", "should've received", "should have got", "should have arrived",
			"should have been", "should have heard"},
	},
	"nb": {
		acknowledge: []string{"takk for at du", "takk for beskjeden", "takk for meldingen", "takk for henvendelsen",
			"leit å høre", "beklager å høre", "beklager at", "vi forstår", "jeg forstår", "har gitt oss beskjed", "har informert oss",
			"vi har fått beskjed", "vi har hørt"},
		situation: []string{"skadet", "ødelagt", "defekt", "ikke kommet", "ikke mottatt", "ikke fått", "feil vare",
			"feil størrelse", "forsinket", "mangler", "kommet bort", "trukket to ganger", "ikke samsvarer", "ikke stemmer",
			"tilbakekall*"},
		apology:  []string{"beklager", "unnskyld", "ber om unnskyldning", "vår feil"},
		nextStep: []string{"vi vil", "vi skal", "jeg vil", "jeg skal", "vi kommer til å", "jeg kommer til å", "vi sender", "vi har sendt", "vi undersøker", "jeg undersøker", "vi sjekker", "jeg sjekker", "vi sporer", "jeg sporer", "send oss", "svar på", "gi oss beskjed", "neste steg"},
		tomorrow: []string{"i morgen", "imorgen"},
		promise: map[string][]string{
			"refund":       {"refusjon*", "refunder*", "tilbakebetal*", "pengene tilbake"},
			"compensation": {"kompensasjon*", "kompenser*"},
			"discount":     {"rabatt*", "prisavslag*", "avslag"},
			"gift":         {"gavekort*", "tilgodelapp*", "som gave", "som en gave"},
		},
		adviceVerbs: []string{"kontakt", "kontakte", "kontakter", "ring", "ringe", "ta kontakt", "åpne", "åpn", "opprett",
			"opprette", "send inn", "sende inn", "klag", "klage", "reklamer", "reklamere", "be", "spør", "bestrid", "bestride"},
		adviceObjects: []string{"banken", "din bank", "kortutsteder*", "kortselskap*", "tilbakeføring*", "innsigelse*",
			"chargeback*", "paypal", "a-to-z"},
		adviceNegation: []string{"trenger ikke", "ikke nødvendig", "behøver ikke", "slipper å"},
		blame: []string{"din feil", "din egen feil", "du burde", "du skulle ha", "du glemte", "du unnlot",
			"du har ikke lest", "ditt ansvar"},
		blameExcept: []string{"burde ha fått", "burde ha mottatt", "skulle ha fått", "skulle ha mottatt", "burde ha kommet",
			"burde ha blitt", "skulle ha blitt"},
	},
	"da": {
		acknowledge: []string{"tak fordi du", "tak for din besked", "tak for beskeden", "tak for din henvendelse",
			"tak for henvendelsen", "ked af at høre", "beklager at", "vi forstår", "jeg forstår", "har informeret os",
			"har givet os besked", "vi har hørt", "vi har fået at vide"},
		situation: []string{"beskadiget", "ødelagt", "defekt", "ikke kommet", "ikke modtaget", "ikke fået",
			"forkert vare", "forkert størrelse", "forsinket", "mangler", "gået tabt", "ikke svarer til", "ikke stemmer",
			"tilbagekald*"},
		apology:  []string{"beklager", "undskyld", "undskylder", "vores fejl"},
		nextStep: []string{"vi vil", "vi skal", "jeg vil", "jeg skal", "vi kommer til at", "jeg kommer til at", "vi sender", "vi har sendt", "vi undersøger", "jeg undersøger", "vi tjekker", "jeg tjekker", "vi sporer", "send os", "svar på", "giv os besked", "næste skridt"},
		tomorrow: []string{"i morgen", "imorgen"},
		promise: map[string][]string{
			"refund":       {"refusion*", "refunder*", "tilbagebetal*", "pengene tilbage"},
			"compensation": {"kompensation*", "kompenser*", "godtgørelse*"},
			"discount":     {"rabat*", "afslag", "prisnedsættelse*"},
			"gift":         {"gavekort*", "tilgodeseddel*", "som gave", "som en gave"},
		},
		adviceVerbs: []string{"kontakt", "kontakte", "kontakter", "ring", "ringe", "tag kontakt", "åbn", "åbne",
			"opret", "oprette", "indsend", "indsende", "gør indsigelse", "gøre indsigelse", "spørg", "bed"},
		adviceObjects: []string{"banken", "din bank", "kortudsteder*", "kortselskab*", "tilbageførsel*", "indsigelse*",
			"chargeback*", "paypal", "a-to-z"},
		adviceNegation: []string{"behøver ikke", "ikke nødvendigt", "ikke brug for"},
		blame: []string{"din skyld", "din egen skyld", "din fejl", "du burde", "du skulle have", "du glemte",
			"du har ikke læst", "dit ansvar"},
		blameExcept: []string{"burde have fået", "burde have modtaget", "skulle have fået", "skulle have modtaget",
			"burde være", "skulle være", "burde have været", "skulle have været"},
	},
	"de": {
		acknowledge: []string{"vielen dank für ihre nachricht", "danke für ihre nachricht", "danke dass", "vielen dank dass",
			"danke für ihre", "vielen dank für ihre", "tut uns leid zu hören", "tut uns leid dass", "bedauern dass", "wir verstehen", "ich verstehe",
			"hat uns mitgeteilt", "haben uns mitgeteilt", "hat uns informiert", "wir haben erfahren"},
		situation: []string{"beschädigt", "kaputt", "defekt", "nicht angekommen", "nicht erhalten", "nicht zugestellt",
			"falsche", "falschen", "verspätet", "fehlt", "verloren", "entspricht nicht", "nicht der beschreibung", "rückruf*"},
		apology:  []string{"entschuldig*", "tut uns leid", "tut mir leid", "bedauern", "unser fehler"},
		nextStep: []string{"wir werden", "ich werde", "wir senden", "wir schicken", "wir prüfen", "ich prüfe", "wir kümmern uns", "ich kümmere mich", "wir verfolgen", "wir melden uns", "senden sie uns", "schicken sie uns", "antworten sie", "teilen sie uns", "nächste schritt", "nächster schritt"},
		tomorrow: []string{"morgen", "übermorgen"}, // not "guten morgen": see lintTomorrow
		promise: map[string][]string{
			"refund":       {"rückerstatt*", "zurückerstatt*", "erstatten", "erstattet", "erstattung*", "geld zurück", "zurückzahl*", "gutschrift*"},
			"compensation": {"entschädig*", "kompensation*", "ausgleichszahlung*"},
			"discount":     {"rabatt*", "preisnachlass*", "nachlass"},
			"gift":         {"gutschein*", "geschenkgutschein*", "geschenkkarte*", "als geschenk"},
		},
		adviceVerbs: []string{"kontaktieren", "kontaktiere", "wenden sie sich", "rufen sie", "anrufen", "eröffnen",
			"einleiten", "einreichen", "veranlassen", "beantragen", "fragen sie", "widersprechen"},
		adviceObjects: []string{"bank", "ihre bank", "ihrer bank", "kreditkartenfirma", "kreditkartenunternehmen",
			"kartenaussteller*", "rückbuchung*", "chargeback*", "paypal", "käuferschutz*", "a-to-z"},
		adviceNegation: []string{"nicht nötig", "nicht notwendig", "müssen nicht", "brauchen nicht", "nicht erforderlich"},
		blame: []string{"ihre schuld", "ihr fehler", "ihr eigener fehler", "sie hätten … sollen", "sie hätten … müssen",
			"sie haben versäumt", "sie haben … vergessen", "ihre verantwortung"},
		blameExcept: []string{"erhalten sollen", "bekommen sollen", "ankommen sollen", "werden sollen", "werden müssen"},
	},
	"sv": {
		acknowledge: []string{"tack för att du", "tack för att ni", "tack för ditt meddelande", "tack för meddelandet",
			"tack för att du hörde av dig", "tråkigt att höra", "ledsen att höra", "ber om ursäkt för att", "förlåt att",
			"beklagar att", "vi förstår", "jag förstår",
			"har meddelat oss", "har informerat oss", "vi har fått veta"},
		situation: []string{"skadad", "skadat", "skadade", "trasig", "trasigt", "defekt", "inte kommit", "inte fått",
			"fel vara", "fel storlek", "försenad", "försenat", "saknas", "kommit bort", "inte motsvarar", "inte stämmer",
			"återkall*"},
		apology:  []string{"ber om ursäkt", "förlåt", "ursäkta", "beklagar", "ledsen", "ledsna", "vårt fel"},
		nextStep: []string{"vi kommer att", "jag kommer att", "vi ska", "jag ska", "vi skickar", "vi har skickat", "vi undersöker", "jag undersöker", "vi kontrollerar", "jag kontrollerar", "vi spårar", "skicka oss", "svara på", "meddela oss", "nästa steg"},
		tomorrow: []string{"i morgon", "imorgon"},
		promise: map[string][]string{
			"refund":       {"återbetal*", "pengarna tillbaka"},
			"compensation": {"kompensation*", "kompensera*", "ersättning"},
			"discount":     {"rabatt*", "prisavdrag*"},
			"gift":         {"presentkort*", "tillgodokvitto*", "som present", "som en present"},
		},
		adviceVerbs: []string{"kontakta", "ring", "ringa", "ta kontakt", "öppna", "lämna in", "skicka in", "begär",
			"begära", "bestrid", "bestrida", "fråga", "vänd dig"},
		adviceObjects: []string{"banken", "din bank", "kortutgivare*", "kortföretag*", "återkrav*", "chargeback*",
			"paypal", "a-to-z"},
		adviceNegation: []string{"behöver inte", "inte nödvändigt", "inte nödvändig"},
		blame: []string{"ditt fel", "ditt eget fel", "du borde", "du skulle ha", "du glömde", "du har inte läst",
			"ditt ansvar"},
		blameExcept: []string{"borde ha fått", "skulle ha fått", "borde ha kommit", "skulle ha kommit", "borde ha blivit",
			"skulle ha blivit"},
	},
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
// ("length").
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
	l := &linter{req: req, f: req.Facts, body: body, text: lintParse(body), allowed: lintAllowed(req.Facts)}
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
		all = append(all, pick(lintWords[lang])...)
	}
	return all
}

// example returns the first phrase of a list, quoted, for a message.
func (l *linter) example(pick func(*lintLang) []string) string {
	return fmt.Sprintf("%q", strings.ReplaceAll(pick(lintWords[l.langs[0]])[0], "*", ""))
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
		if lintWords[lang] != nil && (len(l.langs) == 0 || l.langs[0] != lang) {
			l.langs = append(l.langs, lang)
		}
	}
	if len(l.langs) == 0 && lintWords[want] != nil {
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
	situation := l.words(func(w *lintLang) []string { return w.situation })
	for _, s := range []string{f.SituationLabel, strings.ReplaceAll(f.Situation, "_", " ")} {
		if s = strings.TrimSpace(s); s != "" {
			situation = append(situation, strings.Join(lintTokens(s), " "))
		}
	}
	if !l.text.has(l.words(func(w *lintLang) []string { return w.acknowledge })) && !l.text.has(situation) {
		l.add("acknowledge", "does not acknowledge the customer's problem (e.g. %s, or name it)",
			l.example(func(w *lintLang) []string { return w.acknowledge }))
	}
	if f.ShopErred && !l.text.has(l.words(func(w *lintLang) []string { return w.apology })) {
		l.add("apology", "does not apologise, though the shop is at fault (e.g. %s)",
			l.example(func(w *lintLang) []string { return w.apology }))
	}
	if !l.text.has(l.words(func(w *lintLang) []string { return w.nextStep })) {
		l.add("next_step", "does not say what happens next (e.g. %s)",
			l.example(func(w *lintLang) []string { return w.nextStep }))
	}

	timeframe := len(lintDurations(l.text, true)) > 0 || len(lintDates(l.body)) > 0 ||
		lintTomorrow(l.text, l.words(func(w *lintLang) []string { return w.tomorrow }))
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
			list = append(list, lintWords[lang].promise[kind]...)
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
	negation := l.words(func(w *lintLang) []string { return w.adviceNegation })
	verbs := l.words(func(w *lintLang) []string { return w.adviceVerbs })
	objects := l.words(func(w *lintLang) []string { return w.adviceObjects })
	direct := l.words(func(w *lintLang) []string { return w.adviceDirect })
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
	blame := l.words(func(w *lintLang) []string { return w.blame })
	except := l.words(func(w *lintLang) []string { return w.blameExcept })
	for _, s := range l.text.sentences {
		one := lintText{sentences: [][]string{s}}
		if m := one.find(blame); m != "" && !one.has(except) {
			l.add("blame", "blames the customer (%q)", m)
			return
		}
	}
}

// lintFirstPerson are the pronouns that make a verb the shop's own action
// ("we will contact PayPal"), not advice to the customer.
var lintFirstPerson = map[string]bool{
	"we": true, "we'll": true, "we've": true, "we're": true, "i": true, "i'll": true, "i've": true, "i'm": true,
	"vi": true, "jeg": true, "wir": true, "ich": true, "jag": true,
}

// lintAdviceVerb returns the first advice verb in the sentence that the
// shop is not the subject of, or "".
func lintAdviceVerb(s []string, verbs []string) string {
	for i := range s {
		for _, v := range verbs {
			n, ok := lintMatchAt(s, i, strings.Fields(v))
			if !ok {
				continue
			}
			ours := false
			for j := max(0, i-3); j < i; j++ {
				ours = ours || lintFirstPerson[s[j]]
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
			list = append(list, lintWords[l].promise[kind]...)
		}
		for _, v := range f.Policy {
			a.kinds[kind] = a.kinds[kind] || lintParse(v).has(list)
		}
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
