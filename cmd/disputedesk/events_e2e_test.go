package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// Slack delivers an event it thinks was not received up to three times
// more, with the same event id: a mention is answered once.
func TestSlackRetriedMentionAnsweredOnce(t *testing.T) {
	fake := slackfake.New(t)
	srv := serve(t, slackEnv(fake, filepath.Join(t.TempDir(), "cases.db"))...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	mention := slackfake.AppMention("", "Ev200", "", "U0OLA", "", "customer says the parcel never arrived, order 1042", "")
	answers := func() int {
		n := 0
		for _, m := range fake.Messages() {
			if m.Method == "chat.postEphemeral" && m.User == "U0OLA" {
				n++
			}
		}
		return n
	}
	for retry := range 4 {
		// A delivery while the previous one is still being answered gets
		// 503, and Slack would deliver it again: so does the test.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			resp, _, err := client.Event(mention, slackfake.SignOpts{RetryNum: retry})
			if err == nil && resp.StatusCode == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("delivery %d: %v %v\n%s", retry, err, resp, srv.logs.String())
			}
		}
		if retry == 0 {
			fake.WaitFor(t, 10*time.Second, func([]slackfake.Message) bool { return answers() == 1 })
		}
	}
	srv.stop() // drains: an answer still being sent is sent
	if n := answers(); n != 1 {
		t.Errorf("the mention was answered %d times, want once", n)
	}
}

// A message in a case's thread that cannot be stored (the database is
// down) is not acknowledged, so that Slack delivers it again.
func TestSlackThreadMessageNotAcknowledgedUnstored(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := pgtest.URL(t)
	srv := serve(t, slackEnv(fake, dbURL)...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/return", "reason=lost order=2231", slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "RMA-1001") {
		t.Fatalf("open: %v %s", err, body)
	}
	card := cardsOf("RMA-1001", fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("RMA-1001", m)) == 1 }))[0]
	dropDatabase(t, dbURL)
	msg := slackfake.MessageEvent("", "Ev201", card.Channel, "U0OLA", "Carrier says the parcel is in Trondheim", "", card.TS)
	resp, _, err := client.Event(msg, slackfake.SignOpts{})
	if err != nil || resp.StatusCode == http.StatusOK {
		t.Errorf("a thread message that was not stored was answered %v %v, want an error status so Slack delivers it again", err, resp)
	}
}
