// Package discordfake is a fake Discord for tests of bot/discord and of the
// real disputedesk binary. It speaks Discord's wire protocols with net/http
// and gorilla/websocket and its own JSON structs (no discordgo), so that it is
// an independent check of the adapter, and it records what a guild would have
// seen:
//
//   - the REST API under /api/v9/ and /api/v10/ (the paths discordgo v0.29.0
//     calls: messages, threads, forum posts, channels, command registration,
//     interaction callbacks and webhooks), with Discord's error bodies
//     ({"message","code"} and Invalid Form Body's "errors"), 429s with
//     retry_after and X-RateLimit-* headers, and injected faults (FailNext,
//     FailFor, Handle);
//   - the gateway: HELLO, IDENTIFY -> READY, heartbeat -> ACK, RESUME ->
//     replay of missed dispatches and RESUMED, and the test's own dispatches
//     (Dispatch, DispatchInteraction), drops (DropConnection), op 7 reconnect,
//     op 9 invalid session and close codes (CloseGateway; 4004 on a bad token,
//     4014 on disallowed intents by itself);
//   - a signing Client for the bot's HTTP interactions endpoint (Ed25519, as
//     Discord signs), and builders of the interaction payloads Discord sends,
//     the same over HTTP and in an INTERACTION_CREATE dispatch;
//   - multipart messages (payload_json plus files[n]): each file is recorded
//     with its bytes and the description payload_json's attachments give it,
//     an embed's attachment://NAME must name one of them, and a file over
//     Discord's 10 MiB is refused (attachments.go);
//   - a check of every message, embed, component, modal, autocomplete answer,
//     thread, tag and command payload against Discord's documented limits
//     (limits.go): a payload over a limit is refused with 400 50035 as
//     Discord refuses it, and recorded as a Violation. A violation left at
//     the end of the test fails it (TakeViolations takes the ones a test
//     provoked on purpose);
//   - a journal: Messages, Threads, Commands, InteractionResponses, every call
//     in order (NextCall, NoCall) and waits on each (WaitFor, ...).
//
// # Pointing discordgo at it
//
// discordgo builds its endpoints as package-level strings from
// EndpointDiscord when the package initialises, so assigning EndpointDiscord
// later changes nothing, and assigning every Endpoint* variable would be
// process-wide mutable state. The clean way, and the way DISCORD_API_URL
// works in bot/discord, is an http.RoundTripper on Session.Client that sends
// every request bound for discord.com to the base URL instead, keeping the
// path (/api/v9/...). The gateway needs nothing more: Open() asks GET
// /api/v9/gateway and dials the URL the fake answers.
//
//	d := discordfake.New(t)
//	s, _ := discordgo.New("Bot " + discordfake.BotToken)
//	s.Client = d.HTTPClient() // or &http.Client{Transport: d.Transport()}
//	_ = s.Open()
//
// The real binary gets the same through its configuration:
//
//	env := []string{
//		"DISCORD_API_URL=" + d.APIURL(), // stands in for https://discord.com
//		"DISCORD_BOT_TOKEN=" + discordfake.BotToken,
//		"DISCORD_APP_ID=" + discordfake.AppID,
//		"DISCORD_PUBLIC_KEY=" + d.PublicKey(),
//		"DISCORD_GUILD_ID=" + discordfake.GuildID,
//	}
//	d.WaitConnected(t, 10*time.Second)
//	id := d.DispatchInteraction(discordfake.SlashCommand("case", discordfake.Opts{},
//		discordfake.Sub("open", discordfake.Opt("playbook", "chargeback"))))
//	rs := d.WaitResponses(t, id, 3*time.Second, func(r []discordfake.Response) bool { return len(r) > 0 })
//
// or, in HTTP interactions mode, d.Client(botURL).Send(payload, discordfake.SignOpts{}).
//
// Every method is safe for concurrent use. Methods that take a testing.TB
// call its Fatal methods and so must run on the test's goroutine.
package discordfake

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/disputedesk/disputedesk/internal/changes"
)

// Identities the fake answers with; the payload builders use them as
// defaults. They are snowflake-shaped, as the adapter will parse real ones.
const (
	AppID     = "1200000000000000001"
	BotUserID = "1200000000000000002"
	BotName   = "disputedesk"
	GuildID   = "1200000000000000010" // default guild, created by New
	ChannelID = "1200000000000000020" // default text channel in GuildID
	ForumID   = "1200000000000000030" // default forum channel in GuildID, no tags
	UserID    = "1200000000000000100" // default acting member of the payload builders
	UserName  = "agent"

	// BotToken is the token the fake accepts: REST calls carry it as
	// "Authorization: Bot <BotToken>", IDENTIFY and RESUME with or without
	// the "Bot " prefix (discordgo sends it with).
	BotToken = "MTIwMDAwMDAwMDAwMDAwMDAwMg.discordfake.token"
)

// Channel types the fake knows (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
const (
	ChannelText   = 0
	PublicThread  = 11
	PrivateThread = 12
	ChannelForum  = 15
)

// Guild is a guild the bot is in. READY lists it and GUILD_CREATE follows.
type Guild struct {
	ID     string
	Name   string // default "guild-" + ID
	Locale string // preferred_locale; default "en-US"
}

// Channel is a text or forum channel of a guild, as AddChannel takes it.
type Channel struct {
	ID      string
	GuildID string // default GuildID
	Name    string // default "channel-" + ID
	Type    int    // ChannelText or ChannelForum
	Tags    []Tag  // a forum's available_tags; IDs are assigned where empty
	// Hidden makes every call on the channel (and its threads) fail with
	// 403 50001 Missing Access, as for a channel the bot cannot see.
	Hidden bool
	// ReadOnly makes posts and thread creation fail with 403 50013 Missing
	// Permissions, as for a channel where the bot may not send.
	ReadOnly bool
}

// Tag is a forum tag.
type Tag struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Moderated bool   `json:"moderated"`
	EmojiID   string `json:"emoji_id,omitempty"`
	EmojiName string `json:"emoji_name,omitempty"`
}

// Thread is a thread or forum post as it stands now.
type Thread struct {
	ID, ParentID, GuildID, Name string
	Forum                       bool // a post in a forum channel
	Archived, Locked            bool
	AppliedTags                 []string
	AutoArchiveDuration         int    // minutes
	StarterMessageID            string // the message it was started from, or the forum post's first message
}

// channel is the fake's state of a channel or thread.
type channel struct {
	Channel
	parentID         string // threads only
	archived, locked bool
	applied          []string
	autoArchive      int
	starter          string
	thread           bool
}

// Server is a running fake Discord. Create it with New.
type Server struct {
	t   testing.TB
	ts  *httptest.Server
	key ed25519.PrivateKey

	mu           sync.Mutex
	changed      changes.Signal // notified on every state change
	lastID       int64
	revoked      bool
	guilds       map[string]Guild
	guildOrder   []string
	channels     map[string]*channel
	messages     map[string]*Message // current state by message ID
	userMessages map[string]string   // channel by ID of the messages tests dispatched
	posted       []Message           // every create and edit, in order
	threads      []string            // thread IDs in creation order
	commands     map[string][]Command
	interactions map[string]*interaction
	tokens       map[string]*interaction // by interaction token
	responses    []Response
	violations   []Violation
	faults       map[string][]Fault
	outages      map[string][]outage
	handlers     map[string]http.HandlerFunc
	calls        map[string]int
	journal      []Call
	cursor       int
	gw           gateway
	closed       bool
}

// New starts a fake Discord with the guild GuildID, its text channel
// ChannelID and its forum ForumID, and registers its shutdown with
// t.Cleanup. At cleanup, violations of Discord's limits that no test took
// with TakeViolations fail t.
func New(t testing.TB) *Server {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("discordfake: generate key: %v", err)
	}
	s := &Server{
		t:            t,
		key:          key,
		guilds:       map[string]Guild{},
		channels:     map[string]*channel{},
		messages:     map[string]*Message{},
		userMessages: map[string]string{},
		commands:     map[string][]Command{},
		interactions: map[string]*interaction{},
		tokens:       map[string]*interaction{},
		faults:       map[string][]Fault{},
		outages:      map[string][]outage{},
		handlers:     map[string]http.HandlerFunc{},
		calls:        map[string]int{},
		gw:           newGateway(),
	}
	s.AddGuild(Guild{ID: GuildID, Name: "Disputedesk Test"})
	s.AddChannel(Channel{ID: ChannelID, Name: "support"})
	s.AddChannel(Channel{ID: ForumID, Name: "cases", Type: ChannelForum})
	s.ts = httptest.NewServer(s.routes())
	t.Cleanup(func() {
		s.Close()
		if v := s.Violations(); len(v) > 0 {
			t.Errorf("discordfake: %d payload(s) broke Discord's limits:\n%s", len(v), describeViolations(v))
		}
	})
	return s
}

// URL is the root of the fake, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.ts.URL }

// APIURL is the value for DISCORD_API_URL: the origin that stands in for
// https://discord.com, under which the fake serves /api/v9/ and /api/v10/.
func (s *Server) APIURL() string { return s.ts.URL }

// GatewayURL is what GET /api/v9/gateway answers.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/gateway" }

// Transport returns an http.RoundTripper that sends every request, whatever
// its host (discord.com, cdn.discordapp.com, ...), to the fake, keeping its
// path and query. Give it to discordgo as Session.Client's transport.
func (s *Server) Transport() http.RoundTripper {
	u, _ := url.Parse(s.ts.URL)
	return rewrite{target: u}
}

// HTTPClient is an http.Client with Transport and a 10 s timeout.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 10 * time.Second}
}

type rewrite struct{ target *url.URL }

func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.target.Scheme, rt.target.Host, rt.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// PublicKey is the hex Ed25519 public key Discord shows for the application,
// the value for DISCORD_PUBLIC_KEY; Client signs with its private half.
func (s *Server) PublicKey() string { return hex.EncodeToString(s.key.Public().(ed25519.PublicKey)) }

// Close stops the fake, so that calls to it fail as when Discord cannot be
// reached; New registers it with t.Cleanup, and a second call does nothing.
// Gateway connections are shut first: httptest.Server.Close waits for every
// handler, and a gateway handler runs until its connection ends.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := s.gw.all()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
	s.ts.Close()
}

// AddGuild adds or replaces a guild the bot is in.
func (s *Server) AddGuild(g Guild) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.Name == "" {
		g.Name = "guild-" + g.ID
	}
	if g.Locale == "" {
		g.Locale = "en-US"
	}
	if _, ok := s.guilds[g.ID]; !ok {
		s.guildOrder = append(s.guildOrder, g.ID)
	}
	s.guilds[g.ID] = g
}

// AddChannel adds or replaces a text or forum channel. Calls on a channel
// the fake does not know fail with 404 10003 Unknown Channel.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.GuildID == "" {
		c.GuildID = GuildID
	}
	if c.Name == "" {
		c.Name = "channel-" + c.ID
	}
	c.Tags = slices.Clone(c.Tags)
	for i := range c.Tags {
		if c.Tags[i].ID == "" {
			c.Tags[i].ID = s.newIDLocked()
		}
	}
	s.channels[c.ID] = &channel{Channel: c}
}

// RevokeToken makes BotToken invalid from now on, as resetting it in the
// developer portal does: REST calls answer 401 and IDENTIFY or RESUME is
// closed with 4004.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// validToken reports whether tok (with or without "Bot ") is BotToken and
// not revoked. s.mu must be held.
func (s *Server) validTokenLocked(tok string) bool {
	return strings.TrimPrefix(tok, "Bot ") == BotToken && !s.revoked
}

// Thread returns the thread or forum post id as it stands now.
func (s *Server) Thread(id string) (Thread, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok || !c.thread {
		return Thread{}, false
	}
	return s.threadLocked(c), true
}

// Threads returns every thread and forum post the bot created, in order.
func (s *Server) Threads() []Thread {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Thread, 0, len(s.threads))
	for _, id := range s.threads {
		out = append(out, s.threadLocked(s.channels[id]))
	}
	return out
}

func (s *Server) threadLocked(c *channel) Thread {
	parent := s.channels[c.parentID]
	return Thread{
		ID: c.ID, ParentID: c.parentID, GuildID: c.GuildID, Name: c.Name,
		Forum:    parent != nil && parent.Type == ChannelForum,
		Archived: c.archived, Locked: c.locked, AppliedTags: slices.Clone(c.applied),
		AutoArchiveDuration: c.autoArchive, StarterMessageID: c.starter,
	}
}

// Tags returns a forum's available tags as they stand now.
func (s *Server) Tags(forumID string) []Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[forumID]; ok {
		return slices.Clone(c.Tags)
	}
	return nil
}

// wait reports whether cond held before timeout, re-evaluating it on
// every state change.
func (s *Server) wait(timeout time.Duration, cond func() bool) bool {
	return s.changed.Wait(timeout, cond)
}

// notifyLocked wakes every waiter. s.mu is held by the caller, and cond
// takes it, so waiters run their cond after the change is complete.
func (s *Server) notifyLocked() { s.changed.Notify() }

// discordEpoch is the first millisecond of 2015, where snowflakes count from.
const discordEpoch = 1420070400000

// newIDLocked returns a fresh snowflake: milliseconds since discordEpoch
// shifted left 22 bits, strictly increasing. s.mu must be held.
func (s *Server) newIDLocked() string {
	id := (time.Now().UnixMilli() - discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatInt(id, 10)
}

// Dump describes everything the fake received, for failure messages.
func (s *Server) Dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString("calls:")
	routes := make([]string, 0, len(s.calls))
	for r := range s.calls {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		fmt.Fprintf(&b, "\n  %s ×%d", r, s.calls[r])
	}
	fmt.Fprintf(&b, "\nmessages (%d):\n", len(s.posted))
	for i, m := range s.posted {
		fmt.Fprintf(&b, "  %d. %s id=%s channel=%s content=%q embeds=%d components=%d\n",
			i+1, m.Op, m.ID, m.ChannelID, clip(m.Content, 200), len(m.Embeds), len(m.Components))
	}
	fmt.Fprintf(&b, "interaction responses (%d):\n", len(s.responses))
	for i, r := range s.responses {
		fmt.Fprintf(&b, "  %d. %s %s type=%d %s\n", i+1, r.InteractionID, r.Kind, r.Type, clip(string(r.Body), 300))
	}
	fmt.Fprintf(&b, "threads (%d), violations (%d)\n%s", len(s.threads), len(s.violations), s.gw.describe())
	return b.String()
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
