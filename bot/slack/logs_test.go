package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// A response_url is a secret (whoever holds it can post to the channel): a
// failed post to one is logged without it.
func TestResponseURLNotLogged(t *testing.T) {
	f := slackfake.New(t)
	a, logs := newTestAdapter(t, f, func(c *Config) { c.AckBudget = 20 * time.Millisecond })
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	secret := "/commands/T1/4242/Zx9secretHooksToken"
	release := make(chan struct{})
	h := newRecorder(func(context.Context, *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "Deadlines, soonest first:", Visibility: bot.Ephemeral}, nil
	})
	body := strings.Replace(slashBody(f, "/case", "deadlines"), "response_url=", "response_url="+strings.ReplaceAll(gone.URL+secret, "/", "%2F")+"&x=", 1)
	if w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", body, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	close(release)
	// The reply goes another way, and the failure is logged.
	f.NextCall(t, "chat.postEphemeral", wait)
	if log := logs.String(); !strings.Contains(log, "response_url failed") || strings.Contains(log, "Zx9secretHooksToken") {
		t.Errorf("the log lacks the failure or holds the response_url:\n%s", log)
	}
}
