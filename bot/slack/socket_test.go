package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// startSocket starts Run in Socket Mode against f and waits for the websocket.
func startSocket(t *testing.T, f *slackfake.Server, h bot.Handler, mod func(*Config)) *Adapter {
	t.Helper()
	a, logs := newTestAdapter(t, f, func(c *Config) {
		c.SigningSecret = ""
		c.AppToken = testAppToken
		if mod != nil {
			mod(c)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	f.WaitConnected(t, wait)
	return a
}

func TestSocketModeSlashCommandAckedWithReply(t *testing.T) {
	f := slackfake.New(t)
	h := newRecorder(reply(bot.Reply{Text: "Opened CB-1042.", Visibility: bot.Ephemeral}))
	startSocket(t, f, h, nil)
	env := f.SendEnvelope(t, "slash_commands", json.RawMessage(`{"token":"legacy","team_id":"T1","team_domain":"acme","channel_id":"C1","channel_name":"disputes","user_id":"U123ABC","user_name":"kari","command":"/case","text":"open chargeback order=1042","api_app_id":"A1","is_enterprise_install":"false","response_url":"`+f.ResponseURL()+`","trigger_id":"trigger-9"}`), true)
	req := h.next(t)
	if req.ID != "trigger-9" || req.Text != "/case open chargeback order=1042" || req.Channel != "C1" || req.Workspace != "T1" {
		t.Errorf("request = %+v", req)
	}
	ack := decodeJSON(t, f.NextCall(t, "ack", wait).Body)
	payload, _ := ack["payload"].(map[string]any)
	if ack["envelope_id"] != env || payload["text"] != "Opened CB-1042." || payload["response_type"] != "ephemeral" {
		t.Errorf("ack = %v", ack)
	}
	f.NoCall(t, "ack", 100*time.Millisecond)
}

func TestSocketModeSlowSlashCommand(t *testing.T) {
	f := slackfake.New(t)
	release := make(chan struct{})
	h := newRecorder(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "Here is the list.", Visibility: bot.Ephemeral}, nil
	})
	startSocket(t, f, h, func(c *Config) { c.AckBudget = 50 * time.Millisecond })
	env := f.SendEnvelope(t, "slash_commands", json.RawMessage(`{"team_id":"T1","channel_id":"C1","user_id":"U123ABC","command":"/case","text":"list","response_url":"`+f.ResponseURL()+`","trigger_id":"trigger-10"}`), true)
	ack := decodeJSON(t, f.NextCall(t, "ack", wait).Body)
	if ack["envelope_id"] != env || ack["payload"] != nil {
		t.Errorf("ack = %v, want an empty ack", ack)
	}
	close(release)
	if got := decodeJSON(t, f.NextCall(t, "response_url", wait).Body); got["text"] != "Here is the list." {
		t.Errorf("response_url got %v", got)
	}
	f.NoCall(t, "ack", 100*time.Millisecond)
}

func TestSocketModeEventsAndInteractions(t *testing.T) {
	f := slackfake.New(t)
	h := newRecorder(nil)
	startSocket(t, f, h, nil)

	env := f.SendEnvelope(t, "events_api", json.RawMessage(
		eventBody("Ev9", `{"type":"app_mention","user":"U123ABC","text":"<@U0BOT> refund please","ts":"1700000000.000400","channel":"C1","event_ts":"1700000000.000400"}`)), false)
	if ack := decodeJSON(t, f.NextCall(t, "ack", wait).Body); ack["envelope_id"] != env || ack["payload"] != nil {
		t.Errorf("events_api ack = %v", ack)
	}
	if req := h.next(t); req.ID != "Ev9" || !req.Mentioned || req.Text != "refund please" {
		t.Errorf("request = %+v", req)
	}

	env = f.SendEnvelope(t, "interactive", json.RawMessage(viewSubmissionPayload), true)
	ack := decodeJSON(t, f.NextCall(t, "ack", wait).Body)
	if payload, _ := ack["payload"].(map[string]any); ack["envelope_id"] != env || payload["response_action"] != "clear" {
		t.Errorf("view_submission ack = %v", ack)
	}
	if req := h.next(t); req.Action == nil || req.Action.ID != bot.ActionForm || req.Action.Values["order"] != "1042" {
		t.Errorf("request = %+v", req)
	}

	// An inner event slack-go cannot parse is still acknowledged.
	env = f.SendEnvelope(t, "events_api", json.RawMessage(eventBody("Ev10", `{"type":"some_future_event"}`)), false)
	if ack := decodeJSON(t, f.NextCall(t, "ack", wait).Body); ack["envelope_id"] != env {
		t.Errorf("ack = %v", ack)
	}
}

func TestSocketModeRefusedAppToken(t *testing.T) {
	f := slackfake.New(t)
	f.RefuseToken("xapp-1-wrong")
	a, _ := newTestAdapter(t, f, func(c *Config) {
		c.SigningSecret = ""
		c.AppToken = "xapp-1-wrong"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.Run(ctx, newRecorder(nil))
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("Run = %v, want invalid_auth", err)
	}
}
