package prompts

import (
	"context"
	"strings"
	"testing"
)

// Case details reach the model as facts and the offline notice as text, and
// are never counted as promises.
func TestDetailsAreStatedNotPromised(t *testing.T) {
	req := Request{Facts: Facts{Ref: "RCL-1001", Playbook: "recall", PlaybookTitle: "Product recall", Agent: "Ola",
		Details: map[string]string{"product": "Night light NL-200", "hazard": "Overheats while charging"},
		Policy:  map[string]string{"reply_within": "2 business days", "remedy": "a free repair, replacement or refund of the price paid"}},
		Language: "en", Tone: ToneWarm}
	_, user, err := RenderPrompt(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- product: Night light NL-200", "- hazard: Overheats while charging"} {
		if !strings.Contains(user, want) {
			t.Errorf("prompt lacks %q:\n%s", want, user)
		}
	}
	off, err := NewOffline()
	if err != nil {
		t.Fatal(err)
	}
	d, err := off.Draft(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Body, "Night light NL-200") || !strings.Contains(d.Body, "Overheats while charging") {
		t.Errorf("offline notice lacks the product or hazard:\n%s", d.Body)
	}
	for _, p := range d.Promises {
		if strings.HasPrefix(p, "product") || strings.HasPrefix(p, "hazard") {
			t.Errorf("a detail counted as a promise: %q", p)
		}
	}
	if problems := Lint(req, d); len(problems) > 0 {
		t.Errorf("offline recall notice fails the linter: %v", problems)
	}
}
