package slackfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// pingInterval is how often the fake pings a Socket Mode client. slack-go
// reconnects when no ping arrives within its OptionPingInterval (30 s by
// default), so the fake pings well inside any sane setting.
const pingInterval = time.Second

// wsConn is one Socket Mode connection. gorilla/websocket allows one
// concurrent writer, hence wmu; pings use WriteControl, which may run
// concurrently with it.
type wsConn struct {
	conn *websocket.Conn
	wmu  sync.Mutex
	done chan struct{} // closed when the read loop ends
}

func (c *wsConn) writeJSON(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.conn.WriteJSON(v)
}

type ack struct {
	payload json.RawMessage
	at      time.Time
}

// serveSocket is the websocket apps.connections.open points at. It accepts
// each ticket once, greets with hello, pings, and records acks until the
// connection ends.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket] && !s.closed
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid or used ticket: call apps.connections.open for a fresh URL", http.StatusUnauthorized)
		return
	}
	// slack-go sends "Origin: https://api.slack.com", which the default
	// origin check would refuse.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &wsConn{conn: conn, done: make(chan struct{})}
	defer func() {
		close(c.done)
		_ = conn.Close()
		s.mu.Lock()
		s.dropLocked(c)
		delete(s.open, c)
		s.notifyLocked()
		s.mu.Unlock()
	}()

	s.mu.Lock()
	n := len(s.conns) + 1
	s.mu.Unlock()
	hello := map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID},
	}
	if err := c.writeJSON(hello); err != nil {
		return
	}
	// Register only after hello, and re-check closed: close() shuts the
	// connections it can see, and a handler it cannot see would block
	// httptest.Server.Close forever.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.conns = append(s.conns, c)
	s.open[c] = struct{}{}
	s.connects++
	s.notifyLocked()
	s.mu.Unlock()

	go c.ping()
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.journal = append(s.journal, Call{Method: "ack", Body: data})
		s.notifyLocked()
		s.mu.Unlock()
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &a) != nil || a.EnvelopeID == "" {
			continue
		}
		if string(a.Payload) == "null" {
			a.Payload = nil
		}
		s.mu.Lock()
		s.acks[a.EnvelopeID] = ack{payload: a.Payload, at: time.Now()}
		s.notifyLocked()
		s.mu.Unlock()
	}
}

func (c *wsConn) ping() {
	t := time.NewTicker(pingInterval)
	defer t.Stop()
	for {
		if c.conn.WriteControl(websocket.PingMessage, []byte("slackfake"), time.Now().Add(5*time.Second)) != nil {
			return
		}
		select {
		case <-c.done:
			return
		case <-t.C:
		}
	}
}

func (s *Server) dropLocked(c *wsConn) {
	s.conns = slices.DeleteFunc(s.conns, func(x *wsConn) bool { return x == c })
}

// WaitConnected waits until a Socket Mode client is connected and has been
// sent hello. It fails t on timeout.
func (s *Server) WaitConnected(t testing.TB, timeout time.Duration) {
	t.Helper()
	connected := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.conns) > 0
	}
	if !s.wait(timeout, connected) {
		t.Fatalf("slackfake: no Socket Mode connection within %v (apps.connections.open called %d times)\n%s",
			timeout, s.Calls("apps.connections.open"), s.Dump())
	}
}

// Connections returns how many Socket Mode connections were accepted so far,
// including ended ones.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// SendEnvelope sends a Socket Mode envelope to the newest live connection
// and returns its envelope_id:
//
//	{"envelope_id":..., "type":typ, "payload":payload, "accepts_response_payload":acceptsResponse, "retry_attempt":0, "retry_reason":""}
//
// typ is "slash_commands", "events_api" or "interactive". payload is
// marshalled to JSON, except a json.RawMessage or []byte, which is sent as is.
// Use SlashPayload, MessageEvent, AppMention, BlockAction or ViewSubmission to
// build it. Slack sets accepts_response_payload for slash commands and for
// view submissions. It fails t if no client is connected.
func (s *Server) SendEnvelope(t testing.TB, typ string, payload any, acceptsResponse bool) (envelopeID string) {
	t.Helper()
	raw, err := rawJSON(payload)
	if err != nil {
		t.Fatalf("slackfake: SendEnvelope: marshal payload: %v", err)
	}
	id := newUUID()
	s.mu.Lock()
	var c *wsConn
	if len(s.conns) > 0 {
		c = s.conns[len(s.conns)-1]
	}
	s.sent[id] = time.Now()
	s.mu.Unlock()
	if c == nil {
		t.Fatalf("slackfake: SendEnvelope(%s): no Socket Mode connection; call WaitConnected first", typ)
	}
	env := map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"payload":                  raw,
		"accepts_response_payload": acceptsResponse,
		"retry_attempt":            0,
		"retry_reason":             "",
	}
	if err := c.writeJSON(env); err != nil {
		t.Fatalf("slackfake: SendEnvelope(%s): %v", typ, err)
	}
	return id
}

// SendSlashCommand sends a slash_commands envelope built by SlashPayload,
// with a fresh ResponseURL unless opt gives one, and returns its envelope
// id. The signing fields of opt are ignored: Socket Mode is not signed.
func (s *Server) SendSlashCommand(t testing.TB, cmd, text string, opt SlashOpts) (envelopeID string) {
	t.Helper()
	if opt.ResponseURL == "" {
		opt.ResponseURL = s.ResponseURL()
	}
	return s.SendEnvelope(t, "slash_commands", SlashPayload(cmd, text, opt), true)
}

// WaitAck waits for the client's ack of an envelope and returns the ack's
// payload, or nil if the ack carried none. It fails t on timeout, and logs
// an ack that came later than AckDeadline after the envelope was sent, which
// Slack would have treated as a failure and retried.
func (s *Server) WaitAck(t testing.TB, envelopeID string, timeout time.Duration) json.RawMessage {
	t.Helper()
	var a ack
	var sent time.Time
	got := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var ok bool
		a, ok = s.acks[envelopeID]
		sent = s.sent[envelopeID]
		return ok
	}
	if !s.wait(timeout, got) {
		t.Fatalf("slackfake: no ack for envelope %s within %v\n%s", envelopeID, timeout, s.Dump())
	}
	if d := a.at.Sub(sent); !sent.IsZero() && d > AckDeadline {
		t.Logf("slackfake: envelope %s was acked after %v; Slack expects an ack within %v and would have retried",
			envelopeID, d.Round(time.Millisecond), AckDeadline)
	}
	return a.payload
}

// Disconnect asks every live Socket Mode client to reconnect, as Slack does
// before it rotates a connection ({"type":"disconnect","reason":"refresh_requested"}),
// and closes those connections a second later if the client has not.
// After it, WaitConnected waits for the new connection.
func (s *Server) Disconnect(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.notifyLocked()
	s.mu.Unlock()
	msg := map[string]any{"type": "disconnect", "reason": "refresh_requested", "debug_info": map[string]any{"host": "slackfake"}}
	for _, c := range conns {
		if err := c.writeJSON(msg); err != nil {
			t.Logf("slackfake: Disconnect: %v", err)
		}
		go func() {
			select {
			case <-c.done:
			case <-time.After(time.Second):
				_ = c.conn.Close()
			}
		}()
	}
}

// rawJSON marshals v, passing json.RawMessage and []byte through.
func rawJSON(v any) (json.RawMessage, error) {
	switch v := v.(type) {
	case json.RawMessage:
		return v, nil
	case []byte:
		return v, nil
	default:
		return json.Marshal(v)
	}
}
