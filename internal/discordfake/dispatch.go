package discordfake

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// Dispatch pushes a dispatch (op 0) of event with data (a map, a struct or
// a json.RawMessage) to the current session, the one the bot identified
// last, and returns its sequence number. A dispatch while the bot is away is
// kept and replayed on RESUME, as Discord does. It returns 0, sending
// nothing, when there is no session or the session's intents do not cover
// event (MESSAGE_* needs GUILD_MESSAGES in a guild, DIRECT_MESSAGES
// elsewhere; GUILD_*, CHANNEL_* and THREAD_* need GUILDS). Without
// MESSAGE_CONTENT a user's guild message arrives with empty content, embeds,
// attachments and components unless it mentions the bot. A MESSAGE_CREATE's
// message is remembered, so the bot may start a thread from it.
func (s *Server) Dispatch(event string, data any) int64 {
	obj := toObject(data)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, _ := obj["id"].(string); event == "MESSAGE_CREATE" && id != "" {
		s.userMessages[id], _ = obj["channel_id"].(string)
	}
	seq := s.dispatchLocked(event, obj)
	s.notifyLocked()
	return seq
}

// DispatchInteraction sends interaction p (from SlashCommand, ButtonClick,
// ...) as INTERACTION_CREATE and returns its ID, under which
// InteractionResponses reads the bot's answers. From now on the fake
// accepts its callback for CallbackDeadline and its webhooks for TokenTTL.
func (s *Server) DispatchInteraction(p map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.registerLocked(p)
	if s.dispatchLocked("INTERACTION_CREATE", p) == 0 {
		s.t.Logf("discordfake: INTERACTION_CREATE %s went nowhere: no gateway session", in.id)
	}
	s.notifyLocked()
	return in.id
}

func toObject(data any) map[string]any {
	if m, ok := data.(map[string]any); ok {
		return m
	}
	raw, ok := data.(json.RawMessage)
	if !ok {
		raw, _ = json.Marshal(data)
	}
	var obj map[string]any
	_ = json.Unmarshal(raw, &obj)
	return obj
}

// dispatchLocked is Dispatch without the bookkeeping. s.mu must be held.
func (s *Server) dispatchLocked(event string, obj map[string]any) int64 {
	sess := s.gw.current
	if sess == nil || sess.invalid {
		return 0
	}
	guild, _ := obj["guild_id"].(string)
	if need := intentFor(event, guild != ""); need != 0 && sess.intents&need == 0 {
		return 0
	}
	if (event == "MESSAGE_CREATE" || event == "MESSAGE_UPDATE") && guild != "" && sess.intents&IntentMessageContent == 0 {
		obj = withoutContent(obj)
	}
	return s.sendLocked(sess, event, obj)
}

// withoutContent is a user's message as a bot without MESSAGE_CONTENT sees
// it: Discord keeps the content of the bot's own messages and of messages
// that mention it.
func withoutContent(obj map[string]any) map[string]any {
	author, _ := obj["author"].(map[string]any)
	content, _ := obj["content"].(string)
	if author["id"] == BotUserID || strings.Contains(content, "<@"+BotUserID+">") || strings.Contains(content, "<@!"+BotUserID+">") {
		return obj
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	out["content"] = ""
	out["embeds"], out["attachments"], out["components"] = []any{}, []any{}, []any{}
	return out
}

// currentConn is the current session's live connection, or nil.
// s.mu must be held.
func (s *Server) currentConnLocked() *gwConn {
	if s.gw.current == nil {
		return nil
	}
	return s.gw.current.conn
}

// DropConnection cuts the current session's connection without a close
// frame, as a network failure does; the session stays resumable. It reports
// whether there was a connection to cut.
func (s *Server) DropConnection() bool {
	s.mu.Lock()
	c := s.currentConnLocked()
	s.mu.Unlock()
	if c == nil {
		return false
	}
	_ = c.ws.Close()
	return true
}

// Reconnect sends op 7 RECONNECT on the current connection: the bot should
// close it and resume on a new one.
func (s *Server) Reconnect() bool {
	return s.sendOp(frame{Op: 7})
}

// InvalidSession sends op 9 INVALID_SESSION with d = resumable. When it is
// false the session ends: the bot must identify again.
func (s *Server) InvalidSession(resumable bool) bool {
	s.mu.Lock()
	if !resumable && s.gw.current != nil {
		s.gw.current.invalid = true
	}
	s.mu.Unlock()
	return s.sendOp(frame{Op: 9, D: resumable})
}

func (s *Server) sendOp(f frame) bool {
	s.mu.Lock()
	c := s.currentConnLocked()
	s.mu.Unlock()
	return c != nil && c.write(f) == nil
}

// CloseGateway closes the current connection with a close code (such as
// CloseAuthenticationFailed or CloseDisallowedIntents) and reason. Codes
// after which Discord does not resume end the session.
func (s *Server) CloseGateway(code int, reason string) bool {
	s.mu.Lock()
	c := s.currentConnLocked()
	s.mu.Unlock()
	if c == nil {
		return false
	}
	s.closeConn(c, code, reason)
	return true
}

// SetHeartbeatInterval sets the heartbeat_interval of later HELLOs.
func (s *Server) SetHeartbeatInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.interval = d
}

// DisallowIntents makes an IDENTIFY asking for any of intents close with
// 4014, as for privileged intents not enabled in the developer portal.
func (s *Server) DisallowIntents(intents int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.disallowed |= intents
}

// Identifies returns every IDENTIFY the bot sent, in order, including
// refused ones.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gw.identifies)
}

// Closes returns every close frame seen on the gateway, the fake's and the
// bot's, in order.
func (s *Server) Closes() []Close {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gw.closes)
}

// GatewayStats counts what happened on the gateway.
type GatewayStats struct {
	Connects, Identifies, Resumes, Heartbeats int
	Live                                      bool   // the current session has a connection
	SessionID                                 string // of the current session
	Seq                                       int64  // the current session's last sequence number
}

// Gateway returns the gateway's counts and the current session.
func (s *Server) Gateway() GatewayStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := GatewayStats{Connects: s.gw.connects, Identifies: len(s.gw.identifies), Resumes: s.gw.resumes, Heartbeats: s.gw.heartbeats}
	if cur := s.gw.current; cur != nil && !cur.invalid {
		st.Live, st.SessionID, st.Seq = cur.conn != nil, cur.id, cur.seq
	}
	return st
}

// WaitConnected waits until the bot has a live, identified or resumed
// gateway session and returns its stats. On timeout it fails t with a dump.
func (s *Server) WaitConnected(t testing.TB, timeout time.Duration) GatewayStats {
	t.Helper()
	var st GatewayStats
	s.Until(t, timeout, "a live gateway session", func() bool { st = s.Gateway(); return st.Live })
	return st
}

// Until waits until cond holds, re-checking it after every change the fake
// sees, and fails t with what and a dump on timeout. cond runs without the
// fake's lock and may call its methods.
func (s *Server) Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !s.wait(timeout, cond) {
		t.Fatalf("discordfake: no %s within %v\n%s", what, timeout, s.Dump())
	}
}
