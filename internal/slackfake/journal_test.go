package slackfake_test

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// NextCall reads the calls in order, skipping other methods; NoCall sees
// none of a method; Handle answers instead of the fake; RefuseToken and
// Close make calls fail.
func TestJournal(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	if _, err := api.AuthTest(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("first", false)); err != nil {
		t.Fatal(err)
	}
	if c := s.NextCall(t, "chat.postMessage", time.Second); c.Params["text"] != "first" || c.Params["token"] != "" {
		t.Errorf("NextCall = %+v", c)
	}
	s.NoCall(t, "auth.test", 10*time.Millisecond) // skipped by NextCall

	s.Handle("chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		if b, _ := io.ReadAll(r.Body); len(b) == 0 {
			t.Error("Handle got an empty body")
		}
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("second", false))
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); !ok || rl.RetryAfter != 7*time.Second {
		t.Errorf("PostMessage = %v, want rate limited for 7s", err)
	}
	if c := s.NextCall(t, "chat.postMessage", time.Second); c.Params["text"] != "second" {
		t.Errorf("NextCall = %+v", c)
	}

	s.RefuseToken("xoxb-revoked")
	if _, err := slack.New("xoxb-revoked", slack.OptionAPIURL(s.APIURL())).AuthTest(); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("AuthTest with a refused token = %v, want invalid_auth", err)
	}

	s.Close()
	if _, err := api.AuthTest(); err == nil {
		t.Error("AuthTest succeeded after Close")
	}
}
