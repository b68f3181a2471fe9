package commands_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// complete asks the router for the choices of a parameter, as a user of
// Slack team T1 types it.
func (h *harness) complete(team, command, param, typed string, values map[string]string) []string {
	h.t.Helper()
	req := &bot.Request{ID: "ac", Platform: bot.PlatformSlack, Workspace: team, Channel: "C1", User: "U1KARI"}
	choices, err := h.router.Complete(context.Background(), req, bot.Completion{Command: command, Param: param, Typed: typed, Values: values})
	if err != nil {
		h.t.Fatalf("complete %s %s %q: %v", command, param, typed, err)
	}
	var got []string
	for _, c := range choices {
		got = append(got, c.Value)
	}
	return got
}

func TestComplete(t *testing.T) {
	h := newHarness(t)
	h.in("T1", "C1", bot.Request{Text: `/return order=2231 reason=lost customer="Kari Nordmann"`})  // RMA-1001
	h.in("T1", "C1", bot.Request{Text: "/dispute chargeback order=1042 amount=49,90 currency=EUR"}) // CB-1001
	h.in("T2", "C1", bot.Request{Text: "/dispute chargeback order=1043 amount=10 currency=EUR"})    // CB-1002, another team
	h.in("T1", "C1", bot.Request{Text: "/dispute chargeback order=7 amount=1 currency=EUR"})        // CB-1003, closed below
	h.in("T1", "C1", bot.Request{Text: "/case close CB-1003 outcome=won force=yes"})
	tests := []struct {
		name, command, param, typed string
		values                      map[string]string
		want                        []string
	}{
		{"open cases of the team, newest first", "case done", "case", "", nil, []string{"CB-1001", "RMA-1001"}},
		{"by reference", "case note", "case", "cb", nil, []string{"CB-1001"}},
		{"by order", "case assign", "case", "223", nil, []string{"RMA-1001"}},
		{"by customer", "case close", "case", "kari", nil, []string{"RMA-1001"}},
		{"not another team's", "case show", "case", "CB-1002", nil, nil},
		{"closed cases to reopen", "case reopen", "case", "", nil, []string{"CB-1003"}},
		{"any case to show", "case show", "case", "CB", nil, []string{"CB-1003", "CB-1001"}},
		{"the case's steps", "case done", "step", "ver", map[string]string{"case": "RMA-1001"}, []string{"verify_shipping"}},
		{"the case's outcomes", "case close", "outcome", "w", map[string]string{"case": "CB-1001"}, []string{"won", "withdrawn"}},
		{"no case, no steps", "case done", "step", "", map[string]string{"case": "CB-1002"}, nil},
		{"evidence kinds", "case evidence", "kind", "oth", map[string]string{"case": "CB-1001"}, []string{"other"}},
		{"playbooks", "case open", "playbook", "re", nil, []string{"recall", "return"}},
		{"tones", "case draft", "tone", "", nil, []string{"warm", "formal", "brief"}},
		{"a shorthand's field", "return", "reason", "dam", nil, []string{"damaged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.complete("T1", tt.command, tt.param, tt.typed, tt.values); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	for i := range 30 {
		h.in("T1", "C1", bot.Request{Text: fmt.Sprintf("/return order=%d reason=late", 5000+i)})
	}
	if got := h.complete("T1", "case done", "case", "RMA", nil); len(got) != bot.MaxChoices || got[0] != "RMA-1031" {
		t.Errorf("%d choices, first %v: want the newest %d", len(got), got[:1], bot.MaxChoices)
	}
	req := &bot.Request{ID: "ac", Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1"}
	for _, q := range []bot.Completion{{Command: "case nope", Param: "ref"}, {Command: "case done", Param: "nope"}} {
		if _, err := h.router.Complete(context.Background(), req, q); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
}

// Every parameter is one an adapter can register as a native option: a
// lower-case name, a description, and choices or a completer for a choice.
func TestParamsAreNativeOptions(t *testing.T) {
	h := newHarness(t)
	name := regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	for _, c := range h.router.Commands() {
		seen := map[string]bool{}
		for i, p := range c.Params {
			switch {
			case !name.MatchString(p.Name) || seen[p.Name]:
				t.Errorf("/%s: parameter %q: not a lower-case name, or twice", c.Name, p.Name)
			case p.Help == "" || len(p.Help) > 100:
				t.Errorf("/%s %s: help %q", c.Name, p.Name, p.Help)
			case p.Type == bot.ParamChoice && len(p.Choices) == 0 && !p.Complete:
				t.Errorf("/%s %s: a choice with no choices", c.Name, p.Name)
			case (p.Rest || p.Fields) && i != len(c.Params)-1:
				t.Errorf("/%s %s: the rest of the line is not the last parameter", c.Name, p.Name)
			}
			seen[p.Name] = true
		}
		if strings.Contains(c.Usage(), "  ") {
			t.Errorf("usage %q", c.Usage())
		}
	}
}
