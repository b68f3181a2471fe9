package discord

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
)

// message handles a message from the gateway: one in a thread (a case's
// thread or forum post goes on its timeline) or one mentioning the bot
// (it gets a suggestion, posted as a reply). The request id is the
// message's id, so a message the gateway delivers again is recorded once.
func (a *Adapter) message(h bot.Handler, m *discordgo.Message) {
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" || m.GuildID == "" {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	self := a.self()
	if self != "" && m.Author.ID == self {
		return
	}
	mentioned := self != "" && slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u != nil && u.ID == self })
	err := a.kit.Submit(m.ID, func(ctx context.Context) {
		channel, thread := a.place(ctx, m.ChannelID)
		if thread == "" && !mentioned {
			return // neither a thread's message nor for the bot
		}
		text := m.Content
		if mentioned {
			text = stripMention(text, self)
		}
		req := &bot.Request{
			ID:        m.ID,
			Platform:  bot.PlatformDiscord,
			MaxText:   maxContent,
			Workspace: m.GuildID,
			Channel:   channel,
			Thread:    thread,
			User:      m.Author.ID,
			UserName:  m.Author.Username,
			Text:      incoming(text),
			Mentioned: mentioned,
			Permalink: "https://discord.com/channels/" + m.GuildID + "/" + m.ChannelID + "/" + m.ID,
			At:        a.now(),
		}
		reply := a.kit.Handle(ctx, h, req)
		if dispatch.Empty(reply) {
			return
		}
		for i, part := range renderMessages(reply) {
			send := messageSend(part)
			if i == 0 {
				send.Reference = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
			}
			if _, err := a.rest.ChannelMessageSendComplex(m.ChannelID, send, discordgo.WithContext(ctx)); err != nil {
				a.log.Error("discord: reply to a message not delivered", "request_id", req.ID, "error", err)
				return
			}
		}
	})
	switch {
	case errors.Is(err, dispatch.ErrDuplicate):
		a.log.Info("discord: message already being handled", "message_id", m.ID)
	case err != nil:
		a.log.Warn("discord: no worker free; message dropped", "message_id", m.ID)
	}
}

// place returns where a message was posted: for a thread or a forum post
// its channel and itself, else the channel and no thread. A channel that
// cannot be looked up is taken as no thread.
func (a *Adapter) place(ctx context.Context, channelID string) (channel, thread string) {
	if a.session != nil && a.session.State != nil {
		if ch, err := a.session.State.Channel(channelID); err == nil {
			return placeOf(ch)
		}
	}
	ch, err := a.channel(ctx, channelID)
	if err != nil || ch.ID != channelID {
		a.log.Debug("discord: channel not looked up", "channel", channelID, "error", err)
		return channelID, ""
	}
	return placeOf(ch)
}

func placeOf(ch *discordgo.Channel) (channel, thread string) {
	if ch.IsThread() && ch.ParentID != "" {
		return ch.ParentID, ch.ID
	}
	return ch.ID, ""
}

// stripMention removes the bot's mention from a message's start.
func stripMention(text, self string) string {
	t := strings.TrimSpace(text)
	for _, m := range []string{"<@" + self + ">", "<@!" + self + ">"} {
		if strings.HasPrefix(t, m) {
			return strings.TrimSpace(t[len(m):])
		}
	}
	return t
}
