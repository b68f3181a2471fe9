package slack

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/bot"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxBlocks          = 50   // blocks in one message
	maxTextObject      = 3000 // characters in a section's text
	maxHeader          = 150  // characters in a header
	maxFieldText       = 2000 // characters in one section field
	maxFieldsPerBlock  = 10   // fields in one section
	maxActionElements  = 25   // elements in one actions block
	maxActionBlocks    = 4    // actions blocks we render at most (100 buttons)
	maxButtonText      = 75   // characters on a button
	maxButtonValue     = 2000 // characters in a button's value
	maxFallbackText    = 4000 // characters of the top-level text we send
	maxModalTitle      = 24   // characters in a modal's title, submit and close
	maxModalBlocks     = 100  // blocks in a modal
	maxLabel           = 2000 // characters in an input's label and hint
	maxPlaceholder     = 150  // characters in a placeholder
	maxInitialValue    = 3000 // characters in a plain_text_input's initial value
	maxOptions         = 100  // options in a static_select
	maxOptionText      = 75   // characters in an option's text
	maxOptionValue     = 150  // characters in an option's value
	maxPrivateMetadata = 3000 // characters in a view's private_metadata
)

// formCallbackID marks the modals this adapter opens, so that a
// view_submission from another app's view is not taken for a form.
const formCallbackID = "disputedesk_form"

// message is a Slack message as a slash command's response, a response_url
// and chat.postMessage take it.
type message struct {
	// ResponseType is "ephemeral" or "in_channel"; only response_url and
	// slash command responses read it.
	ResponseType string        `json:"response_type,omitempty"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
	// ReplaceOriginal is sent as false to a response_url, so that the
	// answer to a button is a new message, not the button's message edited.
	ReplaceOriginal *bool `json:"replace_original,omitempty"`
}

// formMeta is what a modal carries in private_metadata: modals have no
// channel of their own, so the reply to a submission needs to know where the
// form came from.
type formMeta struct {
	// Command is the form's action id, or its command line when it has
	// none (and in modals opened before ids).
	Command string `json:"command"`
	Channel string `json:"channel,omitempty"`
	Thread  string `json:"thread,omitempty"`
}

// renderMessage renders a reply as Block Kit. A reply of text alone is sent
// as text, without blocks; the text is always set, as the notification and
// accessibility fallback.
func renderMessage(r bot.Reply) message {
	msg := message{ResponseType: "in_channel", Text: fallbackText(r)}
	if r.Visibility == bot.Ephemeral {
		msg.ResponseType = "ephemeral"
	}
	if r.Title == "" && len(r.Fields) == 0 && len(r.Sections) == 0 && len(r.Buttons) == 0 {
		return msg
	}
	var content []slack.Block
	if title := strings.TrimSpace(r.Title); title != "" {
		content = append(content, slack.NewHeaderBlock(plainText(truncate(plainMentions(title), maxHeader))))
	}
	if strings.TrimSpace(r.Text) != "" {
		content = append(content, textSections("", strings.Split(mrkdwn(r.Text), "\n"))...)
	}
	content = append(content, fieldSections(r.Fields)...)
	for _, s := range r.Sections {
		title := ""
		if t := strings.TrimSpace(s.Title); t != "" {
			title = "*" + mrkdwn(t) + "*"
		}
		lines := make([]string, len(s.Lines))
		for i, l := range s.Lines {
			lines[i] = mrkdwn(l)
		}
		content = append(content, textSections(title, lines)...)
	}
	actions := actionBlocks(r.Buttons)
	if len(content)+len(actions) > maxBlocks {
		// Keep the buttons: they are what the user acts on.
		content = append(content[:maxBlocks-len(actions)-1], mrkdwnSection("_… more not shown_"))
	}
	msg.Blocks = append(content, actions...)
	return msg
}

// fallbackText is the top-level text of a message: the reply's text, or its
// title when it has none.
func fallbackText(r bot.Reply) string {
	text := r.Text
	if strings.TrimSpace(text) == "" {
		text = r.Title
	}
	return truncateMrkdwn(mrkdwn(text), maxFallbackText)
}

// fieldSections renders fields as sections of at most ten fields each.
func fieldSections(fields []bot.Field) []slack.Block {
	var blocks []slack.Block
	var objs []*slack.TextBlockObject
	for _, f := range fields {
		label, value := strings.TrimSpace(f.Label), strings.TrimSpace(f.Value)
		var text string
		switch {
		case label != "" && value != "":
			text = "*" + mrkdwn(label) + "*\n" + mrkdwn(value)
		case label != "":
			text = "*" + mrkdwn(label) + "*"
		case value != "":
			text = mrkdwn(value)
		default:
			continue
		}
		objs = append(objs, slack.NewTextBlockObject(slack.MarkdownType, truncateMrkdwn(text, maxFieldText), false, false))
		if len(objs) == maxFieldsPerBlock {
			blocks = append(blocks, slack.NewSectionBlock(nil, objs, nil))
			objs = nil
		}
	}
	if len(objs) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, objs, nil))
	}
	return blocks
}

// textSections renders a title and lines of mrkdwn as sections, starting a
// new section before one would pass Slack's 3000 characters; a single
// longer line is truncated.
func textSections(title string, lines []string) []slack.Block {
	var cut []string
	if title != "" {
		cut = append(cut, truncateMrkdwn(title, maxTextObject))
	}
	for _, line := range lines {
		cut = append(cut, truncateMrkdwn(line, maxTextObject))
	}
	var blocks []slack.Block
	for _, part := range bot.PackLines(cut, maxTextObject) {
		if strings.TrimSpace(part) != "" {
			blocks = append(blocks, mrkdwnSection(part))
		}
	}
	return blocks
}

// actionBlocks renders buttons as actions blocks of at most 25 buttons. The
// value of a button is its action id, or, when it has none (a command too
// long for one, a reply stored before ids), the command it runs; a button
// whose command is too long for a value is left out rather than cut, since
// a cut command would run something else.
func actionBlocks(buttons []bot.Button) []slack.Block {
	var blocks []slack.Block
	var elems []slack.BlockElement
	for i, b := range buttons {
		value := cmp.Or(b.ID, b.Command)
		if strings.TrimSpace(value) == "" || utf8.RuneCountInString(value) > maxButtonValue {
			continue
		}
		label := strings.TrimSpace(b.Label)
		if label == "" {
			label = b.Command
		}
		btn := slack.NewButtonBlockElement(fmt.Sprintf("run_%d", i), value, plainText(truncate(label, maxButtonText)))
		switch b.Style {
		case "primary":
			btn.Style = slack.StylePrimary
		case "danger":
			btn.Style = slack.StyleDanger
		}
		elems = append(elems, btn)
		if len(elems) == maxActionElements {
			blocks = append(blocks, slack.NewActionBlock("", elems...))
			elems = nil
		}
	}
	if len(elems) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", elems...))
	}
	if len(blocks) > maxActionBlocks {
		blocks = blocks[:maxActionBlocks]
	}
	return blocks
}

// formAction is what a form's submission carries: its action id, or its
// command when it has none.
func formAction(f *bot.Form) string { return cmp.Or(f.ID, f.Command) }

// renderModal renders a form as a modal: one input block per field, whose
// block_id and action_id are the field's name, a static_select when the
// field offers options, else a plain_text_input.
func renderModal(f *bot.Form, meta formMeta) slack.ModalViewRequest {
	view := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      formCallbackID,
		Title:           plainText(truncate(cmp.Or(f.Title, "disputedesk"), maxModalTitle)),
		Submit:          plainText(truncate(cmp.Or(f.Submit, "Submit"), maxModalTitle)),
		Close:           plainText("Cancel"),
		PrivateMetadata: encodeFormMeta(meta),
	}
	for _, ff := range f.Fields {
		if ff.Name == "" {
			continue
		}
		var el slack.BlockElement
		if len(ff.Options) > 0 {
			sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("Choose…"), ff.Name)
			for _, o := range ff.Options {
				if o.Value == "" || utf8.RuneCountInString(o.Value) > maxOptionValue || len(sel.Options) == maxOptions {
					continue
				}
				opt := slack.NewOptionBlockObject(o.Value, plainText(truncate(cmp.Or(o.Label, o.Value), maxOptionText)), nil)
				sel.Options = append(sel.Options, opt)
				if o.Value == ff.Value {
					sel.InitialOption = opt
				}
			}
			el = sel
		} else {
			in := slack.NewPlainTextInputBlockElement(nil, ff.Name)
			in.InitialValue = truncate(ff.Value, maxInitialValue)
			el = in
		}
		var hint *slack.TextBlockObject
		if h := strings.TrimSpace(ff.Hint); h != "" {
			hint = plainText(truncate(h, maxLabel))
		}
		input := slack.NewInputBlock(ff.Name, plainText(truncate(cmp.Or(ff.Label, ff.Name), maxLabel)), hint, el)
		input.Optional = !ff.Required
		view.Blocks.BlockSet = append(view.Blocks.BlockSet, input)
		if len(view.Blocks.BlockSet) == maxModalBlocks {
			break
		}
	}
	return view
}

// encodeFormMeta encodes a modal's private_metadata, leaving out the thread
// and then the channel when they would pass Slack's limit.
func encodeFormMeta(m formMeta) string {
	for {
		b, _ := json.Marshal(m) // a struct of strings always marshals
		if len(b) <= maxPrivateMetadata || m.Channel == "" && m.Thread == "" {
			return string(b)
		}
		if m.Thread != "" {
			m.Thread = ""
		} else {
			m.Channel = ""
		}
	}
}

// decodeFormMeta reads a modal's private_metadata; metadata that is not
// ours as JSON is taken as the bare command.
func decodeFormMeta(s string) formMeta {
	var m formMeta
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return formMeta{Command: s}
	}
	return m
}

// mrkdwnEscaper escapes &, < and > in text for Slack's mrkdwn, as Slack asks.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mrkdwn escapes text for Slack's mrkdwn and renders the core's mention
// tokens as Slack mentions: a group as <!subteam^id>, how Slack pings a
// user group.
func mrkdwn(s string) string {
	return bot.RenderMentions(s, mrkdwnEscaper.Replace, func(user string) string { return "<@" + user + ">" },
		func(group string) string { return "<!subteam^" + group + ">" })
}

// plainMentions writes the core's mention tokens in plain_text, which shows
// markup as typed: "@id" for a user and "@group:id" for a group, never a
// raw token.
func plainMentions(s string) string {
	return bot.RenderMentions(s, func(t string) string { return t }, func(user string) string { return "@" + user },
		func(group string) string { return "@group:" + group })
}

// slackMarkup matches Slack's markup in incoming text: <@U123|name>,
// <#C123|name>, <!here>, <https://...|label>.
var slackMarkup = regexp.MustCompile(`<([^<>]*)>`)

// incomingText turns the text of a Slack message or slash command into what
// the user typed: mentions as "@U123", a user group as "@&S123" (the form
// Discord's roles take, so commands read one), channels as "#name", links as their
// label (what the user typed, when Slack linked it) or URL, and &amp; &lt;
// &gt; unescaped.
func incomingText(s string) string {
	if strings.IndexByte(s, '<') >= 0 {
		s = slackMarkup.ReplaceAllStringFunc(s, slackToken)
	}
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return mrkdwnUnescaper.Replace(s)
}

// mrkdwnUnescaper undoes Slack's escaping of incoming text. It is built
// once: a strings.Replacer costs a dozen allocations to build, and every
// request reads its text through it (issue 15).
var mrkdwnUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// slackToken is what incomingText makes of one <...> token.
func slackToken(m string) string {
	inner := m[1 : len(m)-1]
	target, label, _ := strings.Cut(inner, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		return target
	case strings.HasPrefix(target, "#"):
		if label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!subteam^"):
		return "@&" + strings.TrimPrefix(target, "!subteam^")
	case strings.HasPrefix(target, "!"):
		if label != "" {
			return label
		}
		return "@" + strings.TrimPrefix(target, "!")
	case label != "":
		// A link Slack made of what the user typed: keep what they typed.
		return label
	default:
		return target
	}
}

// truncate shortens plain text to at most max characters, ending it with "…".
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// truncateMrkdwn shortens escaped mrkdwn to at most max characters without
// leaving half an entity (&amp;) or half a mention (<@U1>) behind.
func truncateMrkdwn(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := string([]rune(s)[:max-1])
	if i := strings.LastIndexByte(cut, '&'); i >= 0 && !strings.Contains(cut[i:], ";") {
		cut = cut[:i]
	}
	if i := strings.LastIndexByte(cut, '<'); i >= 0 && !strings.Contains(cut[i:], ">") {
		cut = cut[:i]
	}
	return cut + "…"
}

func mrkdwnSection(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}
