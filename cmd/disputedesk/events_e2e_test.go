package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

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
