package slackfake

import (
	"net/http"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/changes"
)

// Call is one request the fake received, whatever it answered: a Web API
// method, "response_url" for a post to a response URL, or "ack" for a
// message a Socket Mode client wrote.
type Call struct {
	Method string
	// Params are a Web API call's form or JSON parameters, token removed.
	Params map[string]string
	// Body is the raw body: JSON for views.open, a response URL post or an ack.
	Body []byte
}

// NextCall returns the next call of method the fake receives after the call
// NextCall returned last, skipping calls of other methods. It fails t if
// none comes within timeout. Adapter tests read what the bot sent in order
// with it; Messages, Views and Responses are what a workspace shows.
func (s *Server) NextCall(t testing.TB, method string, timeout time.Duration) Call {
	t.Helper()
	c, ok := s.waitCall(method, timeout, true)
	if !ok {
		t.Fatalf("slackfake: no %s call within %v\n%s", method, timeout, s.Dump())
	}
	return c
}

// NoCall fails t if a call of method comes within d after the call NextCall
// returned last. It then skips every call received so far.
func (s *Server) NoCall(t testing.TB, method string, d time.Duration) {
	t.Helper()
	if c, ok := s.waitCall(method, d, false); ok {
		t.Fatalf("slackfake: unexpected %s call: %v %s", method, c.Params, c.Body)
	}
	s.mu.Lock()
	s.cursor = len(s.journal)
	s.mu.Unlock()
}

// waitCall waits up to timeout for a call of method after the cursor;
// consume moves the cursor past it.
func (s *Server) waitCall(method string, timeout time.Duration, consume bool) (Call, bool) {
	var c Call
	found := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var ok bool
		c, ok = changes.Next(s.journal, &s.cursor, func(c Call) bool { return c.Method == method }, consume)
		return ok
	}
	ok := s.wait(timeout, found)
	return c, ok
}

// Handle answers every later call of the Web API method with h instead of
// the fake's own answer, for a reply the fake does not otherwise give (a
// Retry-After of a test's choosing, an error code with a status). The call
// is counted and recorded by NextCall first; FailNext and FailFor still come
// before h. The request's body can be read again.
func (s *Server) Handle(method string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[method] = h
}

// RefuseToken makes every Web API call with token answer invalid_auth, as
// Slack answers a revoked or mistyped token of the right prefix.
func (s *Server) RefuseToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused[token] = true
}
