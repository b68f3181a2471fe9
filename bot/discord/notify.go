package discord

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// threadArchive is how long a case's thread stays open without messages
// (minutes; Discord takes 60, 1440, 4320 or 10080): a week, since cases wait
// on customers and processors for days.
const threadArchive = 10080

// statusClosed is the status tag of a closed case, whose thread is archived.
const statusClosed = "closed"

// Post posts m and says where it went. A case's card (m.ThreadName set,
// no m.Thread, no m.UpdateID) is posted and a thread started from it in a
// text channel, or it opens a forum post in a forum channel, tagged with
// m.Tags; a thread message goes to m.Thread; an update edits the card
// m.UpdateID, unarchiving its thread first when archived, and then sets
// the forum post's tags and archives the thread when the case is closed
// (its status tag is "closed"). A reply's image is sent as a file of the
// message that carries its embeds, shown in an embed of its own (withImage);
// an update edits text and embeds only, and an image over
// bot.MaxImageBytes is refused for good. A failure is a *bot.DeliveryError:
// RetryAfter set on a 429, Permanent when Discord refuses the call for
// good (unknown channel or message, missing access or permissions, a
// malformed message), neither on a server error or a network failure.
// Post does not retry on its own: the outbox does.
func (a *Adapter) Post(ctx context.Context, m bot.Message) (bot.Posted, error) {
	if m.Channel == "" {
		return bot.Posted{}, &bot.DeliveryError{Err: errors.New("discord: post: no channel"), Permanent: true}
	}
	msgs := renderMessages(m.Reply)
	for i := range msgs {
		msgs[i].Ephemeral = false // a post is for the channel
	}
	if img := m.Reply.Image; img != nil && m.UpdateID == "" {
		if err := bot.CheckImage(img); err != nil {
			return bot.Posted{}, err
		}
		// The image goes with the embeds, on the last part of a long text.
		last := &msgs[len(msgs)-1]
		last.Image, last.Embeds = img, withImage(last.Embeds, img)
	}
	var posted bot.Posted
	var err error
	switch {
	case m.UpdateID != "":
		posted, err = a.updateCard(ctx, m, msgs[len(msgs)-1])
		msgs = nil // an edit is one message: the last part carries the card
	case m.Thread != "":
		posted, err = a.postIn(ctx, m.Thread, msgs[0], true)
		if restCode(err) == discordgo.ErrCodeUnknownChannel && m.Thread != m.Channel {
			// The card's thread was never started (see postCard): start
			// it from the card, whose id it takes, and post once more.
			if _, serr := a.rest.MessageThreadStartComplex(m.Channel, m.Thread, &discordgo.ThreadStart{
				Name: truncate(cmp.Or(m.ThreadName, "disputedesk"), maxThreadName), AutoArchiveDuration: threadArchive},
				discordgo.WithContext(ctx)); serr == nil {
				posted, err = a.postIn(ctx, m.Thread, msgs[0], true)
			}
		}
		posted.ThreadID = m.Thread
		msgs = msgs[1:]
	default:
		posted, err = a.postCard(ctx, m, msgs[0])
		msgs = msgs[1:]
	}
	if err != nil {
		return bot.Posted{}, err
	}
	// The rest of a long text follows in the thread, or the channel.
	for _, part := range msgs {
		if _, err := a.postIn(ctx, cmp.Or(posted.ThreadID, m.Channel), part, posted.ThreadID != ""); err != nil {
			return posted, err
		}
	}
	return posted, nil
}

// postCard posts a message that may start a case's thread.
func (a *Adapter) postCard(ctx context.Context, m bot.Message, first message) (bot.Posted, error) {
	ch, err := a.channel(ctx, m.Channel)
	if err != nil {
		return bot.Posted{}, deliveryError("get channel", err)
	}
	if ch.Type == discordgo.ChannelTypeGuildForum {
		name := cmp.Or(m.ThreadName, firstLine(first.Content), "disputedesk")
		start := &discordgo.ThreadStart{Name: truncate(name, maxThreadName), AutoArchiveDuration: threadArchive,
			AppliedTags: a.forumTagIDs(ctx, m.Channel, m.Tags)}
		th, err := a.rest.ForumThreadStartComplex(m.Channel, start, messageSend(first), discordgo.WithContext(ctx))
		if err != nil {
			return bot.Posted{}, deliveryError("start forum post", err)
		}
		// A forum post's starter message has the post's id.
		return bot.Posted{MessageID: th.ID, ThreadID: th.ID}, nil
	}
	msg, err := a.rest.ChannelMessageSendComplex(m.Channel, messageSend(first), discordgo.WithContext(ctx))
	if err != nil {
		return bot.Posted{}, deliveryError("post message", err)
	}
	if m.ThreadName == "" {
		return bot.Posted{MessageID: msg.ID}, nil
	}
	th, err := a.rest.MessageThreadStartComplex(m.Channel, msg.ID, &discordgo.ThreadStart{Name: truncate(m.ThreadName, maxThreadName),
		AutoArchiveDuration: threadArchive}, discordgo.WithContext(ctx))
	if err != nil {
		// The card is posted, and posting it again would show it twice: a
		// thread started from a message takes the message's id, which the
		// case keeps, so a later start from the card fills it in.
		a.log.Warn("discord: card posted but its thread not started", "channel", m.Channel, "message_id", msg.ID, "error", err)
		return bot.Posted{MessageID: msg.ID, ThreadID: msg.ID}, nil
	}
	return bot.Posted{MessageID: msg.ID, ThreadID: th.ID}, nil
}

// postIn posts a message in a channel or a thread; a thread archived
// (and so refusing it) is unarchived and the post tried once more.
func (a *Adapter) postIn(ctx context.Context, channel string, m message, thread bool) (bot.Posted, error) {
	msg, err := a.rest.ChannelMessageSendComplex(channel, messageSend(m), discordgo.WithContext(ctx))
	if thread && restCode(err) == discordgo.ErrCodePerformedOperationOnArchivedThread {
		if err := a.setArchived(ctx, channel, false, nil); err != nil {
			return bot.Posted{}, err
		}
		msg, err = a.rest.ChannelMessageSendComplex(channel, messageSend(m), discordgo.WithContext(ctx))
	}
	if err != nil {
		return bot.Posted{}, deliveryError("post message", err)
	}
	return bot.Posted{MessageID: msg.ID}, nil
}

// updateCard edits a case's card in place. The card of a forum post is
// the post's starter message, in the post; a text channel's card is in
// the channel, its thread beside it.
func (a *Adapter) updateCard(ctx context.Context, m bot.Message, card message) (bot.Posted, error) {
	parent, err := a.channel(ctx, m.Channel)
	if err != nil {
		return bot.Posted{}, deliveryError("get channel", err)
	}
	forum := parent.Type == discordgo.ChannelTypeGuildForum
	where := m.Channel
	if forum {
		where = cmp.Or(m.Thread, m.UpdateID)
	}
	closing := slices.Contains(m.Tags, statusClosed)
	var tags *[]string
	if forum {
		ids := a.forumTagIDs(ctx, m.Channel, m.Tags)
		tags = &ids
	}
	if m.Thread != "" {
		th, err := a.rest.Channel(m.Thread, discordgo.WithContext(ctx))
		switch {
		case err != nil && restCode(err) != discordgo.ErrCodeUnknownChannel:
			return bot.Posted{}, deliveryError("get thread", err)
		case err == nil && th.ThreadMetadata != nil && th.ThreadMetadata.Archived:
			// An archived thread takes no edits (its starter message
			// included): unarchive it first, with the tags of the
			// case as it now is.
			if err := a.setArchived(ctx, m.Thread, false, tags); err != nil {
				return bot.Posted{}, err
			}
			tags = nil
		}
	}
	edit := &discordgo.MessageEdit{ID: m.UpdateID, Channel: where, Content: &card.Content, AllowedMentions: allowedMentions(card.Roles...)}
	embeds, components := card.Embeds, card.Components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit.Embeds, edit.Components = &embeds, &components
	if _, err := a.rest.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx)); err != nil {
		return bot.Posted{}, deliveryError("edit card", err)
	}
	switch {
	case m.Thread != "" && closing:
		if err := a.setArchived(ctx, m.Thread, true, tags); err != nil {
			return bot.Posted{}, err
		}
	case m.Thread != "" && tags != nil:
		if _, err := a.rest.ChannelEditComplex(m.Thread, &discordgo.ChannelEdit{AppliedTags: tags}, discordgo.WithContext(ctx)); err != nil {
			return bot.Posted{}, deliveryError("tag forum post", err)
		}
	}
	return bot.Posted{MessageID: m.UpdateID, ThreadID: m.Thread}, nil
}

// setArchived archives or unarchives a thread, setting a forum post's
// tags with it when tags is not nil.
func (a *Adapter) setArchived(ctx context.Context, thread string, archived bool, tags *[]string) error {
	verb := "unarchive thread"
	if archived {
		verb = "archive thread"
	}
	if _, err := a.rest.ChannelEditComplex(thread, &discordgo.ChannelEdit{Archived: &archived, AppliedTags: tags}, discordgo.WithContext(ctx)); err != nil {
		return deliveryError(verb, err)
	}
	return nil
}

func messageSend(m message) *discordgo.MessageSend {
	return &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components, Files: imageFiles(m.Image),
		AllowedMentions: allowedMentions(m.Roles...)}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// restCode is the JSON error code of a Discord REST error, 0 for another error.
func restCode(err error) int {
	if re, ok := errors.AsType[*discordgo.RESTError](err); ok && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// restStatus is the HTTP status of a Discord REST error, 0 for another error.
func restStatus(err error) int {
	if re, ok := errors.AsType[*discordgo.RESTError](err); ok && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// permanentCodes are the JSON error codes after which sending the same
// call again cannot succeed.
var permanentCodes = []int{
	discordgo.ErrCodeUnknownChannel, discordgo.ErrCodeUnknownGuild, discordgo.ErrCodeUnknownMessage,
	discordgo.ErrCodeMissingAccess, discordgo.ErrCodeMissingPermissions, discordgo.ErrCodeCannotSendEmptyMessage,
	discordgo.ErrCodeInvalidFormBody, discordgo.ErrCodeThreadIsLocked, discordgo.ErrCodePerformedOperationOnArchivedThread,
}

// deliveryError classifies an error of a REST call. discordgo's retries
// are off, so a 429 arrives as a *discordgo.RateLimitError and a 502 as
// a plain error, both for the outbox to try again.
func deliveryError(call string, err error) *bot.DeliveryError {
	de := &bot.DeliveryError{Err: fmt.Errorf("discord %s: %w", call, err)}
	if rl, ok := errors.AsType[*discordgo.RateLimitError](err); ok && rl.TooManyRequests != nil {
		de.RetryAfter = rl.RetryAfter
		return de
	}
	re, ok := errors.AsType[*discordgo.RESTError](err)
	if !ok || re.Response == nil {
		return de
	}
	switch code := re.Response.StatusCode; {
	case re.Message != nil && slices.Contains(permanentCodes, re.Message.Code):
		de.Permanent = true
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
	case code >= 400:
		// 401 (the token), 403 (access), 404 (gone), 400 (malformed):
		// Discord refuses the same call again.
		de.Permanent = true
	}
	return de
}
