package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// The customer details the log test sends; none may reach the log.
const (
	logEmail = "kari.nordmann@example.no"
	logPhone = "+47 912 34 567"
	logName  = "Kari Nordmann"
)

// A debug-level run against Slack, with customer details in commands,
// thread messages, mentions and failing requests (bad input, and the
// database gone), logs no customer detail, token or secret.
func TestLogsHoldNoCustomerDataOrSecrets(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := pgtest.URL(t)
	srv := serve(t, append(slackEnv(fake, dbURL), "DISPUTEDESK_LOG_LEVEL=debug")...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	slash := func(cmd, text string) string {
		t.Helper()
		resp, body, err := client.SlashCommand(cmd, text, slackfake.SlashOpts{})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %v %v %s", cmd, text, err, resp, body)
		}
		return string(body)
	}
	event := func(ev any) {
		t.Helper()
		if _, _, err := client.Event(ev, slackfake.SignOpts{}); err != nil {
			t.Fatalf("event: %v", err)
		}
	}

	if body := slash("/return", `reason=damaged order=2231 customer="`+logName+`"`); !strings.Contains(body, "RMA-1001") {
		t.Fatalf("open: %s\n%s", body, srv.logs.String())
	}
	if body := slash("/case", "note RMA-1001 write to "+logEmail+" or call "+logPhone); !strings.Contains(body, "Noted on RMA-1001") {
		t.Fatalf("note: %s\n%s", body, srv.logs.String())
	}
	card := cardsOf("RMA-1001", fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("RMA-1001", m)) == 1 }))[0]
	// Mistakes that quote what the user typed.
	slash("/case", "show "+logEmail)
	slash("/case", `note RMA-1001`)
	slash("/case", `set RMA-1001 phone=`+logPhone+` customer="`+logName+`" bogus=`+logEmail)
	slash("/dispute", logEmail+" "+logName)
	slash("/case", "open "+logName+" order=1 email="+logEmail)
	event(slackfake.MessageEvent("", "", card.Channel, "U0OLA", logEmail+" wrote: call "+logName+" on "+logPhone, "", card.TS))
	event(slackfake.AppMention("", "", card.Channel, "U0OLA", "", logEmail+" "+logName+" "+logPhone+" never got the parcel", ""))
	fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.Method == "chat.postEphemeral" && x.User == "U0OLA" {
				return true
			}
		}
		return false
	})

	// The database goes away: every request fails on our side.
	dropDatabase(t, dbURL)
	event(slackfake.MessageEvent("", "", card.Channel, "U0OLA", logEmail+" wrote: call "+logName+" on "+logPhone, "", card.TS))
	event(slackfake.AppMention("", "", card.Channel, "U0OLA", "", logEmail+" "+logName+" "+logPhone, ""))
	slash("/case", "note RMA-1001 "+logEmail+" "+logName+" "+logPhone)
	slash("/return", `reason=late order=7 customer="`+logName+`" email=`+logEmail)
	srv.stop()

	logs := srv.logs.String()
	if !strings.Contains(logs, "level=DEBUG") || !strings.Contains(logs, "level=ERROR") {
		t.Fatalf("the run logged no debug or no error lines, so it shows nothing:\n%s", logs)
	}
	secrets := map[string]string{
		"e-mail": logEmail, "e-mail's local part": "kari.nordmann", "phone": logPhone, "phone digits": "912 34 567",
		"customer name": logName, "customer's surname": "Nordmann",
		"bot token": slackfake.BotToken, "signing secret": slackfake.SigningSecret, "response_url": "/response/",
	}
	for what, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds the %s %q", what, s)
		}
	}
	if t.Failed() {
		t.Logf("the log:\n%s", logs)
	}
}
