// Package bot is the contract between chat platforms and disputedesk's core.
// Adapters (console, Slack, Discord) turn what a user did into a Request,
// hand it to a Handler and render the Reply in their own format. Nothing here
// imports a platform SDK.
package bot

import (
	"context"
	"net/http"
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
	Locale    string // BCP 47, when the platform tells it
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
	ID     string            // ActionRun or ActionForm
	Value  string            // the command line to run, or the form's command
	Values map[string]string // submitted form fields, by FormField.Name
}

// Action IDs.
const (
	// ActionRun runs Value, a command line, as if the user had typed it.
	ActionRun = "run"
	// ActionForm completes the command in Value with the submitted Values
	// as its key=value fields.
	ActionForm = "form"
)

// Visibility says who sees a reply.
type Visibility int

// Visibilities.
const (
	InChannel Visibility = iota // everyone in the channel
	Ephemeral                   // only the user who asked
)

// Target says where a reply goes.
type Target int

// Targets.
const (
	TargetReply  Target = iota // answer the request where it was made
	TargetThread               // post in the case's thread
	TargetCard                 // update the case card in place
)

// Reply is what the bot answers. Text is always set: it is the whole answer on
// plain-text platforms and the notification fallback on rich ones.
type Reply struct {
	Text       string
	Title      string
	Fields     []Field
	Sections   []Section
	Buttons    []Button
	Visibility Visibility
	Target     Target
	// CaseRef names the case the reply is about, when there is one.
	CaseRef string
	// Form, when set, asks the user to fill in a form (a Slack modal, a
	// Discord modal) instead of showing the reply.
	Form *Form
	// Failed marks the answer to a request that failed on our side (the
	// database down, a bug): nothing was changed, and Text says so. An
	// adapter whose platform delivers again what it was not acknowledged
	// for (Slack's Events API) asks for that instead of showing Text.
	Failed bool
}

// Form is a set of fields to fill in, which completes a command.
type Form struct {
	Title   string
	Submit  string // the submit button's label
	Command string // the command the values complete, e.g. "/case open chargeback"
	Fields  []FormField
}

// FormField is one input of a form.
type FormField struct {
	Name     string // the key=value key the value becomes
	Label    string
	Hint     string
	Required bool
	Options  []Option // a choice among these, when set
	Value    string   // the initial value
}

// Option is one choice of a FormField.
type Option struct {
	Value string
	Label string
}

// Field is a short labelled value, shown side by side on rich platforms.
type Field struct {
	Label string
	Value string
}

// Section is a titled block of lines (a timeline, a checklist).
type Section struct {
	Title string
	Lines []string
}

// Button is an action a user can take on a reply. Pressing it sends an
// Action with ID ActionRun and Value Command.
type Button struct {
	Label   string
	Command string // the command line the button runs, e.g. "/case done CB-1042 acknowledge"
	Style   string // "", "primary" or "danger"
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
	Channel string
	Thread  string
	// UpdateID, when set, is the id of a message to edit in place.
	UpdateID string
	Reply    Reply
}

// Notifier posts messages outside a reply and returns the platform's id of
// the posted message. A failure it knows more about is a *DeliveryError.
type Notifier interface {
	Post(ctx context.Context, m Message) (id string, err error)
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
