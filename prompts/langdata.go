package prompts

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The linter's and masker's words are data, so that adding a language is
// adding files: data/lint/LANG.yaml and data/mask/LANG.yaml for each of
// Languages (TestLangDataAddLanguage shows it; copy en.yaml and translate).
// A language also needs its offline templates (offline/LANG/), its tag in
// Languages, and in lang.go its name and aliases (langNames, langAliases)
// and its detection (langOf, langMarkers).
//
//go:embed data/lint/*.yaml data/mask/*.yaml
var dataFiles embed.FS

// lintLang holds one language's phrases. A phrase is words separated by
// spaces, matched within a sentence, case-insensitively: "refund*" matches
// words starting with "refund", "*ing" words ending in "ing", and "…" up
// to four words of anything. The lists are small on purpose: each phrase
// is one a support reply really uses, and a miss is shown to the agent, who
// decides.
type lintLang struct {
	// Acknowledge: the draft shows it heard the customer; Situation: it
	// names the problem, which acknowledges it too.
	Acknowledge []string `yaml:"acknowledge"`
	Situation   []string `yaml:"situation"`
	Apology     []string `yaml:"apology"`   // needed when the shop erred
	NextStep    []string `yaml:"next_step"` // what happens now, by us or by the customer
	Tomorrow    []string `yaml:"tomorrow"`  // a timeframe without a number
	// Promise: words that promise money, by kind (lintPromiseKeys).
	Promise map[string][]string `yaml:"promise"`
	// A sentence with one of AdviceVerbs and one of AdviceObjects, or with
	// one of AdviceDirect, advises the customer to go to their bank or
	// payment provider, unless it says there is no need to (AdviceNegation).
	AdviceVerbs    []string `yaml:"advice_verbs"`
	AdviceObjects  []string `yaml:"advice_objects"`
	AdviceDirect   []string `yaml:"advice_direct"` // may be empty
	AdviceNegation []string `yaml:"advice_negation"`
	// Blame: the draft blames the customer, unless the sentence is one of
	// BlameExcept ("you should have received an e-mail").
	Blame       []string `yaml:"blame"`
	BlameExcept []string `yaml:"blame_except"`
}

// lintFile is data/lint/LANG.yaml: the language's phrases, and its words
// of timeframes and dates, which are read in drafts of every language.
type lintFile struct {
	lintLang `yaml:",inline"`
	// FirstPerson make a verb the shop's own action ("we will contact
	// PayPal"), not advice to the customer.
	FirstPerson  []string `yaml:"first_person"`
	Prepositions []string `yaml:"prepositions"` // "within" 3 days
	// Articles and Next may stand between a preposition and the number:
	// within "the" "next" 3 days.
	Articles []string       `yaml:"articles"`
	Next     []string       `yaml:"next"`
	Numbers  map[string]int `yaml:"numbers"` // "three": 3
	// Units are hour, day, workday, week or month; DayKinds stand between
	// a number and "days": 5 "business" days are workdays.
	Units    map[string]string `yaml:"units"`
	DayKinds map[string]string `yaml:"day_kinds"`
	Months   map[string]int    `yaml:"months"` // names and abbreviations
	// NotTomorrowAfter: "morgen" after "guten" is a greeting.
	NotTomorrowAfter []string `yaml:"not_tomorrow_after"`
}

// maskFile is data/mask/LANG.yaml.
type maskFile struct {
	// StreetSuffixes end a street name, in one word (Storgata) or after a
	// capitalised one (Karl Johans gate); StreetWords follow the name after
	// the number (12 Baker Street), capitalised.
	StreetSuffixes []string `yaml:"street_suffixes"`
	StreetWords    []string `yaml:"street_words"`
	// Labels say the number after them is the case's own, not a phone
	// number, and so does a word starting with one of LabelStems
	// (ordrenummer); LabelFillers may stand between a label and its number.
	Labels       []string `yaml:"labels"`
	LabelStems   []string `yaml:"label_stems"`
	LabelFillers []string `yaml:"label_fillers"`
}

// lintGrammar is every language's timeframe and date words together:
// a draft may name a timeframe in any language.
type lintGrammar struct {
	firstPerson      map[string]bool
	prepositions     [][]string
	articles, next   map[string]bool
	numbers          map[string]string // "three": "3"
	units, dayKinds  map[string]string
	months           map[string]int
	dateRE           *regexp.Regexp
	notTomorrowAfter map[string]bool
}

// maskWords is every language's masker words together: a customer may
// write an address or an order number in any language.
type maskWords struct {
	streetFirstRE, numberFirstRE *regexp.Regexp
	labels                       map[string]bool
	labelStems                   []string
	labelFillers                 map[string]bool
}

// languageData is what the data files hold, ready to use.
type languageData struct {
	lint    map[string]*lintLang // by language
	grammar lintGrammar
	mask    maskWords
}

var embeddedLangData = sync.OnceValues(func() (*languageData, error) {
	return loadLangData(dataFiles, Languages)
})

// langData returns the embedded data. It panics if a file is missing or
// wrong: the files are compiled in, so TestLangData catches that first.
func langData() *languageData {
	d, err := embeddedLangData()
	if err != nil {
		panic(err)
	}
	return d
}

// timeUnits are the units a timeframe is compared in.
var timeUnits = []string{"hour", "day", "workday", "week", "month"}

// loadLangData reads data/lint/LANG.yaml and data/mask/LANG.yaml for each
// of langs from fsys. It returns an error naming the file if one is
// missing, does not parse, has a key it does not know, an empty list the
// linter needs, a phrase not in lower case, or gives a word another file
// gives another meaning; or if a file is for a language not in langs.
func loadLangData(fsys fs.FS, langs []string) (*languageData, error) {
	d := &languageData{lint: map[string]*lintLang{}}
	g := &d.grammar
	g.firstPerson, g.articles, g.next, g.notTomorrowAfter = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	g.units, g.dayKinds, g.months = map[string]string{}, map[string]string{}, map[string]int{}
	numbers := map[string]int{}
	m := &d.mask
	m.labels, m.labelFillers = map[string]bool{}, map[string]bool{}
	var suffixes, streetWords []string
	for _, lang := range langs {
		var lf lintFile
		name := "data/lint/" + lang + ".yaml"
		if err := decodeStrict(fsys, name, &lf); err != nil {
			return nil, err
		}
		if err := lf.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		d.lint[lang] = &lf.lintLang
		for _, w := range lf.Prepositions {
			if p := strings.Fields(w); !slices.ContainsFunc(g.prepositions, func(q []string) bool { return slices.Equal(p, q) }) {
				g.prepositions = append(g.prepositions, p)
			}
		}
		addSet(g.firstPerson, lf.FirstPerson)
		addSet(g.articles, lf.Articles)
		addSet(g.next, lf.Next)
		addSet(g.notTomorrowAfter, lf.NotTomorrowAfter)
		if err := errors.Join(merge(numbers, lf.Numbers, "numbers"), merge(g.units, lf.Units, "units"),
			merge(g.dayKinds, lf.DayKinds, "day_kinds"), merge(g.months, lf.Months, "months")); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}

		var mf maskFile
		name = "data/mask/" + lang + ".yaml"
		if err := decodeStrict(fsys, name, &mf); err != nil {
			return nil, err
		}
		if err := lowerCase(mf.StreetSuffixes, mf.Labels, mf.LabelStems, mf.LabelFillers); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		suffixes = append(suffixes, mf.StreetSuffixes...)
		streetWords = append(streetWords, mf.StreetWords...)
		addSet(m.labels, mf.Labels)
		addSet(m.labelFillers, mf.LabelFillers)
		for _, s := range mf.LabelStems {
			if !slices.Contains(m.labelStems, s) {
				m.labelStems = append(m.labelStems, s)
			}
		}
	}
	for _, dir := range []string{"data/lint", "data/mask"} {
		files, err := fs.Glob(fsys, dir+"/*")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if lang := strings.TrimSuffix(path.Base(f), ".yaml"); !slices.Contains(langs, lang) {
				return nil, fmt.Errorf("%s: %q is not one of the languages %s", f, lang, strings.Join(langs, ", "))
			}
		}
	}
	g.numbers = make(map[string]string, len(numbers))
	for w, n := range numbers {
		g.numbers[w] = strconv.Itoa(n)
	}
	g.dateRE = lintDateRE(slices.Collect(maps.Keys(g.months)))
	m.streetFirstRE, m.numberFirstRE = maskStreetREs(suffixes, streetWords)
	return d, nil
}

// check reports a list the linter cannot do without that is empty, a
// phrase it could never match, or a unit or month it does not know.
func (f *lintFile) check() error {
	w := f.lintLang
	required := map[string][]string{
		"acknowledge": w.Acknowledge, "situation": w.Situation, "apology": w.Apology, "next_step": w.NextStep,
		"tomorrow": w.Tomorrow, "advice_verbs": w.AdviceVerbs, "advice_objects": w.AdviceObjects,
		"advice_negation": w.AdviceNegation, "blame": w.Blame, "blame_except": w.BlameExcept,
	}
	for kind := range lintPromiseKeys {
		required["promise "+kind] = w.Promise[kind]
	}
	for kind := range w.Promise {
		if _, ok := lintPromiseKeys[kind]; !ok {
			return fmt.Errorf("promise %q is not a kind of promise", kind)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(required)) {
		if len(required[key]) == 0 {
			return fmt.Errorf("%s is empty", key)
		}
	}
	lists := slices.Collect(maps.Values(required))
	lists = append(lists, w.AdviceDirect, f.FirstPerson, f.Prepositions, f.Articles, f.Next, f.NotTomorrowAfter,
		slices.Collect(maps.Keys(f.Numbers)), slices.Collect(maps.Keys(f.Units)),
		slices.Collect(maps.Keys(f.DayKinds)), slices.Collect(maps.Keys(f.Months)))
	if err := lowerCase(lists...); err != nil {
		return err
	}
	for _, u := range slices.Concat(slices.Collect(maps.Values(f.Units)), slices.Collect(maps.Values(f.DayKinds))) {
		if !slices.Contains(timeUnits, u) {
			return fmt.Errorf("unit %q is not one of %s", u, strings.Join(timeUnits, ", "))
		}
	}
	for name, n := range f.Months {
		if n < 1 || n > 12 {
			return fmt.Errorf("month %q is %d", name, n)
		}
	}
	return nil
}

// decodeStrict decodes the YAML file name of fsys into v, refusing keys v
// does not have: a misspelt key would silently drop its words.
func decodeStrict(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("language data: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file")
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// lowerCase reports a word that is empty, not trimmed or not in lower
// case: text is matched in lower case, so such a word never matches.
func lowerCase(lists ...[]string) error {
	for _, list := range lists {
		for _, w := range list {
			if w == "" || w != strings.ToLower(w) || w != strings.TrimSpace(w) {
				return fmt.Errorf("%q is not a trimmed lower-case word", w)
			}
		}
	}
	return nil
}

func addSet(set map[string]bool, words []string) {
	for _, w := range words {
		set[w] = true
	}
}

// merge adds from's words to to, refusing one that to has with another
// meaning: the words of all languages are read together.
func merge[V comparable](to, from map[string]V, what string) error {
	for _, w := range slices.Sorted(maps.Keys(from)) {
		if prev, ok := to[w]; ok && prev != from[w] {
			return fmt.Errorf("%s %q is %v, but %v elsewhere", what, w, from[w], prev)
		}
		to[w] = from[w]
	}
	return nil
}
