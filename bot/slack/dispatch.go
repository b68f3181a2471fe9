package slack

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
)

// maxRequestText is the longest text a request's reply may take
// (bot.Request.MaxText): a reply draft shows as one section's text.
const maxRequestText = maxTextObject

// ackFunc acknowledges a request to Slack, with a payload or, when payload
// is nil, empty. It is called exactly once per request. An error means the
// payload did not go out; the request has then been acknowledged empty.
type ackFunc func(payload any) error

// destination is where the reply to a request goes when it does not go in
// the acknowledgement.
type destination struct {
	requestID   string
	responseURL string
	triggerID   string // opens a modal for a reply with a Form
	channel     string
	thread      string
	user        string
}

// command handles a slash command. The request's id is the trigger_id. The
// reply goes in the acknowledgement when the handler returns within the ack
// budget; otherwise the ack goes out empty when the budget runs out and the
// reply follows through the response_url. A reply with a Form is acked
// empty and opens a modal with the trigger_id.
func (a *Adapter) command(h bot.Handler, sc slack.SlashCommand, ack ackFunc) {
	req := &bot.Request{
		ID:        sc.TriggerID,
		Platform:  bot.PlatformSlack,
		MaxText:   maxRequestText,
		Workspace: sc.TeamID,
		Channel:   sc.ChannelID,
		User:      sc.UserID,
		UserName:  sc.UserName,
		Text:      strings.TrimSpace(sc.Command + " " + incomingText(sc.Text)),
		At:        a.now(),
	}
	d := destination{requestID: req.ID, responseURL: sc.ResponseURL, triggerID: sc.TriggerID, channel: sc.ChannelID, user: sc.UserID}
	a.log.Debug("slack: slash command", "request_id", req.ID, "command", sc.Command, "team", sc.TeamID, "channel", sc.ChannelID)
	a.kit.Answer(a.localised(h), req, dispatch.Answer{
		Budget: a.ackBudget,
		Ack: func(reply *bot.Reply) error {
			if reply == nil {
				return ack(nil)
			}
			if reply.Form != nil || dispatch.Empty(*reply) {
				_ = ack(nil)
				return dispatch.ErrLater
			}
			err := ack(renderMessage(*reply))
			switch {
			case err == nil:
			case errors.Is(err, errRequestEnded):
				a.log.Debug("slack: slash command request ended before its reply; sending it to response_url", "request_id", req.ID)
			default:
				a.log.Warn("slack: reply did not fit the acknowledgement; sending it to response_url", "request_id", req.ID, "error", err)
			}
			return err
		},
		Late: func(ctx context.Context, reply bot.Reply) { a.deliver(ctx, d, reply) },
	})
}

// interaction handles a button press (block_actions) or a form submission
// (view_submission) and acknowledges it through ack, exactly once. A button
// is acknowledged at once and runs its value as a command (bot.ActionRun)
// with the trigger_id as the request id (the action_ts when there is none);
// its reply goes to the response_url. A form completes the command in its
// metadata (bot.ActionForm) with the submitted values (viewSubmission).
func (a *Adapter) interaction(h bot.Handler, cb *slack.InteractionCallback, ack ackFunc) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		_ = ack(nil)
		a.blockActions(h, cb)
	case slack.InteractionTypeViewSubmission:
		a.viewSubmission(h, cb, ack)
	default:
		_ = ack(nil)
		a.log.Debug("slack: interaction ignored", "type", string(cb.Type))
	}
}

// blockActions runs the first action of a block_actions payload that
// carries a value. Slack sends one action per press, so the others of a
// payload carrying many are not presses and are dropped: one signed request
// must not run many commands. A payload naming no user or no team is
// refused: it would run as user "" in no workspace.
func (a *Adapter) blockActions(h bot.Handler, cb *slack.InteractionCallback) {
	workspace := cmp.Or(cb.Team.ID, cb.User.TeamID)
	if cb.User.ID == "" || workspace == "" {
		a.log.Warn("slack: block action without a user or team refused", "trigger_id", cb.TriggerID)
		return
	}
	channel := cmp.Or(cb.Channel.ID, cb.Container.ChannelID)
	thread := cmp.Or(cb.Message.ThreadTimestamp, cb.Container.ThreadTs)
	if thread == "" && !cb.Container.IsEphemeral {
		// A button on a message in the channel: the message starts (or
		// is) the thread. An ephemeral message cannot start a thread.
		thread = cmp.Or(cb.Message.Timestamp, cb.Container.MessageTs)
	}
	acts := cb.ActionCallback.BlockActions
	i := slices.IndexFunc(acts, func(act *slack.BlockAction) bool { return cmp.Or(act.Value, act.SelectedOption.Value) != "" })
	if i < 0 {
		return
	}
	if len(acts) > 1 {
		a.log.Warn("slack: block actions payload with several actions; only the first runs", "actions", len(acts))
	}
	act := acts[i]
	id := cmp.Or(cb.TriggerID, act.ActionTs, cb.ActionTs)
	req := &bot.Request{
		ID:        id,
		Platform:  bot.PlatformSlack,
		MaxText:   maxRequestText,
		Workspace: workspace,
		Channel:   channel,
		Thread:    thread,
		User:      cb.User.ID,
		UserName:  cmp.Or(cb.User.Name, cb.User.Profile.DisplayName),
		Action:    &bot.Action{ID: bot.ActionRun, Value: cmp.Or(act.Value, act.SelectedOption.Value)},
		At:        a.now(),
	}
	d := destination{requestID: id, responseURL: cb.ResponseURL, triggerID: cb.TriggerID, channel: channel, thread: thread, user: cb.User.ID}
	a.log.Debug("slack: button", "request_id", id, "action_id", act.ActionID, "team", req.Workspace, "channel", channel)
	a.run(h, req, d)
}

// viewSubmission completes a form. It is answered within the ack budget,
// as a slash command is, because Slack keeps a modal open only on the
// submission's own answer: a reply naming fields (bot.Reply.Invalid) that
// the modal has answers {"response_action":"errors"}, each message under its
// field, and the user corrects it there. Any other reply closes the modal
// ({"response_action":"clear"}) and goes to the channel the form came from,
// through the Web API.
func (a *Adapter) viewSubmission(h bot.Handler, cb *slack.InteractionCallback, ack ackFunc) {
	closeModal := slack.NewClearViewSubmissionResponse()
	if cb.View.CallbackID != formCallbackID {
		_ = ack(closeModal)
		a.log.Debug("slack: view_submission of a view not ours", "callback_id", cb.View.CallbackID)
		return
	}
	meta := decodeFormMeta(cb.View.PrivateMetadata)
	values := map[string]string{}
	if cb.View.State != nil {
		for blockID, acts := range cb.View.State.Values {
			for _, act := range acts {
				v := act.Value
				if act.SelectedOption.Value != "" {
					v = act.SelectedOption.Value
				}
				values[blockID] = v
			}
		}
	}
	id := cmp.Or(cb.TriggerID, cb.View.ID+":"+cb.View.Hash)
	req := &bot.Request{
		ID:        id,
		Platform:  bot.PlatformSlack,
		MaxText:   maxRequestText,
		Workspace: cmp.Or(cb.Team.ID, cb.View.TeamID, cb.User.TeamID),
		Channel:   meta.Channel,
		Thread:    meta.Thread,
		User:      cb.User.ID,
		UserName:  cmp.Or(cb.User.Name, cb.User.Profile.DisplayName),
		Action:    &bot.Action{ID: bot.ActionForm, Value: meta.Command, Values: values},
		At:        a.now(),
	}
	d := destination{requestID: id, triggerID: cb.TriggerID, channel: meta.Channel, thread: meta.Thread, user: cb.User.ID}
	a.log.Debug("slack: form submitted", "request_id", id, "team", req.Workspace, "channel", meta.Channel)
	a.kit.Answer(a.localised(h), req, dispatch.Answer{
		Budget: a.ackBudget,
		Ack: func(reply *bot.Reply) error {
			if reply != nil {
				if errs := formErrors(reply.Invalid, values); len(errs) > 0 {
					return ack(slack.NewErrorsViewSubmissionResponse(errs))
				}
			}
			_ = ack(closeModal)
			if reply == nil {
				return nil
			}
			return dispatch.ErrLater
		},
		Late: func(ctx context.Context, reply bot.Reply) { a.deliver(ctx, d, reply) },
	})
}

// formErrors are the messages of invalid whose field is an input of the
// submitted modal (a block id in its state), cut to Slack's limit: Slack
// refuses errors naming a block the view does not have.
func formErrors(invalid, submitted map[string]string) map[string]string {
	errs := map[string]string{}
	for field, msg := range invalid {
		if _, ok := submitted[field]; ok {
			errs[field] = truncate(msg, maxLabel)
		}
	}
	return errs
}

// run handles req on the pool and delivers its reply to d.
func (a *Adapter) run(h bot.Handler, req *bot.Request, d destination) {
	err := a.kit.Submit(req.ID, func(ctx context.Context) {
		a.deliver(ctx, d, a.handle(ctx, h, req))
	})
	switch {
	case errors.Is(err, dispatch.ErrDuplicate):
		a.log.Info("slack: request already being handled", "request_id", req.ID)
	case err != nil:
		a.log.Warn("slack: no worker free; request dropped", "request_id", req.ID)
	}
}

// handle calls the handler through the kit, which turns an error or a panic
// into the reply the user sees.
func (a *Adapter) handle(ctx context.Context, h bot.Handler, req *bot.Request) bot.Reply {
	return a.kit.Handle(ctx, a.localised(h), req)
}

// localised asks Slack for the user's locale and zone, and when configured
// the user's groups, before h runs: Slack sends none with a request, and
// reply drafts want the locale, times the zone, leads named by a group the
// groups.
func (a *Adapter) localised(h bot.Handler) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		if (req.Locale == "" || req.Zone == "") && req.User != "" {
			p := a.profile(ctx, req.User)
			req.Locale, req.Zone = cmp.Or(req.Locale, p.locale), cmp.Or(req.Zone, p.zone)
		}
		if a.cfg.UserGroups && req.Roles == nil && req.User != "" {
			req.Roles = a.userGroups(ctx, req.User)
		}
		return h.Handle(ctx, req)
	})
}

// deliver sends a reply that did not go in an acknowledgement: a Form opens a
// modal with the trigger_id; anything else goes to the response_url when
// there is one, else through the Web API, privately (chat.postEphemeral) or
// in the channel (chat.postMessage) as the reply's visibility says. Failures
// are logged.
func (a *Adapter) deliver(ctx context.Context, d destination, reply bot.Reply) {
	if reply.Form != nil {
		err := a.openForm(ctx, d, reply.Form)
		if err == nil {
			return
		}
		reply = dispatch.Failure(ctx, a.log, fmt.Errorf("open form: %w", err), "request_id", d.requestID)
	}
	if dispatch.Empty(reply) {
		return
	}
	msg := renderMessage(reply)
	if d.responseURL != "" {
		err := a.postResponseURL(ctx, d.responseURL, msg)
		if err == nil {
			return
		}
		a.log.Warn("slack: response_url failed; posting through the Web API", "request_id", d.requestID, "error", err)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
	if len(msg.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
	}
	if d.thread != "" {
		opts = append(opts, slack.MsgOptionTS(d.thread))
	}
	var err error
	switch {
	case reply.Visibility == bot.Ephemeral && d.channel != "" && d.user != "":
		_, err = a.api.PostEphemeralContext(ctx, d.channel, d.user, opts...)
	case d.channel != "":
		_, _, err = a.api.PostMessageContext(ctx, d.channel, opts...)
	case d.user != "":
		// No channel known: a direct message from the app.
		_, _, err = a.api.PostMessageContext(ctx, d.user, opts...)
	default:
		err = errors.New("nowhere to send the reply")
	}
	if err != nil {
		a.log.Error("slack: reply not delivered", "request_id", d.requestID, "error", err)
	}
}

// openForm opens a modal for form with the request's trigger_id.
func (a *Adapter) openForm(ctx context.Context, d destination, form *bot.Form) error {
	if d.triggerID == "" {
		return errors.New("no trigger_id to open a modal with")
	}
	view := renderModal(form, formMeta{Command: formAction(form), Channel: d.channel, Thread: d.thread})
	if _, err := a.api.OpenViewContext(ctx, d.triggerID, view); err != nil {
		return fmt.Errorf("views.open: %w", err)
	}
	return nil
}

// postResponseURL posts msg as a new message to a response_url.
func (a *Adapter) postResponseURL(ctx context.Context, responseURL string, msg message) error {
	replace := false
	msg.ReplaceOriginal = &replace
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("response_url: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("response_url: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.httpClient.Do(req)
	if err != nil {
		// A *url.Error quotes the URL, and a response_url is a secret:
		// whoever holds it can post to the channel.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
		}
		return fmt.Errorf("response_url: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("response_url: HTTP %d", resp.StatusCode)
	}
	// Slack answers "ok", or JSON with ok and error.
	var r struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &r) == nil && r.OK != nil && !*r.OK {
		return fmt.Errorf("response_url: %s", r.Error)
	}
	return nil
}
