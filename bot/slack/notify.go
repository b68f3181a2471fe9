package slack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/bot"
)

// Post posts m with chat.postMessage, in the thread m.Thread when it is
// set, or edits the message m.UpdateID with chat.update. It returns the
// message's ts and its thread's: the thread it was posted in, or for a
// top-level message its own ts (Slack threads hang on a message). A reply
// with an image is posted as one message with the file (postImage, which
// returns no ts); an update edits text and blocks only, and an image over
// bot.MaxImageBytes is refused for good. A failure is a *bot.DeliveryError: RetryAfter set on HTTP
// 429, Permanent when Slack says retrying cannot help (the channel is gone,
// the bot is not in it, the message is malformed, the token is revoked),
// neither on a server error or a network failure. Post does not retry on
// its own: the outbox does.
func (a *Adapter) Post(ctx context.Context, m bot.Message) (bot.Posted, error) {
	if m.Channel == "" {
		return bot.Posted{}, &bot.DeliveryError{Err: errors.New("slack: post: no channel"), Permanent: true}
	}
	msg := renderMessage(m.Reply)
	if m.UpdateID == "" && m.Reply.Image != nil {
		if err := bot.CheckImage(m.Reply.Image); err != nil {
			return bot.Posted{}, err
		}
		return a.postImage(ctx, m, msg)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
	if m.UpdateID != "" {
		// Blocks are always sent on an update, so that an old card's
		// blocks are cleared when the new reply has none.
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
		_, ts, _, err := a.api.UpdateMessageContext(ctx, m.Channel, m.UpdateID, opts...)
		if err != nil {
			return bot.Posted{}, deliveryError("chat.update", err)
		}
		ts = cmp.Or(ts, m.UpdateID)
		return bot.Posted{MessageID: ts, ThreadID: cmp.Or(m.Thread, ts)}, nil
	}
	if len(msg.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
	}
	if m.Thread != "" {
		opts = append(opts, slack.MsgOptionTS(m.Thread))
	}
	_, ts, err := a.api.PostMessageContext(ctx, m.Channel, opts...)
	if err != nil {
		return bot.Posted{}, deliveryError("chat.postMessage", err)
	}
	return bot.Posted{MessageID: ts, ThreadID: cmp.Or(m.Thread, ts)}, nil
}

// deliveryError classifies an error of a Web API call.
func deliveryError(method string, err error) *bot.DeliveryError {
	de := &bot.DeliveryError{Err: fmt.Errorf("slack %s: %w", method, err)}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		de.RetryAfter = rl.RetryAfter
		return de
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		// 5xx, 408 and 429 pass; any other 4xx is a request Slack will
		// refuse again.
		de.Permanent = sc.Code >= 400 && sc.Code < 500 &&
			sc.Code != http.StatusRequestTimeout && sc.Code != http.StatusTooManyRequests
		return de
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		de.Permanent = permanent(se.Err)
	}
	return de
}

// permanent reports whether a Slack API error code means that sending the
// same message again cannot succeed.
func permanent(code string) bool {
	switch code {
	case "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived",
		"invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "too_many_attachments",
		"invalid_arguments", "invalid_arg_name", "invalid_array_arg", "invalid_charset", "invalid_form_data",
		"message_not_found", "cant_update_message", "edit_window_closed", "invalid_ts_latest", "thread_not_found",
		"account_inactive", "invalid_auth", "not_authed", "token_revoked", "token_expired", "no_permission",
		"missing_scope", "not_allowed_token_type", "restricted_action", "restricted_action_read_only_channel",
		"restricted_action_thread_only_channel", "restricted_action_non_threadable_channel", "team_access_not_granted",
		"ekm_access_denied", "org_login_required", "user_not_in_channel", "user_not_found", "method_deprecated":
		return true
	}
	return false
}
