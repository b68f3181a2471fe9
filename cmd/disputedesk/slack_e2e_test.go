package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/logbuf"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// server is a running `disputedesk serve`.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs *logbuf.Buffer
}

// serve starts the real binary with env and waits until it answers.
func serve(t *testing.T, env ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binPath, "serve")
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "DISPUTEDESK_ADDR=" + addr}, env...)
	logs := &logbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, base: "http://" + addr, logs: logs}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never answered\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			s.t.Errorf("serve exited with %v\n%s", err, s.logs.String())
		}
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		s.t.Errorf("serve did not stop after SIGTERM\n%s", s.logs.String())
	}
}

// slackEnv is the configuration of the binary for HTTP mode against fake.
func slackEnv(fake *slackfake.Server, dbURL string) []string {
	return []string{"DATABASE_URL=" + dbURL, "SLACK_BOT_TOKEN=" + slackfake.BotToken,
		"SLACK_SIGNING_SECRET=" + slackfake.SigningSecret, "SLACK_API_URL=" + fake.APIURL()}
}

// cardsOf are the posted messages (not thread replies) whose text names ref.
func cardsOf(ref string, msgs []slackfake.Message) []slackfake.Message {
	var cards []slackfake.Message
	for _, m := range msgs {
		if m.Method == "chat.postMessage" && m.ThreadTS == "" && strings.Contains(m.Text+string(m.Blocks), ref) {
			cards = append(cards, m)
		}
	}
	return cards
}

// caseCount runs the console on the same database and counts the cases.
func caseCount(t *testing.T, dbURL string) int {
	t.Helper()
	out, _, _ := cli(t, []string{"DATABASE_URL=" + dbURL}, "/case list all\n", "console")
	return strings.Count(out, " · open ") + strings.Count(out, " · closed")
}

func TestSlackHTTP(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			fake := slackfake.New(t)
			dbURL := newDB(t)
			srv := serve(t, slackEnv(fake, dbURL)...)
			client := fake.Client(srv.base, slackfake.SigningSecret)

			// A signed slash command opens a case; the card goes to the channel.
			resp, body, err := client.SlashCommand("/dispute", "chargeback order=1042 amount=49,90 currency=EUR customer=\"Kari Nordmann\"", slackfake.SlashOpts{})
			if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Opened CB-1001") {
				t.Fatalf("slash command: %v %v %s\n%s", err, resp, body, srv.logs.String())
			}
			if !strings.Contains(string(body), `"response_type":"ephemeral"`) {
				t.Errorf("the opener's answer should be private (the card is public): %s", body)
			}
			msgs := fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("CB-1001", m)) == 1 })
			card := cardsOf("CB-1001", msgs)[0]
			for _, want := range []string{"Kari Nordmann", "EUR 49.90", "acknowledge", "/case done CB-1001 acknowledge"} {
				if !strings.Contains(string(card.Blocks), want) {
					t.Errorf("card lacks %q: %s", want, card.Blocks)
				}
			}

			// The card's button is pressed: the step is done, the thread hears of it, the card is updated.
			press := slackfake.BlockAction("", "", "U0OLA", card.TS, "", "done", "/case done CB-1001 acknowledge", fake.ResponseURL())
			if resp, _, err := client.Interaction(press, slackfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("button press: %v %v", err, resp)
			}
			fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
				var threaded, updated bool
				for _, x := range m {
					threaded = threaded || x.Method == "chat.postMessage" && x.ThreadTS == card.TS && strings.Contains(x.Text, "Done on CB-1001")
					updated = updated || x.Method == "chat.update" && x.TS == card.TS && strings.Contains(string(x.Blocks), "gather_records")
				}
				return threaded && updated
			})

			// A retried slash command (same trigger) creates nothing more.
			opts := slackfake.SlashOpts{TriggerID: "trig-retry-1"}
			for retry := range 2 {
				opts.RetryNum = retry
				if resp, body, err := client.SlashCommand("/return", "reason=damaged order=2231", opts); err != nil || !strings.Contains(string(body), "Opened RMA-1001") {
					t.Fatalf("attempt %d: %v %v %s", retry, err, resp, body)
				}
			}

			// Forged, stale and unsigned requests are refused and change nothing.
			for what, o := range map[string]slackfake.SlashOpts{
				"forged":   {Forged: true},
				"stale":    {Timestamp: time.Now().Add(-10 * time.Minute)},
				"unsigned": {Unsigned: true},
			} {
				resp, _, err := client.SlashCommand("/dispute", "chargeback order=666 amount=1 currency=EUR", o)
				if err != nil || resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s request: %v %v, want 401", what, err, resp)
				}
			}
			time.Sleep(300 * time.Millisecond) // give a wrongly accepted request time to land
			// RMA-1001's card is the channel's third message within a
			// second: paced, it goes out a second after the first two.
			fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("RMA-1001", m)) >= 1 })
			srv.stop()
			if n := caseCount(t, dbURL); n != 2 {
				t.Errorf("%d cases in the database, want 2 (CB-1001 and RMA-1001)", n)
			}
			if got := len(cardsOf("RMA-1001", fake.Messages())); got != 1 {
				t.Errorf("RMA-1001's card was posted %d times, want 1", got)
			}
		})
	}
}

func TestSlackDeliveryRetriesAndSurvivesRestart(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")

	// Slack answers 500, 500, then 200: the card arrives once.
	fake.FailNext("chat.postMessage", 500, 500)
	srv := serve(t, slackEnv(fake, dbURL)...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/recall", `product="Night light" hazard="Overheats" jurisdiction=eu`, slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "RCL-1001") {
		t.Fatalf("open: %v %s", err, body)
	}
	fake.WaitFor(t, 20*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("RCL-1001", m)) == 1 })
	if n := fake.Calls("chat.postMessage"); n != 3 {
		t.Errorf("chat.postMessage called %d times, want 3 (two failures, one success)", n)
	}
	srv.stop()

	// Slack is unreachable: the change commits, its messages wait in the outbox.
	down := serve(t, "DATABASE_URL="+dbURL, "SLACK_BOT_TOKEN="+slackfake.BotToken,
		"SLACK_SIGNING_SECRET="+slackfake.SigningSecret, "SLACK_API_URL=http://127.0.0.1:1/api/")
	client = fake.Client(down.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/case", "note RCL-1001 Supplier confirmed batch B2311", slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "Noted on RCL-1001") {
		t.Fatalf("note: %v %s", err, body)
	}
	down.stop()

	// After a restart with Slack back, the waiting messages are delivered, once.
	srv = serve(t, slackEnv(fake, dbURL)...)
	fake.WaitFor(t, 20*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.ThreadTS != "" && strings.Contains(x.Text, "noted: Supplier confirmed batch B2311") {
				return true
			}
		}
		return false
	})
	srv.stop()
	var notes int
	for _, x := range fake.Messages() {
		if strings.Contains(x.Text, "noted: Supplier confirmed batch B2311") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("the note was posted %d times, want 1", notes)
	}
}

func TestSlackPermanentFailureShowsOnTheCase(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	fake.FailNextWith("chat.postMessage", "not_in_channel")
	srv := serve(t, slackEnv(fake, dbURL)...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/return", "reason=late order=77", slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "RMA-1001") {
		t.Fatalf("open: %v %s", err, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body, _ := client.SlashCommand("/case", "show RMA-1001", slackfake.SlashOpts{})
		if strings.Contains(string(body), "not_in_channel") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/case show never showed the failed card:\n%s", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := fake.Calls("chat.postMessage"); n != 1 {
		t.Errorf("a permanent failure was retried: %d calls", n)
	}
}

func TestSlackSocketMode(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	srv := serve(t, "DATABASE_URL="+dbURL, "SLACK_BOT_TOKEN="+slackfake.BotToken,
		"SLACK_APP_TOKEN="+slackfake.AppToken, "SLACK_API_URL="+fake.APIURL())
	fake.WaitConnected(t, 15*time.Second)

	env := fake.SendSlashCommand(t, "/dispute", "chargeback order=1042 amount=49,90 currency=EUR", slackfake.SlashOpts{})
	ack := fake.WaitAck(t, env, 10*time.Second)
	if !strings.Contains(string(ack), "Opened CB-1001") {
		t.Fatalf("slash command ack: %s\n%s", ack, srv.logs.String())
	}
	msgs := fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("CB-1001", m)) == 1 })
	card := cardsOf("CB-1001", msgs)[0]

	press := slackfake.BlockAction("", "", "U0OLA", card.TS, "", "done", "/case done CB-1001 acknowledge", fake.ResponseURL())
	env = fake.SendEnvelope(t, "interactive", press, false)
	fake.WaitAck(t, env, 10*time.Second)
	fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.Method == "chat.update" && x.TS == card.TS && strings.Contains(string(x.Blocks), "gather_records") {
				return true
			}
		}
		return false
	})

	// The same envelope delivered twice (a reconnect) opens one case.
	payload := slackfake.SlashPayload("/return", "reason=damaged order=2231", slackfake.SlashOpts{TriggerID: "trig-sm-1", ResponseURL: fake.ResponseURL()})
	for range 2 {
		fake.WaitAck(t, fake.SendEnvelope(t, "slash_commands", payload, true), 10*time.Second)
	}
	srv.stop()
	if n := caseCount(t, dbURL); n != 2 {
		t.Errorf("%d cases, want 2", n)
	}
	var b bytes.Buffer
	_ = json.Indent(&b, card.Blocks, "", " ")
	if !strings.Contains(b.String(), "CB-1001") {
		t.Errorf("card blocks: %s", b.String())
	}
}

// A Slack user's locale (users.info) picks the draft's language; approving
// the draft posts it in the case thread, and nothing reaches the customer.
func TestSlackDraftInTheUsersLanguage(t *testing.T) {
	fake := slackfake.New(t)
	fake.AddUser(slackfake.User{ID: "U0KARI", Name: "kari", Locale: "nb-NO"})
	srv := serve(t, slackEnv(fake, filepath.Join(t.TempDir(), "cases.db"))...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/return", `reason=damaged order=2231 customer="Kari Nordmann"`, slackfake.SlashOpts{UserID: "U0KARI"}); err != nil || !strings.Contains(string(body), "RMA-1001") {
		t.Fatalf("open: %v %s", err, body)
	}
	_, body, err := client.SlashCommand("/case", "draft RMA-1001", slackfake.SlashOpts{UserID: "U0KARI"})
	if err != nil || !strings.Contains(string(body), "Draft 1 for RMA-1001 (nb, warm, offline)") || !strings.Contains(string(body), "Kari") {
		t.Fatalf("draft: %v %s\n%s", err, body, srv.logs.String())
	}
	if _, body, err = client.SlashCommand("/case", "approve RMA-1001 1", slackfake.SlashOpts{UserID: "U0KARI"}); err != nil || !strings.Contains(string(body), "Approved reply for RMA-1001") {
		t.Fatalf("approve: %v %s", err, body)
	}
	fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.ThreadTS != "" && strings.Contains(x.Text, "approved a reply to the customer (draft 1, nb)") && strings.Contains(string(x.Blocks), "RMA-1001") {
				return true
			}
		}
		return false
	})
}

// The bot listens: messages in a case's thread go on its timeline, and a
// mention describing a problem gets a private playbook suggestion.
func TestSlackListens(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	srv := serve(t, slackEnv(fake, dbURL)...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/return", "reason=lost order=2231", slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "RMA-1001") {
		t.Fatalf("open: %v %s", err, body)
	}
	card := cardsOf("RMA-1001", fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("RMA-1001", m)) == 1 }))[0]
	// The fake answers chat.postMessage a moment before the bot has stored
	// the card's ts; a note's thread post can only follow once it has.
	if _, _, err := client.SlashCommand("/case", "note RMA-1001 Asked the carrier", slackfake.SlashOpts{}); err != nil {
		t.Fatal(err)
	}
	fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.ThreadTS == card.TS && strings.Contains(x.Text, "noted: Asked the carrier") {
				return true
			}
		}
		return false
	})

	msg := slackfake.MessageEvent("", "Ev100", card.Channel, "U0OLA", "Carrier says the parcel is in Trondheim, æøå", "1700000500.000100", card.TS)
	for retry := range 2 { // Slack retries an event it thinks was not received
		if resp, _, err := client.Event(msg, slackfake.SignOpts{RetryNum: retry}); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("event: %v %v", err, resp)
		}
	}
	mention := slackfake.AppMention("", "Ev101", card.Channel, "U0OLA", slackfake.BotUserID,
		"<@"+slackfake.BotUserID+"> customer says the parcel never arrived, order 1042", "1700000600.000100")
	if resp, _, err := client.Event(mention, slackfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("mention: %v %v", err, resp)
	}
	fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.Method == "chat.postEphemeral" && x.User == "U0OLA" && strings.Contains(x.Text, "That sounds like a return") &&
				strings.Contains(string(x.Blocks), `"value":"v1:o return order=1042"`) {
				return true
			}
		}
		return false
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body, _ := client.SlashCommand("/case", "show RMA-1001", slackfake.SlashOpts{})
		if n := strings.Count(string(body), "Carrier says the parcel is in Trondheim, æøå"); n == 1 {
			break
		} else if n > 1 || time.Now().After(deadline) {
			t.Fatalf("the thread message is on the timeline %d times:\n%s", n, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
