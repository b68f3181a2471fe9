package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/disputedesk/disputedesk/bot"
)

// ackTimeout bounds queueing one acknowledgement on the Socket Mode
// connection.
const ackTimeout = 5 * time.Second

// runSocket serves Socket Mode until ctx is done: slack-go connects through
// apps.connections.open on the API URL and reconnects when the connection
// drops. It returns nil on shutdown and an error when Slack refuses the app
// token.
func (a *Adapter) runSocket(ctx context.Context, h bot.Handler) error {
	api := slack.New(a.cfg.BotToken,
		slack.OptionAPIURL(a.apiURL),
		slack.OptionAppLevelToken(a.cfg.AppToken),
		slack.OptionHTTPClient(a.httpClient),
	)
	sm := socketmode.New(api, socketmode.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-done
			return nil
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case ev := <-sm.Events:
			a.socketEvent(sm, h, ev)
		}
	}
}

// socketEvent handles one Socket Mode event. Every envelope is acknowledged
// at most once: interactions at once, events once handled (never when Slack
// should deliver them again), slash commands with their reply when it is
// ready within the ack budget (else empty, the reply going to the
// response_url).
func (a *Adapter) socketEvent(sm *socketmode.Client, h bot.Handler, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack: socket mode connecting")
	case socketmode.EventTypeConnected:
		a.log.Info("slack: socket mode connected")
	case socketmode.EventTypeHello:
		a.log.Debug("slack: socket mode hello")
	case socketmode.EventTypeConnectionError:
		var err error
		if e, ok := ev.Data.(*slack.ConnectionErrorEvent); ok {
			err = e.ErrorObj
		}
		a.log.Warn("slack: socket mode connection failed; retrying", "error", err)
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack: socket mode refused the app token (SLACK_APP_TOKEN)")
	case socketmode.EventTypeIncomingError:
		var err error
		if e, ok := ev.Data.(*slack.IncomingEventError); ok {
			err = e.ErrorObj
		}
		a.log.Warn("slack: socket mode read failed", "error", err)
	case socketmode.EventTypeErrorWriteFailed:
		var err error
		if e, ok := ev.Data.(*socketmode.ErrorWriteFailed); ok {
			err = e.Cause
		}
		a.log.Warn("slack: socket mode write failed", "error", err)
	case socketmode.EventTypeErrorBadMessage:
		// An envelope slack-go could not parse (an inner event type it
		// does not know, say) still has to be acknowledged.
		if e, ok := ev.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
				Type       string `json:"type"`
			}
			if json.Unmarshal(e.Message, &env) == nil && env.EnvelopeID != "" {
				_ = a.socketAck(sm, env.EnvelopeID, nil)
			}
			a.log.Debug("slack: socket mode message not parsed", "type", env.Type, "error", e.Cause)
		}
	case socketmode.EventTypeEventsAPI:
		if ev.Request == nil {
			return
		}
		// Acknowledged once handled, as over HTTP; an envelope left
		// unacknowledged is delivered again.
		envelope := ev.Request.EnvelopeID
		e, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok {
			_ = a.socketAck(sm, envelope, nil)
			return
		}
		a.event(h, e, ev.Request.RetryAttempt, func(ok bool) {
			if ok {
				_ = a.socketAck(sm, envelope, nil)
			}
		})
	case socketmode.EventTypeSlashCommand:
		if ev.Request == nil {
			return
		}
		envelope := ev.Request.EnvelopeID
		sc, ok := ev.Data.(slack.SlashCommand)
		if !ok {
			_ = a.socketAck(sm, envelope, nil)
			return
		}
		a.command(h, sc, func(payload any) error { return a.socketAck(sm, envelope, payload) })
	case socketmode.EventTypeInteractive:
		if ev.Request == nil {
			return
		}
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok {
			_ = a.socketAck(sm, ev.Request.EnvelopeID, nil)
			return
		}
		envelope := ev.Request.EnvelopeID
		a.interaction(h, &cb, func(payload any) error { return a.socketAck(sm, envelope, payload) })
	default:
		a.log.Debug("slack: socket mode event ignored", "type", string(ev.Type))
	}
}

// socketAck acknowledges an envelope with payload (nil for none). When the
// payload cannot go out (Socket Mode takes at most 20 KiB) it acknowledges
// the envelope empty and returns the error, so that the reply can be sent
// another way.
func (a *Adapter) socketAck(sm *socketmode.Client, envelopeID string, payload any) error {
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	err := sm.AckCtx(ctx, envelopeID, payload)
	if err == nil {
		return nil
	}
	if payload != nil && !errors.Is(err, context.DeadlineExceeded) {
		if err2 := sm.AckCtx(ctx, envelopeID, nil); err2 != nil {
			a.log.Warn("slack: socket mode ack failed", "envelope_id", envelopeID, "error", err2)
		}
	} else {
		a.log.Warn("slack: socket mode ack failed", "envelope_id", envelopeID, "error", err)
	}
	return err
}
