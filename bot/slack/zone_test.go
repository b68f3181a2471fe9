package slack

import (
	"net/http"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// TestUserZoneFromUsersInfo: Slack sends no time zone with a command, so the
// adapter gives the request the user's zone from users.info (times are
// shown in it when neither the case nor the channel has one), asking once
// for both of the user's requests.
func TestUserZoneFromUsersInfo(t *testing.T) {
	f := slackfake.New(t)
	f.AddUser(slackfake.User{ID: "U123ABC", Name: "kari", Locale: "nb-NO", TZ: "Europe/Oslo"})
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(reply(bot.Reply{Text: "ok"}))
	for range 2 {
		w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "due"), time.Now()))
		if w.Code != http.StatusOK {
			t.Fatalf("status = %d: %s", w.Code, w.Body)
		}
		if req := h.next(t); req.Zone != "Europe/Oslo" || req.Locale != "nb-NO" {
			t.Errorf("request zone, locale = %q, %q; want Europe/Oslo, nb-NO from users.info", req.Zone, req.Locale)
		}
	}
	if n := f.Calls("users.info"); n != 1 {
		t.Errorf("users.info called %d times for one user's two requests, want 1 (cached)", n)
	}
}
