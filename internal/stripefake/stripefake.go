// Package stripefake is a recording fake of the few calls of Stripe's API
// the bot makes (retrieve a dispute or a charge, update a dispute's
// evidence), speaking Stripe's wire format: form-encoded requests, JSON
// objects and Stripe's error envelope. Unlike stripe-mock, which checks the
// calls' shapes against Stripe's OpenAPI spec but keeps no state, it holds
// what was staged and submitted, so a test can say what Stripe got.
package stripefake

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Key is the API key the fake takes; any other is refused as Stripe does.
const Key = "rk_test_fake"

// Call is one request the fake answered.
type Call struct {
	Method, Path string
	Form         url.Values
}

// Server is the fake; its zero value is not usable, use New.
type Server struct {
	srv *httptest.Server

	mu sync.Mutex
	// disputes and charges are the objects GET returns, as JSON.
	disputes, charges map[string]map[string]any
	evidence          map[string]map[string]string
	submitted         map[string]int
	calls             []Call
}

// New starts a fake, closed when t ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{disputes: map[string]map[string]any{}, charges: map[string]map[string]any{},
		evidence: map[string]map[string]string{}, submitted: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL for STRIPE_API_BASE.
func (s *Server) URL() string { return s.srv.URL }

// SetDispute makes GET /v1/disputes/ID return obj (Stripe's JSON of it).
func (s *Server) SetDispute(obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disputes[obj["id"].(string)] = obj
}

// SetCharge makes GET /v1/charges/ID return obj.
func (s *Server) SetCharge(obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.charges[obj["id"].(string)] = obj
}

// Calls returns the requests so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Evidence is the evidence the dispute holds and how often it was submitted.
func (s *Server) Evidence(dispute string) (map[string]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.evidence[dispute]), s.submitted[dispute]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+Key {
		stripeError(w, http.StatusUnauthorized, "invalid_request_error", "Invalid API Key provided")
		return
	}
	_ = r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Form: r.PostForm})
	kind, id, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1/"), "/")
	switch {
	case r.Method == http.MethodGet && kind == "charges" && s.charges[id] != nil:
		writeJSON(w, s.charges[id])
	case r.Method == http.MethodGet && kind == "disputes" && s.disputes[id] != nil:
		writeJSON(w, s.dispute(id))
	case r.Method == http.MethodPost && kind == "disputes" && id != "":
		s.update(w, id, r.PostForm)
	default:
		stripeError(w, http.StatusNotFound, "invalid_request_error", "No such object: "+id)
	}
}

// update stages the evidence of dispute id, submitting it on submit=true;
// like Stripe, it refuses a change once the evidence is submitted.
func (s *Server) update(w http.ResponseWriter, id string, form url.Values) {
	if s.submitted[id] > 0 {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "This dispute is already closed or its evidence was submitted.")
		return
	}
	if s.evidence[id] == nil {
		s.evidence[id] = map[string]string{}
	}
	for k := range form {
		if name, ok := strings.CutPrefix(k, "evidence["); ok {
			s.evidence[id][strings.TrimSuffix(name, "]")] = form.Get(k)
		}
	}
	if form.Get("submit") == "true" {
		s.submitted[id]++
	}
	if s.disputes[id] == nil {
		s.disputes[id] = map[string]any{"id": id, "object": "dispute", "status": "needs_response"}
	}
	writeJSON(w, s.dispute(id))
}

// dispute is the stored dispute with its evidence; the caller holds mu.
func (s *Server) dispute(id string) map[string]any {
	d := maps.Clone(s.disputes[id])
	ev := map[string]any{}
	for k, v := range s.evidence[id] {
		ev[k] = v
	}
	d["evidence"] = ev
	if s.submitted[id] > 0 {
		d["status"] = "under_review"
	}
	return d
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func stripeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"type": typ, "message": msg}})
}
