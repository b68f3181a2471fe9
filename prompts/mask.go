package prompts

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Masking remembers which placeholder stands for which value after Mask, so
// that Unmask can put the values back into the model's answer. It holds
// customer data: keep it in memory for the one request, never store or log it.
// A Masking is not changed after Mask returns, so Unmask is safe for
// concurrent use (a streamed answer may be unmasked piece by piece).
type Masking struct {
	values map[string]string // "EMAIL_1" → the value
	keys   map[string]string // the value → "EMAIL_1"
}

// Kinds of masked values, named as in their placeholders. The order is the
// priority when two findings overlap: the overlapping text becomes one
// placeholder of the higher kind, so nothing of either leaks.
const (
	maskEmail   = "EMAIL"
	maskIBAN    = "IBAN"
	maskCard    = "CARD"
	maskAddress = "ADDRESS"
	maskPhone   = "PHONE"
)

// maskKinds are the kinds by priority.
var maskKinds = []string{maskEmail, maskIBAN, maskCard, maskAddress, maskPhone}

// Mask replaces e-mail addresses, phone numbers, payment card numbers,
// IBANs and street addresses in texts with placeholders such as «EMAIL_1»
// and «PHONE_2», numbered in order of appearance across all the texts, so a
// system prompt and a user prompt masked together share one numbering. The
// same value always gets the same placeholder. It returns the masked texts
// in the order given and the Masking that undoes them.
//
// What counts as each kind, and what deliberately does not:
//
//   - EMAIL: local@domain.tld.
//   - IBAN: two letters, two check digits and 11 to 30 letters or digits,
//     compact or in groups of four, valid under the ISO 13616 mod-97 check.
//   - CARD: 13 to 19 digits, unbroken or in the groups cards are printed in
//     (4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4), starting with 2 to 6 (Mastercard,
//     Visa, Amex, Discover and the cards co-branded with them) and passing
//     the Luhn check. "Card ending 4242" is not masked: four digits identify
//     nobody and the agent and model may need them.
//   - PHONE: "+" or "00" and 8 to 15 digits, or a national number of 8 to 12
//     digits, in groups separated by single spaces, dashes, dots or slashes,
//     with an optional area code in parentheses. Excluded, because they are
//     the case's own data and look like phone numbers: dates (2026-11-22,
//     22.11.2026), amounts (a currency beside them, or decimals after them:
//     "NOK 12 500 000", "1 299 000,00"), and numbers labelled as an order,
//     tracking, invoice, case or article number ("order 114-2231-5571",
//     "Bestellung #10421234", "sporingsnummer 70712345678"). An unlabelled
//     114-2231-5571 is masked: it has the shape of a London number (020 7946
//     0958), and masking too much costs little, since the value comes back on
//     Unmask and the model only sees a placeholder.
//   - ADDRESS: number and street word ("12 Baker Street", "221B Baker St"),
//     or street name ending in a street word and number ("Storgata 5",
//     "Nørregade 12B", "Hauptstraße 7", "Kungsgatan 3", "Karl Johans gate 22",
//     "Berliner Str. 12"), with the postal code and city after it when they
//     follow ("Strandvejen 100, 2900 Hellerup", "Kungsgatan 3, 111 43
//     Stockholm", "London NW1 6XE"). Addresses without a number or street
//     word ("Am Markt", a PO box) are not recognised.
//
// Never masked: order numbers too short or too long for a phone (1042,
// 114-2231234-5571234), case references (CB-1042), amounts ("EUR 1 299,00"),
// tracking numbers that start with letters (JJD0099812345), and anything
// glued to letters. A tracking number of 13 to 19 bare digits that happens to
// pass the Luhn check is masked as a CARD (one in ten do): harmless, for the
// same reason as above.
//
// A masked value's neighbours are never letters, digits or underscores, and a
// placeholder number already present in the texts (a customer who typed
// "EMAIL_1") is skipped, so Unmask(Mask(x)) gives back x exactly.
func Mask(texts ...string) ([]string, *Masking) {
	m := &Masking{values: map[string]string{}, keys: map[string]string{}}
	taken := map[string]bool{}
	for _, t := range texts {
		for _, tok := range maskTokens(t) {
			taken[tok.key] = true
		}
	}
	next := map[string]int{}
	out := make([]string, len(texts))
	for i, t := range texts {
		spans := maskFind(t)
		if len(spans) == 0 {
			out[i] = t
			continue
		}
		var b strings.Builder
		last := 0
		for _, sp := range spans {
			v := t[sp.start:sp.end]
			key, ok := m.keys[v]
			if !ok {
				for {
					next[sp.kind]++
					key = sp.kind + "_" + strconv.Itoa(next[sp.kind])
					if !taken[key] {
						break
					}
				}
				m.keys[v] = key
				m.values[key] = v
			}
			b.WriteString(t[last:sp.start])
			b.WriteString("«" + key + "»")
			last = sp.end
		}
		b.WriteString(t[last:])
		out[i] = b.String()
	}
	return out, m
}

// Redact masks s for a log line, keeping nothing: the values are gone for
// good. Used only when DISPUTEDESK_LOG_PROMPTS=1 asks for prompts in the log.
func Redact(s string) string {
	out, _ := Mask(s)
	return out[0]
}

// Masked returns how many distinct values were masked.
func (m *Masking) Masked() int {
	if m == nil {
		return 0
	}
	return len(m.values)
}

// Unmask puts the masked values back into s. Besides the exact «EMAIL_1», it
// accepts what models make of a placeholder: without the guillemets, with
// other brackets (<EMAIL_1>, [EMAIL_1]), reversed guillemets, or in lower
// case. Placeholders it did not hand out, and a placeholder cut in two (the
// end of a streamed chunk), are left as they are. A nil Masking returns s.
func (m *Masking) Unmask(s string) string {
	if m == nil || len(m.values) == 0 {
		return s
	}
	toks := maskTokens(s)
	if len(toks) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, tok := range toks {
		v, ok := m.values[tok.key]
		if !ok {
			continue
		}
		start, end := tok.start, tok.end
		if r, n := utf8.DecodeLastRuneInString(s[:start]); start-n >= last && strings.ContainsRune("«»<[{(", r) {
			start -= n
		}
		if r, n := utf8.DecodeRuneInString(s[end:]); n > 0 && strings.ContainsRune("»«>]})", r) {
			end += n
		}
		b.WriteString(s[last:start])
		b.WriteString(v)
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskToken is a placeholder's core, KIND_N, found in a text.
type maskToken struct {
	start, end int
	key        string // upper case, e.g. "EMAIL_1"
}

var maskTokenRE = regexp.MustCompile(`[A-Za-z]+_[0-9]+`)

// maskTokens finds placeholder cores, in any case, standing as words of
// their own. Mask uses it to skip numbers a text already contains and
// Unmask to find placeholders; the same rule on both sides is what makes
// the round trip exact.
func maskTokens(s string) []maskToken {
	var toks []maskToken
	for _, loc := range maskTokenRE.FindAllStringIndex(s, -1) {
		if loc[0] > 0 && maskWordByte(s[loc[0]-1]) || loc[1] < len(s) && maskWordByte(s[loc[1]]) {
			continue
		}
		key := strings.ToUpper(s[loc[0]:loc[1]])
		kind := key[:strings.IndexByte(key, '_')]
		for _, k := range maskKinds {
			if k == kind {
				toks = append(toks, maskToken{loc[0], loc[1], key})
				break
			}
		}
	}
	return toks
}

func maskWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// maskSpan is one value to mask: s[start:end] of the given kind.
type maskSpan struct {
	start, end int
	kind       string
}

// maskFind returns the spans to mask in s, sorted and not overlapping:
// overlapping findings are merged into one span of the higher-priority kind.
func maskFind(s string) []maskSpan {
	var found []maskSpan
	add := func(start, end int, kind string) {
		if maskBoundary(s, start, end) {
			found = append(found, maskSpan{start, end, kind})
		}
	}
	for _, loc := range maskEmailRE.FindAllStringIndex(s, -1) {
		add(loc[0], loc[1], maskEmail)
	}
	for _, loc := range maskIBANRE.FindAllStringIndex(s, -1) {
		if maskIBANValid(s[loc[0]:loc[1]]) {
			add(loc[0], loc[1], maskIBAN)
		}
	}
	for _, re := range []*regexp.Regexp{langData().mask.streetFirstRE, langData().mask.numberFirstRE} {
		for _, loc := range re.FindAllStringIndex(s, -1) {
			add(loc[0], loc[1], maskAddress)
		}
	}
	for _, run := range maskNumberRuns(s) {
		if start, end, ok := run.card(); ok {
			add(start, end, maskCard)
			continue
		}
		if run.phone(s) {
			add(run.start, run.end, maskPhone)
		}
	}
	if len(found) == 0 {
		return nil
	}
	prio := func(kind string) int {
		for i, k := range maskKinds {
			if k == kind {
				return i
			}
		}
		return len(maskKinds)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].start < found[j].start })
	merged := []maskSpan{found[0]}
	for _, sp := range found[1:] {
		cur := &merged[len(merged)-1]
		if sp.start >= cur.end {
			merged = append(merged, sp)
			continue
		}
		cur.end = max(cur.end, sp.end)
		if prio(sp.kind) < prio(cur.kind) {
			cur.kind = sp.kind
		}
	}
	return merged
}

// maskBoundary reports whether s[start:end] stands apart from its
// neighbours: no letter, digit or underscore right before or after it. A
// value glued to a word is left alone (JJD0099812345 is no phone number),
// and it keeps a text's own KIND_N words intact around a placeholder.
func maskBoundary(s string, start, end int) bool {
	if start >= end {
		return false
	}
	if r, _ := utf8.DecodeLastRuneInString(s[:start]); start > 0 && maskWordRune(r) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && maskWordRune(r) {
		return false
	}
	return true
}

func maskWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

var maskEmailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)

// maskIBANRE finds IBAN candidates, compact or in groups of four; the
// mod-97 check decides.
var maskIBANRE = regexp.MustCompile(`[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)`)

// maskIBANValid checks an IBAN's length and its ISO 13616 check digits.
func maskIBANValid(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	s = s[4:] + s[:4]
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// Streets. A street suffix (maskFile.StreetSuffixes) ends a Scandinavian or
// German street name, as part of one word (Storgata, Nørregade,
// Hauptstraße, Kungsgatan) or as a word of its own after a capitalised one
// (Karl Johans gate, Berliner Straße, Frederiksberg Allé); a bare "Gate 12"
// or "Alle 3" is not an address. Street words follow the name in English,
// after the number.
const (
	// maskPostal is a postal code and city after a Nordic or German street:
	// 0155 Oslo, 2900 Hellerup, 111 43 Stockholm, D-10115 Berlin.
	maskPostal = `(?:,?\s+(?:[A-Z]{1,2}-)?(?:\d{4,5}|\d{3} \d{2})\s+\p{Lu}[\p{L}\-]+)?`
	// maskPostcode is a UK postcode or a US state and ZIP, with the city
	// before it: London NW1 6XE, Springfield, IL 62704.
	maskPostcode = `(?:(?:,\s*\p{Lu}[\p{L}\-]+(?: \p{Lu}[\p{L}\-]+)?)?,?\s+(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]{2} \d{5}(?:-\d{4})?))?`
)

// maskStreetREs returns the patterns of an address that starts with the
// street's name and of one that starts with the number.
func maskStreetREs(suffixes, words []string) (streetFirst, numberFirst *regexp.Regexp) {
	sfx, w := maskAlternation(suffixes), maskAlternation(words)
	streetFirst = regexp.MustCompile(
		`(?:\p{Lu}[\p{L}\-]*?(?:` + sfx + `)|(?:(?:\p{Lu}[\p{L}'\-]*|(?:\p{Lu}\.)+)\s+){1,3}\p{L}*(?i:` + sfx + `))` +
			`\s+\d{1,4}[A-Za-z]?` + maskPostal)
	numberFirst = regexp.MustCompile(
		`\d{1,5}[A-Za-z]?,?\s+(?:\p{Lu}[\p{L}'.\-]*\s+){1,3}(?:` + w + `)\.?` + maskPostcode)
	return streetFirst, numberFirst
}

// maskAlternation is a regexp alternation of words in reverse order: a
// word before any that is a prefix of it ("gatan" before "gata", "Street"
// before "St"), so that none is matched in part, and words with a common
// prefix side by side, which regexp factors into a faster pattern.
func maskAlternation(words []string) string {
	words = slices.Clone(words)
	slices.Sort(words)
	slices.Reverse(words)
	words = slices.Compact(words)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, "|")
}
