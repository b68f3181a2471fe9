package prompts

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/disputedesk/disputedesk/internal/golden"
)

// offlineSituations are the situations with their own templates, by
// playbook: the reason or issue values of the built-in playbooks, plus each
// playbook's default.
var offlineSituations = map[string][]string{
	"supplier-dispute": {"default"},
	"chargeback": {"product_not_received", "product_unacceptable", "fraudulent", "duplicate",
		"credit_not_processed", "subscription_canceled", "default"},
	"marketplace-claim": {"not_received", "not_as_described", "damaged", "refund_not_issued", "default"},
	"return": {"damaged", "wrong_item", "late", "quality", "lost", "return_cost",
		"no_communication", "default"},
	"recall":  {"default"},
	"generic": {"default", "closed"}, // closed: any playbook's closed case
}

// offlineRefs are realistic case references by playbook.
var offlineRefs = map[string]string{
	"supplier-dispute": "SUP-1001", "chargeback": "CB-1042", "marketplace-claim": "MC-1005",
	"return": "RMA-1007", "recall": "RCL-1003", "warranty": "WTY-1002",
}

// offlineErred says which situations are the shop's fault in the test
// facts: those the built-in playbooks mark "apologise", and the recall.
var offlineErred = map[string]bool{
	"return/damaged": true, "return/wrong_item": true, "return/late": true, "return/lost": true,
	"return/no_communication": true, "chargeback/credit_not_processed": true, "chargeback/duplicate": true,
	"marketplace-claim/not_as_described": true, "marketplace-claim/damaged": true,
	"marketplace-claim/refund_not_issued": true, "recall/default": true,
}

// offlineFacts returns realistic facts for a playbook's situation, with the
// recall's product and hazard in the draft's language, as an agent would
// type them.
func offlineFacts(lang, playbook, situation string) Facts {
	f := Facts{
		Ref:       offlineRefs[playbook],
		Playbook:  playbook,
		Situation: situation,
		ShopErred: offlineErred[playbook+"/"+situation],
		Customer:  "Kari Nordmann",
		Order:     "1042",
		Amount:    "EUR 49.90",
		Step:      "Acknowledge and apologise",
		NextStep:  "Verify the claim",
		Policy: map[string]string{
			"reply_within":  "2 business days",
			"refund_within": "14 days",
			"prepaid_label": "for defective or wrong items",
		},
		Agent: "Ola",
	}
	if situation == "default" {
		f.Situation = ""
	}
	switch playbook {
	case "supplier-dispute":
		f.Situation = "defect"
		f.Order = "PO-2291"
		f.Amount = "USD 1,250.00"
		f.Policy["supplier"] = "Shenzhen Homeware Co."
		f.Policy["supplier_contact"] = "Lily Chen, sales@supplier.example"
		f.Policy["respond_within"] = "5 business days"
	case "recall":
		f.Policy["product"] = "Nordic Home kettle 1.7 L, model K17"
		f.Policy["batch"] = "L2406-L2411"
		f.Policy["remedy"] = "a free repair, replacement or refund of the price paid"
		f.Policy["hazard"] = map[string]string{
			"en": "the handle can come loose, and boiling water can cause burns",
			"nb": "håndtaket kan løsne, og kokende vann kan gi brannskader",
			"da": "håndtaget kan løsne sig, og kogende vand kan give forbrændinger",
			"de": "der Griff kann sich lösen, und kochendes Wasser kann Verbrühungen verursachen",
			"sv": "handtaget kan lossna, och kokande vatten kan orsaka brännskador",
		}[lang]
	case "generic":
		f.Playbook = "warranty"
		f.Ref = offlineRefs["warranty"]
		f.Step = "Check the warranty terms"
		if situation == "closed" {
			f.Situation, f.Outcome, f.OutcomeLabel = "", "refunded", "Refunded"
		}
	}
	return f
}

func newTestOffline(t testing.TB) *Offline {
	t.Helper()
	o, err := NewOffline()
	if err != nil {
		t.Fatalf("NewOffline: %v", err)
	}
	return o
}

func draftOffline(t testing.TB, o *Offline, req Request) Draft {
	t.Helper()
	var streamed []string
	d, err := o.Draft(context.Background(), req, func(s string) { streamed = append(streamed, s) })
	if err != nil {
		t.Fatalf("Draft(%s/%s, %s, %s): %v", req.Facts.Playbook, req.Facts.Situation, req.Language, req.Tone, err)
	}
	if len(streamed) != 1 || streamed[0] != d.Body {
		t.Errorf("stream got %q, want the body once", streamed)
	}
	return d
}

// offlineGoldenCase is one golden draft.
type offlineGoldenCase struct {
	lang, playbook, situation, tone string
}

func (c offlineGoldenCase) name() string {
	return c.lang + "/" + c.playbook + "-" + c.situation + "-" + c.tone
}

func (c offlineGoldenCase) request() Request {
	return Request{Facts: offlineFacts(c.lang, c.playbook, c.situation), Language: c.lang, Tone: c.tone}
}

// offlineGoldenCases are every playbook's situations in every language in
// the warm tone, and the return playbook's and the generic template's in
// the formal and brief tones too.
func offlineGoldenCases() []offlineGoldenCase {
	var cases []offlineGoldenCase
	for _, lang := range Languages {
		for _, pb := range slices.Sorted(maps.Keys(offlineSituations)) {
			for _, sit := range offlineSituations[pb] {
				tones := []string{ToneWarm}
				if pb == "return" || pb == "generic" {
					tones = []string{ToneWarm, ToneFormal, ToneBrief}
				}
				for _, tone := range tones {
					cases = append(cases, offlineGoldenCase{lang, pb, sit, tone})
				}
			}
		}
	}
	return cases
}

// offlineAllCases are every situation in every language and tone.
func offlineAllCases() []offlineGoldenCase {
	var cases []offlineGoldenCase
	for _, lang := range Languages {
		for _, pb := range slices.Sorted(maps.Keys(offlineSituations)) {
			for _, sit := range offlineSituations[pb] {
				for _, tone := range []string{ToneWarm, ToneFormal, ToneBrief} {
					cases = append(cases, offlineGoldenCase{lang, pb, sit, tone})
				}
			}
		}
	}
	return cases
}

func TestOfflineGolden(t *testing.T) {
	o := newTestOffline(t)
	for _, c := range offlineGoldenCases() {
		t.Run(c.name(), func(t *testing.T) {
			d := draftOffline(t, o, c.request())
			path := filepath.Join("testdata", "offline", c.lang, c.playbook+"-"+c.situation+"-"+c.tone+".txt")
			golden.Check(t, path, []byte(d.Body+"\n"))
		})
	}
}

// offlineVocab are words a language's drafts use or must avoid.
var offlineVocab = map[string]struct {
	apology   []string // one must appear where the shop erred
	forbidden []string // none may appear: dispute advice, blame
	recall    string   // the recall notice's heading (GPSR Art. 36)
	softening []string // words GPSR Art. 36 bans from a recall notice
}{
	"en": {
		apology:   []string{"sorry", "apologise"},
		forbidden: []string{"chargeback", "bank", "dispute", "claim", "a-to-z", "your fault", "you should have"},
		recall:    "Product safety recall",
		softening: []string{"voluntar", "precaution", "discretion", "rare", "specific situation", "no accident"},
	},
	"nb": {
		apology:   []string{"beklager", "unnskyld"},
		forbidden: []string{"chargeback", "tilbakeføring", "bank", "tvist", "a-to-z", "din feil", "du burde"},
		recall:    "Tilbakekalling grunnet produktsikkerhet",
		softening: []string{"frivillig", "føre-var", "forsiktighet", "skjønn", "sjeldne", "spesielle situasjoner", "ingen ulykker"},
	},
	"da": {
		apology:   []string{"beklager", "undskyld"},
		forbidden: []string{"chargeback", "tilbageføring", "bank", "tvist", "a-to-z", "din skyld", "du burde"},
		recall:    "Sikkerhedsbegrundet tilbagekaldelse af produkt",
		softening: []string{"frivillig", "forsigtighed", "skøn", "sjældne", "særlige situationer", "ingen ulykker", "ingen uheld"},
	},
	"de": {
		apology:   []string{"entschuldig", "leid"},
		forbidden: []string{"chargeback", "rückbuchung", "bank", "streitfall", "a-to-z", "ihre schuld", "hätten sie"},
		recall:    "Produktsicherheitsrückruf",
		softening: []string{"freiwillig", "vorsorglich", "vorsicht", "ermessen", "selten", "bestimmten situationen", "keine unfälle"},
	},
	"sv": {
		apology:   []string{"ber om ursäkt", "beklagar", "ledsen", "förlåt"},
		forbidden: []string{"chargeback", "återbetalningskrav", "bank", "tvist", "a-to-z", "ditt fel", "du borde"},
		recall:    "Återkallelse av produkt av säkerhetsskäl",
		softening: []string{"frivillig", "försiktighet", "förebyggande", "godtycklig", "sällsynta", "vissa situationer", "inga olyckor"},
	},
}

// checkOfflineDraft checks what every draft must do.
func checkOfflineDraft(t *testing.T, c offlineGoldenCase, req Request, d Draft) {
	t.Helper()
	f, body, lower := req.Facts, d.Body, strings.ToLower(d.Body)
	if d.Source != "offline" || d.Language != c.lang || d.Note != "" {
		t.Errorf("Source %q, Language %q, Note %q; want offline, %s, none", d.Source, d.Language, d.Note, c.lang)
	}
	for _, bad := range []string{"{{", "}}", markPara, markLine, "<no value>", "  ", " \n"} {
		if strings.Contains(body, bad) {
			t.Errorf("body contains %q:\n%s", bad, body)
		}
	}
	// A recall notice keeps everything GPSR Art. 36 requires (heading,
	// product, hazard, "stop using", remedy) even when brief, so its brief
	// budget is larger.
	limit := 900
	switch {
	case c.tone == ToneBrief && c.playbook == "recall":
		limit = 600
	case c.tone == ToneBrief:
		limit = 350
	}
	if n := utf8.RuneCountInString(body); n > limit {
		t.Errorf("body is %d characters, over the %s budget of %d:\n%s", n, c.tone, limit, body)
	}
	for _, want := range []string{f.Ref, f.Order, f.Agent} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if c.playbook != "supplier-dispute" {
		if !strings.Contains(body, "Kari") {
			t.Errorf("body does not address the customer by name:\n%s", body)
		}
	} else if strings.Contains(body, "Kari") || strings.Contains(body, "@") {
		t.Errorf("supplier letter names the customer or an e-mail address:\n%s", body)
	}
	words := offlineVocab[c.lang]
	if f.ShopErred && !slices.ContainsFunc(words.apology, func(w string) bool { return strings.Contains(lower, w) }) {
		t.Errorf("the shop erred but the body does not apologise (%q):\n%s", words.apology, body)
	}
	for _, w := range words.forbidden {
		if c.playbook != "supplier-dispute" && strings.Contains(lower, w) {
			t.Errorf("body contains %q:\n%s", w, body)
		}
	}
	if c.playbook == "recall" {
		if first, _, _ := strings.Cut(body, "\n"); first != words.recall {
			t.Errorf("recall notice headed %q, want %q", first, words.recall)
		}
		for _, w := range words.softening {
			if strings.Contains(lower, w) {
				t.Errorf("recall notice contains %q, which GPSR Art. 36 forbids:\n%s", w, body)
			}
		}
	}
	// Promises name policy keys the shop commits to, with their values.
	for _, p := range d.Promises {
		k, v, ok := strings.Cut(p, ": ")
		if !ok || f.Policy[k] != v || !slices.Contains([]string{"reply_within", "refund_within", "prepaid_label", "remedy", "remedies"}, k) {
			t.Errorf("promise %q is not a commitment from the policy %v", p, f.Policy)
		}
	}
}

func TestOfflineDrafts(t *testing.T) {
	o := newTestOffline(t)
	for _, c := range offlineAllCases() {
		t.Run(c.name(), func(t *testing.T) {
			req := c.request()
			d := draftOffline(t, o, req)
			checkOfflineDraft(t, c, req, d)
			switch {
			case c.playbook == "supplier-dispute" && len(d.Promises) > 0:
				t.Errorf("the supplier letter promises %q; asking the supplier for a reply commits the shop to nothing", d.Promises)
			case c.situation == "closed" && len(d.Promises) > 0:
				t.Errorf("a closed case's draft promises %q: it says what was decided", d.Promises)
			case c.playbook != "supplier-dispute" && c.situation != "closed" && !slices.Contains(d.Promises, "reply_within: 2 business days"):
				t.Errorf("draft does not give the policy's reply time; promises %q:\n%s", d.Promises, d.Body)
			}
		})
	}
}
