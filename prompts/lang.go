package prompts

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"
	"golang.org/x/text/language"
)

// ErrUnsupportedLanguage is wrapped by ParseLanguage's error for a language
// drafts are not written in.
var ErrUnsupportedLanguage = errors.New("unsupported language")

// langMinWords is the fewest words Detect judges: below it, trigram
// statistics say more about the words chosen than about the language.
const langMinWords = 4

// langNames are the languages' names, for messages to the agent.
var langNames = map[string]string{
	"en": "English", "nb": "Norwegian Bokmål", "da": "Danish", "de": "German", "sv": "Swedish",
}

// langAliases are what people type for a supported language, besides BCP 47
// tags: names in English and in the language, and the country codes people
// mistake for language codes (dk, se), lower case.
var langAliases = map[string]string{
	"english": "en", "engelsk": "en", "eng": "en",
	"no": "nb", "nob": "nb", "nn": "nb", "nno": "nb", "norsk": "nb", "bokmål": "nb", "bokmal": "nb",
	"nynorsk": "nb", "norwegian": "nb", "norsk bokmål": "nb",
	"dk": "da", "dan": "da", "dansk": "da", "danish": "da",
	"deu": "de", "ger": "de", "german": "de", "deutsch": "de", "tysk": "de",
	"se": "sv", "swe": "sv", "svenska": "sv", "svensk": "sv", "swedish": "sv",
}

// ParseLanguage normalises a language a user or platform gives to one of
// Languages: tags with or without a region ("nb-NO", "de_AT", "en-US"),
// Norwegian in any form ("no", "nb", "nn", "norsk") to nb, since drafts are
// written in Bokmål, which Nynorsk readers read too; common names
// ("svenska", "German") and the country codes often used instead ("dk",
// "se"). It returns an error wrapping ErrUnsupportedLanguage, saying which
// languages are supported, for anything else, including "".
func ParseLanguage(s string) (string, error) {
	key := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "_", "-")))
	if l, ok := langAliases[key]; ok {
		return l, nil
	}
	if tag, err := language.Parse(key); err == nil {
		base, _ := tag.Base()
		b := base.String()
		if l, ok := langAliases[b]; ok {
			b = l
		}
		if _, ok := langNames[b]; ok {
			return b, nil
		}
	}
	supported := make([]string, len(Languages))
	for i, l := range Languages {
		supported[i] = l + " (" + langNames[l] + ")"
	}
	if key == "" {
		return "", fmt.Errorf("%w: none given; use one of %s", ErrUnsupportedLanguage, strings.Join(supported, ", "))
	}
	return "", fmt.Errorf("%w %q: use one of %s", ErrUnsupportedLanguage, s, strings.Join(supported, ", "))
}

// Resolve picks the language of a draft: the explicit lang= when it is
// supported, else the customer's message when Detect is sure of it, else the
// platform locale (Discord's interaction locale, Slack's users.info locale:
// "nb-NO", "da", "en-US"), else the team default, else English. source says
// which one decided: "explicit", "message", "locale" or "default". An
// unsupported explicit language is skipped here; call ParseLanguage first
// to tell the user.
func Resolve(explicit, customerText, locale, teamDefault string) (lang, source string) {
	if l, err := ParseLanguage(explicit); err == nil {
		return l, "explicit"
	}
	if l, ok := Detect(customerText); ok {
		return l, "message"
	}
	if l, err := ParseLanguage(locale); err == nil {
		return l, "locale"
	}
	if l, err := ParseLanguage(teamDefault); err == nil {
		return l, "default"
	}
	return "en", "default"
}

// langOf maps whatlanggo's languages to ours. Nynorsk is read as nb: the
// reply is in Bokmål either way, and whatlanggo tells the two apart less
// well than Norwegian from the rest.
var langOf = map[whatlanggo.Lang]string{
	whatlanggo.Eng: "en", whatlanggo.Nob: "nb", whatlanggo.Nno: "nb",
	whatlanggo.Dan: "da", whatlanggo.Deu: "de", whatlanggo.Swe: "sv",
}

// Detect returns the language of a customer's text, one of Languages, and
// ok true when it is sure. It is not sure of texts under four words, of
// texts whatlanggo finds unreliable, or of a Scandinavian text whose words
// do not say which of nb, da and sv it is; lang is "" then.
//
// whatlanggo compares letter trigrams, which separates English, German and
// Scandinavian well but Bokmål, Danish and Swedish poorly on a few lines:
// they share most short words. So Detect decides in two steps: whatlanggo,
// limited to the five languages, finds the language family; within
// Scandinavian, words only one of the three uses (langMarkers: Swedish
// "inte", "och", "är"; Danish "hvad", "nogen", "købt"; Norwegian "hva",
// "noen", "kjøpt") and the letters ä/ö (Swedish) and æ/ø (Norwegian and
// Danish) decide, and whatlanggo only when they are silent.
func Detect(text string) (lang string, ok bool) {
	words := langWords(text)
	if len(words) < langMinWords {
		return "", false
	}
	clean := strings.Join(words, " ")
	info := whatlanggo.DetectWithOptions(clean, whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{
		whatlanggo.Eng: true, whatlanggo.Deu: true, whatlanggo.Nob: true, whatlanggo.Nno: true,
		whatlanggo.Dan: true, whatlanggo.Swe: true,
	}})
	lang = langOf[info.Lang]
	switch lang {
	case "":
		return "", false
	case "en", "de":
		// A quoted tracking status or product name makes whatlanggo unsure
		// of a text its function words still settle.
		if best, margin := langMarked(words, "en", "de"); info.IsReliable() || best == lang && margin >= 2 {
			return lang, true
		}
		return "", false
	}
	// Scandinavian: is the family sure? Ask again with one of the three
	// against English and German, where the three no longer compete.
	family := whatlanggo.DetectWithOptions(clean, whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{
		whatlanggo.Eng: true, whatlanggo.Deu: true, info.Lang: true,
	}})
	sureFamily := family.Lang == info.Lang && family.IsReliable()
	if l, margin := langMarked(words, "nb", "da", "sv"); margin >= 2 || sureFamily && margin >= 1 {
		// Two marker words more than the runner-up settle a short text
		// whose trigrams alone would not even settle the family.
		return l, true
	}
	if !sureFamily {
		return "", false
	}
	if info.IsReliable() {
		return lang, true
	}
	return "", false
}

// langWords returns text's words in lower case, without what says nothing
// about its language: numbers, e-mail addresses, links and placeholders.
func langWords(text string) []string {
	var words []string
	for _, f := range strings.Fields(text) {
		if strings.ContainsAny(f, "@/«»_") || strings.HasPrefix(f, "www.") {
			continue
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(f), func(r rune) bool {
			return !unicode.IsLetter(r) && r != '\''
		}) {
			if w = strings.Trim(w, "'"); w != "" {
				words = append(words, w)
			}
		}
	}
	return words
}

// langMarkers are words only one of Bokmål, Danish and Swedish uses, among
// the words customers write, and English and German function words that
// none of the others use. Shared words (ikke, jeg, og, også, har, pakken,
// fått, mig; English "i" and "have", German "der" and "mit", which are
// Scandinavian words too) are left out on purpose.
var langMarkers = map[string]string{
	// English.
	"the": "en", "and": "en", "is": "en", "my": "en", "it": "en", "not": "en", "you": "en", "this": "en",
	"with": "en", "what": "en", "please": "en", "but": "en", "has": "en",
	// German.
	"ich": "de", "nicht": "de", "und": "de", "ist": "de", "mein": "de", "meine": "de", "meinen": "de",
	"das": "de", "die": "de", "wo": "de", "seit": "de", "bitte": "de", "aber": "de", "noch": "de",
	"habe": "de", "sie": "de", "wir": "de", "es": "de", "ein": "de", "eine": "de", "auf": "de",
	// Swedish.
	"inte": "sv", "och": "sv", "är": "sv", "jag": "sv", "också": "sv", "hur": "sv", "vad": "sv",
	"någon": "sv", "något": "sv", "några": "sv", "inga": "sv", "mycket": "sv", "fortfarande": "sv",
	"fick": "sv", "köpte": "sv", "köpt": "sv", "tack": "sv", "tyvärr": "sv", "varför": "sv",
	"paketet": "sv", "storlek": "sv", "fel": "sv", "ännu": "sv", "bara": "sv", "gärna": "sv",
	"vänlig": "sv", "vänliga": "sv", "blivit": "sv", "skickat": "sv", "beställde": "sv",
	"beställning": "sv", "kära": "sv", "trasig": "sv", "trasigt": "sv", "kommit": "sv", "ni": "sv",
	"vill": "sv", "när": "sv", "för": "sv", "från": "sv", "sedan": "sv", "tillbaka": "sv", "hjälp": "sv",
	"väntat": "sv", "fråga": "sv", "öppnade": "sv", "väldigt": "sv",
	// Danish.
	"hvad": "da", "nogen": "da", "noget": "da", "af": "da", "endnu": "da", "købt": "da", "købte": "da",
	"hvornår": "da", "modtaget": "da", "modtog": "da", "desværre": "da", "tak": "da", "forkert": "da",
	"venlig": "da", "venlige": "da", "dage": "da", "uge": "da", "uger": "da", "blevet": "da",
	"gerne": "da", "kære": "da", "fik": "da", "meget": "da", "fejl": "da", "stadig": "da",
	"tilbage": "da", "have": "da", "os": "da", "jer": "da", "jeres": "da", "hjælp": "da", "ventede": "da",
	"spørgsmål": "da", "åbnede": "da", "åbne": "da", "åbnet": "da", "mit": "da",
	// Norwegian (Bokmål, and a few Nynorsk words).
	"hva": "nb", "noen": "nb", "noe": "nb", "ennå": "nb", "kjøpt": "nb", "kjøpte": "nb", "meg": "nb",
	"deg": "nb", "mottatt": "nb", "mottok": "nb", "dessverre": "nb", "takk": "nb", "feil": "nb",
	"vennlig": "nb", "vennlige": "nb", "dager": "nb", "uke": "nb", "uker": "nb", "blitt": "nb",
	"gjerne": "nb", "hei": "nb", "kjære": "nb", "fikk": "nb", "mye": "nb", "fortsatt": "nb",
	"etter": "nb", "ikkje": "nb", "eg": "nb", "kva": "nb", "seg": "nb", "tilbake": "nb", "ble": "nb", "nå": "nb",
	"veldig": "nb", "dere": "nb", "hjelp": "nb", "spørsmål": "nb", "åpnet": "nb", "åpne": "nb",
}

// langPossessed are nouns customers write about, in the definite form
// Bokmål puts a possessive after ("pakken min") and the indefinite form
// Danish puts it before ("min pakke"); Swedish writes "mitt paket".
// ("ventet" is no marker: Danish waits with it too.)
var (
	langDefinite   = map[string]bool{"pakken": true, "pakka": true, "ordren": true, "bestillingen": true, "varen": true, "varene": true, "sendingen": true, "pengene": true, "kontoen": true, "refusjonen": true}
	langIndefinite = map[string]bool{"pakke": true, "ordre": true, "bestilling": true, "vare": true, "varer": true, "forsendelse": true, "penge": true, "refusion": true}
	langPossessive = map[string]bool{"min": true, "mi": true, "mitt": true, "mit": true, "mine": true}
)

// langMarked picks one of langs by marker words, word order and letters,
// and returns by how much it leads the runner-up. A possessive after the
// noun counts twice: only Bokmål writes it so.
func langMarked(words []string, langs ...string) (string, int) {
	score := map[string]int{}
	for i, w := range words {
		if i > 0 && langPossessive[w] && langDefinite[words[i-1]] {
			score["nb"] += 2
		}
		if i > 0 && langIndefinite[w] && langPossessive[words[i-1]] {
			score["da"]++
		}
		if l, ok := langMarkers[w]; ok {
			score[l]++
		}
		if strings.ContainsAny(w, "äö") {
			score["sv"]++
		}
		if strings.ContainsAny(w, "æø") {
			score["nb"]++
			score["da"]++
		}
	}
	best, second := "", 0
	for _, l := range langs {
		switch {
		case best == "" || score[l] > score[best]:
			if best != "" {
				second = score[best]
			}
			best = l
		case score[l] > second:
			second = score[l]
		}
	}
	return best, score[best] - second
}
