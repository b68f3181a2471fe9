package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/prompts"
	"github.com/disputedesk/disputedesk/storage"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

var start = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

type harness struct {
	t      testing.TB
	router *commands.Router
	store  storage.Store
	now    time.Time
	n      atomic.Int64
}

func newHarness(t testing.TB) *harness { t.Helper(); return newHarnessWith(t, nil) }

// newHarnessWith uses model, when not nil, for drafts, with the offline
// templates as its fallback, and deps as changed by each of opts.
func newHarnessWith(t testing.TB, model prompts.Drafter, opts ...func(*commands.Deps)) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "cases.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: st, now: start}
	catalog, err := playbooks.Load("testdata/playbooks") // the built-ins and a small drill playbook
	if err != nil {
		t.Fatal(err)
	}
	offline, err := prompts.NewOffline()
	if err != nil {
		t.Fatal(err)
	}
	deps := commands.Deps{
		Store:     st,
		Playbooks: catalog,
		Drafter:   &prompts.Fallback{Model: model, Offline: offline, Lint: prompts.Lint},
		Now:       func() time.Time { return h.now },
	}
	for _, opt := range opts {
		opt(&deps)
	}
	h.router, err = commands.NewRouter(deps)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// send runs one command as user under a fresh request id.
func (h *harness) send(user, line string) bot.Reply {
	h.t.Helper()
	return h.sendID(fmt.Sprintf("req-%d", h.n.Add(1)), user, line)
}

func (h *harness) sendID(id, user, line string) bot.Reply {
	h.t.Helper()
	reply, err := h.router.Handle(context.Background(), &bot.Request{
		ID: id, Platform: bot.PlatformConsole, Workspace: "console", Channel: "console", User: user, Text: line,
	})
	if err != nil {
		h.t.Fatalf("%s: %v", line, err)
	}
	return reply
}

// snapshot is every case with its timeline and state, to prove a failed command changed nothing.
func (h *harness) snapshot() string {
	h.t.Helper()
	ctx := context.Background()
	cases, err := h.store.Cases(ctx, storage.CaseFilter{Scope: storage.AllWorkspaces})
	if err != nil {
		h.t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range cases {
		events, err := h.store.Timeline(ctx, c.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		st, err := h.store.State(ctx, c.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		js, _ := json.Marshal(struct {
			C storage.Case
			E []storage.Event
			S storage.CaseState
		}{c, events, st})
		b.Write(js)
	}
	return b.String()
}

func wantContains(t testing.TB, reply bot.Reply, parts ...string) {
	t.Helper()
	text := render(reply)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("reply does not contain %q:\n%s", p, text)
		}
	}
}

// render writes r as text, with mentions as the console shows them (@kari).
func render(r bot.Reply) string {
	return bot.Mentions(renderTokens(r), func(s string) string { return s }, func(user string) string { return "@" + user })
}

func renderTokens(r bot.Reply) string {
	var b strings.Builder
	b.WriteString(r.Text + "\n")
	for _, f := range r.Fields {
		b.WriteString(f.Label + ": " + f.Value + "\n")
	}
	for _, s := range r.Sections {
		b.WriteString(s.Title + "\n" + strings.Join(s.Lines, "\n") + "\n")
	}
	return b.String()
}

func TestCaseLifecycle(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()

	r := h.send("kari", `/case open chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann, Trondheim, æøå"`)
	wantContains(t, r, "Opened CB-1001: chargeback for Kari Nordmann, Trondheim, æøå, order 1042, EUR 49.90.")
	cs, err := h.store.Case(ctx, storage.AllWorkspaces, storage.Ref{Prefix: "CB", Number: 1001})
	if err != nil {
		t.Fatal(err)
	}
	if cs.Amount == nil || *cs.Amount != (storage.Money{Minor: 4990, Currency: "EUR"}) {
		t.Errorf("stored amount = %+v, want EUR 4990 minor units", cs.Amount)
	}
	if cs.Fields["customer"] != "Kari Nordmann, Trondheim, æøå" || cs.Fields["order"] != "1042" {
		t.Errorf("stored fields = %q", cs.Fields)
	}
	if _, ok := cs.Fields["amount"]; ok {
		t.Errorf("amount stored as a free field too: %q", cs.Fields)
	}

	h.now = start.Add(time.Hour)
	wantContains(t, h.send("ola", "/case note cb-1001 Customer sent the tracking screenshot."), "Noted on CB-1001.")
	wantContains(t, h.send("ola", "/case assign CB-1001 @me"), "CB-1001 is now assigned to @ola.")
	wantContains(t, h.send("kari", "/case list mine"), "No open cases are yours")
	wantContains(t, h.send("ola", "/case list mine"), "CB-1001 · chargeback · open · Kari Nordmann")
	h.now = start.Add(2 * time.Hour)
	r = h.send("ola", `/case close CB-1001 outcome=won force=yes amount=49.90 note="Bank sided with us"`)
	wantContains(t, r, "Closed CB-1001: won, EUR 49.90.")

	r = h.send("kari", "/case show CB-1001")
	wantContains(t, r,
		"CB-1001 · Chargeback · closed",
		"Outcome: won, EUR 49.90",
		"Closed: 2026-11-22 11:30 UTC",
		"2026-11-22 09:30 UTC  @kari  opened: chargeback for Kari Nordmann",
		"2026-11-22 10:30 UTC  @ola  note: Customer sent the tracking screenshot.",
		"2026-11-22 10:30 UTC  @ola  assigned: @ola",
		"2026-11-22 11:30 UTC  @ola  closed: won, EUR 49.90, Bank sided with us",
	)
	wantContains(t, h.send("kari", "/case list"), "No open cases.")
	wantContains(t, h.send("kari", "/case list all"), "CB-1001 · chargeback · closed (won)")

	wantContains(t, h.send("kari", "/case reopen CB-1001 The bank reversed its decision"), "Reopened CB-1001.")
	cs, err = h.store.Case(ctx, storage.AllWorkspaces, storage.Ref{Prefix: "CB", Number: 1001})
	if err != nil {
		t.Fatal(err)
	}
	if cs.Status != storage.StatusOpen || cs.Outcome != "" || cs.OutcomeAmount != nil || cs.ReopenedAt == nil || cs.ClosedAt == nil {
		t.Errorf("after reopen: status %s, outcome %q %v, reopened %v, closed %v", cs.Status, cs.Outcome, cs.OutcomeAmount, cs.ReopenedAt, cs.ClosedAt)
	}
	events, err := h.store.Timeline(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, string(e.Kind))
	}
	if got, want := strings.Join(kinds, ","), "opened,deadline,note,assigned,closed,reopened"; got != want {
		t.Errorf("timeline kinds = %s, want %s", got, want)
	}

	// Numbers run per prefix.
	wantContains(t, h.send("kari", "/return order=7 reason=damaged"), "Opened RMA-1001")
	wantContains(t, h.send("kari", "/dispute chargeback order=8 amount=10 currency=EUR"), "Opened CB-1002")
}

func TestBadInputChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/case open chargeback order=1042 amount=49,90 currency=EUR")
	h.send("kari", "/case open return order=77 reason=late")
	h.send("kari", "/case close RMA-1001 outcome=refunded force=yes")
	before := h.snapshot()

	tests := []struct{ name, line, want string }{
		{"unknown command", "/cas open chargeback", "unknown command /cas. Did you mean /case?"},
		{"unknown subcommand", "/case opne chargeback", "unknown command /case opne. Did you mean /case open?"},
		{"no playbook", "/case open", "say which playbook to open: chargeback, marketplace-claim, recall, return, supplier-dispute or drill"},
		{"unknown playbook", "/case open chargebak order=1", `there is no playbook "chargebak". Did you mean chargeback? The playbooks are chargeback, marketplace-claim`},
		{"stray word", "/case open return Kari", `"Kari" is not a key=value detail`},
		{"empty field", "/case open return order=", "order= is empty"},
		{"amount not money", "/case open chargeback amount=49.9O currency=EUR", `amount "49.9O": 'O' is not a number`},
		{"ambiguous amount", "/case open chargeback amount=1,299 currency=EUR", `amount "1,299": could be a whole amount or decimals`},
		{"amount without currency", "/case open chargeback amount=49,90", "has no currency: add currency=EUR"},
		{"bad currency", "/case open chargeback amount=49,90 currency=EURO", "not an ISO 4217 currency code"},
		{"bad currency alone", "/case open chargeback currency=KRONER", "not an ISO 4217 currency code"},
		{"unclosed quote", `/case open return customer="Kari`, "never closed"},
		{"unknown case", "/case show CB-9999", "there is no case CB-9999"},
		{"unknown prefix", "/case show XX-1001", "references start with CB, MC, RCL, RMA, SUP or DR"},
		{"not a reference", "/case note 1042 hello", `"1042" is not a case reference (like CB-1042)`},
		{"no reference", "/case show", "say which case"},
		{"empty note", "/case note CB-1001", "the note is empty"},
		{"assign without mention", "/case assign CB-1001 kari", "with an @mention"},
		{"close without outcome", "/case close CB-1001", "say how CB-1001 ended with outcome=: won, lost, accepted, refunded, withdrawn, inquiry_closed or prevented"},
		{"close with foreign outcome", "/case close CB-1001 outcome=replaced force=yes", `"replaced" is not an outcome of a chargeback`},
		{"close with typo outcome", "/case close CB-1001 outcome=wonn force=yes", "Did you mean outcome=won?"},
		{"close with unknown field", "/case close CB-1001 outcome=won force=yes reason=x", "/case close does not take reason="},
		{"close with bad amount", "/case close CB-1001 outcome=won force=yes amount=abc", "is not a number"},
		{"close a closed case", "/case close RMA-1001 outcome=refunded force=yes", "RMA-1001 is already closed (refunded, 2026-11-22 09:30 UTC). To change the outcome, reopen it first: /case reopen RMA-1001"},
		{"reopen an open case", "/case reopen CB-1001", "CB-1001 is open already"},
		{"bad list filter", "/case list closed", `cannot list "closed": choose open, mine or all`},
		{"no slash", "case list", "commands start with a slash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.send("kari", tt.line)
			if !strings.Contains(r.Text, tt.want) {
				t.Errorf("%s\n got: %s\nwant: %s", tt.line, r.Text, tt.want)
			}
			if r.Visibility != bot.Ephemeral {
				t.Errorf("%s: error reply is visible to the channel", tt.line)
			}
			if after := h.snapshot(); after != before {
				t.Errorf("%s changed the database", tt.line)
			}
		})
	}
}

func TestUsageShownWithSyntaxErrors(t *testing.T) {
	h := newHarness(t)
	r := h.send("kari", "/case open")
	if !strings.Contains(r.Text, "Usage: /case open <playbook> key=value...") {
		t.Errorf("reply has no usage line:\n%s", r.Text)
	}
}

func TestRetriedRequestReturnsFirstResult(t *testing.T) {
	h := newHarness(t)
	first := h.sendID("slack-retry-1", "kari", "/case open chargeback order=1042 amount=5 currency=EUR")
	h.now = start.Add(time.Minute)
	again := h.sendID("slack-retry-1", "kari", "/case open chargeback order=1042 amount=5 currency=EUR")
	if first.Text != again.Text || !strings.HasPrefix(again.Text, "Opened CB-1001:") {
		t.Errorf("retry answered %q, first answer was %q", again.Text, first.Text)
	}
	cases, err := h.store.Cases(context.Background(), storage.CaseFilter{Scope: storage.AllWorkspaces})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Errorf("%d cases after a retried open, want 1", len(cases))
	}

	// A retried close answers as the first close did, not "already closed".
	closed := h.sendID("close-1", "kari", "/case close CB-1001 outcome=won force=yes")
	again = h.sendID("close-1", "kari", "/case close CB-1001 outcome=won force=yes")
	if again.Text != closed.Text {
		t.Errorf("retried close answered %q, want %q", again.Text, closed.Text)
	}
}

func TestHelpIsGeneratedFromCommands(t *testing.T) {
	h := newHarness(t)
	help := render(h.send("kari", "/case help"))
	for _, c := range h.router.Commands() {
		root, _, _ := strings.Cut(c.Name, " ")
		family := render(h.send("kari", "/"+root+" help"))
		if !strings.Contains(family, c.Usage()) || !strings.Contains(family, c.Summary) {
			t.Errorf("/%s help lacks %q — %q:\n%s", root, c.Usage(), c.Summary, family)
		}
	}
	catalog, _ := playbooks.Builtin()
	for _, name := range catalog.Names() {
		if !strings.Contains(help, name) {
			t.Errorf("/case help does not list playbook %s", name)
		}
	}
	one := render(h.send("kari", "/case help close"))
	if !strings.Contains(one, "Usage: /case close REF outcome=<outcome>") || !strings.Contains(one, "/case close CB-1042 outcome=won") {
		t.Errorf("/case help close:\n%s", one)
	}
	if got := render(h.send("kari", "/case")); got != help {
		t.Errorf("/case alone should show help, got:\n%s", got)
	}
}

func TestCommandOfKeepsLabelsBounded(t *testing.T) {
	h := newHarness(t)
	tests := map[string]string{
		"/case open chargeback x=1":   "case open",
		"/CASE SHOW CB-1":             "case show",
		"/case help":                  "help",
		"/case":                       "help",
		"/case drop table cases":      "unknown",
		`/whatever "customer@x.test"`: "unknown",
	}
	for line, want := range tests {
		if got := h.router.CommandOf(&bot.Request{Text: line}); got != want {
			t.Errorf("CommandOf(%q) = %q, want %q", line, got, want)
		}
	}
}

func BenchmarkOpenCase(b *testing.B) {
	h := newHarness(b)
	for b.Loop() {
		h.send("kari", `/case open chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann"`)
	}
}
