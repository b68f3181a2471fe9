package discordfake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents the fake acts on
// (https://discord.com/developers/docs/events/gateway#gateway-intents).
// IntentGuildMembers, IntentGuildPresences and IntentMessageContent are
// privileged: DisallowIntents makes IDENTIFY with them close with 4014.
const (
	IntentGuilds         int64 = 1 << 0
	IntentGuildMembers   int64 = 1 << 1
	IntentGuildPresences int64 = 1 << 8
	IntentGuildMessages  int64 = 1 << 9
	IntentDirectMessages int64 = 1 << 12
	IntentMessageContent int64 = 1 << 15
)

// Journal routes of what the bot sends on the gateway.
const (
	GatewayIdentify = "gateway identify" // op 2
	GatewayResume   = "gateway resume"   // op 6
	GatewayOther    = "gateway other"    // any op but 1, 2 and 6 (presence, voice, members)
)

// Close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes).
const (
	CloseUnknownError         = 4000
	CloseAuthenticationFailed = 4004
	CloseAlreadyAuthenticated = 4005
	CloseInvalidSeq           = 4007
	CloseSessionTimedOut      = 4009
	CloseInvalidAPIVersion    = 4012
	CloseInvalidIntents       = 4013
	CloseDisallowedIntents    = 4014
)

// DefaultHeartbeatInterval is the heartbeat_interval HELLO carries, as
// Discord's.
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// Identify is an IDENTIFY the bot sent.
type Identify struct {
	Token      string
	Intents    int64
	Properties map[string]string
	Shard      []int
	Compress   bool
	Raw        json.RawMessage
}

// Close is a gateway connection's close frame, by the fake or the bot.
type Close struct {
	Code   int
	Reason string
	ByBot  bool
}

type gateway struct {
	interval   time.Duration
	disallowed int64
	sessions   map[string]*session
	current    *session // the session dispatches go to: the last identified
	conns      map[*gwConn]struct{}
	identifies []Identify
	closes     []Close
	connects   int
	resumes    int
	heartbeats int
}

func newGateway() gateway {
	return gateway{interval: DefaultHeartbeatInterval, sessions: map[string]*session{}, conns: map[*gwConn]struct{}{}}
}

func (g *gateway) all() []*gwConn {
	out := make([]*gwConn, 0, len(g.conns))
	for c := range g.conns {
		out = append(out, c)
	}
	return out
}

func (g *gateway) describe() string {
	return fmt.Sprintf("gateway: %d connect(s), %d live, %d identify, %d resume(s), %d heartbeat(s), closes %v\n",
		len(g.identifies)+g.resumes, len(g.conns), len(g.identifies), g.resumes, g.heartbeats, g.closes)
}

// session is a gateway session: its sequence and every dispatch, kept for
// RESUME's replay.
type session struct {
	id      string
	intents int64
	seq     int64
	events  []frame
	conn    *gwConn // live connection, or nil while the bot is away
	invalid bool
}

// gwConn is one websocket. gorilla/websocket allows one writer at a time,
// hence wmu; close frames use WriteControl, which may run beside it.
type gwConn struct {
	ws      *websocket.Conn
	wmu     sync.Mutex
	sess    *session
	version int
}

type frame struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
}

func (c *gwConn) write(f frame) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(f)
}

func (c *gwConn) close(code int, reason string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	_ = c.ws.Close()
}

// serveGateway is the websocket GET /gateway answers with: HELLO, then the
// bot's IDENTIFY or RESUME, heartbeats and whatever the test pushes.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	fmt.Sscan(r.URL.Query().Get("v"), &c.version)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.gw.conns[c] = struct{}{}
	s.gw.connects++
	interval := s.gw.interval
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		_ = ws.Close()
		s.mu.Lock()
		delete(s.gw.conns, c)
		if c.sess != nil && c.sess.conn == c {
			c.sess.conn = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
	}()
	if c.version != 9 && c.version != 10 {
		s.closeConn(c, CloseInvalidAPIVersion, "Invalid API version.")
		return
	}
	if c.write(frame{Op: 10, D: map[string]any{"heartbeat_interval": interval.Milliseconds()}}) != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.mu.Lock()
				s.gw.closes = append(s.gw.closes, Close{Code: ce.Code, Reason: ce.Text, ByBot: true})
				s.notifyLocked()
				s.mu.Unlock()
			}
			return
		}
		var in struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(data, &in) != nil {
			s.closeConn(c, 4002, "Error while decoding payload.")
			return
		}
		switch in.Op {
		case 1:
			s.mu.Lock()
			s.gw.heartbeats++
			s.notifyLocked()
			s.mu.Unlock()
			_ = c.write(frame{Op: 11})
		case 2:
			s.journalGateway(GatewayIdentify, data)
			s.identify(c, in.D)
		case 6:
			s.journalGateway(GatewayResume, data)
			s.resume(c, in.D)
		default:
			s.journalGateway(GatewayOther, data)
		}
	}
}

func (s *Server) journalGateway(route string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[route]++
	s.journal = append(s.journal, Call{Route: route, Body: data})
	s.notifyLocked()
}

// closeConn closes c with code, records it, and ends c's session when the
// code does not let the bot resume.
func (s *Server) closeConn(c *gwConn, code int, reason string) {
	s.mu.Lock()
	s.gw.closes = append(s.gw.closes, Close{Code: code, Reason: reason})
	if c.sess != nil && !resumable(code) {
		c.sess.invalid = true
	}
	s.notifyLocked()
	s.mu.Unlock()
	c.close(code, reason)
}

// resumable reports whether Discord lets a session resume after code.
func resumable(code int) bool {
	switch code {
	case CloseAuthenticationFailed, CloseInvalidSeq, CloseSessionTimedOut, 4010, 4011,
		CloseInvalidAPIVersion, CloseInvalidIntents, CloseDisallowedIntents:
		return false
	}
	return true
}

func (s *Server) identify(c *gwConn, d json.RawMessage) {
	var id struct {
		Token      string            `json:"token"`
		Intents    int64             `json:"intents"`
		Properties map[string]string `json:"properties"`
		Shard      []int             `json:"shard"`
		Compress   bool              `json:"compress"`
	}
	_ = json.Unmarshal(d, &id)
	s.mu.Lock()
	s.gw.identifies = append(s.gw.identifies, Identify{Token: id.Token, Intents: id.Intents, Properties: id.Properties, Shard: id.Shard, Compress: id.Compress, Raw: d})
	var code int
	var reason string
	switch {
	case c.sess != nil && !c.sess.invalid:
		code, reason = CloseAlreadyAuthenticated, "Already authenticated."
	case !s.validTokenLocked(id.Token):
		code, reason = CloseAuthenticationFailed, "Authentication failed."
	case id.Intents&s.gw.disallowed != 0:
		code, reason = CloseDisallowedIntents, "Disallowed intent(s)."
	}
	if code != 0 {
		s.notifyLocked()
		s.mu.Unlock()
		s.closeConn(c, code, reason)
		return
	}
	defer s.mu.Unlock()
	sess := &session{id: randomHex(16), intents: id.Intents, conn: c}
	s.gw.sessions[sess.id] = sess
	s.gw.current = sess
	c.sess = sess
	guilds := make([]map[string]any, 0, len(s.guildOrder))
	for _, g := range s.guildOrder {
		guilds = append(guilds, map[string]any{"id": g, "unavailable": true})
	}
	ready := map[string]any{
		"v": c.version, "session_id": sess.id, "resume_gateway_url": s.GatewayURL(),
		"user": botUser(), "guilds": guilds, "private_channels": []any{},
		"application": map[string]any{"id": AppID, "flags": 0},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	s.sendLocked(sess, "READY", ready)
	for _, g := range s.guildOrder {
		if sess.intents&IntentGuilds != 0 {
			s.sendLocked(sess, "GUILD_CREATE", s.guildObjectLocked(s.guilds[g]))
		}
	}
	s.notifyLocked()
}

func (s *Server) resume(c *gwConn, d json.RawMessage) {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	_ = json.Unmarshal(d, &rs)
	s.mu.Lock()
	if !s.validTokenLocked(rs.Token) {
		s.mu.Unlock()
		s.closeConn(c, CloseAuthenticationFailed, "Authentication failed.")
		return
	}
	defer s.mu.Unlock()
	sess, ok := s.gw.sessions[rs.SessionID]
	if !ok || sess.invalid || rs.Seq > sess.seq {
		// Discord answers a session it cannot resume with op 9, d false:
		// the bot identifies again, on this connection.
		_ = c.write(frame{Op: 9, D: false})
		s.notifyLocked()
		return
	}
	if old := sess.conn; old != nil && old != c {
		_ = old.ws.Close()
	}
	sess.conn, c.sess = c, sess
	s.gw.resumes++
	for _, f := range sess.events {
		if *f.S > rs.Seq {
			_ = c.write(f)
		}
	}
	s.sendLocked(sess, "RESUMED", map[string]any{})
	s.notifyLocked()
}

// sendLocked gives event the session's next sequence number, keeps it for
// replay and writes it if the bot is connected. s.mu must be held.
func (s *Server) sendLocked(sess *session, event string, d any) int64 {
	sess.seq++
	seq, t := sess.seq, event
	f := frame{Op: 0, D: d, S: &seq, T: &t}
	sess.events = append(sess.events, f)
	if sess.conn != nil {
		_ = sess.conn.write(f)
	}
	return seq
}

func (s *Server) guildObjectLocked(g Guild) map[string]any {
	var channels, threads []map[string]any
	for _, c := range s.channels {
		switch {
		case c.GuildID != g.ID:
		case c.thread:
			threads = append(threads, s.channelObjectLocked(c))
		default:
			channels = append(channels, s.channelObjectLocked(c))
		}
	}
	return map[string]any{
		"id": g.ID, "name": g.Name, "preferred_locale": g.Locale, "unavailable": false,
		"owner_id": UserID, "joined_at": time.Now().UTC().Format(time.RFC3339), "member_count": 2,
		"channels": nonNil(channels), "threads": nonNil(threads), "roles": []any{}, "emojis": []any{},
		"members": []any{}, "features": []any{},
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// intentFor is the intent a dispatch needs, 0 for one that always comes
// (READY, RESUMED, INTERACTION_CREATE).
func intentFor(event string, guild bool) int64 {
	switch {
	case strings.HasPrefix(event, "GUILD_MEMBER"):
		return IntentGuildMembers
	case strings.HasPrefix(event, "MESSAGE_REACTION") && guild:
		return 1 << 10 // GUILD_MESSAGE_REACTIONS
	case strings.HasPrefix(event, "MESSAGE_REACTION"):
		return 1 << 13 // DIRECT_MESSAGE_REACTIONS
	case strings.HasPrefix(event, "MESSAGE_") && guild:
		return IntentGuildMessages
	case strings.HasPrefix(event, "MESSAGE_"):
		return IntentDirectMessages
	case strings.HasPrefix(event, "GUILD_"), strings.HasPrefix(event, "CHANNEL_"), strings.HasPrefix(event, "THREAD_"):
		return IntentGuilds
	}
	return 0
}
