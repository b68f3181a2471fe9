package stripehook_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/stripefake"
	"github.com/disputedesk/disputedesk/internal/stripehook"
	"github.com/disputedesk/disputedesk/playbooks"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

// posts are the forms of the dispute updates fake answered.
func posts(fake *stripefake.Server) []map[string]string {
	var forms []map[string]string
	for _, c := range fake.Calls() {
		if c.Method == http.MethodPost {
			f := map[string]string{}
			for k := range c.Form {
				f[k] = c.Form.Get(k)
			}
			forms = append(forms, f)
		}
	}
	return forms
}

// evidenceRouter is a router on a fresh SQLite store that sends evidence
// to fake, with clock as its time and deps changed by opt.
func evidenceRouter(t *testing.T, fake *stripefake.Server, clock func() time.Time, opt ...func(*commands.Deps)) *commands.Router {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "cases.db"), sqlstore.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	catalog, _ := playbooks.Builtin()
	deps := commands.Deps{Store: st, Playbooks: catalog, Now: clock, Evidence: stripehook.NewClient(stripefake.Key, fake.URL())}
	for _, o := range opt {
		o(&deps)
	}
	router, err := commands.NewRouter(deps)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

// consoleSender runs lines as kari at the console, each under its own
// request id, and returns the reply's text and sections, or the error.
func consoleSender(router *commands.Router) func(line string) string {
	n := 0
	return func(line string) string {
		n++
		req := &bot.Request{ID: fmt.Sprint("r", n), Platform: bot.PlatformConsole, Workspace: bot.PlatformConsole, Channel: bot.PlatformConsole, User: "kari", Text: line}
		reply, err := router.Handle(context.Background(), req)
		if err != nil {
			return err.Error()
		}
		return reply.Text + "\n" + strings.Join(sectionLines(reply), "\n")
	}
}

func TestStageEvidence(t *testing.T) {
	fake := stripefake.New(t)
	router := evidenceRouter(t, fake, func() time.Time { return now })
	send := consoleSender(router)
	send("/case open chargeback order=1042 amount=49.99 currency=NOK dispute_id=dp_1 processor=stripe")
	if got := send("/case stripe stage CB-1001"); !strings.Contains(got, "no evidence yet") {
		t.Errorf("stage without evidence: %s", got)
	}
	send(`/case evidence CB-1001 kind=shipping_tracking_number ref="PostNord 0037"`)
	send(`/case evidence CB-1001 kind=receipt ref=order-1042.pdf note="sent to the customer"`)
	// A file uploaded to Stripe already goes by its id; a file named in
	// chat cannot be uploaded by the bot, which says so.
	send(`/case evidence CB-1001 kind=shipping_documentation ref=file_1PodScan`)
	got := send("/case stripe stage CB-1001")
	for _, want := range []string{"Staged 3 evidence field(s) of CB-1001", "shipping_tracking_number: PostNord 0037",
		"shipping_documentation: file_1PodScan", "Not uploaded: receipt.", "in Stripe's Dashboard before submitting"} {
		if !strings.Contains(got, want) {
			t.Errorf("stage: %s\nwant %q", got, want)
		}
	}
	forms := posts(fake)
	if len(forms) != 1 {
		t.Fatalf("%d calls to Stripe; want 1", len(forms))
	}
	want := map[string]string{"submit": "false", "evidence[shipping_tracking_number]": "PostNord 0037", "evidence[shipping_documentation]": "file_1PodScan",
		"evidence[uncategorized_text]": "receipt: order-1042.pdf — sent to the customer"}
	for k, v := range want {
		if forms[0][k] != v {
			t.Errorf("Stripe got %s=%q; want %q (all: %v)", k, forms[0][k], v, forms[0])
		}
	}
	// Over Stripe's 150,000 characters, nothing is sent.
	for range 40 {
		send(`/case evidence CB-1001 kind=product_description ref=x note="` + strings.Repeat("a", 3900) + `"`)
	}
	if got := send("/case stripe stage CB-1001"); !strings.Contains(got, "Stripe takes at most 150000") {
		t.Errorf("stage of too much text: %s", got)
	}
	if n := len(posts(fake)); n != 1 {
		t.Errorf("%d calls to Stripe; want none for too much text", n-1)
	}
}

func sectionLines(r bot.Reply) []string {
	var lines []string
	for _, s := range r.Sections {
		lines = append(lines, s.Lines...)
	}
	return lines
}

// Submitting asks for a lead's button; the lead's press submits once, a
// second press sends nothing, and past due_by nothing is sent at all.
func TestSubmitEvidence(t *testing.T) {
	fake := stripefake.New(t)
	ctx := context.Background()
	clock := now
	leads, _ := commands.ParseLeads("slack:ULEAD")
	router := evidenceRouter(t, fake, func() time.Time { return clock }, func(d *commands.Deps) { d.Leads = leads })
	n := 0
	do := func(user, line string, action *bot.Action) bot.Reply {
		n++
		req := &bot.Request{ID: "r" + string(rune('a'+n)), Platform: "slack", Workspace: "T1", Channel: "C1", User: user, Text: line, Action: action}
		reply, _ := router.Handle(ctx, req)
		return reply
	}
	calls := func() int { return len(posts(fake)) }
	do("UAGENT", "/case open chargeback order=1042 amount=49.99 currency=NOK dispute_id=dp_1 processor=stripe due_by=2026-12-01T23:59Z", nil)
	do("UAGENT", `/case evidence CB-1001 kind=shipping_tracking_number ref="PostNord 0037"`, nil)
	do("UAGENT", `/case evidence CB-1001 kind=receipt ref=order-1042.pdf`, nil)
	ask := do("UAGENT", "/case stripe submit CB-1001 confirm=yes", nil) // typed, not the button: asks
	if len(ask.Buttons) != 1 || calls() != 0 {
		t.Fatalf("submit typed: %q with %d buttons, %d calls; want the approval button and no call", ask.Text, len(ask.Buttons), calls())
	}
	if lines := strings.Join(sectionLines(ask), "\n"); !strings.Contains(lines, "Not uploaded: receipt") {
		t.Errorf("the approval asked:\n%s\nwant it to say the receipt is not at Stripe before the one submission", lines)
	}
	press := &bot.Action{ID: bot.ActionRun, Value: ask.Buttons[0].ID}
	if got := do("UAGENT", "", press); !strings.Contains(got.Text, "Only a lead may submit") || calls() != 0 {
		t.Errorf("an agent's press: %q, %d calls; want it refused", got.Text, calls())
	}
	if got := do("ULEAD", "", press); !strings.Contains(got.Text, "Submitted the evidence of CB-1001") || calls() != 1 {
		t.Errorf("the lead's press: %q, %d calls; want submitted once", got.Text, calls())
	}
	if got := do("ULEAD", "", press); !strings.Contains(got.Text, "submitted to Stripe already") || calls() != 1 {
		t.Errorf("a second press: %q, %d calls; want no second submission", got.Text, calls())
	}
	if f := posts(fake)[0]; f["submit"] != "true" || f["evidence[shipping_tracking_number]"] != "PostNord 0037" {
		t.Errorf("Stripe got %v; want the evidence with submit=true", f)
	}

	// Past due_by, even the lead's press sends nothing.
	do("UAGENT", "/case open chargeback order=1043 amount=10 currency=NOK dispute_id=dp_2 processor=stripe due_by=2026-11-21T23:59Z", nil)
	do("UAGENT", `/case evidence CB-1002 kind=product_description ref=mug`, nil)
	ask = do("UAGENT", "/case stripe submit CB-1002", nil)
	clock = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	if got := do("ULEAD", "", &bot.Action{ID: bot.ActionRun, Value: ask.Buttons[0].ID}); !strings.Contains(got.Text, "no longer takes it") || calls() != 1 {
		t.Errorf("a press after due_by: %q, %d calls; want it refused", got.Text, calls())
	}
}

// TestStripeEvidenceKinds: a Stripe dispute takes every evidence field
// Stripe has, not only the playbook's checklist kinds, and each goes to its
// own field; a case of another processor does not.
func TestStripeEvidenceKinds(t *testing.T) {
	fake := stripefake.New(t)
	router := evidenceRouter(t, fake, func() time.Time { return now })
	send := consoleSender(router)
	send("/case open chargeback order=1042 amount=49.99 currency=NOK dispute_id=dp_1 processor=stripe reason=fraudulent")
	send("/case open chargeback order=1043 amount=49.99 currency=NOK processor=paypal reason=fraudulent")
	for _, line := range []string{
		`/case evidence CB-1001 kind=customer_purchase_ip ref=203.0.113.7`,
		`/case evidence CB-1001 kind=access_activity_log ref="logged in from Oslo 14 Nov, downloaded the invoice"`,
		`/case evidence CB-1001 kind=customer_signature ref=file_1Sig`,
	} {
		if got := send(line); !strings.Contains(got, "Evidence recorded on CB-1001") {
			t.Errorf("%s: %s", line, got)
		}
	}
	if got := send(`/case evidence CB-1002 kind=customer_purchase_ip ref=203.0.113.7`); !strings.Contains(got, "takes no evidence of kind") {
		t.Errorf("a PayPal dispute took a Stripe kind: %s", got)
	}
	send("/case stripe stage CB-1001")
	forms := posts(fake)
	if len(forms) != 1 {
		t.Fatalf("%d calls to Stripe; want 1", len(forms))
	}
	for k, v := range map[string]string{"evidence[customer_purchase_ip]": "203.0.113.7",
		"evidence[access_activity_log]": "logged in from Oslo 14 Nov, downloaded the invoice", "evidence[customer_signature]": "file_1Sig"} {
		if forms[0][k] != v {
			t.Errorf("Stripe got %s=%q; want %q (all: %v)", k, forms[0][k], v, forms[0])
		}
	}
}
