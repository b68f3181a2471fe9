package discord

import (
	"cmp"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// Discord's limits (https://discord.com/developers/docs/resources/message,
// .../interactions/message-components, .../resources/channel#start-thread).
const (
	maxContent        = 2000 // characters of a message's content
	maxEmbeds         = 10   // embeds in one message
	maxEmbedTotal     = 6000 // characters over all of a message's embeds
	maxEmbedTitle     = 256  // characters in an embed's title
	maxEmbedDesc      = 4096 // characters in an embed's description
	maxEmbedFields    = 25   // fields in one embed
	maxFieldName      = 256  // characters in a field's name
	maxFieldValue     = 1024 // characters in a field's value
	maxRows           = 5    // action rows in a message or a modal
	maxRowButtons     = 5    // buttons in one action row
	maxButtonLabel    = 80   // characters on a button
	maxCustomID       = 100  // characters of a custom_id (bot.MaxActionID)
	maxSelectOptions  = 25   // options in a select menu
	maxOptionLabel    = 100  // characters in a select option's label and value
	maxPlaceholder    = 150  // characters in a select's placeholder
	maxModalTitle     = 45   // characters in a modal's title
	maxModalInputs    = 5    // text inputs in a modal (v0.29.0: no selects)
	maxInputLabel     = 45   // characters in a text input's label
	maxInputHint      = 100  // characters in a text input's placeholder
	maxInputValue     = 4000 // characters in a text input's value
	maxChoices        = 25   // autocomplete choices and option choices
	maxChoiceText     = 100  // characters in a choice's name and value
	maxThreadName     = 100  // characters in a thread's name
	maxForumTags      = 20   // tags a forum channel has
	maxAppliedTags    = 5    // tags one forum post carries
	maxCommandOptions = 25   // options of a command or subcommand
	maxCommandDesc    = 100  // characters in a command's or option's description
)

// message is one Discord message of a reply: a reply whose text is longer
// than 2000 characters is several, and only the last carries the embed and
// the components.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
	// Image is sent as the message's file (only a Notifier's post has one).
	Image *bot.Image
	// Roles are the roles the core mentioned in Content, which it may ping.
	Roles []string
}

// allowedMentions lets a message ping the users it mentions, and the roles
// given (those the core mentioned, bot.MentionedGroups), and nobody else:
// text from a customer or an agent saying @everyone, or naming a role,
// pings no one.
func allowedMentions(roles ...string) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}, Roles: roles}
}

// renderMessages renders a reply as Discord messages: the text as content,
// split at line boundaries; a title, fields or sections as one embed (more
// when they pass an embed's limits); buttons as action rows.
func renderMessages(r bot.Reply) []message {
	text := outgoing(r.Text)
	if strings.TrimSpace(text) == "" && r.Title != "" {
		text = outgoing(r.Title)
	}
	parts := splitText(text, maxContent)
	msgs := make([]message, len(parts))
	for i, p := range parts {
		msgs[i] = message{Content: p, Ephemeral: r.Visibility == bot.Ephemeral, Roles: bot.MentionedGroups(p)}
	}
	last := &msgs[len(msgs)-1]
	last.Embeds = renderEmbeds(r)
	last.Components = buttonRows(r.Buttons)
	return msgs
}

// renderEmbeds renders a reply's title, fields and sections as embeds,
// none when it has none.
func renderEmbeds(r bot.Reply) []*discordgo.MessageEmbed {
	if r.Title == "" && len(r.Fields) == 0 && len(r.Sections) == 0 {
		return nil
	}
	b := embedBuilder{}
	b.cur = &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: truncate(outgoing(r.Title), maxEmbedTitle)}
	b.total = utf8.RuneCountInString(b.cur.Title)
	b.embeds = []*discordgo.MessageEmbed{b.cur}
	for _, f := range r.Fields {
		name, value := strings.TrimSpace(outgoing(f.Label)), strings.TrimSpace(outgoing(f.Value))
		if name == "" && value == "" {
			continue
		}
		b.add(cmp.Or(name, "\u200b"), cmp.Or(value, "\u200b"), true)
	}
	for _, s := range r.Sections {
		name := cmp.Or(strings.TrimSpace(outgoing(s.Title)), "\u200b")
		lines := make([]string, len(s.Lines))
		for i, l := range s.Lines {
			lines[i] = outgoing(l)
		}
		for i, chunk := range splitText(strings.Join(lines, "\n"), maxFieldValue) {
			if i > 0 {
				name = "\u200b"
			}
			if strings.TrimSpace(chunk) != "" {
				b.add(name, chunk, false)
			}
		}
	}
	return b.embeds
}

// embedBuilder fills embeds with fields within Discord's limits: 25 fields
// an embed, then another embed, 6000 characters in all, then a note that
// more is not shown.
type embedBuilder struct {
	embeds []*discordgo.MessageEmbed
	cur    *discordgo.MessageEmbed
	total  int
	full   bool
}

const moreNotShown = "… more not shown: /case show has it all"

func (b *embedBuilder) add(name, value string, inline bool) {
	if b.full {
		return
	}
	name, value = truncate(name, maxFieldName), truncate(value, maxFieldValue)
	n := utf8.RuneCountInString(name) + utf8.RuneCountInString(value)
	room := maxEmbedTotal - b.total - utf8.RuneCountInString(moreNotShown) - 1
	lastEmbed := len(b.embeds) == maxEmbeds && len(b.cur.Fields) >= maxEmbedFields-1
	if n > room || lastEmbed {
		b.full = true
		b.field("\u200b", moreNotShown, false)
		return
	}
	b.field(name, value, inline)
}

func (b *embedBuilder) field(name, value string, inline bool) {
	if len(b.cur.Fields) == maxEmbedFields {
		b.cur = &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich}
		b.embeds = append(b.embeds, b.cur)
	}
	b.cur.Fields = append(b.cur.Fields, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: inline})
	b.total += utf8.RuneCountInString(name) + utf8.RuneCountInString(value)
}

// buttonRows renders buttons as action rows of five, at most 25 buttons.
// A button carries its action id as custom_id; one without (its command
// too long for an id) is left out rather than cut, since a cut command
// would run something else; a custom_id seen before in the message is
// left out too (Discord refuses the message).
func buttonRows(buttons []bot.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, b := range buttons {
		if b.ID == "" || len(b.ID) > maxCustomID || seen[b.ID] || len(rows) == maxRows {
			continue
		}
		seen[b.ID] = true
		style := discordgo.SecondaryButton
		switch b.Style {
		case "primary":
			style = discordgo.PrimaryButton
		case "danger":
			style = discordgo.DangerButton
		}
		label := cmp.Or(strings.TrimSpace(b.Label), b.Command)
		row = append(row, discordgo.Button{Label: truncate(label, maxButtonLabel), Style: style, CustomID: b.ID})
		if len(row) == maxRowButtons {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 && len(rows) < maxRows {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows
}

// splitText splits s into parts of at most max characters, at line
// boundaries where it can and inside a line only when one line is longer.
func splitText(s string, max int) []string {
	if utf8.RuneCountInString(s) <= max {
		return []string{s}
	}
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		for utf8.RuneCountInString(line) > max {
			r := []rune(line)
			lines, line = append(lines, string(r[:max])), string(r[max:])
		}
		lines = append(lines, line)
	}
	if parts := bot.PackLines(lines, max); len(parts) > 0 {
		return parts
	}
	return []string{""}
}

// outgoing renders the core's mention tokens as Discord mentions, which
// share their syntax (a group is a role, <@&id>), and leaves the rest as it
// is: allowed_mentions keeps text from pinging anyone else.
func outgoing(s string) string {
	return bot.RenderMentions(s, func(t string) string { return t }, func(user string) string { return "<@" + user + ">" },
		func(group string) string { return "<@&" + group + ">" })
}

// discordMention matches Discord's markup for a user (<@123>, the older
// nickname form <@!123>), a role (<@&123>) and a channel (<#123>).
var discordMention = regexp.MustCompile(`<(@!?|@&|#)(\d+)>`)

// incoming turns what a user typed on Discord into what the core reads: a
// user mention as "@id" (commands.Parse), a role as "@&id", a channel as
// "#id".
func incoming(s string) string {
	return discordMention.ReplaceAllStringFunc(s, func(m string) string {
		sub := discordMention.FindStringSubmatch(m)
		switch sub[1] {
		case "@", "@!":
			return "@" + sub[2]
		case "@&":
			return "@&" + sub[2]
		}
		return "#" + sub[2]
	})
}

// truncate shortens s to at most max characters, ending it with "…".
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}
