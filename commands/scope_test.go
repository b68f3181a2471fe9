package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/playbooks"
)

// in sends req as it arrives from Slack workspace team, channel channel.
func (h *harness) in(team, channel string, req bot.Request) bot.Reply {
	h.t.Helper()
	if req.ID == "" {
		req.ID = fmt.Sprintf("slack-%d", h.n.Add(1))
	}
	req.Platform, req.Workspace, req.Channel = bot.PlatformSlack, team, channel
	if req.User == "" {
		req.User = "U1KARI"
	}
	reply, err := h.router.Handle(context.Background(), &req)
	if err != nil {
		h.t.Fatal(err)
	}
	return reply
}

// attempts are what another workspace tries on CB-1001: every command that
// takes a reference, a button and a form.
var attempts = []bot.Request{
	{Text: "/case show CB-1001"},
	{Text: "/case steps CB-1001"},
	{Text: "/case close CB-1001 outcome=won"},
	{Text: "/case reopen CB-1001"},
	{Text: "/case note CB-1001 from another team"},
	{Text: "/case assign CB-1001 @me"},
	{Text: "/case done CB-1001 acknowledge"},
	{Text: "/case skip CB-1001 acknowledge reason=no"},
	{Text: "/case check CB-1001 acknowledge 1"},
	{Text: "/case uncheck CB-1001 acknowledge 1"},
	{Text: "/case evidence CB-1001 kind=receipt ref=x"},
	{Text: "/case set CB-1001 order=666"},
	{Text: "/case draft CB-1001"},
	{Text: "/case approve CB-1001 1"},
	{Action: &bot.Action{ID: bot.ActionRun, Value: "/case note CB-1001 pressed elsewhere"}},
	{Action: &bot.Action{ID: bot.ActionForm, Value: "/case close CB-1001", Values: map[string]string{"outcome": "won"}}},
}

func TestAnotherWorkspaceCannotSeeOrChangeACase(t *testing.T) {
	h := newHarness(t)
	h.in("T1", "C1", bot.Request{Text: `/dispute chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann"`})
	h.claim("1700000001.000100") // the card, and with it the case's thread
	before := h.snapshot()

	for _, req := range attempts {
		line := req.Text
		if req.Action != nil {
			line = req.Action.Value
		}
		got := render(h.in("T2", "C1", req))
		// No oracle: the answer is the one for a case that does not exist.
		absent := req
		if absent.Action != nil {
			a := *req.Action
			a.Value = strings.ReplaceAll(a.Value, "CB-1001", "CB-1999")
			absent.Action = &a
		}
		absent.Text = strings.ReplaceAll(absent.Text, "CB-1001", "CB-1999")
		want := strings.ReplaceAll(render(h.in("T2", "C1", absent)), "CB-1999", "CB-1001")
		if got != want {
			t.Errorf("%s from T2 answered\n%s\nbut for a case that does not exist\n%s", line, got, want)
		}
		if !strings.Contains(got, "there is no case CB-1001") {
			t.Errorf("%s from T2 answered %q; want there is no case CB-1001", line, got)
		}
		if strings.Contains(got, "Kari") {
			t.Errorf("%s from T2 shows the customer: %q", line, got)
		}
	}
	for _, line := range []string{"/case list all", "/case list", "/case due"} {
		if got := render(h.in("T2", "C1", bot.Request{Text: line})); strings.Contains(got, "CB-1001") {
			t.Errorf("%s from T2 lists T1's case:\n%s", line, got)
		}
	}
	// The same channel and thread ids in another team are another thread.
	h.in("T2", "C1", bot.Request{ID: "Ev-T2", Thread: "1700000001.000100", Text: "a message in T2"})
	if after := h.snapshot(); after != before {
		t.Errorf("T2 changed T1's case:\nbefore\n%s\nafter\n%s", before, after)
	}
	if got := render(h.in("T1", "C1", bot.Request{Text: "/case show CB-1001"})); !strings.Contains(got, "Kari Nordmann") {
		t.Errorf("T1 cannot see its own case:\n%s", got)
	}
}

func TestConsoleSeesEveryWorkspaceOrTheOneItNames(t *testing.T) {
	h := newHarness(t)
	h.in("T1", "C1", bot.Request{Text: "/dispute chargeback order=1042 amount=49,90 currency=EUR"})
	h.in("T2", "C7", bot.Request{Text: "/return order=2231 reason=damaged"})
	list := render(h.send("ola", "/case list"))
	for _, want := range []string{"CB-1001", "slack T1 #C1", "RMA-1001", "slack T2 #C7"} {
		if !strings.Contains(list, want) {
			t.Errorf("the console's /case list lacks %q:\n%s", want, list)
		}
	}
	if show := render(h.send("ola", "/case show RMA-1001")); !strings.Contains(show, "Workspace: slack T2 #C7") {
		t.Errorf("the console's /case show does not say whose case it is:\n%s", show)
	}

	t2 := newHarnessWith(t, nil, func(d *commands.Deps) { d.Store, d.ConsoleWorkspace = h.store, "slack:T2" })
	if got := render(t2.send("ola", "/case show CB-1001")); !strings.Contains(got, "there is no case CB-1001") {
		t.Errorf("the console on slack:T2 shows T1's case:\n%s", got)
	}
	if got := render(t2.send("ola", "/case show RMA-1001")); !strings.Contains(got, "RMA-1001") || strings.Contains(got, "there is no case") {
		t.Errorf("the console on slack:T2 cannot see T2's case:\n%s", got)
	}
	if got := render(t2.send("ola", "/return order=1 reason=damaged")); !strings.Contains(got, "without --workspace") {
		t.Errorf("the console on slack:T2 opened a case it could not see: %s", got)
	}
}

func TestConsoleWorkspaceMustBeWellFormed(t *testing.T) {
	catalog, err := playbooks.Load("")
	if err != nil {
		t.Fatal(err)
	}
	store := newHarness(t).store
	for _, bad := range []string{"T1", "slack:", "teams:T1"} {
		_, err := commands.NewRouter(commands.Deps{Store: store, Playbooks: catalog, ConsoleWorkspace: bad})
		if err == nil || !strings.Contains(err.Error(), "slack:T0123") {
			t.Errorf("ConsoleWorkspace %q: %v; want an error showing the form", bad, err)
		}
	}
}

func TestAllowedChannels(t *testing.T) {
	h := newHarnessWith(t, nil, func(d *commands.Deps) { d.Channels = map[string][]string{"slack:T1": {"C1"}} })
	h.in("T1", "C1", bot.Request{Text: "/dispute chargeback order=1042 amount=49,90 currency=EUR"})
	h.claim("1700000001.000100")
	before := h.snapshot()
	for _, req := range attempts {
		if got := render(h.in("T1", "C2", req)); !strings.Contains(got, "does not work in this channel") {
			t.Errorf("%+v from T1's C2 answered %q; want it refused", req, got)
		}
	}
	if got := render(h.in("T1", "C2", bot.Request{Text: "/return order=1 reason=damaged"})); !strings.Contains(got, "does not work in this channel") {
		t.Errorf("a case was opened in a channel the team did not allow: %q", got)
	}
	if r := h.in("T1", "C2", bot.Request{ID: "Ev-C2", Thread: "1700000001.000100", Text: "hi", Mentioned: true}); r.Text != "" {
		t.Errorf("the bot answered a message in a channel it does not work in: %q", r.Text)
	}
	if after := h.snapshot(); after != before {
		t.Errorf("a request from C2 changed the case:\nbefore\n%s\nafter\n%s", before, after)
	}
	if got := render(h.in("T1", "C1", bot.Request{Text: "/case show CB-1001"})); strings.Contains(got, "there is no case") {
		t.Errorf("C1 cannot see its case: %s", got)
	}
	if got := render(h.in("T2", "C2", bot.Request{Text: "/case list"})); strings.Contains(got, "does not work") {
		t.Errorf("a workspace with no channel list is limited: %s", got)
	}
}
