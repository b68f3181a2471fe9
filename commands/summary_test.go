package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// TestSummarySubscription: /case summary subscribes a channel, shows the
// subscription with the next summary in the channel's zone, keeps what a
// second subscribe leaves out, refuses what it cannot read, and stops.
// Another channel's and another workspace's settings are their own.
func TestSummarySubscription(t *testing.T) {
	h := newHarness(t) // now is Sunday 22 Nov 2026, 09:30 UTC
	say := func(team, channel, line string) string {
		t.Helper()
		return render(h.in(team, channel, bot.Request{Text: line}))
	}
	for _, tc := range []struct{ line, want string }{
		{"/case summary", "This channel has no daily summary. Subscribe: /case summary subscribe 09:00 Europe/Oslo weekdays"},
		{"/case summary subscribe 25:00", `"25:00" is not a time of day: write it as HH:MM`},
		{"/case summary subscribe 09:00 Mars/Olympus", `"Mars/Olympus" is not a time zone`},
		{"/case summary sometimes", `"sometimes" is not something /case summary does`},
	} {
		if got := say("T1", "C1", tc.line); !strings.Contains(got, tc.want) {
			t.Errorf("%s answered %q, want %q", tc.line, got, tc.want)
		}
	}
	if got := say("T1", "C1", "/case summary subscribe 08:30 Europe/Oslo weekdays"); !strings.Contains(got,
		"Subscribed. This channel gets the daily summary every weekday at 08:30 Europe/Oslo, next Mon 23 Nov 08:30 CET.") {
		t.Errorf("subscribe answered %q", got)
	}
	if got := say("T1", "C1", "/case summary subscribe daily"); !strings.Contains(got, "every day at 08:30 Europe/Oslo, next Mon 23 Nov 08:30 CET") {
		t.Errorf("subscribe daily answered %q, want the time and zone kept", got)
	}
	if got := say("T1", "C2", "/case summary subscribe"); !strings.Contains(got, "every day at 09:00 UTC") || !strings.Contains(got, "Times are in UTC") {
		t.Errorf("subscribe with nothing answered %q, want 09:00 UTC every day, and how to give a zone", got)
	}
	if got := say("T2", "C1", "/case summary"); !strings.Contains(got, "no daily summary") {
		t.Errorf("T2's C1 answered %q, want it unsubscribed", got)
	}
	subs, err := h.store.Subscriptions(context.Background())
	if err != nil || len(subs) != 2 || subs[0].Channel != "C1" || subs[0].SummaryDays != storage.SummaryDaily || subs[0].UpdatedBy != "U1KARI" {
		t.Fatalf("Subscriptions = %+v, %v; want C1 (daily, by U1KARI) and C2", subs, err)
	}
	if got := say("T1", "C1", "/case summary unsubscribe"); !strings.Contains(got, "no longer gets the daily summary") {
		t.Errorf("unsubscribe answered %q", got)
	}
	if ch, _ := h.store.ChannelSettings(context.Background(), bot.PlatformSlack, "T1", "C1"); ch.Subscribed() || ch.Zone != "Europe/Oslo" {
		t.Errorf("after unsubscribing: %+v, want no summary and the zone kept", ch)
	}
	if got := render(h.send("kari", "/case summary now")); !strings.Contains(got, "the console has no channel") {
		t.Errorf("the console answered %q", got)
	}
}

// TestSummaryNow: /case summary now queues the channel's summary once,
// however often the request is retried, with buttons to the urgent cases.
func TestSummaryNow(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/case open chargeback order=1042 amount=49,90 currency=EUR reason=fraudulent due_by=2026-11-23T12:00Z"})
	h.claim()
	for range 3 {
		wantContains(t, h.slack(bot.Request{ID: "now-1", Text: "/case summary now"}), "Posting the summary in this channel.")
	}
	msgs := h.claim()
	if len(msgs) != 1 || msgs[0].Kind != storage.OutboxChannel || msgs[0].Channel != "C1" {
		t.Fatalf("queued %+v, want one channel message in C1", msgs)
	}
	r := payload(t, msgs[0])
	if !strings.HasPrefix(r.Title, "Daily summary · Sun 22 Nov") || !strings.Contains(render(r), "CB-1001") {
		t.Errorf("summary = %q, want the day's summary listing CB-1001", render(r))
	}
	if len(r.Buttons) == 0 || r.Buttons[0].Command != "/case show CB-1001" || r.Buttons[0].ID == "" {
		t.Errorf("buttons = %+v, want one showing CB-1001 with an action id", r.Buttons)
	}
}
