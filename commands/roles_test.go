package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
)

// withLeads names the leads of a harness, as DISPUTEDESK_LEADS would.
func withLeads(t testing.TB, v string) func(*commands.Deps) {
	t.Helper()
	leads, err := commands.ParseLeads(v)
	if err != nil {
		t.Fatal(err)
	}
	return func(d *commands.Deps) { d.Leads = leads }
}

// Only a lead closes a chargeback as accepted or does the fight-or-accept
// step; others are told whom to ask, with a button that asks them in the
// case's thread. Other outcomes and agent steps stay open to everyone.
func TestOnlyLeadsDoWhatPlaybooksGiveThem(t *testing.T) {
	h := newHarnessWith(t, nil, withLeads(t, "slack:U1LEAD,slack:U2LEAD,discord:role:123456789012"))
	h.slack(bot.Request{Text: "/dispute chargeback order=1042 amount=49,90 currency=EUR"})
	h.claim()
	refused := h.slack(bot.Request{Text: "/case close CB-1001 outcome=accepted"})
	wantContains(t, refused, "Only a lead may close CB-1001 as accepted: ask @U1LEAD, @U2LEAD")
	if refused.Visibility != bot.Ephemeral {
		t.Errorf("the refusal is shown to the channel, want it private")
	}
	wantContains(t, h.slack(bot.Request{Text: "/case done CB-1001 decide"}), "Only a lead may do step decide of CB-1001")
	wantContains(t, h.slack(bot.Request{Text: "/case done CB-1001 acknowledge"}), "Done on CB-1001")

	for len(h.claim()) > 0 { // the outbox delivers a case's messages in order, one at a time
	}
	asked, ok := h.press(refused, "Ask a lead")
	if !ok {
		t.Fatalf("no Ask a lead button: %+v", refused.Buttons)
	}
	wantContains(t, asked, "@U1KARI asks @U1LEAD, @U2LEAD")
	var posted bool
	for _, m := range h.claim() { // the thread post comes first
		var r bot.Reply
		if err := json.Unmarshal([]byte(m.Payload), &r); err == nil && strings.Contains(r.Text, "close CB-1001 as accepted") {
			posted = true
		}
	}
	if !posted {
		t.Errorf("the request to the leads was not posted in the case's thread")
	}

	wantContains(t, h.slack(bot.Request{User: "U2LEAD", Text: "/case done CB-1001 decide"}), "Done on CB-1001")
	wantContains(t, h.slack(bot.Request{User: "U2LEAD", Text: "/case close CB-1001 outcome=accepted force=yes"}), "Closed CB-1001: accepted")
}

// A refund up to the playbook's approval_above any agent does; above it,
// finance (a lead) must.
func TestRefundAboveApprovalNeedsALead(t *testing.T) {
	h := newHarnessWith(t, nil, withLeads(t, "console:lead"))
	h.send("kari", "/return reason=damaged order=1 amount=150 currency=EUR")
	h.send("kari", "/return reason=damaged order=2 amount=900 currency=EUR")
	wantContains(t, h.send("kari", "/case done RMA-1001 refund"), "Done on RMA-1001")
	wantContains(t, h.send("kari", "/case done RMA-1002 refund"), "Only finance may do step refund of RMA-1002: ask @lead")
	wantContains(t, h.send("lead", "/case done RMA-1002 refund"), "Done on RMA-1002")
}

// Without DISPUTEDESK_LEADS everyone may do everything.
func TestWithoutLeadsEveryoneMay(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	wantContains(t, h.send("kari", "/case close CB-1001 outcome=accepted force=yes"), "Closed CB-1001: accepted")
}

func TestParseLeads(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{in: "slack:U0123, discord:123456789012345678 discord:role:234567890123", want: "slack:U0123 discord:123456789012345678 discord:role:234567890123"},
		{in: "U0123", err: "write slack:U0123"},
		{in: "123456789012345678", err: "write discord:123456789012345678"},
		{in: "slack:S0123, slack:group:S0456", want: "slack:S0123 slack:S0456"},
		{in: "slack:@leads", err: "write slack:S0123, the group's id"},
		{in: "teams:bob", err: "write slack:U0123 (a Slack user)"},
		{in: "discord:role:abc", err: "discord:role:123456789012345678"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			leads, err := commands.ParseLeads(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseLeads(%q) = %v, want an error saying %q", tt.in, err, tt.err)
				}
				return
			}
			var got []string
			for _, l := range leads {
				got = append(got, l.String())
			}
			if err != nil || strings.Join(got, " ") != tt.want {
				t.Errorf("ParseLeads(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

// A Discord role named in DISPUTEDESK_LEADS makes its members leads: Discord
// sends a member's roles with each interaction.
func TestDiscordRoleMakesALead(t *testing.T) {
	h := newHarnessWith(t, nil, withLeads(t, "discord:role:123456789012"))
	send := func(roles []string, line string) bot.Reply {
		t.Helper()
		reply, err := h.router.Handle(context.Background(), &bot.Request{ID: fmt.Sprintf("d-%d", h.n.Add(1)), Platform: bot.PlatformDiscord,
			Workspace: "900000000001", Channel: "900000000002", User: "900000000003", Roles: roles, Text: line})
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}
	send(nil, "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	wantContains(t, send([]string{"55555"}, "/case close CB-1001 outcome=accepted"), "Only a lead may close CB-1001 as accepted: ask @group:123456789012")
	wantContains(t, send([]string{"55555", "123456789012"}, "/case close CB-1001 outcome=accepted force=yes"), "Closed CB-1001: accepted")
}

// A Slack user group named in DISPUTEDESK_LEADS makes its members leads: the
// Slack adapter gives a user's groups as the request's Roles.
func TestSlackGroupMakesALead(t *testing.T) {
	leads := withLeads(t, "slack:S0LEADS")
	h := newHarnessWith(t, nil, leads)
	send := func(roles []string, line string) bot.Reply {
		t.Helper()
		reply, err := h.router.Handle(context.Background(), &bot.Request{ID: fmt.Sprintf("s-%d", h.n.Add(1)), Platform: bot.PlatformSlack,
			Workspace: "T1", Channel: "C1", User: "U0AGENT", Roles: roles, Text: line})
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}
	send(nil, "/dispute chargeback order=1042 amount=49,90 currency=EUR")
	wantContains(t, send([]string{"S0ONCALL"}, "/case close CB-1001 outcome=accepted"), "Only a lead may close CB-1001 as accepted: ask @group:S0LEADS")
	wantContains(t, send([]string{"S0ONCALL", "S0LEADS"}, "/case close CB-1001 outcome=accepted force=yes"), "Closed CB-1001: accepted")
}
