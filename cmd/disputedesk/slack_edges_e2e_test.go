package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// TestSlackFormWithABadFieldStaysOpen: a modal submitted with one bad value
// is answered with response_action errors under that field, so the user
// corrects it in the form; nothing is opened.
func TestSlackFormWithABadFieldStaysOpen(t *testing.T) {
	fake := slackfake.New(t)
	srv := serve(t, slackEnv(fake, filepath.Join(t.TempDir(), "cases.db"))...)
	client := fake.Client(srv.base, slackfake.SigningSecret)

	if resp, body, err := client.SlashCommand("/return", "order=2231", slackfake.SlashOpts{}); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("slash command: %v %v %s", err, resp, body)
	}
	views := fake.WaitViews(t, 10*time.Second, func(v []json.RawMessage) bool { return len(v) == 1 })
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal(views[0], &view); err != nil {
		t.Fatal(err)
	}
	sub := slackfake.ViewSubmission("", "", view.PrivateMetadata, map[string]string{
		"order": "2231", "reason/reason_select": "damaged", "delivered_on": "yesterday-ish"})
	sub["view"].(map[string]any)["callback_id"] = view.CallbackID
	resp, body, err := client.Interaction(sub, slackfake.SignOpts{})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("submission: %v %v", err, resp)
	}
	var ack struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(body, &ack); err != nil || ack.ResponseAction != "errors" ||
		!strings.Contains(ack.Errors["delivered_on"], "yesterday-ish") || len(ack.Errors) != 1 {
		t.Fatalf("acknowledgement %s: want response_action errors under delivered_on\n%s", body, srv.logs.String())
	}
	fake.NoCall(t, "chat.postEphemeral", 300*time.Millisecond)
}

// TestSlackOpenerSeesTheCardOnce: the slash command's own answer is a line
// of text; the card is the one in the channel, and it shows who has the
// case and ticks the next step's checklist items.
func TestSlackOpenerSeesTheCardOnce(t *testing.T) {
	fake := slackfake.New(t)
	srv := serve(t, slackEnv(fake, filepath.Join(t.TempDir(), "cases.db"))...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	_, body, err := client.SlashCommand("/dispute", "chargeback order=1042 amount=49,90 currency=EUR", slackfake.SlashOpts{})
	if err != nil || !strings.Contains(string(body), "Opened CB-1001") {
		t.Fatalf("slash command: %v %s", err, body)
	}
	if strings.Contains(string(body), `"blocks"`) {
		t.Errorf("the opener's answer carries a copy of the card: %s", body)
	}
	msgs := fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool { return len(cardsOf("CB-1001", m)) == 1 })
	card := cardsOf("CB-1001", msgs)[0]
	for _, want := range []string{"*Assignee*\\nnobody yet", `"value":"v1:k CB-1001 acknowledge 1"`} {
		if !strings.Contains(string(card.Blocks), want) {
			t.Errorf("card lacks %s: %s", want, card.Blocks)
		}
	}

	// A checklist item is ticked from the card: the card is updated with it ticked.
	press := slackfake.BlockAction("", "", "U0OLA", card.TS, "", "run_4", "v1:k CB-1001 acknowledge 1", fake.ResponseURL())
	if resp, _, err := client.Interaction(press, slackfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("tick: %v %v", err, resp)
	}
	fake.WaitFor(t, 10*time.Second, func(m []slackfake.Message) bool {
		for _, x := range m {
			if x.Method == "chat.update" && x.TS == card.TS && strings.Contains(string(x.Blocks), "[x] 1.") &&
				!strings.Contains(string(x.Blocks), "v1:k CB-1001 acknowledge 1\"") {
				return true
			}
		}
		return false
	})
}
