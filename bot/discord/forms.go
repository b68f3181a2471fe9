package discord

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// A form becomes a modal: at most five text inputs, required fields first,
// a choice field typed in with its choices named in the placeholder (the
// core checks the value and names the field when it is not one of them).
// A form that starts with a choice (how a case ended) is asked in two
// steps instead: a select in a message, then a modal for the rest.

// choiceFirst reports whether form is asked as a select and then a modal:
// its first field offers choices and no other field does.
func choiceFirst(f *bot.Form) bool {
	if len(f.Fields) == 0 || len(f.Fields[0].Options) == 0 || len(f.Fields[0].Options) > maxSelectOptions {
		return false
	}
	return !slices.ContainsFunc(f.Fields[1:], func(ff bot.FormField) bool { return len(ff.Options) > 0 })
}

// renderModal renders a form as a modal whose custom_id is the form's
// action id. It reports false when the form has no action id (its command
// is too long for one): Discord could not carry it to the submission.
func renderModal(f *bot.Form) (*discordgo.InteractionResponseData, bool) {
	if f.ID == "" || len(f.ID) > maxCustomID {
		return nil, false
	}
	fields := requiredFirst(f.Fields, func(ff bot.FormField) bool { return ff.Required })
	data := &discordgo.InteractionResponseData{CustomID: f.ID, Title: truncate(cmp.Or(f.Title, "disputedesk"), maxModalTitle)}
	for _, ff := range fields {
		if ff.Name == "" || len(ff.Name) > maxCustomID {
			continue
		}
		if len(data.Components) == maxModalInputs {
			break
		}
		data.Components = append(data.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{textInput(ff)}})
	}
	return data, true
}

// paragraphs are the fields typed as several lines.
var paragraphs = []string{"note", "body", "text", "message", "reason", "description"}

func textInput(ff bot.FormField) discordgo.TextInput {
	in := discordgo.TextInput{
		CustomID: ff.Name,
		Label:    truncate(cmp.Or(ff.Label, labelOf(ff.Name)), maxInputLabel),
		Style:    discordgo.TextInputShort,
		Value:    truncate(ff.Value, maxInputValue),
		Required: ff.Required,
	}
	if slices.Contains(paragraphs, ff.Name) || strings.Contains(ff.Value, "\n") || utf8.RuneCountInString(ff.Value) > 100 {
		in.Style = discordgo.TextInputParagraph
	}
	hint := ff.Hint
	if len(ff.Options) > 0 {
		vs := make([]string, len(ff.Options))
		for i, o := range ff.Options {
			vs[i] = o.Value
		}
		hint = "One of: " + strings.Join(vs, ", ")
	}
	in.Placeholder = truncate(hint, maxInputHint)
	return in
}

// labelOf makes a label of a field's name: "due_by" reads "Due by".
func labelOf(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// selectRest separates a select's custom_id, the form's action id, from
// the names of the form's other fields that the modal after it asks for.
const selectRest = "#"

// restNames matches the names a select's custom_id carries after selectRest.
var restNames = regexp.MustCompile(`^[a-z0-9_,-]*$`)

// renderChoice renders a form that starts with a choice as a message with
// a select: its custom_id is the form's action id and, when they fit, the
// names of its fields: the select's own, then those the modal after it
// asks for.
func renderChoice(text string, f *bot.Form) (message, bool) {
	if f.ID == "" || len(f.ID) > maxCustomID {
		return message{}, false
	}
	first := f.Fields[0]
	names := make([]string, len(f.Fields))
	for i, ff := range f.Fields {
		names[i] = ff.Name
	}
	id := f.ID
	if withNames := f.ID + selectRest + strings.Join(names, ","); len(withNames) <= maxCustomID && restNames.MatchString(strings.Join(names, ",")) {
		id = withNames
	}
	menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: id,
		Placeholder: truncate(cmp.Or(first.Label, labelOf(first.Name)), maxPlaceholder)}
	for _, o := range first.Options {
		if o.Value == "" || utf8.RuneCountInString(o.Value) > maxOptionLabel {
			continue
		}
		menu.Options = append(menu.Options, discordgo.SelectMenuOption{Value: o.Value, Label: truncate(cmp.Or(o.Label, o.Value), maxOptionLabel), Default: o.Value == first.Value})
	}
	return message{Content: truncate(outgoing(cmp.Or(text, f.Title)), maxContent), Ephemeral: true,
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}}, true
}

// choiceMade is a select of a form answered: the form's action id and
// the names of its fields, the select's first (none when they did not fit).
type choiceMade struct {
	formID string
	names  []string
}

// parseSelect reads a select's custom_id (renderChoice).
func parseSelect(customID string) choiceMade {
	i := strings.LastIndex(customID, selectRest)
	if i < 0 || !restNames.MatchString(customID[i+1:]) {
		return choiceMade{formID: customID}
	}
	c := choiceMade{formID: customID[:i]}
	for _, n := range strings.Split(customID[i+1:], ",") {
		if n != "" {
			c.names = append(c.names, n)
		}
	}
	return c
}

// restModal is the modal after a choice: its custom_id is the form's
// action id with the choice appended as name=value (an action id's
// arguments are written as typed), and it asks for the other fields. It
// reports false when that id would not fit or nothing is left to ask.
func restModal(c choiceMade, name, value, title string) (*discordgo.InteractionResponseData, bool) {
	if len(c.names) < 2 || !strings.HasPrefix(c.formID, "v1:") {
		return nil, false
	}
	id := c.formID + " " + name + "=" + quote(value)
	if len(id) > maxCustomID {
		return nil, false
	}
	f := &bot.Form{ID: id, Title: title}
	for _, n := range c.names[1:] {
		f.Fields = append(f.Fields, bot.FormField{Name: n})
	}
	return renderModal(f)
}

// quote writes a value so that the core's parser reads it back whole.
func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"'“”‘’„«»=") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, "”") + `"`
}

// modalValues reads a submitted modal's text inputs by custom_id.
func modalValues(d discordgo.ModalSubmitInteractionData) map[string]string {
	values := map[string]string{}
	for _, c := range d.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			if in, ok := rc.(*discordgo.TextInput); ok {
				values[in.CustomID] = in.Value
			}
		}
	}
	return values
}

// renderChoices renders a Completer's answer as autocomplete choices: at
// most 25, a value longer than Discord takes left out (cut, it would name
// something else).
func renderChoices(cs []bot.Choice) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, c := range cs {
		if c.Value == "" || utf8.RuneCountInString(c.Value) > maxChoiceText || len(out) == maxChoices {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(cmp.Or(c.Label, c.Value), maxChoiceText), Value: c.Value})
	}
	return out
}
