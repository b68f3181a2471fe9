package slack

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// A slash command whose HTTP request ends before its reply is ready (serve
// shutting down, or Slack hanging up) still gets its reply, through the
// response_url: the change behind it may have been committed.
func TestSlashCommandReplyOutlivesItsRequest(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	release := make(chan struct{})
	h := newRecorder(func(context.Context, *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "Opened RMA-1001.", Visibility: bot.Ephemeral}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	r := signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/return", "reason=late order=7"), time.Now()).WithContext(ctx)
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- serve(a, h, r) }()
	h.next(t)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not end with its context")
	}
	close(release)
	c := f.NextCall(t, "response_url", wait)
	if got := decodeJSON(t, c.Body); got["text"] != "Opened RMA-1001." {
		t.Errorf("response_url got %s", c.Body)
	}
}
