package prompts

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Timeframes: a preposition ("within", "innen", "inom"...), perhaps "the
// next", a number, perhaps "working"/"business", and a unit.
var (
	lintPrepositions = [][]string{
		{"within"}, {"in"}, {"inside"}, {"over", "the", "next"}, {"innen"}, {"innenfor"}, {"i", "løpet", "av"},
		{"om"}, {"på"}, {"inden", "for"}, {"inden"}, {"i", "løbet", "af"}, {"innerhalb", "von"}, {"innerhalb"},
		{"binnen"}, {"inom"}, {"senest"}, {"senast"}, {"in", "den", "nächsten"}, {"de", "neste"}, {"de", "næste"},
		{"de", "närmaste"},
	}
	lintNumbers = map[string]string{
		"a": "1", "an": "1", "one": "1", "en": "1", "ett": "1", "ei": "1", "et": "1", "ein": "1", "eine": "1",
		"einer": "1", "einem": "1", "einen": "1", "two": "2", "to": "2", "zwei": "2", "två": "2",
		"three": "3", "tre": "3", "drei": "3", "four": "4", "fire": "4", "vier": "4", "fyra": "4",
		"five": "5", "fem": "5", "fünf": "5", "seven": "7", "sju": "7", "syv": "7", "sieben": "7",
		"ten": "10", "ti": "10", "zehn": "10", "tio": "10", "fourteen": "14", "fjorten": "14",
		"vierzehn": "14", "fjorton": "14", "thirty": "30", "tretti": "30", "tredive": "30", "dreißig": "30", "trettio": "30",
	}
	// lintUnits maps unit words to a unit: hour, day, workday, week, month.
	lintUnits = map[string]string{
		"hour": "hour", "hours": "hour", "time": "hour", "timer": "hour", "timme": "hour", "timmar": "hour",
		"stunde": "hour", "stunden": "hour", "timene": "hour", "timerne": "hour", "timmarna": "hour",
		"day": "day", "days": "day", "dag": "day", "dager": "day", "dage": "day", "dagar": "day", "tag": "day",
		"tage": "day", "tagen": "day", "kalenderdager": "day", "kalenderdage": "day", "kalendertage": "day",
		"dagene": "day", "dagane": "day", "dagarna": "day",
		"virkedag": "workday", "virkedager": "workday", "virkedage": "workday", "hverdag": "workday",
		"hverdage": "workday", "arbeidsdag": "workday", "arbeidsdager": "workday", "arbejdsdag": "workday",
		"arbejdsdage": "workday", "werktag": "workday", "werktage": "workday", "werktagen": "workday",
		"arbeitstag": "workday", "arbeitstage": "workday", "arbeitstagen": "workday", "arbetsdag": "workday",
		"arbetsdagar": "workday", "vardag": "workday", "vardagar": "workday", "bankdag": "workday", "bankdagar": "workday",
		"virkedagene": "workday", "arbeidsdagene": "workday", "arbejdsdagene": "workday", "hverdagene": "workday",
		"arbetsdagarna": "workday", "vardagarna": "workday",
		"week": "week", "weeks": "week", "uke": "week", "uker": "week", "uge": "week", "uger": "week",
		"woche": "week", "wochen": "week", "vecka": "week", "veckor": "week", "ukene": "week", "ugerne": "week",
		"veckorna": "week",
		"month":    "month", "months": "month", "måned": "month", "måneder": "month", "monat": "month",
		"monate": "month", "monaten": "month", "månad": "month", "månader": "month",
	}
	// lintDayKinds stand between a number and "days": "5 business days"
	// are working days, "14 calendar days" days.
	lintDayKinds = map[string]string{"working": "workday", "business": "workday", "work": "workday", "calendar": "day"}
)

// lintDuration is a timeframe found in a text: "within 3 days" is 3 day.
type lintDuration struct {
	num, unit string
	text      string
	sentence  int
}

// lintDurations finds timeframes. With prep, only those after a
// preposition ("within 3 days", not "you waited 10 days"); without, any
// number and unit ("14 days", a policy value).
func lintDurations(t lintText, prep bool) []lintDuration {
	var out []lintDuration
	for si, s := range t.sentences {
		for i := 0; i < len(s); i++ {
			j := i
			if prep {
				n := 0
				for _, p := range lintPrepositions {
					if m, ok := lintMatchAt(s, i, p); ok && m > n {
						n = m
					}
				}
				if n == 0 {
					continue
				}
				j = i + n
				if j < len(s) && (s[j] == "the" || s[j] == "den" || s[j] == "de") {
					j++
				}
				if j < len(s) && (s[j] == "next" || s[j] == "coming" || s[j] == "neste" || s[j] == "næste" ||
					s[j] == "nächsten" || s[j] == "närmaste" || s[j] == "kommende" || s[j] == "kommande") {
					j++
				}
			}
			if j >= len(s) {
				continue
			}
			num := lintNumber(s[j])
			if num == "" {
				continue
			}
			k := j + 1
			kind := ""
			if k < len(s) && lintDayKinds[s[k]] != "" {
				kind = lintDayKinds[s[k]]
				k++
			}
			if k >= len(s) {
				continue
			}
			unit, ok := lintUnits[s[k]]
			if !ok {
				continue
			}
			if kind != "" && unit == "day" {
				unit = kind
			}
			out = append(out, lintDuration{num, unit, strings.Join(s[i:k+1], " "), si})
			i = k
		}
	}
	return out
}

// lintNumber returns a number word or numeral (3, 3-5, "three") as
// digits, or "".
func lintNumber(w string) string {
	if n, ok := lintNumbers[w]; ok {
		return n
	}
	for _, r := range w {
		if !unicode.IsDigit(r) && r != '-' {
			return ""
		}
	}
	if w == "" || w[0] == '-' || strings.HasSuffix(w, "-") {
		return ""
	}
	return w
}

// lintDurationProblem says what is wrong with a timeframe the policy does
// not give, naming the policy's own when it has one for the same promise:
// "promises a refund within 3 days; the policy says 14 days".
func lintDurationProblem(t lintText, dur lintDuration, policy map[string]string) string {
	one := lintText{sentences: [][]string{t.sentences[dur.sentence]}}
	for _, kind := range []string{"refund", "compensation", "discount", "gift"} {
		var list []string
		for _, l := range Languages {
			list = append(list, lintWords[l].promise[kind]...)
		}
		if v := strings.TrimSpace(policy[kind+"_within"]); v != "" && one.has(list) {
			return fmt.Sprintf("promises %s %s; the policy says %s", lintPromiseNames[kind], dur.text, v)
		}
	}
	var given []string
	keys := make([]string, 0, len(policy))
	for k := range policy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(lintDurations(lintParse(policy[k]), false)) > 0 {
			given = append(given, fmt.Sprintf("%s %s", k, strings.TrimSpace(policy[k])))
		}
	}
	if len(given) > 0 {
		return fmt.Sprintf("promises %q; the policy gives %s", dur.text, strings.Join(given, ", "))
	}
	return fmt.Sprintf("promises %q, a timeframe the policy does not give", dur.text)
}

// lintDate is a date found in a text; year 0 when it has none.
type lintDate struct {
	year, month, day int
	text             string
}

// lintMonths are month names and abbreviations in the five languages.
var lintMonths = map[string]int{
	"january": 1, "januar": 1, "januari": 1, "jan": 1, "february": 2, "februar": 2, "februari": 2, "feb": 2,
	"march": 3, "mars": 3, "marts": 3, "märz": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "mai": 5, "maj": 5,
	"june": 6, "juni": 6, "jun": 6, "july": 7, "juli": 7, "jul": 7, "august": 8, "augusti": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oktober": 10, "oct": 10, "okt": 10,
	"november": 11, "nov": 11, "december": 12, "desember": 12, "dezember": 12, "dec": 12, "des": 12, "dez": 12,
}

var lintDateRE = func() *regexp.Regexp {
	names := make([]string, 0, len(lintMonths))
	for n := range lintMonths {
		names = append(names, n)
	}
	// Longest first, so "mars" is not read as "mar".
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	m := strings.Join(names, "|")
	return regexp.MustCompile(`(?i)(\d{4})-(\d{1,2})-(\d{1,2})` +
		`|(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})` +
		`|(\d{1,2})\.(\d{1,2})\.` +
		`|(\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?(` + m + `)\.?(?:\s+(\d{4}))?` +
		`|(` + m + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?`)
}()

// lintDates finds explicit dates: 2026-11-22, 22.11.2026, 22.11.,
// 22 November 2026, 22. november, November 22. A match inside an amount
// ("EUR 12.10.") is not a date.
func lintDates(s string) []lintDate {
	var amounts [][2]int
	for _, a := range lintAmountRE.FindAllStringIndex(s, -1) {
		amounts = append(amounts, [2]int{a[0], a[1]})
	}
	num := func(m []int, g int, s string) int {
		if m[2*g] < 0 {
			return 0
		}
		n, _ := strconv.Atoi(s[m[2*g]:m[2*g+1]])
		return n
	}
	var out []lintDate
next:
	for _, m := range lintDateRE.FindAllStringSubmatchIndex(s, -1) {
		end := m[1]
		if strings.HasSuffix(s[m[0]:end], ".") {
			end-- // "22.11." may end a sentence
		}
		if !lintBoundary(s, m[0], end) {
			continue
		}
		for _, a := range amounts {
			if m[0] < a[1] && a[0] < m[1] {
				continue next
			}
		}
		var d lintDate
		switch {
		case m[2] >= 0:
			d = lintDate{num(m, 1, s), num(m, 2, s), num(m, 3, s), ""}
		case m[8] >= 0:
			d = lintDate{num(m, 6, s), num(m, 5, s), num(m, 4, s), ""}
			if d.month > 12 && d.day <= 12 { // 11/22/2026
				d.month, d.day = d.day, d.month
			}
			if d.year < 100 {
				d.year += 2000
			}
		case m[14] >= 0:
			d = lintDate{0, num(m, 8, s), num(m, 7, s), ""}
		case m[18] >= 0:
			d = lintDate{num(m, 11, s), lintMonths[strings.ToLower(s[m[20]:m[21]])], num(m, 9, s), ""}
		default:
			d = lintDate{num(m, 14, s), lintMonths[strings.ToLower(s[m[24]:m[25]])], num(m, 13, s), ""}
		}
		if d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 {
			continue
		}
		d.text = strings.TrimSpace(s[m[0]:end])
		out = append(out, d)
	}
	return out
}
