package discord

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
)

// ackFunc answers an interaction's callback, exactly once: over the
// gateway a REST call, over HTTP the response's body. An error means the
// answer did not go out.
type ackFunc func(resp *discordgo.InteractionResponse) error

// doneText answers a command whose reply has nothing to show: Discord
// wants every command answered.
const doneText = "Done."

// interaction handles one interaction. A ping is answered with a pong, an
// autocomplete with the Completer's choices; a command, a button, a select
// or a submitted modal goes to the handler through the dispatch kit.
func (a *Adapter) interaction(h bot.Handler, i *discordgo.Interaction, ack ackFunc) {
	switch i.Type {
	case discordgo.InteractionPing:
		_ = ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		a.autocomplete(i, ack)
	case discordgo.InteractionApplicationCommand:
		inv := readInvocation(i.ApplicationCommandData())
		req := a.request(i)
		line := "/" + inv.name
		if spec, ok := a.spec(inv.name); ok {
			line = commandLine(inv, spec.Params)
		}
		req.Text = line
		a.answer(h, i, req, ack, discordgo.InteractionResponseDeferredChannelMessageWithSource)
	case discordgo.InteractionMessageComponent:
		d := i.MessageComponentData()
		req := a.request(i)
		switch d.ComponentType {
		case discordgo.ButtonComponent:
			req.Action = &bot.Action{ID: bot.ActionRun, Value: d.CustomID}
		case discordgo.SelectMenuComponent:
			if len(d.Values) == 0 {
				_ = ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
				return
			}
			c := parseSelect(d.CustomID)
			name := "value"
			if len(c.names) > 0 {
				name = c.names[0]
			}
			if modal, ok := restModal(c, name, d.Values[0], "Details"); ok {
				_ = ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: modal})
				return
			}
			req.Action = &bot.Action{ID: bot.ActionForm, Value: c.formID, Values: map[string]string{name: d.Values[0]}}
		default:
			_ = ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
			return
		}
		a.answer(h, i, req, ack, discordgo.InteractionResponseDeferredMessageUpdate)
	case discordgo.InteractionModalSubmit:
		d := i.ModalSubmitData()
		req := a.request(i)
		req.Action = &bot.Action{ID: bot.ActionForm, Value: d.CustomID, Values: modalValues(d)}
		a.answer(h, i, req, ack, discordgo.InteractionResponseDeferredChannelMessageWithSource)
	default:
		a.log.Debug("discord: interaction ignored", "type", int(i.Type))
	}
}

// placeTime bounds looking up whether an interaction came from a thread;
// the answer is cached, and without it the thread is taken as a channel.
const placeTime = 500 * time.Millisecond

// request is what every interaction's request carries. One from inside a
// thread (a case's) comes from that thread of its parent channel, as a
// message there does.
func (a *Adapter) request(i *discordgo.Interaction) *bot.Request {
	ctx, cancel := context.WithTimeout(context.Background(), placeTime)
	channel, thread := a.place(ctx, i.ChannelID)
	cancel()
	req := &bot.Request{
		ID:        i.ID,
		Platform:  bot.PlatformDiscord,
		Workspace: i.GuildID,
		Channel:   channel,
		Thread:    thread,
		Locale:    string(i.Locale),
		MaxText:   maxContent,
		At:        a.now(),
	}
	if u := interactionUser(i); u != nil {
		req.User, req.UserName = u.ID, cmp.Or(u.GlobalName, u.Username)
	}
	if i.Member != nil && i.Member.Nick != "" {
		req.UserName = i.Member.Nick
	}
	if i.Member != nil {
		req.Roles = i.Member.Roles
	}
	return req
}

func interactionUser(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

func (a *Adapter) spec(name string) (bot.CommandSpec, bool) {
	i := slices.IndexFunc(a.cfg.Specs, func(s bot.CommandSpec) bool { return s.Name == name })
	if i < 0 {
		return bot.CommandSpec{}, false
	}
	return a.cfg.Specs[i], true
}

// answer hands req to the kit: its reply goes in the callback when the
// handler finishes within the ack budget; otherwise the callback defers
// (deferType: 5 for a command or a modal, shown as "thinking" and
// private, since the reply's visibility is not known yet; 6 for a
// component, showing nothing) and the reply follows by editing the
// original response (after 5) or as a follow-up (after 6).
func (a *Adapter) answer(h bot.Handler, i *discordgo.Interaction, req *bot.Request, ack ackFunc, deferType discordgo.InteractionResponseType) {
	if req.User == "" || req.Workspace == "" {
		// Outside a guild there is no workspace to find cases in.
		_ = ack(ephemeralText("disputedesk works in a server's channels, not in direct messages."))
		return
	}
	p := &progress{every: a.progress, now: a.now, edit: func(text string) {
		_, err := a.rest.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr(truncate(text, maxContent)), AllowedMentions: allowedMentions()})
		if err != nil {
			a.log.Debug("discord: draft progress not shown", "request_id", req.ID, "error", redact(err, i.Token))
		}
	}}
	if deferType == discordgo.InteractionResponseDeferredChannelMessageWithSource && req.Action == nil {
		req.Progress = p.show
	}
	a.log.Debug("discord: interaction", "request_id", req.ID, "type", int(i.Type), "guild", req.Workspace, "channel", req.Channel)
	a.kit.Answer(h, req, dispatch.Answer{
		Budget: a.ackBudget,
		Ack: func(reply *bot.Reply) error {
			if reply == nil {
				err := ack(deferred(deferType))
				p.deferred(err == nil)
				return err
			}
			resp, ok := callback(*reply)
			if !ok {
				err := ack(deferred(deferType))
				p.deferred(err == nil)
				return dispatch.ErrLater
			}
			return ack(resp)
		},
		Late: func(ctx context.Context, reply bot.Reply) {
			p.stop()
			if err := a.late(ctx, i, reply, deferType == discordgo.InteractionResponseDeferredChannelMessageWithSource); err != nil {
				a.log.Error("discord: reply not delivered", "request_id", req.ID, "error", err)
			}
		},
	})
}

func deferred(t discordgo.InteractionResponseType) *discordgo.InteractionResponse {
	resp := &discordgo.InteractionResponse{Type: t}
	if t == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	return resp
}

// callback is the callback that carries reply: a modal for a form, a
// select for a form that starts with a choice, else the message. It
// reports false when the reply does not fit one callback (text longer
// than one message, a form without an action id): it then goes late.
func callback(reply bot.Reply) (*discordgo.InteractionResponse, bool) {
	if f := reply.Form; f != nil {
		if choiceFirst(f) {
			m, ok := renderChoice(reply.Text, f)
			if !ok {
				return nil, false
			}
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: responseData(m)}, true
		}
		modal, ok := renderModal(f)
		if !ok {
			return nil, false
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: modal}, true
	}
	if dispatch.Empty(reply) {
		return ephemeralText(doneText), true
	}
	msgs := renderMessages(reply)
	if len(msgs) > 1 {
		return nil, false
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: responseData(msgs[0])}, true
}

func ephemeralText(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowedMentions()}}
}

// late delivers a reply after a deferred callback: the first message
// edits the original response when the deferral showed one (editOriginal),
// the rest are follow-ups. A form can no longer open a modal (only a
// callback can): it is offered as a button that asks again.
func (a *Adapter) late(ctx context.Context, i *discordgo.Interaction, reply bot.Reply, editOriginal bool) error {
	if f := reply.Form; f != nil {
		reply = bot.Reply{Text: cmp.Or(reply.Text, f.Title), Visibility: bot.Ephemeral}
		if f.ID != "" {
			reply.Buttons = []bot.Button{{Label: cmp.Or(f.Title, "Open the form"), ID: f.ID, Style: "primary"}}
		}
	}
	if dispatch.Empty(reply) {
		if !editOriginal {
			return nil
		}
		reply = bot.Reply{Text: doneText}
	}
	var errs []error
	for n, m := range renderMessages(reply) {
		var err error
		if n == 0 && editOriginal {
			_, err = a.rest.InteractionResponseEdit(i, webhookEdit(m), discordgo.WithContext(ctx))
		} else {
			_, err = a.rest.FollowupMessageCreate(i, true, webhookParams(m), discordgo.WithContext(ctx))
		}
		errs = append(errs, err)
	}
	return redact(errors.Join(errs...), i.Token)
}

// redact removes an interaction's token from err: it is in the webhook's
// URL, which a network error or a rate limit quotes, and whoever holds it
// can answer as the bot for 15 minutes.
func redact(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "<token>"))
}

// autocomplete answers with the Completer's choices for the focused
// option, within the ack budget: a slow database answers none rather
// than late, which Discord would drop.
func (a *Adapter) autocomplete(i *discordgo.Interaction, ack ackFunc) {
	inv := readInvocation(i.ApplicationCommandData())
	var choices []bot.Choice
	if a.cfg.Completer != nil && inv.focused != "" {
		ctx, cancel := context.WithTimeout(context.Background(), a.ackBudget)
		defer cancel()
		var err error
		q := bot.Completion{Command: inv.name, Param: inv.focused, Typed: inv.values[inv.focused], Values: inv.values}
		if choices, err = a.cfg.Completer.Complete(ctx, a.request(i), q); err != nil {
			a.log.Warn("discord: autocomplete failed", "command", inv.name, "option", inv.focused, "error", err)
			choices = nil
		}
	}
	_ = ack(&discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: renderChoices(choices)}})
}

func flags(m message) discordgo.MessageFlags {
	if m.Ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

func responseData(m message) *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
		Flags: flags(m), AllowedMentions: allowedMentions(m.Roles...)}
}

func webhookEdit(m message) *discordgo.WebhookEdit {
	embeds, components := m.Embeds, m.Components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	return &discordgo.WebhookEdit{Content: &m.Content, Embeds: &embeds, Components: &components, AllowedMentions: allowedMentions(m.Roles...)}
}

func webhookParams(m message) *discordgo.WebhookParams {
	return &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: m.Components, Flags: flags(m), AllowedMentions: allowedMentions(m.Roles...)}
}

func ptr[T any](v T) *T { return &v }
