package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// recoveryBudget is how soon after Slack answers again everything that
// waited must have been delivered: the outbox holds a failing platform for
// at most 5 s between probes, then sends what waited at once.
const recoveryBudget = 10 * time.Second

// TestSlackOutage: Slack answers 429 (Retry-After: 1) for 15 s, then HTTP 500
// for 15 s, then serves again, while cases are opened and noted. Every card,
// thread post and card update is delivered exactly once, each case's in
// order, within seconds of the recovery. It runs in parallel with the other
// tests, as it spends most of its 30 s waiting.
func TestSlackOutage(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	srv := serve(t, slackEnv(fake, filepath.Join(t.TempDir(), "cases.db"))...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	var limitedUntil, back time.Time
	for _, method := range []string{"chat.postMessage", "chat.update"} {
		limitedUntil = fake.FailFor(method, http.StatusTooManyRequests, 15*time.Second)
		back = fake.FailFor(method, http.StatusInternalServerError, 15*time.Second)
	}
	run := func(user, cmd, text, want string) {
		t.Helper()
		if _, body, err := client.SlashCommand(cmd, text, slackfake.SlashOpts{UserID: user}); err != nil || !strings.Contains(string(body), want) {
			t.Fatalf("%s %s: %v %s\n%s", cmd, text, err, body, srv.logs.String())
		}
	}

	// While rate limited.
	run("U0KARI", "/dispute", "chargeback order=1042 amount=49,90 currency=EUR", "Opened CB-1001")
	run("U0KARI", "/case", "note CB-1001 Called the customer", "Noted on CB-1001")
	time.Sleep(time.Until(limitedUntil.Add(time.Second))) // into the server errors
	run("U0OLA", "/return", "reason=damaged order=2231", "Opened RMA-1001")
	run("U0OLA", "/case", "note CB-1001 Evidence uploaded", "Noted on CB-1001")
	run("U0OLA", "/case", "note RMA-1001 Asked for photos", "Noted on RMA-1001")
	if n := len(fake.Messages()); n != 0 {
		t.Fatalf("%d messages accepted during the outage, want none", n)
	}

	want := map[string][]string{ // per case, what its card's channel shows, in order
		"CB-1001":  {"card", "post U0KARI", "update", "post U0OLA", "update"},
		"RMA-1001": {"card", "post U0OLA", "update"},
	}
	fake.WaitFor(t, time.Until(back)+recoveryBudget, func(m []slackfake.Message) bool {
		for ref, seq := range want {
			if len(delivered(ref, m)) < len(seq) {
				return false
			}
		}
		return true
	})
	t.Logf("delivered %v after Slack answered again", time.Since(back).Round(100*time.Millisecond))
	srv.stop() // nothing more can arrive
	msgs := fake.Messages()
	for ref, seq := range want {
		if got := delivered(ref, msgs); fmt.Sprint(got) != fmt.Sprint(seq) {
			t.Errorf("%s: delivered %q, want %q (each once, in order)\n%s", ref, got, seq, fake.Dump())
		}
	}
	if strings.Contains(srv.logs.String(), "failed permanently") {
		t.Errorf("a message failed for good:\n%s", srv.logs.String())
	}
}

// delivered describes what Slack accepted for case ref, in order: its
// card, the posts in its thread (by who made the change) and the card's
// updates.
func delivered(ref string, msgs []slackfake.Message) []string {
	cards := cardsOf(ref, msgs)
	if len(cards) == 0 {
		return nil
	}
	card := cards[0].TS
	var got []string
	for _, m := range msgs {
		switch {
		case m.Method == "chat.postMessage" && m.ThreadTS == "" && strings.Contains(m.Text+string(m.Blocks), ref):
			got = append(got, "card")
		case m.Method == "chat.postMessage" && m.ThreadTS == card:
			who := "?"
			for _, u := range []string{"U0KARI", "U0OLA"} {
				if strings.Contains(m.Text, u) {
					who = u
				}
			}
			got = append(got, "post "+who)
		case m.Method == "chat.update" && m.TS == card:
			got = append(got, "update")
		}
	}
	return got
}
