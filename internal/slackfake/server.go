// Package slackfake is a fake Slack for end-to-end tests of the real disputedesk
// binary. It speaks Slack's wire protocols with net/http and gorilla/websocket
// only (no slack-go), so a test can point the binary at it with SLACK_API_URL
// and observe what a workspace would have seen:
//
//   - the Web API (auth.test, chat.postMessage, chat.update, chat.postEphemeral,
//     views.open, conversations.info, users.info, usergroups.list,
//     apps.connections.open, and
//     the external file upload: files.getUploadURLExternal, the upload URL,
//     files.completeUploadExternal, see files.go) under
//     APIURL, with Slack's token checks, error codes and a Block Kit check of
//     the most common limits, so that a payload real Slack would refuse is
//     refused here too;
//   - response_url endpoints (ResponseURL) that record what the bot posts;
//   - Socket Mode: the websocket that apps.connections.open points at, on which
//     the test pushes envelopes (SendEnvelope) and reads the bot's acks (WaitAck);
//   - a Client that calls the bot's HTTP endpoints signed exactly as Slack signs
//     them, and builders for realistic slash command, interaction and event
//     payloads.
//   - a journal of every call in order (NextCall, NoCall), answers of a test's
//     choosing (Handle) and refused tokens (RefuseToken), for the adapter's
//     own tests in bot/slack.
//
// A test starts the binary against it like this:
//
//	s := slackfake.New(t)
//	env := []string{
//		"SLACK_API_URL=" + s.APIURL(),
//		"SLACK_BOT_TOKEN=" + slackfake.BotToken,
//		"SLACK_APP_TOKEN=" + slackfake.AppToken,           // Socket Mode
//		"SLACK_SIGNING_SECRET=" + slackfake.SigningSecret, // HTTP mode
//	}
//	// ... start disputedesk serve with env ...
//	s.WaitConnected(t, 10*time.Second)
//	id := s.SendSlashCommand(t, "/dispute", "open chargeback order=1001", slackfake.SlashOpts{})
//	ack := s.WaitAck(t, id, 3*time.Second)
//	msgs := s.WaitFor(t, 5*time.Second, func(m []slackfake.Message) bool { return len(m) > 0 })
//
// or, in HTTP mode, c := s.Client(botURL, slackfake.SigningSecret) and
// c.SlashCommand, c.Interaction, c.Event.
//
// Every method is safe for concurrent use. Methods that take a testing.TB call
// its Fatal methods and so must run on the test's goroutine.
package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/disputedesk/disputedesk/internal/changes"
)

// Identities the fake answers with. auth.test reports BotUserID, BotID, TeamID
// and AppID; the payload builders use them as defaults.
const (
	TeamID     = "T0FAKE"
	TeamDomain = "disputedesk-test"
	AppID      = "A0FAKE"
	BotUserID  = "U0BOT"
	BotID      = "B0BOT"
	ChannelID  = "C0SUPPORT" // default channel of the payload builders
	UserID     = "U0AGENT"   // default acting user of the payload builders
	UserName   = "agent"

	// BotToken and AppToken are valid tokens for the fake. Any token with the
	// same prefix ("xoxb-" for Web API methods, "xapp-" for
	// apps.connections.open) is accepted.
	BotToken = "xoxb-0000-slackfake"
	AppToken = "xapp-1-A0FAKE-0000-slackfake"

	// SigningSecret is a convenient signing secret for Client and the bot.
	SigningSecret = "slackfake-signing-secret"

	// VerificationToken is the deprecated token field Slack still puts in
	// slash command and interaction payloads.
	VerificationToken = "slackfake-verification-token"
)

// Limits Slack enforces that the fake enforces too.
const (
	// TriggerTTL is how long a trigger_id can be exchanged in views.open.
	// Triggers made by NewTriggerID (and so by every builder and Client)
	// carry their issue time; older ones get "expired_trigger_id".
	TriggerTTL = 3 * time.Second
	// AckDeadline is how soon Slack expects an ack or an HTTP answer. A later
	// Socket Mode ack is logged by WaitAck; Client's default HTTP client
	// gives up after it.
	AckDeadline = 3 * time.Second
	// ResponseURLUses is how many times a response_url accepts a post.
	ResponseURLUses = 5
)

// Message is one accepted chat.postMessage, chat.update or chat.postEphemeral
// call, or a files.completeUploadExternal that shared files in a channel
// (one message with its blocks or initial_comment as Text, and Files). Calls the fake refused (injected failures, Slack errors) are not
// recorded; count them with Calls.
type Message struct {
	Method   string // "chat.postMessage", "chat.update", "chat.postEphemeral" or "files.completeUploadExternal"
	Channel  string
	TS       string // the new ts (postMessage), the updated ts (update) or the message_ts (postEphemeral)
	ThreadTS string // thread_ts as sent; for chat.update, the thread of the original message
	Text     string
	User     string          // recipient of an ephemeral message; empty otherwise
	Blocks   json.RawMessage // the blocks as sent; nil if none
	Files    []File          // the files a files.completeUploadExternal shared
	// Params holds every parameter of the call (token removed), for
	// assertions on reply_broadcast, metadata, unfurl_links and the like.
	Params map[string]string
}

// User is a workspace member as users.info reports it.
type User struct {
	ID       string
	Name     string // handle; default "user-" + lower-case ID (UserName for UserID)
	RealName string // default Name
	Locale   string // default "en-US"; only reported when include_locale=true
	TZ       string // IANA zone; default "UTC"
	IsBot    bool
}

// Channel is a conversation as conversations.info reports it.
type Channel struct {
	ID         string
	Name       string // default "channel-" + lower-case ID
	IsPrivate  bool
	IsArchived bool // chat.postMessage to it fails with "is_archived"
}

// Server is a running fake Slack. Create it with New.
type Server struct {
	t  testing.TB
	ts *httptest.Server

	mu        sync.Mutex
	changed   changes.Signal // notified on every state change
	lastMicro int64          // last ts handed out, in microseconds
	seq       int
	messages  []Message
	posted    map[string]*Message // channel+"/"+ts of messages chat.update may edit
	views     []json.RawMessage
	responses []response
	respURLs  map[string]int // response URL path -> posts so far
	faults    map[string][]fault
	outages   map[string][]outage // by method, in time order
	calls     map[string]int
	triggers  map[string]bool // exchanged trigger ids
	users     map[string]User
	channels  map[string]Channel
	groups    []UserGroup          // usergroups.list, in the order added (usergroups.go)
	tickets   map[string]bool      // unused Socket Mode tickets
	conns     []*wsConn            // live Socket Mode connections, oldest first
	open      map[*wsConn]struct{} // every open connection, including ones told to disconnect
	connects  int
	sent      map[string]time.Time // envelope id -> when sent
	acks      map[string]ack
	closed    bool
	journal   []Call                      // every call, in order (journal.go)
	cursor    int                         // NextCall's read position in journal
	handlers  map[string]http.HandlerFunc // Handle's overrides, by method
	refused   map[string]bool             // RefuseToken's tokens
	uploads   map[string]*upload          // by file id (files.go)
	// uploadOrder is the file ids in the order they were handed out.
	uploadOrder []string
}

type response struct {
	url  string
	body json.RawMessage
}

// fault is one injected failure: an HTTP status, or a Slack error code
// answered with HTTP 200.
type fault struct {
	status int
	code   string
}

// outage is a time during which every call of a method fails.
type outage struct {
	fault
	from, until time.Time
}

// New starts a fake Slack and registers its shutdown with t.Cleanup.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:        t,
		posted:   map[string]*Message{},
		respURLs: map[string]int{},
		faults:   map[string][]fault{},
		outages:  map[string][]outage{},
		calls:    map[string]int{},
		triggers: map[string]bool{},
		users:    map[string]User{},
		channels: map[string]Channel{},
		tickets:  map[string]bool{},
		open:     map[*wsConn]struct{}{},
		sent:     map[string]time.Time{},
		acks:     map[string]ack{},
		handlers: map[string]http.HandlerFunc{},
		refused:  map[string]bool{},
		uploads:  map[string]*upload{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/response/{id}", s.serveResponseURL)
	mux.HandleFunc("/upload/{id}", s.serveUpload)
	mux.HandleFunc("/socket", s.serveSocket)
	s.ts = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// URL is the root of the fake, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.ts.URL }

// APIURL is the Web API base for SLACK_API_URL and slack.OptionAPIURL,
// with the trailing slash slack-go needs: "http://127.0.0.1:41234/api/".
func (s *Server) APIURL() string { return s.ts.URL + "/api/" }

// Close stops the fake, so that calls to it fail as when Slack cannot be
// reached; New registers it with t.Cleanup, and a second call does nothing.
// It shuts the websockets first: httptest.Server.Close waits for every
// handler, and a Socket Mode handler runs until its connection ends.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	var open []*wsConn
	for c := range s.open {
		open = append(open, c)
	}
	s.mu.Unlock()
	for _, c := range open {
		_ = c.conn.Close()
	}
	s.ts.Close()
}

// AddUser sets what users.info answers for u.ID. Unknown users get defaults.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddChannel sets what conversations.info answers for c.ID. Unknown channels
// get defaults.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

// Messages returns every accepted chat.postMessage, chat.update,
// chat.postEphemeral and shared files.completeUploadExternal, in the order
// the fake answered them.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Views returns the "view" of every accepted views.open, in order.
func (s *Server) Views() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.views)
}

// Responses returns the body of every accepted post to any response URL, in
// order.
func (s *Server) Responses() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.responses))
	for i, r := range s.responses {
		out[i] = r.body
	}
	return out
}

// ResponsesTo returns the bodies posted to one response URL, in order.
func (s *Server) ResponsesTo(url string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []json.RawMessage
	for _, r := range s.responses {
		if r.url == url {
			out = append(out, r.body)
		}
	}
	return out
}

// FailNext makes the next calls of method (a Web API method such as
// "chat.postMessage", "response_url" for any response URL, or "upload_url"
// for any file upload URL) answer these
// HTTP statuses in turn; later calls are served normally. A 429 carries
// "Retry-After: 1" and a ratelimited body, so slack-go returns a
// *slack.RateLimitedError; any other status makes it return a
// slack.StatusCodeError.
func (s *Server) FailNext(method string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range statuses {
		s.faults[method] = append(s.faults[method], fault{status: st})
	}
}

// FailNextWith makes the next calls of method answer HTTP 200 with
// {"ok":false,"error":code} for each code in turn, e.g. "channel_not_found",
// "not_in_channel" or "is_archived". It shares FailNext's queue.
func (s *Server) FailNextWith(method string, codes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range codes {
		s.faults[method] = append(s.faults[method], fault{status: http.StatusOK, code: c})
	}
}

// FailFor makes every call of method answer the HTTP status for d, as
// FailNext answers it, starting when the outages FailFor queued before for
// method end (now, when there are none). It returns when this one ends:
// FailFor(m, 429, 15*time.Second) then FailFor(m, 500, 15*time.Second) is
// 15 s of rate limiting, then 15 s of server errors, then service again at
// the time the second call returns. Calls queued with FailNext come first.
func (s *Server) FailFor(method string, status int, d time.Duration) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := time.Now()
	if q := s.outages[method]; len(q) > 0 && q[len(q)-1].until.After(from) {
		from = q[len(q)-1].until
	}
	until := from.Add(d)
	s.outages[method] = append(s.outages[method], outage{fault: fault{status: status}, from: from, until: until})
	return until
}

// Calls returns how many calls of method the fake received, including
// refused and failed ones. Response URL posts count as "response_url".
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// WaitFor waits until pred holds for the recorded messages and returns them.
// On timeout it fails t with a dump of everything the fake received. pred
// runs without the fake's lock held and may call its methods.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, pred func([]Message) bool) []Message {
	t.Helper()
	var got []Message
	if !s.wait(timeout, func() bool { got = s.Messages(); return pred(got) }) {
		t.Fatalf("slackfake: messages did not match within %v\n%s", timeout, s.Dump())
	}
	return got
}

// WaitResponses waits until pred holds for the recorded response URL posts
// and returns them. On timeout it fails t with a dump.
func (s *Server) WaitResponses(t testing.TB, timeout time.Duration, pred func([]json.RawMessage) bool) []json.RawMessage {
	t.Helper()
	var got []json.RawMessage
	if !s.wait(timeout, func() bool { got = s.Responses(); return pred(got) }) {
		t.Fatalf("slackfake: response URL posts did not match within %v\n%s", timeout, s.Dump())
	}
	return got
}

// WaitViews waits until pred holds for the recorded views.open payloads and
// returns them. On timeout it fails t with a dump.
func (s *Server) WaitViews(t testing.TB, timeout time.Duration, pred func([]json.RawMessage) bool) []json.RawMessage {
	t.Helper()
	var got []json.RawMessage
	if !s.wait(timeout, func() bool { got = s.Views(); return pred(got) }) {
		t.Fatalf("slackfake: views did not match within %v\n%s", timeout, s.Dump())
	}
	return got
}

// wait reports whether cond held before timeout, re-evaluating it on
// every state change.
func (s *Server) wait(timeout time.Duration, cond func() bool) bool {
	return s.changed.Wait(timeout, cond)
}

// notifyLocked wakes every waiter. s.mu is held by the caller, and cond
// takes it, so waiters run their cond after the change is complete.
func (s *Server) notifyLocked() { s.changed.Notify() }

// Dump describes everything the fake received, for failure messages.
func (s *Server) Dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	methods := make([]string, 0, len(s.calls))
	for m := range s.calls {
		methods = append(methods, m)
	}
	slices.Sort(methods)
	b.WriteString("calls:")
	for _, m := range methods {
		fmt.Fprintf(&b, " %s=%d", m, s.calls[m])
	}
	if len(methods) == 0 {
		b.WriteString(" none")
	}
	fmt.Fprintf(&b, "\nmessages (%d):\n", len(s.messages))
	for i, m := range s.messages {
		fmt.Fprintf(&b, "  %d. %s channel=%s ts=%s", i+1, m.Method, m.Channel, m.TS)
		if m.ThreadTS != "" {
			fmt.Fprintf(&b, " thread_ts=%s", m.ThreadTS)
		}
		if m.User != "" {
			fmt.Fprintf(&b, " user=%s", m.User)
		}
		fmt.Fprintf(&b, " text=%q", clip(m.Text, 300))
		if m.Blocks != nil {
			fmt.Fprintf(&b, " blocks=%s", clip(string(m.Blocks), 300))
		}
		for _, f := range m.Files {
			fmt.Fprintf(&b, " file=%s(%s, %d bytes)", f.ID, f.Name, len(f.Data))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "response URL posts (%d):\n", len(s.responses))
	for i, r := range s.responses {
		fmt.Fprintf(&b, "  %d. %s %s\n", i+1, r.url, clip(string(r.body), 400))
	}
	fmt.Fprintf(&b, "views (%d):\n", len(s.views))
	for i, v := range s.views {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, clip(string(v), 400))
	}
	fmt.Fprintf(&b, "socket mode: %d live connection(s), %d connect(s), %d envelope(s) sent, %d ack(s)\n",
		len(s.conns), s.connects, len(s.sent), len(s.acks))
	return b.String()
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// newTSLocked returns a fresh message ts: the current time in Slack's
// "seconds.micros" form, strictly increasing. s.mu must be held.
func (s *Server) newTSLocked() string {
	now := time.Now().UnixMicro()
	if now <= s.lastMicro {
		now = s.lastMicro + 1
	}
	s.lastMicro = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}
