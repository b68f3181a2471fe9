package discordfake

import (
	"encoding/json"
	"time"
)

// The fake's own structs of Discord's JSON objects. They decode what the bot
// sends and encode what the fake answers; fields the fake has no use for are
// left out, and a test reads the request body as sent in Message.Body.

// Message is one accepted create or edit of a message: a REST post or edit,
// a forum post's first message, or an interaction's response or follow-up.
// It holds the message as it stands after the call. Calls the fake refused
// are not recorded here; read them with NextCall.
type Message struct {
	Op            string // "create" or "edit"
	ID            string
	ChannelID     string // the channel it is in: a thread's ID for a message in a thread
	ThreadID      string // ChannelID when that is a thread or forum post, else ""
	ParentID      string // the thread's parent (text or forum channel) when ThreadID is set
	GuildID       string
	InteractionID string // the interaction it answers, for callbacks and webhook messages
	Ephemeral     bool   // flags 64: only the interaction's user sees it
	Content       string
	Embeds        []Embed
	Components    []Component
	Flags         int
	Files         []File          // attachments of this call
	Body          json.RawMessage // the request body as sent (payload_json when multipart)
	Timestamp     time.Time
}

// wireMessage is the message part of a request as Discord reads it: a
// message create or edit, a forum post's "message", an interaction
// callback's "data", a webhook execute or edit. Pointers tell an absent field
// (an edit leaves it as it is) from an empty one.
type wireMessage struct {
	Content    *string      `json:"content"`
	Embeds     *[]Embed     `json:"embeds"`
	Components *[]Component `json:"components"`
	Flags      *int         `json:"flags"`
	// Attachments describe the files of a multipart message (attachments.go).
	Attachments *[]wireAttachment `json:"attachments"`
	// Interaction callbacks only: autocomplete (type 8) and modal (type 9).
	Choices  *[]Choice `json:"choices"`
	Title    string    `json:"title"`
	CustomID string    `json:"custom_id"`
}

// empty reports whether the message has nothing to show, which Discord
// refuses with 50006.
func (m *wireMessage) empty(files int) bool {
	return files == 0 && (m.Content == nil || *m.Content == "") &&
		(m.Embeds == nil || len(*m.Embeds) == 0) && (m.Components == nil || len(*m.Components) == 0)
}

// apply sets the fields m carries on msg, as an edit does.
func (m *wireMessage) apply(msg *Message) {
	if m.Content != nil {
		msg.Content = *m.Content
	}
	if m.Embeds != nil {
		msg.Embeds = *m.Embeds
	}
	if m.Components != nil {
		msg.Components = *m.Components
	}
	if m.Flags != nil {
		msg.Flags = *m.Flags
		msg.Ephemeral = msg.Flags&flagEphemeral != 0
	}
}

// flagEphemeral is message flag 64, EPHEMERAL.
const flagEphemeral = 1 << 6

// Embed is a rich embed (https://discord.com/developers/docs/resources/message#embed-object).
type Embed struct {
	Type        string       `json:"type,omitempty"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	URL         string       `json:"url,omitempty"`
	Timestamp   string       `json:"timestamp,omitempty"`
	Color       int          `json:"color,omitempty"`
	Footer      *EmbedFooter `json:"footer,omitempty"`
	Image       *EmbedMedia  `json:"image,omitempty"`
	Thumbnail   *EmbedMedia  `json:"thumbnail,omitempty"`
	Author      *EmbedAuthor `json:"author,omitempty"`
	Fields      []EmbedField `json:"fields,omitempty"`
}

// EmbedFooter is an embed's footer.
type EmbedFooter struct {
	Text    string `json:"text"`
	IconURL string `json:"icon_url,omitempty"`
}

// EmbedMedia is an embed's image or thumbnail; "attachment://chart.png"
// names a file of the same message.
type EmbedMedia struct {
	URL string `json:"url"`
}

// EmbedAuthor is an embed's author line.
type EmbedAuthor struct {
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	IconURL string `json:"icon_url,omitempty"`
}

// EmbedField is one name/value field of an embed.
type EmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// Component types and button styles
// (https://discord.com/developers/docs/components/reference).
const (
	ComponentActionRow  = 1
	ComponentButton     = 2
	ComponentSelect     = 3 // string select
	ComponentTextInput  = 4
	ComponentUserSelect = 5 // 5 to 8: user, role, mentionable and channel selects

	ButtonLink    = 5
	ButtonPremium = 6
)

// Component is any message or modal component: an action row with its
// children, a button, a select menu or a text input.
type Component struct {
	Type        int            `json:"type"`
	CustomID    string         `json:"custom_id,omitempty"`
	Style       int            `json:"style,omitempty"`
	Label       string         `json:"label,omitempty"`
	Emoji       *Emoji         `json:"emoji,omitempty"`
	URL         string         `json:"url,omitempty"`
	Disabled    bool           `json:"disabled,omitempty"`
	Placeholder string         `json:"placeholder,omitempty"`
	MinValues   *int           `json:"min_values,omitempty"`
	MaxValues   int            `json:"max_values,omitempty"`
	Options     []SelectOption `json:"options,omitempty"`
	Value       string         `json:"value,omitempty"`
	Required    *bool          `json:"required,omitempty"`
	MinLength   int            `json:"min_length,omitempty"`
	MaxLength   int            `json:"max_length,omitempty"`
	Components  []Component    `json:"components,omitempty"`
}

// Emoji is a component's emoji.
type Emoji struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	Animated bool   `json:"animated,omitempty"`
}

// SelectOption is one option of a string select.
type SelectOption struct {
	Label       string `json:"label"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	Emoji       *Emoji `json:"emoji,omitempty"`
	Default     bool   `json:"default,omitempty"`
}

// Choice is an autocomplete answer's or a command option's choice; Value is
// a string or a number.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Command is a registered application command, as a bulk overwrite left it.
type Command struct {
	ID                       string            `json:"id"`
	ApplicationID            string            `json:"application_id"`
	GuildID                  string            `json:"guild_id,omitempty"`
	Version                  string            `json:"version"`
	Type                     int               `json:"type"` // 1 chat input (slash), 2 user, 3 message
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	Options                  []CommandOption   `json:"options,omitempty"`
	DefaultMemberPermissions *string           `json:"default_member_permissions"`
	DMPermission             *bool             `json:"dm_permission,omitempty"`
	Contexts                 []int             `json:"contexts,omitempty"`
	NSFW                     bool              `json:"nsfw,omitempty"`
}

// CommandOption is a command's option, subcommand (type 1) or subcommand
// group (type 2).
type CommandOption struct {
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	Required                 bool              `json:"required,omitempty"`
	Autocomplete             bool              `json:"autocomplete,omitempty"`
	Choices                  []Choice          `json:"choices,omitempty"`
	Options                  []CommandOption   `json:"options,omitempty"`
	ChannelTypes             []int             `json:"channel_types,omitempty"`
	MinValue                 *float64          `json:"min_value,omitempty"`
	MaxValue                 *float64          `json:"max_value,omitempty"`
	MinLength                *int              `json:"min_length,omitempty"`
	MaxLength                *int              `json:"max_length,omitempty"`
}

// messageObject is the message object Discord answers and dispatches.
func (s *Server) messageObjectLocked(m *Message) map[string]any {
	files := make([]map[string]any, 0, len(m.Files))
	for _, f := range m.Files {
		a := map[string]any{
			"id": s.newIDLocked(), "filename": f.Name, "size": len(f.Data), "content_type": f.ContentType,
			"url": s.ts.URL + "/attachments/" + m.ChannelID + "/" + f.Name,
		}
		if f.Description != "" {
			a["description"] = f.Description
		}
		files = append(files, a)
	}
	out := map[string]any{
		"id": m.ID, "type": 0, "channel_id": m.ChannelID, "author": botUser(),
		"content": m.Content, "embeds": nonNil(m.Embeds), "components": nonNil(m.Components),
		"attachments": files, "flags": m.Flags, "timestamp": m.Timestamp.Format(time.RFC3339Nano),
		"edited_timestamp": nil, "tts": false, "mention_everyone": false, "mentions": []any{},
		"mention_roles": []any{}, "pinned": false,
	}
	if m.GuildID != "" {
		out["guild_id"] = m.GuildID
	}
	if m.InteractionID != "" {
		out["application_id"] = AppID
		out["webhook_id"] = AppID
	}
	if m.Op == "edit" {
		out["edited_timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
