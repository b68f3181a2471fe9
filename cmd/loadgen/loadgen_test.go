package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/storage"
)

// TestLoadSignsAndReports runs the loader against a server that checks
// each request's signature as serve does (slack-go's verifier) and answers by a rule, and checks that the
// report counts exactly what the server answered.
func TestLoadSignsAndReports(t *testing.T) {
	const secret = "test-secret"
	var n, badSig atomic.Int64
	playbooks := map[string]*atomic.Int64{}
	for _, p := range prefixes {
		playbooks[p.playbook] = &atomic.Int64{}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !slackVerified(r, body, secret) {
			badSig.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		form, _ := url.ParseQuery(string(body))
		if form.Get("command") != "/case" || form.Get("team_id") != teamID || !strings.HasPrefix(form.Get("channel_id"), "C0LOAD") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		words := strings.Fields(form.Get("text"))
		if c := playbooks[words[1]]; c != nil {
			c.Add(1)
		}
		switch n.Add(1) % 10 {
		case 0:
			// serve's answer when the budget ran out
		case 5:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"response_type":"ephemeral","text":"Opened CB-1: chargeback"}`)
		}
	}))
	defer srv.Close()

	l := &loader{url: srv.URL, secret: secret, channels: 7, client: srv.Client()}
	r := measure(context.Background(), "full", 4, 300*time.Millisecond, l.open, &l.next)

	if badSig.Load() != 0 {
		t.Fatalf("%d requests had a signature the server refused", badSig.Load())
	}
	total := int(n.Load())
	if total < 20 {
		t.Fatalf("only %d requests in 300ms", total)
	}
	empty, unavailable := total/10, (total+5)/10
	if r.Opens != total-empty-unavailable || r.Errors["empty_ack"] != empty || r.Errors["http_503"] != unavailable {
		t.Errorf("report %v; server answered %d: %d opened, %d empty, %d 503", r, total, total-empty-unavailable, empty, unavailable)
	}
	for name, c := range playbooks {
		if c.Load() == 0 {
			t.Errorf("no open of %s among %d", name, total)
		}
	}
	if r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max || r.PerSec <= 0 {
		t.Errorf("latencies p50=%v p99=%v max=%v, %v/s: want 0 < p50 <= p99 <= max", r.P50, r.P99, r.Max, r.PerSec)
	}
}

// TestWrongSecretIsRefused checks the test's server above would notice a
// wrong signature: the same loader with another secret gets no opens.
func TestWrongSecretIsRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !slackVerified(r, body, "right") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{"text":"Opened CB-1"}`)
	}))
	defer srv.Close()
	l := &loader{url: srv.URL, secret: "wrong", channels: 1, client: srv.Client()}
	r := measure(context.Background(), "full", 1, 50*time.Millisecond, l.open, &l.next)
	if r.Opens != 0 || r.Errors["http_401"] == 0 {
		t.Errorf("report %v, want only http_401", r)
	}
}

// TestFakeSlackPacesPerChannel checks the fake Slack's limit: a burst of
// three into a channel, then 429 with Retry-After, while another channel
// still takes messages.
func TestFakeSlackPacesPerChannel(t *testing.T) {
	f := newFakeSlack(0)
	srv := httptest.NewServer(f)
	defer srv.Close()
	post := func(channel string) *http.Response {
		t.Helper()
		resp, err := http.PostForm(srv.URL+"/api/chat.postMessage", url.Values{"channel": {channel}, "text": {"x"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 3 {
		if resp := post("C1"); resp.StatusCode != http.StatusOK {
			t.Fatalf("message %d into C1: %s, want 200", i+1, resp.Status)
		}
	}
	if resp := post("C1"); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("4th message into C1: %s Retry-After %q, want 429 after 1", resp.Status, resp.Header.Get("Retry-After"))
	}
	if resp := post("C2"); resp.StatusCode != http.StatusOK {
		t.Errorf("a message into C2: %s, want 200", resp.Status)
	}
	if st := f.stats(); st.Posted != 4 || st.Limited != 1 {
		t.Errorf("stats %+v, want 4 posted, 1 limited", st)
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.95, 95 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		if got := quantile(d, tt.q); got != tt.want {
			t.Errorf("quantile(1..100ms, %v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

// slackVerified checks r's signature and timestamp with slack-go's own
// verifier, the one serve uses: not the loader's signing code.
func slackVerified(r *http.Request, body []byte, secret string) bool {
	sv, err := slack.NewSecretsVerifier(r.Header, secret)
	if err != nil {
		return false
	}
	_, _ = sv.Write(body)
	return sv.Ensure() == nil
}

// TestBaselineKeepsOutOfTheLoadedWorkspace checks that the baseline's
// cases are not open cases of the workspace the full path loads: serve
// reads those on every open (the duplicate check), so a baseline run
// would slow down the full runs after it.
func TestBaselineKeepsOutOfTheLoadedWorkspace(t *testing.T) {
	ctx := context.Background()
	b := openedBaseline(t, 5)
	s := b.s
	loaded, err := s.Cases(ctx, storage.CaseFilter{Scope: storage.WorkspaceScope("slack", teamID), Status: storage.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	own, err := s.Cases(ctx, storage.CaseFilter{Scope: storage.WorkspaceScope("slack", baselineTeam), Status: storage.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 0 || len(own) != 5 {
		t.Errorf("%d open cases in the loaded workspace %s and %d in %s, want 0 and 5", len(loaded), teamID, len(own), baselineTeam)
	}
	for _, c := range own {
		if strings.HasPrefix(c.Channel, "C0LOAD") {
			t.Errorf("baseline case %s in the load's channel %s", c.Ref, c.Channel)
		}
	}
}

// TestDuplicateOK checks that -duplicate-ok adds duplicate=ok to every
// open's text, and only then.
func TestDuplicateOK(t *testing.T) {
	for _, ok := range []bool{false, true} {
		var with, without atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			form, _ := url.ParseQuery(string(body))
			if strings.HasSuffix(form.Get("text"), " duplicate=ok") {
				with.Add(1)
			} else {
				without.Add(1)
			}
			_, _ = io.WriteString(w, `{"text":"Opened CB-1"}`)
		}))
		l := &loader{url: srv.URL, secret: "s", channels: 1, duplicateOK: ok, client: srv.Client()}
		measure(context.Background(), "full", 1, 30*time.Millisecond, l.open, &l.next)
		srv.Close()
		if got := with.Load() > 0 && without.Load() == 0; got != ok || with.Load()+without.Load() == 0 {
			t.Errorf("duplicateOK %v: %d opens with duplicate=ok, %d without", ok, with.Load(), without.Load())
		}
	}
}

// TestBaselineParksItsCards: after a baseline run its cards are no longer
// due, so the next full run's serve does not post them.
func TestBaselineParksItsCards(t *testing.T) {
	ctx := context.Background()
	b := openedBaseline(t, 4)
	s := b.s
	if err := b.park(ctx); err != nil {
		t.Fatal(err)
	}
	due, err := s.ClaimOutbox(ctx, time.Now().Add(time.Hour), time.Minute, 100)
	if err != nil || len(due) != 0 {
		t.Errorf("%d baseline cards due within the hour after park, %v; want none", len(due), err)
	}
	due, err = s.ClaimOutbox(ctx, time.Now().Add(25*time.Hour), time.Minute, 100)
	if err != nil || len(due) != 4 {
		t.Errorf("%d baseline cards due in a day, %v; want its 4, kept", len(due), err)
	}
}

// openedBaseline is a baseline on a new SQLite file, in 3 channels, that
// has opened n cases.
func openedBaseline(t *testing.T, n int64) *baseline {
	t.Helper()
	s, err := openStore(context.Background(), filepath.Join(t.TempDir(), "baseline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b := &baseline{s: s, channels: 3}
	for i := range n {
		if r := b.open(context.Background(), i); r.kind != "" {
			t.Fatalf("baseline open %d: %q", i, r.kind)
		}
	}
	return b
}
