// Package bot is the contract between chat platforms and disputedesk's core.
// Nothing here imports a platform SDK.
//
// In: an adapter turns what a user did into a Request (workspace, channel,
// thread, user, the command line with platform markup already normalised,
// or an Action carrying a button's compact id), bounds it by its platform
// (MaxText, a completion's deadline) and hands it to a Handler; the
// adapters share internal/dispatch for the ack-or-answer-later dance and
// the error-to-reply mapping. Commands are data with typed Params, so an
// adapter can register native commands and answer a Completer.
//
// Out: a Reply is neutral text (mentions as Mention's and GroupMention's tokens) plus fields,
// sections, buttons and forms; each adapter renders it and golden-tests the
// rendering. What the bot posts outside a reply goes through the outbox to
// a Notifier, which says where the message went (Posted: message and
// thread, never derived from each other). Stored replies keep the JSON form
// pinned by testdata/reply.json.
package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Platform names where a request came from.
const (
	PlatformConsole = "console"
	PlatformSlack   = "slack"
	PlatformDiscord = "discord"
)

// Request is one user action, normalised across platforms.
type Request struct {
	// ID is unique per platform and is the idempotency key: a platform that
	// delivers the same action twice sends the same ID.
	ID        string
	Platform  string
	Workspace string // Slack team, Discord guild
	Channel   string
	Thread    string
	User      string // the platform's user id
	UserName  string // a display name, for replies
	// Roles are the user's roles or groups in the workspace: Discord's
	// member.roles, sent with each interaction; on Slack, which sends none,
	// the user groups the adapter looked up when asked to (leads named by
	// a group).
	Roles  []string
	Locale string // BCP 47, when the platform tells it
	// Zone is the user's IANA time zone, when the platform tells it
	// (Slack's users.info): times are shown in it when neither the case
	// nor the channel has one.
	Zone string
	// Text is the command line as typed, e.g. `/case open chargeback order=1042`.
	Text string
	// Action is set instead of Text for a button press, select or form submission.
	Action *Action
	// Mentioned is set on a channel message that mentions the bot.
	Mentioned bool
	// Permalink links to the message, for a message posted in a thread.
	Permalink string
	At        time.Time
	// Progress, when set, shows the text of a slow answer while it is
	// written (a reply draft from a model), before the reply itself.
	// Adapters that cannot show partial text leave it nil.
	Progress func(text string)

	// What the adapter's platform can show, set by the adapter: the core
	// knows no platform's limits.

	// MaxText is the longest message text the platform shows, in
	// characters (what a reply draft may take); 0 means no limit.
	MaxText int
}

// IsMessage reports whether the request is a plain chat message rather than
// a command or an action: a message in a case's thread, or one mentioning the bot.
func (r *Request) IsMessage() bool {
	return r.Action == nil && !strings.HasPrefix(strings.TrimSpace(r.Text), "/")
}

// Action is a press of a button, a choice in a select or a submitted form.
type Action struct {
	ID string // ActionRun or ActionForm
	// Value is what the button or form carried: its action id (Button.ID,
	// Form.ID), or a command line (one starting with "/"), which is what
	// buttons posted before action ids carry, and buttons too long for one
	// on a platform that holds long values (Slack).
	Value  string
	Values map[string]string // submitted form fields, by FormField.Name
}

// MaxActionID is the most bytes an action id takes: Discord's custom_id
// holds 100 characters, and an id is ASCII-prefixed but may carry UTF-8 in
// its arguments, so the bound is in bytes, which is stricter.
const MaxActionID = 100

// Action IDs.
const (
	// ActionRun runs Value, a command line, as if the user had typed it.
	ActionRun = "run"
	// ActionForm completes the command in Value with the submitted Values
	// as its key=value fields.
	ActionForm = "form"
)

// Mention is the neutral token for a mention of user (a platform's user id,
// or the console's name) in text the core writes: "<@id>". It is the form
// Slack and Discord share, so stored replies read the same on either; each
// adapter renders it through Mentions (the console as "@id").
func Mention(user string) string { return "<@" + user + ">" }

// GroupMention is the neutral token for a mention of a user group (a Slack
// user group's id, a Discord role's) in text the core writes: "<@&id>",
// Discord's role markup, which Mention's token never matches. Each adapter
// renders it through RenderMentions (Slack as <!subteam^id>).
func GroupMention(group string) string { return "<@&" + group + ">" }

// mentionToken matches Mention's tokens and, with the &, GroupMention's.
var mentionToken = regexp.MustCompile(`<@(&?)([A-Za-z0-9_.\-]+)>`)

// Mentions rewrites s for a platform: text renders the runs between mention
// tokens (escaping them, say) and mention renders each token's user. A
// group token, which mention would take for a user, is written as text
// "@group:id", so no raw token reaches a platform.
func Mentions(s string, text, mention func(string) string) string {
	return RenderMentions(s, text, mention, func(group string) string { return text("@group:" + group) })
}

// RenderMentions is Mentions with group tokens rendered by group.
func RenderMentions(s string, text, user, group func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range mentionToken.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(text(s[last:m[0]]))
		id := s[m[4]:m[5]]
		if m[3] > m[2] {
			b.WriteString(group(id))
		} else {
			b.WriteString(user(id))
		}
		last = m[1]
	}
	b.WriteString(text(s[last:]))
	return b.String()
}

// MentionedGroups lists the groups s mentions with GroupMention's token,
// each once, for a platform that must allow each ping (Discord's
// allowed_mentions).
func MentionedGroups(s string) []string {
	var groups []string
	for _, m := range mentionToken.FindAllStringSubmatch(s, -1) {
		if m[1] != "" && !slices.Contains(groups, m[2]) {
			groups = append(groups, m[2])
		}
	}
	return groups
}

// Visibility says who sees a reply.
type Visibility int

// Visibilities.
const (
	InChannel Visibility = iota // everyone in the channel
	Ephemeral                   // only the user who asked
)

// Reply is what the bot answers. Text is always set: it is the whole answer on
// plain-text platforms and the notification fallback on rich ones. Replies
// are stored (a retried request's first answer, the outbox's messages), so
// their JSON form is part of the contract: one lower-case word per field,
// which also reads the untagged JSON stored before the tags (encoding/json
// matches keys case-insensitively). testdata/reply.json is its golden form.
type Reply struct {
	Text       string     `json:"text"`
	Title      string     `json:"title,omitempty"`
	Fields     []Field    `json:"fields,omitempty"`
	Sections   []Section  `json:"sections,omitempty"`
	Buttons    []Button   `json:"buttons,omitempty"`
	Visibility Visibility `json:"visibility,omitempty"`
	// Form, when set, asks the user to fill in a form (a Slack modal, a
	// Discord modal) instead of showing the reply.
	Form *Form `json:"form,omitempty"`
	// Failed marks the answer to a request that failed on our side (the
	// database down, a bug): nothing was changed, and Text says so. An
	// adapter whose platform delivers again what it was not acknowledged
	// for (Slack's Events API) asks for that instead of showing Text.
	Failed bool `json:"failed,omitempty"`
	// Image, when set, is shown with the reply in the same message (the
	// daily summary's chart). Only a Notifier's post carries it; a
	// platform that cannot show it shows Text, which must stand alone.
	Image *Image `json:"image,omitempty"`
	// Invalid, on the answer to a form that was refused, says what is
	// wrong with each field named (by FormField.Name), so that a platform
	// that can keep the form open shows each message under its field
	// (Slack's response_action errors). Text says the same for the others.
	Invalid map[string]string `json:"invalid,omitempty"`
}

// Image is a picture shown with a reply (the daily summary's chart).
type Image struct {
	Name string `json:"name"` // file name, e.g. "chart.png"
	Alt  string `json:"alt"`  // alt text: what the image shows, for screen readers and notifications
	PNG  []byte `json:"png"`  // the PNG bytes (base64 in JSON)
}

// MaxImageBytes is the largest Image.PNG an adapter posts; a larger one is
// a permanent *DeliveryError. It is far below Slack's and Discord's upload
// limits (Discord's is 10 MiB without boosts) and bounds what an outbox row
// holds: an 800x400 chart is some 30 KiB.
const MaxImageBytes = 1 << 20

// CheckImage returns a permanent *DeliveryError for an image no adapter
// posts: without a name or bytes, or larger than MaxImageBytes; nil for no
// image or a good one.
func CheckImage(img *Image) error {
	switch {
	case img == nil:
		return nil
	case img.Name == "" || len(img.PNG) == 0:
		return &DeliveryError{Err: errors.New("image without a name or bytes"), Permanent: true}
	case len(img.PNG) > MaxImageBytes:
		return &DeliveryError{Err: fmt.Errorf("image %s is %d bytes, more than %d", img.Name, len(img.PNG), MaxImageBytes), Permanent: true}
	}
	return nil
}

// Form is a set of fields to fill in, which completes a command.
type Form struct {
	Title   string `json:"title"`
	Submit  string `json:"submit"`  // the submit button's label
	Command string `json:"command"` // the command the values complete, e.g. "/case open chargeback"
	// ID is the compact action id of Command (at most MaxActionID bytes),
	// what a platform carries to the submission; empty when Command has
	// none, and then Command is carried instead.
	ID     string      `json:"id,omitempty"`
	Fields []FormField `json:"fields"`
}

// FormField is one input of a form.
type FormField struct {
	Name     string   `json:"name"` // the key=value key the value becomes
	Label    string   `json:"label"`
	Hint     string   `json:"hint,omitempty"`
	Required bool     `json:"required,omitempty"`
	Options  []Option `json:"options,omitempty"` // a choice among these, when set
	Value    string   `json:"value,omitempty"`   // the initial value
}

// Option is one choice of a FormField.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field is a short labelled value, shown side by side on rich platforms.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Section is a titled block of lines (a timeline, a checklist).
type Section struct {
	Title string   `json:"title,omitempty"`
	Lines []string `json:"lines"`
}

// Button is an action a user can take on a reply. Pressing it sends an
// Action with ID ActionRun and Value ID, or Command when ID is empty.
type Button struct {
	Label   string `json:"label"`
	Command string `json:"command"` // the command line the button runs, e.g. "/case done CB-1042 acknowledge"
	// ID is the compact action id that resolves to Command, at most
	// MaxActionID bytes, the same on every platform. It is empty when
	// Command is too long for one (or the reply was stored before ids):
	// an adapter whose platform holds Command whole (Slack's 2000
	// characters) carries Command, and one whose does not leaves the
	// button out, since a cut command would run something else.
	ID    string `json:"id,omitempty"`
	Style string `json:"style,omitempty"` // "", "primary" or "danger"
}

// ParamType is what a command parameter takes, so that an adapter can offer
// a native, typed option (a Discord application command's option).
type ParamType string

// Parameter types.
const (
	ParamText    ParamType = "text"
	ParamCase    ParamType = "case"    // a case reference, e.g. CB-1042
	ParamStep    ParamType = "step"    // a step id of the case's playbook
	ParamOutcome ParamType = "outcome" // an outcome id of the case's playbook
	ParamUser    ParamType = "user"    // a user; @me for oneself
	ParamMoney   ParamType = "money"   // an amount, e.g. 49,90
	ParamDate    ParamType = "date"    // 2026-11-22, or a date-time 2026-11-22T14:00
	ParamChoice  ParamType = "choice"  // one of Choices, or of what a Completer offers
	ParamNumber  ParamType = "number"  // a whole number: a draft's, a checklist item's
)

// Param is one parameter of a command, described as data: enough for an
// adapter to register a native command with typed options and for help to
// write the command's usage.
type Param struct {
	Name     string // lower case, as the option is named and as key=value keys are
	Type     ParamType
	Help     string // one short line, an option's description
	Required bool
	// Field marks a parameter written Name=value, in any order, rather
	// than by position.
	Field bool
	// Rest marks free text to the end of the line (a note), the last
	// positional parameter; Fields marks one whose text is key=value
	// details (a playbook's fields).
	Rest, Fields bool
	// Choices are the values it takes, when they are known when the
	// commands are registered (playbooks, tones).
	Choices []Choice
	// Complete says a Completer offers its values, read as the user types
	// (open cases, the steps or outcomes of the case given).
	Complete bool
}

// Choice is one value a parameter may take.
type Choice struct {
	Value string
	Label string // what the user sees; Value when empty
}

// MaxChoices is the most choices a Completer returns: Discord shows 25.
const MaxChoices = 25

// Completion is what a user is typing: a parameter of a command, with the
// values of the other parameters given so far (a step completes from the
// case already named).
type Completion struct {
	Command string // the command's name, e.g. "case done"
	Param   string // the parameter being typed
	Typed   string // what is typed so far
	Values  map[string]string
}

// Completer offers the values of a parameter while a user types it
// (Discord's autocomplete). It returns at most MaxChoices, best first,
// within the request's workspace; none is a valid answer. The adapter
// bounds ctx by its platform's limit (Discord drops an answer after 3 s),
// so a slow database answers nothing rather than late.
type Completer interface {
	Complete(ctx context.Context, req *Request, c Completion) ([]Choice, error)
}

// Handler answers requests.
type Handler interface {
	Handle(ctx context.Context, req *Request) (Reply, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req *Request) (Reply, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, req *Request) (Reply, error) { return f(ctx, req) }

// Middleware wraps a Handler with behaviour common to every request.
type Middleware func(Handler) Handler

// Chain wraps h so that the first middleware runs first.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Adapter connects a chat platform to a Handler.
type Adapter interface {
	// Run serves the platform until ctx is done.
	Run(ctx context.Context, h Handler) error
}

// HTTPAdapter is an Adapter that also receives requests on the bot's HTTP server.
type HTTPAdapter interface {
	Adapter
	HTTPRoutes(mux *http.ServeMux, h Handler)
}

// Message is something the bot posts outside a direct reply: a case card, a
// message in a case thread, a reminder, a daily summary.
type Message struct {
	Workspace string
	Channel   string
	// Thread is the thread to post in; on an update, the thread of the
	// message edited (a Discord card's thread is not the card).
	Thread string
	// UpdateID, when set, is the id of a message to edit in place.
	UpdateID string
	// ThreadName and Tags name and label a case's own thread, for a
	// platform that starts one for its card (a Discord thread, or a forum
	// post whose tags follow the case); Slack's thread is the card's
	// replies and needs neither.
	ThreadName string
	Tags       []string
	Reply      Reply
}

// Posted is where a platform put a message: its id and the thread it lives
// in. On Slack a top-level message's thread is its own ts; on Discord a
// card's thread is one started from it, or a forum post: another id. So the
// core keeps both and never derives one from the other.
type Posted struct {
	MessageID, ThreadID string
}

// Notifier posts messages outside a reply and says where they went. A
// failure it knows more about is a *DeliveryError.
type Notifier interface {
	Post(ctx context.Context, m Message) (Posted, error)
}

// DeliveryError says whether a failed post may be tried again, and when.
type DeliveryError struct {
	Err error
	// Permanent means trying again cannot help (the channel is gone, the
	// bot was removed, the message is malformed).
	Permanent bool
	// RetryAfter is how long the platform asked us to wait (HTTP 429).
	RetryAfter time.Duration
}

func (e *DeliveryError) Error() string { return e.Err.Error() }
func (e *DeliveryError) Unwrap() error { return e.Err }
