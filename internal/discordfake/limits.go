package discordfake

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Where Discord documents the limits below.
const (
	docMessage         = "https://discord.com/developers/docs/resources/message#create-message"
	docEmbed           = "https://discord.com/developers/docs/resources/message#embed-object-embed-limits"
	docComponents      = "https://discord.com/developers/docs/components/reference"
	docModal           = "https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal"
	docAutocomplete    = "https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete"
	docResponseTypes   = "https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction"
	docCommand         = "https://discord.com/developers/docs/interactions/application-commands#application-command-object"
	docCommandNames    = "https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-naming"
	docCommandMax      = "https://discord.com/developers/docs/interactions/application-commands#registering-a-command"
	docThread          = "https://discord.com/developers/docs/resources/channel#start-thread-from-message"
	docForum           = "https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel"
	docForumTag        = "https://discord.com/developers/docs/resources/channel#forum-tag-object"
	docChannel         = "https://discord.com/developers/docs/resources/channel#channel-object-channel-structure"
	docAttachment      = "https://discord.com/developers/docs/resources/message#attachment-object"
	docEmbedAttachment = "https://discord.com/developers/docs/reference#uploading-files-using-attachments-within-embeds"
)

// rule names one limit of the table.
type rule int

const (
	ruleContent rule = iota
	ruleEmbeds
	ruleEmbedTotal
	ruleEmbedTitle
	ruleEmbedDescription
	ruleEmbedFields
	ruleFieldName
	ruleFieldValue
	ruleFooter
	ruleAuthor
	ruleActionRows
	ruleRowButtons
	ruleRowSelect
	ruleCustomID
	ruleButtonLabel
	ruleSelectOptions
	ruleSelectPlaceholder
	ruleOptionLabel
	ruleOptionValue
	ruleOptionDescription
	ruleModalTitle
	ruleModalInputs
	ruleModalRow
	ruleModalNonText
	ruleInputLabel
	ruleInputValue
	ruleInputPlaceholder
	ruleInputLength
	ruleThreadName
	ruleAutoArchive
	ruleResponseType
	ruleChoices
	ruleChoiceName
	ruleChoiceValue
	ruleCommands
	ruleCommandName
	ruleCommandNameChars
	ruleCommandDescription
	ruleCommandOptions
	ruleCommandChoices
	ruleAvailableTags
	ruleTagName
	ruleAppliedTags
	ruleUnknownTag
	ruleFiles
	ruleAttachmentDescription
	ruleUnknownAttachment
)

// limit is one documented limit: a length in characters (Unicode code
// points) or, for items, a number of elements, from min to max.
type limit struct {
	what     string
	min, max int
	items    bool
	source   string
}

// limits is every limit the fake checks, with the page that documents it.
var limits = [...]limit{
	ruleContent:               {"message content", 0, 2000, false, docMessage},
	ruleEmbeds:                {"embeds in a message", 0, 10, true, docMessage},
	ruleEmbedTotal:            {"characters in all embeds of a message (title, description, field names and values, footer, author)", 0, 6000, false, docEmbed},
	ruleEmbedTitle:            {"embed title", 0, 256, false, docEmbed},
	ruleEmbedDescription:      {"embed description", 0, 4096, false, docEmbed},
	ruleEmbedFields:           {"fields in an embed", 0, 25, true, docEmbed},
	ruleFieldName:             {"embed field name", 1, 256, false, docEmbed},
	ruleFieldValue:            {"embed field value", 1, 1024, false, docEmbed},
	ruleFooter:                {"embed footer text", 0, 2048, false, docEmbed},
	ruleAuthor:                {"embed author name", 0, 256, false, docEmbed},
	ruleActionRows:            {"action rows in a message", 0, 5, true, docComponents},
	ruleRowButtons:            {"buttons in an action row", 1, 5, true, docComponents},
	ruleRowSelect:             {"components in an action row holding a select menu", 1, 1, true, docComponents},
	ruleCustomID:              {"custom_id", 1, 100, false, docComponents},
	ruleButtonLabel:           {"button label", 0, 80, false, docComponents},
	ruleSelectOptions:         {"options in a string select", 1, 25, true, docComponents},
	ruleSelectPlaceholder:     {"select placeholder", 0, 150, false, docComponents},
	ruleOptionLabel:           {"select option label", 1, 100, false, docComponents},
	ruleOptionValue:           {"select option value", 1, 100, false, docComponents},
	ruleOptionDescription:     {"select option description", 0, 100, false, docComponents},
	ruleModalTitle:            {"modal title", 1, 45, false, docModal},
	ruleModalInputs:           {"action rows (text inputs) in a modal", 1, 5, true, docModal},
	ruleModalRow:              {"text inputs in a modal's action row", 1, 1, true, docComponents},
	ruleModalNonText:          {"components other than text inputs in a modal", 0, 0, true, docModal},
	ruleInputLabel:            {"text input label", 1, 45, false, docComponents},
	ruleInputValue:            {"text input value", 0, 4000, false, docComponents},
	ruleInputPlaceholder:      {"text input placeholder", 0, 100, false, docComponents},
	ruleInputLength:           {"text input min_length and max_length", 0, 4000, true, docComponents},
	ruleThreadName:            {"thread name", 1, 100, false, docThread},
	ruleAutoArchive:           {"auto_archive_duration values other than 60, 1440, 4320 and 10080 minutes", 0, 0, true, docThread},
	ruleResponseType:          {"interaction response types this interaction type does not take", 0, 0, true, docResponseTypes},
	ruleChoices:               {"autocomplete choices", 0, 25, true, docAutocomplete},
	ruleChoiceName:            {"choice name", 1, 100, false, docCommand},
	ruleChoiceValue:           {"choice string value", 1, 100, false, docCommand},
	ruleCommands:              {"commands of one type in one scope", 0, 100, true, docCommandMax},
	ruleCommandName:           {"command or option name", 1, 32, false, docCommandNames},
	ruleCommandNameChars:      {"command or option names that break the naming rule (lowercase letters, digits, - and _)", 0, 0, true, docCommandNames},
	ruleCommandDescription:    {"command or option description", 1, 100, false, docCommand},
	ruleCommandOptions:        {"options of a command or subcommand", 0, 25, true, docCommand},
	ruleCommandChoices:        {"choices of a command option", 0, 25, true, docCommand},
	ruleAvailableTags:         {"available tags of a forum", 0, 20, true, docChannel},
	ruleTagName:               {"forum tag name", 1, 20, false, docForumTag},
	ruleAppliedTags:           {"tags applied to a forum post", 0, 5, true, docForum},
	ruleUnknownTag:            {"applied tags that are not among the forum's available tags", 0, 0, true, docForum},
	ruleFiles:                 {"files in a message", 0, maxFiles, true, docMessage},
	ruleAttachmentDescription: {"attachment description", 0, 1024, false, docAttachment},
	ruleUnknownAttachment:     {"embed images naming an attachment:// file the message does not carry", 0, 0, true, docEmbedAttachment},
}

// Violation is a payload the fake refused because it broke one of Discord's
// documented limits.
type Violation struct {
	Route  string // the route that received it, or "http response" for the bot's answer to a signed interaction
	Path   string // where, as Discord's "errors" names it: "embeds.0.title"
	What   string // the limit: "embed title"
	Min    int
	Max    int
	Got    int // the length or count sent
	Source string
	rule   rule
}

func (v Violation) String() string {
	unit := "characters"
	if limits[v.rule].items {
		unit = "items"
	}
	return fmt.Sprintf("%s: %s at %s is %d %s, allowed %d to %d (%s)", v.Route, v.What, v.Path, v.Got, unit, v.Min, v.Max, v.Source)
}

func describeViolations(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %s\n", v)
	}
	return b.String()
}

// checker collects the violations of one payload.
type checker struct {
	route string
	vs    []Violation
}

func (c *checker) count(path string, r rule, n int) {
	if l := limits[r]; n < l.min || n > l.max {
		c.vs = append(c.vs, Violation{Route: c.route, Path: path, What: l.what, Min: l.min, Max: l.max, Got: n, Source: l.source, rule: r})
	}
}

func (c *checker) text(path string, r rule, s string) { c.count(path, r, utf8.RuneCountInString(s)) }

func join(path string, parts ...any) string {
	for _, p := range parts {
		s := fmt.Sprint(p)
		if path == "" {
			path = s
		} else {
			path += "." + s
		}
	}
	return path
}

// message checks a message payload at path ("" for a message body, "data"
// in a callback, "message" in a forum post).
func (c *checker) message(path string, m *wireMessage) {
	if m.Content != nil {
		c.text(join(path, "content"), ruleContent, *m.Content)
	}
	if m.Embeds != nil {
		c.embeds(join(path, "embeds"), *m.Embeds)
	}
	if m.Components != nil {
		c.components(join(path, "components"), *m.Components)
	}
}

func (c *checker) embeds(path string, embeds []Embed) {
	c.count(path, ruleEmbeds, len(embeds))
	total := 0
	for i, e := range embeds {
		p := join(path, i)
		c.text(join(p, "title"), ruleEmbedTitle, e.Title)
		c.text(join(p, "description"), ruleEmbedDescription, e.Description)
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		c.count(join(p, "fields"), ruleEmbedFields, len(e.Fields))
		for j, f := range e.Fields {
			c.text(join(p, "fields", j, "name"), ruleFieldName, f.Name)
			c.text(join(p, "fields", j, "value"), ruleFieldValue, f.Value)
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			c.text(join(p, "footer", "text"), ruleFooter, e.Footer.Text)
			total += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			c.text(join(p, "author", "name"), ruleAuthor, e.Author.Name)
			total += utf8.RuneCountInString(e.Author.Name)
		}
	}
	c.count(path, ruleEmbedTotal, total)
}

func isSelect(t int) bool { return t == ComponentSelect || (t >= ComponentUserSelect && t <= 8) }

// components checks a message's action rows.
func (c *checker) components(path string, rows []Component) {
	c.count(path, ruleActionRows, len(rows))
	for i, row := range rows {
		p := join(path, i, "components")
		if slices.ContainsFunc(row.Components, func(k Component) bool { return isSelect(k.Type) }) {
			c.count(p, ruleRowSelect, len(row.Components))
		} else {
			c.count(p, ruleRowButtons, len(row.Components))
		}
		for j, k := range row.Components {
			kp := join(p, j)
			switch {
			case k.Type == ComponentButton:
				c.text(join(kp, "label"), ruleButtonLabel, k.Label)
				if k.Style != ButtonLink && k.Style != ButtonPremium {
					c.text(join(kp, "custom_id"), ruleCustomID, k.CustomID)
				}
			case isSelect(k.Type):
				c.text(join(kp, "custom_id"), ruleCustomID, k.CustomID)
				c.text(join(kp, "placeholder"), ruleSelectPlaceholder, k.Placeholder)
				if k.Type == ComponentSelect {
					c.selectOptions(join(kp, "options"), k.Options)
				}
			}
		}
	}
}

func (c *checker) selectOptions(path string, opts []SelectOption) {
	c.count(path, ruleSelectOptions, len(opts))
	for i, o := range opts {
		c.text(join(path, i, "label"), ruleOptionLabel, o.Label)
		c.text(join(path, i, "value"), ruleOptionValue, o.Value)
		c.text(join(path, i, "description"), ruleOptionDescription, o.Description)
	}
}

// modal checks the data of a type 9 callback.
func (c *checker) modal(path string, m *wireMessage) {
	c.text(join(path, "title"), ruleModalTitle, m.Title)
	c.text(join(path, "custom_id"), ruleCustomID, m.CustomID)
	var rows []Component
	if m.Components != nil {
		rows = *m.Components
	}
	c.count(join(path, "components"), ruleModalInputs, len(rows))
	nonText := 0
	for i, row := range rows {
		p := join(path, "components", i, "components")
		c.count(p, ruleModalRow, len(row.Components))
		for j, k := range row.Components {
			kp := join(p, j)
			if k.Type != ComponentTextInput {
				nonText++
				continue
			}
			c.text(join(kp, "custom_id"), ruleCustomID, k.CustomID)
			c.text(join(kp, "label"), ruleInputLabel, k.Label)
			c.text(join(kp, "value"), ruleInputValue, k.Value)
			c.text(join(kp, "placeholder"), ruleInputPlaceholder, k.Placeholder)
			c.count(join(kp, "min_length"), ruleInputLength, k.MinLength)
			c.count(join(kp, "max_length"), ruleInputLength, k.MaxLength)
		}
	}
	c.count(join(path, "components"), ruleModalNonText, nonText)
}

// choices checks an autocomplete answer's or a command option's choices.
func (c *checker) choices(path string, r rule, choices []Choice) {
	c.count(path, r, len(choices))
	for i, ch := range choices {
		c.text(join(path, i, "name"), ruleChoiceName, ch.Name)
		if v, ok := ch.Value.(string); ok {
			c.text(join(path, i, "value"), ruleChoiceValue, v)
		}
	}
}

// commandName is Discord's naming rule for chat input commands and options.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// commands checks a bulk overwrite.
func (c *checker) commands(cmds []Command) {
	byType := map[int]int{}
	for i, cmd := range cmds {
		byType[cmd.Type]++
		p := strconv.Itoa(i)
		c.text(join(p, "name"), ruleCommandName, cmd.Name)
		if cmd.Type == 1 {
			c.commandName(join(p, "name"), cmd.Name)
			c.text(join(p, "description"), ruleCommandDescription, cmd.Description)
		}
		c.options(join(p, "options"), cmd.Options)
	}
	for _, n := range byType {
		c.count("", ruleCommands, n)
	}
}

func (c *checker) commandName(path, name string) {
	if !commandName.MatchString(name) || strings.ToLower(name) != name {
		c.count(path, ruleCommandNameChars, 1)
	}
}

func (c *checker) options(path string, opts []CommandOption) {
	c.count(path, ruleCommandOptions, len(opts))
	for i, o := range opts {
		p := join(path, i)
		c.text(join(p, "name"), ruleCommandName, o.Name)
		c.commandName(join(p, "name"), o.Name)
		c.text(join(p, "description"), ruleCommandDescription, o.Description)
		c.choices(join(p, "choices"), ruleCommandChoices, o.Choices)
		c.options(join(p, "options"), o.Options)
	}
}

// tags checks a forum's available tags.
func (c *checker) tags(path string, tags []Tag) {
	c.count(path, ruleAvailableTags, len(tags))
	for i, t := range tags {
		c.text(join(path, i, "name"), ruleTagName, t.Name)
	}
}

// applied checks the tags applied to a forum post against the forum's.
func (c *checker) applied(path string, applied []string, available []Tag) {
	c.count(path, ruleAppliedTags, len(applied))
	unknown := 0
	for _, id := range applied {
		if !slices.ContainsFunc(available, func(t Tag) bool { return t.ID == id }) {
			unknown++
		}
	}
	c.count(path, ruleUnknownTag, unknown)
}

// formErrors is the "errors" object of Invalid Form Body for vs: each path
// nested as objects, ending in {"_errors": [{"code", "message"}]}.
func formErrors(vs []Violation) map[string]any {
	root := map[string]any{}
	for _, v := range vs {
		node := root
		if v.Path != "" {
			for _, part := range strings.Split(v.Path, ".") {
				next, ok := node[part].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[part] = next
				}
				node = next
			}
		}
		errs, _ := node["_errors"].([]any)
		node["_errors"] = append(errs, map[string]any{"code": v.code(), "message": v.message()})
	}
	return root
}

func (v Violation) code() string {
	switch r := v.rule; {
	case r == ruleEmbedTotal:
		return "MAX_EMBED_SIZE_EXCEEDED"
	case r == ruleCommandNameChars:
		return "APPLICATION_COMMAND_INVALID_NAME"
	case r == ruleResponseType:
		return "INTERACTION_RESPONSE_TYPE_INVALID"
	case r == ruleAutoArchive:
		return "BASE_TYPE_CHOICES"
	case r == ruleUnknownTag:
		return "CHANNEL_INVALID_TAG"
	case r == ruleUnknownAttachment:
		return "ATTACHMENT_NOT_FOUND" // the fake's own: Discord shows no image instead
	case v.Got > v.Max && v.Min == 0:
		return "BASE_TYPE_MAX_LENGTH"
	case v.Got < v.Min && v.Min == v.Max:
		return "BASE_TYPE_MIN_LENGTH"
	default:
		return "BASE_TYPE_BAD_LENGTH"
	}
}

func (v Violation) message() string {
	switch v.code() {
	case "MAX_EMBED_SIZE_EXCEEDED":
		return fmt.Sprintf("Embed size exceeds maximum size of %d", v.Max)
	case "APPLICATION_COMMAND_INVALID_NAME":
		return "Command name is invalid"
	case "INTERACTION_RESPONSE_TYPE_INVALID":
		return "This interaction does not take this response type"
	case "BASE_TYPE_CHOICES":
		return "Value must be one of (60, 1440, 4320, 10080)."
	case "CHANNEL_INVALID_TAG":
		return "Tag is not available in this channel"
	case "ATTACHMENT_NOT_FOUND":
		return "No file of this message has this name"
	case "BASE_TYPE_MAX_LENGTH":
		return fmt.Sprintf("Must be %d or fewer in length.", v.Max)
	case "BASE_TYPE_MIN_LENGTH":
		return fmt.Sprintf("Must be %d or more in length.", v.Min)
	}
	return fmt.Sprintf("Must be between %d and %d in length.", v.Min, v.Max)
}

// violatedLocked records c's violations and returns the 400 50035 to answer
// when there are any, nil when there are none. s.mu must be held.
func (s *Server) violatedLocked(c *checker) *Fault {
	if len(c.vs) == 0 {
		return nil
	}
	s.violations = append(s.violations, c.vs...)
	s.notifyLocked()
	f := APIError(50035)
	f.Errors = formErrors(c.vs)
	return &f
}
