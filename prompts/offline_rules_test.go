package prompts

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOfflineNoPolicy checks that without a policy a draft promises no
// money and no date: no promises, no number but the facts' own, and
// nothing the linter finds.
func TestOfflineNoPolicy(t *testing.T) {
	o := newTestOffline(t)
	digits := regexp.MustCompile(`[0-9]`)
	for _, c := range offlineAllCases() {
		t.Run(c.name(), func(t *testing.T) {
			req := c.request()
			for k := range req.Facts.Policy {
				switch k {
				case "reply_within", "refund_within", "prepaid_label", "remedy", "remedies", "respond_within":
					delete(req.Facts.Policy, k)
				}
			}
			d := draftOffline(t, o, req)
			checkOfflineDraft(t, c, req, d)
			if len(d.Promises) != 0 {
				t.Errorf("promises %q without a policy", d.Promises)
			}
			rest := d.Body
			for _, fact := range []string{req.Facts.Ref, req.Facts.Order, req.Facts.Amount, req.Facts.Policy["product"], req.Facts.Policy["batch"]} {
				if fact != "" {
					rest = strings.ReplaceAll(rest, fact, "")
				}
			}
			if digits.MatchString(rest) {
				t.Errorf("body has a number the facts do not give:\n%s", d.Body)
			}
			for _, p := range Lint(req, d) {
				t.Errorf("lint %s\n%s", p, d.Body)
			}
		})
	}
}

func TestOfflineChoosesTemplate(t *testing.T) {
	o := newTestOffline(t)
	draft := func(lang, tone string, f Facts, maxLen int) Draft {
		return draftOffline(t, o, Request{Facts: f, Language: lang, Tone: tone, MaxLen: maxLen})
	}
	returnDefault := draft("en", ToneWarm, offlineFacts("en", "return", "default"), 0)

	tests := []struct {
		name      string
		lang      string
		tone      string
		facts     Facts
		maxLen    int
		wantLang  string
		wantBody  string // the body of this draft, when set
		wantIn    string // a substring of the body, when set
		wantNote  string // a substring of Note; empty wants none
		wantBrief bool
	}{
		{name: "unknown situation uses the playbook's default", lang: "en",
			facts:    func() Facts { f := offlineFacts("en", "return", "default"); f.Situation = "changed_mind"; return f }(),
			wantLang: "en", wantBody: returnDefault.Body},
		{name: "unknown playbook uses the generic draft", lang: "de",
			facts:    func() Facts { f := offlineFacts("de", "return", "damaged"); f.Playbook = "warranty"; return f }(),
			wantLang: "de", wantIn: "Das tun wir als Nächstes: Acknowledge and apologise."},
		{name: "region subtag", lang: "nb-NO", facts: offlineFacts("nb", "return", "late"), wantLang: "nb"},
		{name: "Norwegian macro tag", lang: "no", facts: offlineFacts("nb", "return", "late"), wantLang: "nb"},
		{name: "language name", lang: "svenska", facts: offlineFacts("sv", "return", "late"), wantLang: "sv"},
		{name: "empty language is English", lang: "", facts: offlineFacts("en", "return", "late"), wantLang: "en"},
		{name: "unsupported language falls back to English", lang: "fi",
			facts: offlineFacts("en", "return", "late"), wantLang: "en", wantNote: `"fi"`},
		{name: "unknown tone is warm", lang: "sv", tone: "sarcastic",
			facts: offlineFacts("sv", "return", "late"), wantLang: "sv", wantNote: `"sarcastic"`},
		{name: "too long for the platform: brief", lang: "da", tone: ToneFormal, maxLen: 400,
			facts: offlineFacts("da", "return", "damaged"), wantLang: "da", wantNote: "400", wantBrief: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := draft(tt.lang, tt.tone, tt.facts, tt.maxLen)
			if d.Language != tt.wantLang {
				t.Errorf("Language = %q, want %q", d.Language, tt.wantLang)
			}
			if tt.wantBody != "" && d.Body != tt.wantBody {
				t.Errorf("body:\n%s\nwant:\n%s", d.Body, tt.wantBody)
			}
			if !strings.Contains(d.Body, tt.wantIn) {
				t.Errorf("body lacks %q:\n%s", tt.wantIn, d.Body)
			}
			if tt.wantNote == "" && d.Note != "" || !strings.Contains(d.Note, tt.wantNote) {
				t.Errorf("Note = %q, want one containing %q", d.Note, tt.wantNote)
			}
			if !strings.Contains(d.Body, tt.facts.Ref) {
				t.Errorf("body lacks %s:\n%s", tt.facts.Ref, d.Body)
			}
			if tt.wantBrief {
				brief := draft(tt.wantLang, ToneBrief, tt.facts, 0)
				if d.Body != brief.Body {
					t.Errorf("body:\n%s\nwant the brief draft:\n%s", d.Body, brief.Body)
				}
			}
		})
	}
}

// TestOfflineNames checks greetings for names that are no names.
func TestOfflineNames(t *testing.T) {
	tests := []struct{ in, first, full string }{
		{"Kari Nordmann", "Kari", "Kari Nordmann"},
		{"Nordmann, Kari", "Kari", "Kari Nordmann"},
		{"  Ola   Nordmann ", "Ola", "Ola Nordmann"},
		{"kari@example.no", "", ""},
		{"Customer 4711", "", ""},
		{"Nordmann,", "Nordmann", "Nordmann"},
		{"", "", ""},
	}
	for _, tt := range tests {
		first, full := names(strings.Join(strings.Fields(tt.in), " "))
		if first != tt.first || full != tt.full {
			t.Errorf("names(%q) = %q, %q; want %q, %q", tt.in, first, full, tt.first, tt.full)
		}
	}
	o := newTestOffline(t)
	f := offlineFacts("en", "return", "late")
	f.Customer = "kari@example.no"
	d := draftOffline(t, o, Request{Facts: f, Language: "en"})
	if strings.Contains(d.Body, "@") || !strings.HasPrefix(d.Body, "Hello,") {
		t.Errorf("greets an e-mail address:\n%s", d.Body)
	}
}

// TestOfflineDurations checks policy durations in each language.
func TestOfflineDurations(t *testing.T) {
	o := newTestOffline(t)
	tests := []struct{ lang, in, want string }{
		{"en", "2 business days", "2 business days"},
		{"nb", "2 business days", "2 virkedager"},
		{"nb", "1 working day", "1 virkedag"},
		{"da", "14 days", "14 dage"},
		{"de", "14 days", "14 Tagen"},
		{"de", "48 hours", "48 Stunden"},
		{"sv", "2 weeks", "2 veckor"},
		{"sv", "30 calendar days", "30 kalenderdagar"},
		{"nb", "14 days of receiving the item", "14 days of receiving the item"},
		{"da", "same day", "same day"},
	}
	for _, tt := range tests {
		d := newOfflineData(o.langs[tt.lang], ToneWarm, Facts{Policy: map[string]string{"k": tt.in}})
		if got := d.Dur("k"); got != tt.want {
			t.Errorf("%s: Dur(%q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
		if d.used["k"] != tt.in {
			t.Errorf("%s: Dur(%q) did not record its use", tt.lang, tt.in)
		}
	}
}

// TestOfflineSituations checks that the templates cover exactly the
// situations above, and that each is a reason or issue value of its
// built-in playbook, so a typo cannot hide a template.
func TestOfflineSituations(t *testing.T) {
	o := newTestOffline(t)
	var want []string
	for pb, sits := range offlineSituations {
		for _, s := range sits {
			want = append(want, pb+"/"+s)
		}
	}
	slices.Sort(want)
	for _, lang := range Languages {
		var got []string
		for _, name := range o.templateNames(lang) {
			if strings.Contains(name, "/") {
				got = append(got, name)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s templates %q, want %q", lang, got, want)
		}
	}

	for pb, sits := range offlineSituations {
		if pb == "generic" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("..", "playbooks", "builtin", pb+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var book struct {
			Fields []struct {
				Name   string
				Values []struct{ Value string }
			}
		}
		if err := yaml.Unmarshal(raw, &book); err != nil {
			t.Fatalf("%s: %v", pb, err)
		}
		var values []string
		for _, fl := range book.Fields {
			if fl.Name == "reason" || fl.Name == "issue" {
				for _, v := range fl.Values {
					values = append(values, v.Value)
				}
			}
		}
		for _, s := range sits {
			if s != "default" && !slices.Contains(values, s) {
				t.Errorf("%s/%s: %s.yaml has no such reason or issue (%q)", pb, s, pb, values)
			}
		}
	}
}

// TestOfflineLint checks that every golden draft, and every situation in
// every language and tone, passes the linter with no problems.
func TestOfflineLint(t *testing.T) {
	o := newTestOffline(t)
	for _, c := range offlineAllCases() {
		t.Run(c.name(), func(t *testing.T) {
			req := c.request()
			d := draftOffline(t, o, req)
			for _, p := range Lint(req, d) {
				t.Errorf("lint %s\n%s", p, d.Body)
			}
		})
	}
}

// TestOfflineRemedies checks how the recall names its remedies.
func TestOfflineRemedies(t *testing.T) {
	o := newTestOffline(t)
	tests := []struct {
		lang, key, value, want string
	}{
		{"en", "remedy", "a free repair, replacement or refund of the price paid",
			"a repair, a safe replacement or a refund of the full price you paid"},
		{"nb", "remedy", "a free repair, replacement or refund of the price paid",
			"reparasjon, et nytt, trygt produkt eller å få hele kjøpesummen tilbake"},
		{"de", "remedies", "replacement, refund", "ein sicheres Ersatzprodukt oder die Erstattung des vollen Kaufpreises"},
		{"sv", "remedies", "Refund / Repair", "reparation eller att få tillbaka hela köpesumman"},
		{"da", "remedy", "ombytning eller pengene tilbage", "ombytning eller pengene tilbage"},
	}
	for _, tt := range tests {
		d := newOfflineData(o.langs[tt.lang], ToneWarm, Facts{Policy: map[string]string{tt.key: tt.value}})
		if !d.OfferRemedy() {
			t.Errorf("%s %s=%q: OfferRemedy() = false", tt.lang, tt.key, tt.value)
		}
		if got := d.Remedies(); got != tt.want {
			t.Errorf("%s %s=%q: Remedies() = %q, want %q", tt.lang, tt.key, tt.value, got, tt.want)
		}
		if d.used[tt.key] != tt.value {
			t.Errorf("%s %s=%q: not recorded as promised", tt.lang, tt.key, tt.value)
		}
	}
}

// TestOfflineBuiltinPolicies drafts every reason or issue of every built-in
// playbook, in every language and tone, with the policy and the
// "apologise" marks the playbook's YAML gives, and lints the drafts.
func TestOfflineBuiltinPolicies(t *testing.T) {
	o := newTestOffline(t)
	for pb := range offlineSituations {
		if pb == "generic" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("..", "playbooks", "builtin", pb+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var book struct {
			Policy map[string]string
			Fields []struct {
				Name   string
				Values []struct {
					Value, Label string
					Apologise    bool
				}
			}
		}
		if err := yaml.Unmarshal(raw, &book); err != nil {
			t.Fatalf("%s: %v", pb, err)
		}
		type situation struct {
			value, label string
			erred        bool
		}
		sits := []situation{{"", "", pb == "recall"}}
		for _, fl := range book.Fields {
			if fl.Name == "reason" || fl.Name == "issue" {
				for _, v := range fl.Values {
					sits = append(sits, situation{v.Value, v.Label, v.Apologise})
				}
			}
		}
		for _, lang := range Languages {
			for _, sit := range sits {
				for _, tone := range []string{ToneWarm, ToneFormal, ToneBrief} {
					f := offlineFacts(lang, pb, "default")
					f.Situation, f.SituationLabel, f.ShopErred = sit.value, sit.label, sit.erred
					for _, k := range []string{"reply_within", "refund_within", "prepaid_label", "respond_within"} {
						delete(f.Policy, k)
					}
					if pb == "recall" {
						delete(f.Policy, "remedy")
					}
					for k, v := range book.Policy {
						f.Policy[k] = v
					}
					req := Request{Facts: f, Language: lang, Tone: tone}
					d := draftOffline(t, o, req)
					for _, p := range Lint(req, d) {
						t.Errorf("%s/%s/%s/%s: lint %s\n%s", lang, pb, sit.value, tone, p, d.Body)
					}
				}
			}
		}
	}
}
