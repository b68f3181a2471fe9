package slackfake_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// TestSocketMode runs slack-go's socketmode client against the fake, the way
// the bot does: it connects through apps.connections.open, receives each
// kind of envelope, and acks.
func TestSocketMode(t *testing.T) {
	s := slackfake.New(t)
	api := slack.New(slackfake.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(slackfake.AppToken))
	sm := socketmode.New(api, socketmode.OptionPingInterval(3*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- sm.RunContext(ctx) }()

	seen := make(chan socketmode.Event, 10)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-sm.Events:
				switch ev.Type {
				case socketmode.EventTypeSlashCommand:
					cmd := ev.Data.(slack.SlashCommand)
					_ = sm.Ack(*ev.Request, map[string]any{"response_type": "ephemeral", "text": "ran " + cmd.Command + " " + cmd.Text})
				case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive:
					_ = sm.Ack(*ev.Request)
				default:
					continue
				}
				seen <- ev
			}
		}
	}()

	s.WaitConnected(t, 5*time.Second)
	id := s.SendSlashCommand(t, "/dispute", "open chargeback order=1001", slackfake.SlashOpts{UserID: "U42"})
	payload := s.WaitAck(t, id, 5*time.Second)
	var ackBody struct{ ResponseType, Text string }
	if err := json.Unmarshal(payload, &ackBody); err != nil || ackBody.Text != "ran /dispute open chargeback order=1001" {
		t.Errorf("ack payload = %s (%v)", payload, err)
	}
	ev := <-seen
	if cmd := ev.Data.(slack.SlashCommand); cmd.UserID != "U42" || cmd.TriggerID == "" || cmd.ResponseURL == "" || cmd.TeamID != slackfake.TeamID {
		t.Errorf("slash command as the bot saw it = %+v", cmd)
	}
	if !ev.Request.AcceptsResponsePayload {
		t.Error("slash_commands envelope does not accept a response payload")
	}

	id = s.SendEnvelope(t, "events_api", slackfake.MessageEvent("", "Ev1", "C1", "U42", "customer says hi", "", "1700000000.000100"), false)
	if p := s.WaitAck(t, id, 5*time.Second); p != nil {
		t.Errorf("events_api ack payload = %s, want none", p)
	}
	ev = <-seen
	inner, ok := ev.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || inner.Text != "customer says hi" || inner.ThreadTimeStamp != "1700000000.000100" || inner.Channel != "C1" {
		t.Errorf("message event as the bot saw it = %#v", ev.Data)
	}

	id = s.SendEnvelope(t, "interactive", slackfake.BlockAction("", "C1", "U42", "1700000000.000100", "", "case_close", "CB-1042", s.ResponseURL()), false)
	s.WaitAck(t, id, 5*time.Second)
	ev = <-seen
	cb := ev.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].Value != "CB-1042" {
		t.Errorf("block action as the bot saw it = %+v", cb)
	}

	// Slack rotates connections; the client must come back.
	s.Disconnect(t)
	s.WaitConnected(t, 5*time.Second)
	if n := s.Connections(); n != 2 {
		t.Errorf("Connections() = %d after a disconnect, want 2", n)
	}
	id = s.SendEnvelope(t, "events_api", slackfake.AppMention("", "", "C1", "U42", "", "status CB-1042", ""), false)
	s.WaitAck(t, id, 5*time.Second)
	ev = <-seen
	if m, ok := ev.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppMentionEvent); !ok || m.Text != "<@"+slackfake.BotUserID+"> status CB-1042" {
		t.Errorf("app mention as the bot saw it = %#v", ev.Data)
	}

	// Outlive one client ping interval to show the fake's pings keep it alive.
	time.Sleep(3500 * time.Millisecond)
	if n := s.Connections(); n != 2 {
		t.Errorf("Connections() = %d after a quiet spell, want still 2", n)
	}

	cancel()
	select {
	case <-runDone:
	case <-time.After(5 * time.Second):
		t.Error("RunContext did not return after cancel")
	}
}
