package prompts

import (
	"errors"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		want   string
		wantOK bool
	}{
		// A parcel that never arrived.
		{"not arrived en", "Hi, my parcel never arrived. It was supposed to be here last week. What is going on?", "en", true},
		{"not arrived nb", "Hei, jeg har ikke fått pakken min ennå. Den skulle komme for en uke siden. Hva skjer?", "nb", true},
		{"not arrived da", "Hej, jeg har endnu ikke modtaget min pakke. Den skulle være kommet for en uge siden. Hvad sker der?", "da", true},
		{"not arrived de", "Hallo, mein Paket ist immer noch nicht angekommen. Es sollte schon letzte Woche da sein.", "de", true},
		{"not arrived sv", "Hej, jag har fortfarande inte fått mitt paket. Det skulle ha kommit för en vecka sedan. Vad händer?", "sv", true},

		// An item that arrived broken.
		{"broken en", "The lamp arrived broken. The glass was shattered when I opened the box.", "en", true},
		{"broken nb", "Lampen kom i stykker. Glasset var knust da jeg åpnet esken.", "nb", true},
		{"broken da", "Lampen kom i stykker. Glasset var knust, da jeg åbnede kassen.", "da", true},
		{"broken de", "Die Lampe war kaputt. Das Glas war zerbrochen, als ich den Karton geöffnet habe.", "de", true},
		{"broken sv", "Lampan var trasig. Glaset hade gått sönder när jag öppnade lådan.", "sv", true},
		{"broken refund nb", "Koppen var knust da den kom. Jeg vil ha pengene tilbake.", "nb", true},
		{"broken refund da", "Koppen var gået i stykker da den kom. Jeg vil have pengene tilbage.", "da", true},

		// The wrong size.
		{"wrong size en", "I ordered a dress that doesn't fit. It's far too small. Can I exchange it?", "en", true},
		{"wrong size nb", "Jakken jeg kjøpte kom i feil størrelse, jeg bestilte M men fikk XL.", "nb", true},
		{"wrong size da", "Jakken jeg købte kom i forkert størrelse, jeg bestilte M men fik XL.", "da", true},
		{"wrong size de", "Ich habe ein Kleid bestellt, das nicht passt. Es ist viel zu klein. Kann ich es umtauschen?", "de", true},
		{"wrong size sv", "Jackan jag köpte kom i fel storlek, jag beställde M men fick XL.", "sv", true},

		// Short texts: too few words, or words all three share.
		{"too short", "Pakken er ødelagt", "", false},
		{"too short en", "ok thanks bye", "", false},
		{"empty", "", "", false},
		{"numbers only", "1042 114-2231-5571 2026-11-22 EUR 49,90", "", false},
		{"shared words nb/da", "Pakken har ikke kommet", "", false},
		// Word order settles the possessive: Norwegian puts it after the
		// noun (pakken min), Danish before it (min pakke).
		{"short question nb", "Hvor er pakken min?", "nb", true},
		{"short question da", "Hvor er min pakke? Jeg har ventet i tre uger.", "da", true},
		{"possessive first is not enough", "Hvor er min pakke nu?", "", false}, // Bokmål may write it too
		{"short order nb", "Når kommer bestillingen min?", "nb", true},
		{"short but marked sv", "Paketet har inte kommit", "sv", true},
		{"short but marked nb", "Jeg vil gjerne returnere varen", "nb", true},

		// Mixed: a quoted tracking status or product name in another language.
		{"mixed nb with english", "Hei, ordre 1042 har ikke kommet. Tracking says: Delivered to parcel locker. Men den var ikke der!", "nb", true},
		{"mixed nb product name", "Hei! Bestilte en The North Face jakke, men den har ikke kommet frem.", "nb", true},
		{"mixed de with english", "Guten Tag, wo bleibt meine Bestellung? Laut Tracking: \"out for delivery\". Ich warte seit zwei Wochen.", "de", true},
		{"placeholders and addresses ignored", "Hej, jag har inte fått paketet till «ADDRESS_1». Ring mig på «PHONE_1» eller mejla ola@example.se.", "sv", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Detect(tt.text)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Detect(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	const nbText = "Hei, jeg har ikke fått pakken min ennå. Hva skjer?"
	tests := []struct {
		name                                string
		explicit, text, locale, teamDefault string
		want, wantSource                    string
	}{
		{"explicit wins", "de", nbText, "en-US", "sv", "de", "explicit"},
		{"explicit normalised", "nb-NO", "", "", "", "nb", "explicit"},
		{"explicit alias", "dk", "", "", "", "da", "explicit"},
		{"explicit unsupported falls through", "fr", nbText, "", "", "nb", "message"},
		{"message", "", nbText, "en-US", "sv", "nb", "message"},
		{"short message falls to locale", "", "Hvor er pakken?", "da-DK", "sv", "da", "locale"},
		{"locale discord norwegian", "", "", "no", "", "nb", "locale"},
		{"locale slack", "", "", "de-DE", "en", "de", "locale"},
		{"unsupported locale falls to default", "", "", "fr-FR", "sv", "sv", "default"},
		{"team default", "", "", "", "nb", "nb", "default"},
		{"nothing", "", "", "", "", "en", "default"},
		{"bad team default", "", "", "", "klingon", "en", "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src := Resolve(tt.explicit, tt.text, tt.locale, tt.teamDefault)
			if got != tt.want || src != tt.wantSource {
				t.Errorf("Resolve(%q, %q, %q, %q) = %q, %q; want %q, %q",
					tt.explicit, tt.text, tt.locale, tt.teamDefault, got, src, tt.want, tt.wantSource)
			}
		})
	}
}

func TestParseLanguage(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"en", "en"}, {"EN", "en"}, {"en-US", "en"}, {"en_GB", "en"}, {"english", "en"},
		{"nb", "nb"}, {"no", "nb"}, {"nb-NO", "nb"}, {"nn", "nb"}, {"norsk", "nb"}, {"Bokmål", "nb"}, {"nn-NO", "nb"},
		{"da", "da"}, {"dk", "da"}, {"da-DK", "da"}, {"dansk", "da"},
		{"de", "de"}, {"de-AT", "de"}, {"de-CH", "de"}, {"Deutsch", "de"},
		{"sv", "sv"}, {"se", "sv"}, {"sv-SE", "sv"}, {"sv-FI", "sv"}, {"svenska", "sv"}, {" sv ", "sv"},
	}
	for _, tt := range tests {
		got, err := ParseLanguage(tt.in)
		if got != tt.want || err != nil {
			t.Errorf("ParseLanguage(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"fr", "fr-FR", "xx", "klingon", "", "en-", "zh-Hant"} {
		got, err := ParseLanguage(in)
		if err == nil || got != "" {
			t.Errorf("ParseLanguage(%q) = %q, %v; want an error", in, got, err)
			continue
		}
		if !errors.Is(err, ErrUnsupportedLanguage) {
			t.Errorf("ParseLanguage(%q) error %v does not wrap ErrUnsupportedLanguage", in, err)
		}
		for _, l := range Languages {
			if !strings.Contains(err.Error(), l) {
				t.Errorf("ParseLanguage(%q) error %q does not list %s", in, err, l)
			}
		}
	}
}
