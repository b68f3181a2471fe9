package slack

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/slack-go/slack/slackevents"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
)

// inbound is a chat message from the Events API that is for the bot.
type inbound struct {
	eventID   string
	team      string
	channel   string
	thread    string
	ts        string
	user      string
	text      string
	mentioned bool
}

// maxEventRetries is how many times Slack delivers an event again that was
// not acknowledged (X-Slack-Retry-Num 1 to 3).
const maxEventRetries = 3

// event handles an Events API callback: a human's message in a thread, and
// a message mentioning the bot. The request id is the event_id, which Slack
// keeps when it delivers the event again. done is called once: true when
// the delivery may be acknowledged (the event is nothing for us, or the
// handler has answered, so a thread message is stored), false when Slack
// should deliver it again (no worker free, the same event already being
// handled, or the handler failed on our side before Slack's last retry).
// The reply is delivered after done.
func (a *Adapter) event(h bot.Handler, ev slackevents.EventsAPIEvent, retry int, done func(ok bool)) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		done(true)
		return
	}
	in := inbound{eventID: cb.EventID, team: cmp.Or(cb.TeamID, ev.TeamID)}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		// thread_broadcast and file_share are people's replies too; other
		// subtypes are edits, deletions, joins and bots.
		human := e.SubType == "" || e.SubType == "thread_broadcast" || e.SubType == "file_share"
		if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp || !human || e.BotID != "" || e.User == "" {
			done(true)
			return
		}
		in.channel, in.thread, in.ts, in.user, in.text = e.Channel, e.ThreadTimeStamp, e.TimeStamp, e.User, e.Text
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" {
			done(true)
			return
		}
		in.channel, in.thread, in.ts, in.user, in.text, in.mentioned = e.Channel, e.ThreadTimeStamp, e.TimeStamp, e.User, e.Text, true
	default:
		done(true)
		return
	}
	a.log.Debug("slack: event", "event_id", in.eventID, "type", ev.InnerEvent.Type, "team", in.team, "channel", in.channel, "retry", retry)
	err := a.kit.Submit(in.eventID, func(ctx context.Context) {
		var once sync.Once
		report := func(ok bool) { once.Do(func() { done(ok) }) }
		defer report(true)
		self := a.whoami(ctx)
		if self.userID != "" && in.user == self.userID {
			return
		}
		if !in.mentioned && self.userID != "" && strings.Contains(in.text, "<@"+self.userID) {
			// Slack sends a message that mentions the bot twice, as a
			// message and as an app_mention: the app_mention is handled.
			return
		}
		text := in.text
		if in.mentioned {
			text = stripMention(text, self.userID)
		}
		req := &bot.Request{
			ID:        in.eventID,
			Platform:  bot.PlatformSlack,
			MaxText:   maxRequestText,
			Workspace: in.team,
			Channel:   in.channel,
			Thread:    in.thread,
			User:      in.user,
			Text:      incomingText(text),
			Mentioned: in.mentioned,
			Permalink: permalink(self.url, in.channel, in.ts, in.thread),
			At:        a.now(),
		}
		reply := a.handle(ctx, h, req)
		if reply.Failed && retry < maxEventRetries {
			a.log.Info("slack: event failed; Slack is asked to deliver it again", "event_id", in.eventID, "retry", retry)
			report(false)
			return
		}
		report(true)
		a.deliver(ctx, destination{requestID: req.ID, channel: in.channel, thread: in.thread, user: in.user}, reply)
	})
	switch {
	case errors.Is(err, dispatch.ErrDuplicate):
		// Acknowledging it would lose the event if the delivery being
		// handled fails; Slack delivers it again later.
		a.log.Info("slack: event already being handled; Slack is asked to deliver it again", "event_id", in.eventID, "retry", retry)
		done(false)
	case err != nil:
		a.log.Warn("slack: no worker free for event", "event_id", in.eventID)
		done(false)
	}
}

// stripMention removes the mention of the bot that starts an app_mention's
// text; the first mention is taken for the bot's when its id is unknown.
func stripMention(text, botUser string) string {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "<@") {
		return t
	}
	end := strings.IndexByte(t, '>')
	if end < 0 {
		return t
	}
	id, _, _ := strings.Cut(t[2:end], "|")
	if botUser != "" && id != botUser {
		return t
	}
	return strings.TrimSpace(t[end+1:])
}

// permalink links to a message from the workspace URL auth.test gave, or
// is empty when it is unknown.
func permalink(teamURL, channel, ts, thread string) string {
	if teamURL == "" || channel == "" || ts == "" {
		return ""
	}
	link := strings.TrimSuffix(teamURL, "/") + "/archives/" + channel + "/p" + strings.Replace(ts, ".", "", 1)
	if thread != "" && thread != ts {
		link += "?thread_ts=" + thread + "&cid=" + channel
	}
	return link
}
