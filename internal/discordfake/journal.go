package discordfake

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/changes"
)

// Call is one request the fake received, whatever it answered: a REST call
// (Route is one of the Route constants) or a frame the bot sent on the
// gateway (GatewayIdentify, GatewayResume, GatewayOther).
type Call struct {
	Route  string
	Path   string // the URL path, with its IDs; empty for gateway frames
	Query  string
	Body   []byte
	Status int // the HTTP status answered; 0 for gateway frames
}

// Calls returns how many calls of route the fake received, including
// refused and failed ones.
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// NextCall returns the next call of route the fake receives after the call
// NextCall returned last, skipping calls of other routes, once it has been
// answered. It fails t if none comes within timeout.
func (s *Server) NextCall(t testing.TB, route string, timeout time.Duration) Call {
	t.Helper()
	c, ok := s.waitCall(route, timeout, true)
	if !ok {
		t.Fatalf("discordfake: no %s call within %v\n%s", route, timeout, s.Dump())
	}
	return c
}

// NoCall fails t if a call of route comes within d after the call NextCall
// returned last. It then skips every call received so far.
func (s *Server) NoCall(t testing.TB, route string, d time.Duration) {
	t.Helper()
	if c, ok := s.waitCall(route, d, false); ok {
		t.Fatalf("discordfake: unexpected %s call: %s %s", route, c.Path, c.Body)
	}
	s.mu.Lock()
	s.cursor = len(s.journal)
	s.mu.Unlock()
}

// waitCall waits up to timeout for an answered call of route after the
// cursor; consume moves the cursor past it.
func (s *Server) waitCall(route string, timeout time.Duration, consume bool) (Call, bool) {
	var c Call
	found := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var ok bool
		c, ok = changes.Next(s.journal, &s.cursor, func(c Call) bool {
			return c.Route == route && (c.Status != 0 || c.Path == "")
		}, consume)
		return ok
	}
	ok := s.wait(timeout, found)
	return c, ok
}

// FailNext makes the next calls of route (a Route constant, or AnyRoute)
// answer these faults in turn; later calls are served normally. discordgo
// waits out a 429 and retries by itself, retries a 502 up to
// Session.MaxRestRetries times, and returns any other status as a
// *discordgo.RESTError.
func (s *Server) FailNext(route string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[route] = append(s.faults[route], faults...)
}

// FailFor makes every call of route answer f for d, starting when the
// outages FailFor queued before for route end (now, when there are none).
// It returns when this one ends. Calls queued with FailNext come first.
func (s *Server) FailFor(route string, f Fault, d time.Duration) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := time.Now()
	if q := s.outages[route]; len(q) > 0 && q[len(q)-1].until.After(from) {
		from = q[len(q)-1].until
	}
	until := from.Add(d)
	s.outages[route] = append(s.outages[route], outage{Fault: f, from: from, until: until})
	return until
}

// Handle answers every later call of route with h instead of the fake's own
// answer, for a reply the fake does not otherwise give. The call is counted
// and journaled first; FailNext and FailFor still come before h. The
// request's body can be read again.
func (s *Server) Handle(route string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[route] = h
}

// Messages returns every accepted create and edit of a message, in the
// order the fake answered them.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posted)
}

// Message returns the bot's message id as it stands now.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// WaitFor waits until pred holds for the recorded messages and returns them.
// On timeout it fails t with a dump of everything the fake received. pred
// runs without the fake's lock held and may call its methods.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, pred func([]Message) bool) []Message {
	t.Helper()
	var got []Message
	s.Until(t, timeout, "matching messages", func() bool { got = s.Messages(); return pred(got) })
	return got
}

// WaitThreads waits until pred holds for the threads and returns them.
func (s *Server) WaitThreads(t testing.TB, timeout time.Duration, pred func([]Thread) bool) []Thread {
	t.Helper()
	var got []Thread
	s.Until(t, timeout, "matching threads", func() bool { got = s.Threads(); return pred(got) })
	return got
}

// Commands returns the commands registered by the last bulk overwrite of
// guildID's commands, or of the global ones for "".
func (s *Server) Commands(guildID string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[guildID])
}

// InteractionResponses returns the answers to interaction id, in order:
// its callback (or HTTP answer), edits of the original, follow-ups.
func (s *Server) InteractionResponses(id string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Response
	for _, r := range s.responses {
		if r.InteractionID == id {
			out = append(out, r)
		}
	}
	return out
}

// WaitResponses waits until pred holds for InteractionResponses(id) and
// returns them.
func (s *Server) WaitResponses(t testing.TB, id string, timeout time.Duration, pred func([]Response) bool) []Response {
	t.Helper()
	var got []Response
	s.Until(t, timeout, "matching responses to interaction "+id, func() bool { got = s.InteractionResponses(id); return pred(got) })
	return got
}

// Violations returns every payload refused for breaking Discord's limits,
// in order, that TakeViolations has not taken.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// TakeViolations returns the violations so far and forgets them, for a test
// that provoked them on purpose; the ones left fail the test at cleanup.
func (s *Server) TakeViolations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.violations
	s.violations = nil
	return v
}
