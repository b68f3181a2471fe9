package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// on runs line as user U1KARI in a channel of platform's workspace.
func (h *harness) on(platform, workspace, channel, line string) bot.Reply {
	h.t.Helper()
	reply, err := h.router.Handle(context.Background(), &bot.Request{ID: fmt.Sprintf("%s-%d", platform, h.n.Add(1)),
		Platform: platform, Workspace: workspace, Channel: channel, User: "U1KARI", Text: line})
	if err != nil {
		h.t.Fatal(err)
	}
	return reply
}

// settings reads a channel's settings.
func (h *harness) settings(platform, workspace, channel string) storage.ChannelSettings {
	h.t.Helper()
	s, err := h.store.ChannelSettings(context.Background(), platform, workspace, channel)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// TestOncall: /case oncall sets a channel's on-call group from what Slack
// and Discord send for a mention, or a bare id, shows it, and off clears
// it; other settings of the channel stay, and no other channel or
// workspace changes.
func TestOncall(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, _, err := h.store.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SaveChannelSettings(ctx, &storage.ChannelSettings{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1",
			Zone: "Europe/Oslo", SummaryAt: "09:00", SummaryDays: storage.SummaryWeekdays, UpdatedBy: "U9"})
	}); err != nil {
		t.Fatal(err)
	}

	wantContains(t, h.on(bot.PlatformSlack, "T1", "C1", "/case oncall"), "mention nobody")
	wantContains(t, h.on(bot.PlatformSlack, "T1", "C1", "/case oncall <!subteam^S0123ABC|@support-oncall>"),
		"Reminders of unassigned cases in this channel now mention @group:S0123ABC.")
	s := h.settings(bot.PlatformSlack, "T1", "C1")
	if s.OnCall != "S0123ABC" || s.UpdatedBy != "U1KARI" || s.Zone != "Europe/Oslo" || s.SummaryAt != "09:00" || s.SummaryDays != storage.SummaryWeekdays {
		t.Errorf("settings after a Slack mention: %+v", s)
	}
	show := h.on(bot.PlatformSlack, "T1", "C1", "/case oncall")
	wantContains(t, show, "mention @group:S0123ABC")
	if show.Visibility != bot.Ephemeral {
		t.Error("showing the group is posted for the channel, pinging the group")
	}
	for line, want := range map[string]string{
		"/case oncall @&S0ABCDEF":      "S0ABCDEF", // what the Slack adapter makes of the markup
		"/case oncall <!subteam^S0X1>": "S0X1",
		"/case oncall S0BARE":          "S0BARE",
	} {
		h.on(bot.PlatformSlack, "T1", "C1", line)
		if got := h.settings(bot.PlatformSlack, "T1", "C1").OnCall; got != want {
			t.Errorf("%s: on call %q, want %q", line, got, want)
		}
	}

	wantContains(t, h.on(bot.PlatformDiscord, "G1", "C1", "/case oncall <@&123456789012345678>"), "now mention @group:123456789012345678")
	if got := h.settings(bot.PlatformDiscord, "G1", "C1").OnCall; got != "123456789012345678" {
		t.Errorf("Discord role: on call %q", got)
	}
	h.on(bot.PlatformDiscord, "G1", "C1", "/case oncall @&876543210987654321")
	if got := h.settings(bot.PlatformDiscord, "G1", "C1").OnCall; got != "876543210987654321" {
		t.Errorf("Discord role as the adapter reads it: on call %q", got)
	}

	before := h.settings(bot.PlatformSlack, "T1", "C1")
	for _, tc := range []struct{ platform, line, want string }{
		{bot.PlatformSlack, "/case oncall @support-oncall", "a Slack user group: type @ and pick the group"},
		{bot.PlatformSlack, "/case oncall <@U1KARI>", "is not a group the bot can mention"},
		{bot.PlatformSlack, "/case oncall <@&123456789012345678>", "S0123ABC"},
		{bot.PlatformSlack, "/case oncall S0123ABC extra", "is not a group"},
	} {
		wantContains(t, h.on(tc.platform, "T1", "C1", tc.line), tc.want)
	}
	wantContains(t, h.on(bot.PlatformDiscord, "G1", "C1", "/case oncall <!subteam^S0123ABC>"), "a Discord role")
	if after := h.settings(bot.PlatformSlack, "T1", "C1"); after.OnCall != before.OnCall || after.UpdatedAt != before.UpdatedAt {
		t.Errorf("a refused group changed the settings: %+v", after)
	}

	wantContains(t, h.on(bot.PlatformSlack, "T1", "C1", "/case oncall off"), "now mention nobody")
	if s := h.settings(bot.PlatformSlack, "T1", "C1"); s.OnCall != "" || s.SummaryAt != "09:00" {
		t.Errorf("after off: %+v", s)
	}
	for _, other := range [][3]string{{bot.PlatformSlack, "T1", "C2"}, {bot.PlatformSlack, "T2", "C1"}, {bot.PlatformDiscord, "G2", "C1"}} {
		if s := h.settings(other[0], other[1], other[2]); s.OnCall != "" || s.UpdatedBy != "" {
			t.Errorf("%v changed: %+v", other, s)
		}
	}
	if got := h.settings(bot.PlatformDiscord, "G1", "C1").OnCall; got != "876543210987654321" {
		t.Errorf("Slack's off cleared Discord's group: %q", got)
	}

	wantContains(t, h.send("kari", "/case oncall @&S0123ABC"), "The console has no channels")
	if !strings.Contains(render(h.send("kari", "/case help oncall")), "/case oncall [group]") {
		t.Error("help does not show the command's usage")
	}
}
