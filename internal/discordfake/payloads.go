package discordfake

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"time"
)

// The builders below return the interaction objects Discord sends, as maps
// of nested map[string]any, so a test can adjust any field before sending,
// e.g. p["locale"] = "nb". The same payload goes to the bot over HTTP
// (Client.Send) or the gateway (Server.DispatchInteraction).

// Opts are the optional parts of an interaction. Zero values take defaults:
// GuildID, ChannelID, UserID, UserName, locale "en-US" (guild locale
// "en-US"), a fresh ID and token. DM sends it from a direct message: no
// guild, "user" instead of "member".
type Opts struct {
	ID, Token                   string
	GuildID, ChannelID          string
	UserID, UserName            string
	Locale, GuildLocale         string
	DM                          bool
	MessageID, MessageChannelID string // components: the message the component is on; default a fresh ID in ChannelID
}

// NewID returns a fresh snowflake, for IDs a test makes up.
func NewID() string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	ms := time.Now().UnixMilli() - discordEpoch
	return strconv.FormatInt(ms<<22|int64(binary.BigEndian.Uint16(b[:])), 10)
}

// NewToken returns a fresh interaction token.
func NewToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return "aW50ZXJhY3Rpb24" + base64.RawURLEncoding.EncodeToString(b)
}

// interactionPayload is the common part of every interaction object.
func interactionPayload(typ int, data map[string]any, opt Opts) map[string]any {
	user := map[string]any{
		"id": cmp.Or(opt.UserID, UserID), "username": cmp.Or(opt.UserName, UserName),
		"discriminator": "0", "global_name": cmp.Or(opt.UserName, UserName), "avatar": nil,
	}
	channelID := cmp.Or(opt.ChannelID, ChannelID)
	p := map[string]any{
		"id": cmp.Or(opt.ID, NewID()), "application_id": AppID, "type": typ,
		"token": cmp.Or(opt.Token, NewToken()), "version": 1,
		"channel_id":                     channelID,
		"channel":                        map[string]any{"id": channelID, "type": ChannelText},
		"locale":                         cmp.Or(opt.Locale, "en-US"),
		"app_permissions":                "562949953421311",
		"entitlements":                   []any{},
		"authorizing_integration_owners": map[string]any{"0": cmp.Or(opt.GuildID, GuildID)},
	}
	if data != nil {
		p["data"] = data
	}
	if opt.DM {
		p["user"] = user
		p["context"] = 1
		p["channel"] = map[string]any{"id": channelID, "type": 1}
		return p
	}
	p["guild_id"] = cmp.Or(opt.GuildID, GuildID)
	p["guild_locale"] = cmp.Or(opt.GuildLocale, "en-US")
	p["context"] = 0
	p["member"] = map[string]any{
		"user": user, "roles": []any{}, "permissions": "2248473465835073",
		"joined_at": "2024-01-02T03:04:05.000000+00:00", "deaf": false, "mute": false, "flags": 0,
	}
	return p
}

// Ping is the PING Discord sends to check the interactions endpoint; the
// bot answers {"type": 1}.
func Ping() map[string]any {
	return map[string]any{"id": NewID(), "application_id": AppID, "type": InteractionPing, "token": NewToken(), "version": 1}
}

// SlashCommand is an APPLICATION_COMMAND of the chat input command name
// with options (Opt, Sub, Group).
func SlashCommand(name string, opt Opts, options ...map[string]any) map[string]any {
	return interactionPayload(InteractionCommand, commandData(name, options), opt)
}

// Autocomplete is an APPLICATION_COMMAND_AUTOCOMPLETE of command name:
// options as typed so far, one of them Focused.
func Autocomplete(name string, opt Opts, options ...map[string]any) map[string]any {
	return interactionPayload(InteractionAutocomplete, commandData(name, options), opt)
}

func commandData(name string, options []map[string]any) map[string]any {
	d := map[string]any{"id": commandID(name), "name": name, "type": 1}
	if len(options) > 0 {
		d["options"] = options
	}
	return d
}

// commandID is a stable made-up ID for a command name.
func commandID(name string) string {
	return strconv.FormatUint(1300000000000000000+uint64(fnv32(name)), 10)
}

// Opt is a command option with a value: a string (type 3), an int (4), a
// bool (5) or a float64 (10).
func Opt(name string, value any) map[string]any {
	typ := 3
	switch v := value.(type) {
	case int:
		typ = 4
	case int64:
		typ, value = 4, int(v)
	case bool:
		typ = 5
	case float64:
		typ = 10
	}
	return map[string]any{"name": name, "type": typ, "value": value}
}

// Focused is the string option being typed in an autocomplete.
func Focused(name, partial string) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": partial, "focused": true}
}

// Sub is a subcommand (type 1) with its options.
func Sub(name string, options ...map[string]any) map[string]any {
	return map[string]any{"name": name, "type": 1, "options": nonNil(options)}
}

// Group is a subcommand group (type 2) with its subcommands.
func Group(name string, subs ...map[string]any) map[string]any {
	return map[string]any{"name": name, "type": 2, "options": nonNil(subs)}
}

// componentMessage is the bot's message a component interaction comes from.
func componentMessage(opt Opts) map[string]any {
	return map[string]any{
		"id": cmp.Or(opt.MessageID, NewID()), "channel_id": cmp.Or(opt.MessageChannelID, opt.ChannelID, ChannelID),
		"type": 0, "content": "", "author": botUser(), "embeds": []any{}, "components": []any{},
		"attachments": []any{}, "flags": 0, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"edited_timestamp": nil, "tts": false, "mention_everyone": false, "mentions": []any{}, "pinned": false,
		"application_id": AppID,
	}
}

// ButtonClick is a MESSAGE_COMPONENT: the user pressed the button customID
// on the message opt.MessageID.
func ButtonClick(customID string, opt Opts) map[string]any {
	p := interactionPayload(InteractionComponent, map[string]any{"custom_id": customID, "component_type": ComponentButton}, opt)
	p["message"] = componentMessage(opt)
	return p
}

// StringSelect is a MESSAGE_COMPONENT: the user chose values in the string
// select customID on the message opt.MessageID.
func StringSelect(customID string, values []string, opt Opts) map[string]any {
	p := interactionPayload(InteractionComponent, map[string]any{"custom_id": customID, "component_type": ComponentSelect, "values": nonNil(values)}, opt)
	p["message"] = componentMessage(opt)
	return p
}

// TextValue is a modal's text input as submitted.
type TextValue struct{ CustomID, Value string }

// ModalSubmit is a MODAL_SUBMIT of the modal customID: each input in an
// action row of its own, as Discord sends them.
func ModalSubmit(customID string, opt Opts, inputs ...TextValue) map[string]any {
	rows := make([]any, 0, len(inputs))
	for _, in := range inputs {
		rows = append(rows, map[string]any{"type": ComponentActionRow, "components": []any{
			map[string]any{"type": ComponentTextInput, "custom_id": in.CustomID, "value": in.Value},
		}})
	}
	return interactionPayload(InteractionModalSubmit, map[string]any{"custom_id": customID, "components": rows}, opt)
}

// UserMessage is a MESSAGE_CREATE's message: userID wrote content in
// channelID (a guild channel of GuildID unless opt.DM). Dispatch it.
func UserMessage(content string, opt Opts) map[string]any {
	m := map[string]any{
		"id": cmp.Or(opt.MessageID, NewID()), "channel_id": cmp.Or(opt.ChannelID, ChannelID), "type": 0,
		"content": content, "author": map[string]any{"id": cmp.Or(opt.UserID, UserID), "username": cmp.Or(opt.UserName, UserName), "discriminator": "0"},
		"embeds": []any{}, "components": []any{}, "attachments": []any{}, "mentions": []any{}, "mention_roles": []any{},
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano), "edited_timestamp": nil, "tts": false,
		"mention_everyone": false, "pinned": false, "flags": 0,
	}
	if !opt.DM {
		m["guild_id"] = cmp.Or(opt.GuildID, GuildID)
	}
	return m
}
