package discord

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
)

type signer struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newSigner(t *testing.T) signer {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{pub, priv}
}

func (s signer) request(body string, at time.Time, key ed25519.PrivateKey) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(body))
	r.Header.Set("X-Signature-Timestamp", ts)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, []byte(ts+body))))
	return r
}

const pingBody = `{"id":"1","application_id":"APP","type":1,"token":"tok","version":1}`

const commandBody = `{"id":"I1","application_id":"APP","type":2,"token":"itok","version":1,"guild_id":"G1","channel_id":"C1","channel":{"id":"C1","type":0},"locale":"nb",` +
	`"member":{"user":{"id":"U1","username":"kari"}},"data":{"id":"CMD","name":"return","type":1,"options":[{"name":"order","type":3,"value":"2231"}]}}`

// A request that is not Discord's is refused before anything in it is
// read: the handler never runs.
func TestInteractionSignature(t *testing.T) {
	s := newSigner(t)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Now()
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"good", func() *http.Request { return s.request(commandBody, now, s.priv) }, http.StatusOK},
		{"forged body", func() *http.Request {
			// signed for one body, sent with another
			forged := httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(strings.Replace(commandBody, "2231", "9999", 1)))
			forged.Header = s.request(commandBody, now, s.priv).Header
			return forged
		}, http.StatusUnauthorized},
		{"wrong key", func() *http.Request { return s.request(commandBody, now, other) }, http.StatusUnauthorized},
		{"stale", func() *http.Request { return s.request(commandBody, now.Add(-6*time.Minute), s.priv) }, http.StatusUnauthorized},
		{"from the future", func() *http.Request { return s.request(commandBody, now.Add(6*time.Minute), s.priv) }, http.StatusUnauthorized},
		{"unsigned", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(commandBody))
		}, http.StatusUnauthorized},
		{"oversized", func() *http.Request { return s.request(`{"x":"`+strings.Repeat("a", maxBody)+`"}`, now, s.priv) }, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			a := testAdapter(t, f, func(c *Config) {
				c.PublicKey = hex.EncodeToString(s.pub)
				c.Specs = testSpecs()
			})
			var called atomic.Int32
			h := bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
				called.Add(1)
				return bot.Reply{Text: "ok", Visibility: bot.Ephemeral}, nil
			})
			mux := http.NewServeMux()
			a.HTTPRoutes(mux, h)
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, tt.req())
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body)
			}
			if n := called.Load(); (n == 1) != (tt.want == http.StatusOK) {
				t.Errorf("handler called %d times", n)
			}
		})
	}
}

func TestInteractionPing(t *testing.T) {
	s := newSigner(t)
	a := testAdapter(t, newFakeREST(t), func(c *Config) { c.PublicKey = hex.EncodeToString(s.pub) })
	mux := http.NewServeMux()
	a.HTTPRoutes(mux, bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
		t.Error("a ping reached the handler")
		return bot.Reply{}, nil
	}))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, s.request(pingBody, time.Now(), s.priv))
	if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != `{"type":1}` {
		t.Fatalf("ping answered %d %s", w.Code, w.Body)
	}
}

// The request the handler sees: the command line, the guild as the
// workspace, the locale and Discord's message limit.
func TestInteractionRequest(t *testing.T) {
	s := newSigner(t)
	a := testAdapter(t, newFakeREST(t), func(c *Config) { c.PublicKey = hex.EncodeToString(s.pub); c.Specs = testSpecs() })
	got := make(chan *bot.Request, 1)
	mux := http.NewServeMux()
	a.HTTPRoutes(mux, bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		got <- req
		return bot.Reply{Text: "Opened RMA-7.", Visibility: bot.Ephemeral}, nil
	}))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, s.request(commandBody, time.Now(), s.priv))
	req := <-got
	if req.Text != "/return order=2231" || req.Workspace != "G1" || req.Channel != "C1" || req.User != "U1" || req.Locale != "nb" ||
		req.MaxText != 2000 || req.ID != "I1" || req.Platform != bot.PlatformDiscord {
		t.Errorf("request %+v", req)
	}
	if !strings.Contains(w.Body.String(), `"type":4`) || !strings.Contains(w.Body.String(), `"flags":64`) {
		t.Errorf("callback %s", w.Body)
	}
}

// A member's roles come with the request, for DISPUTEDESK_LEADS's
// discord:role: entries.
func TestInteractionRequestCarriesRoles(t *testing.T) {
	s := newSigner(t)
	a := testAdapter(t, newFakeREST(t), func(c *Config) { c.PublicKey = hex.EncodeToString(s.pub); c.Specs = testSpecs() })
	got := make(chan *bot.Request, 1)
	mux := http.NewServeMux()
	a.HTTPRoutes(mux, bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		got <- req
		return bot.Reply{Text: "ok", Visibility: bot.Ephemeral}, nil
	}))
	body := strings.Replace(commandBody, `"member":{"user":{"id":"U1","username":"kari"}}`, `"member":{"user":{"id":"U1","username":"kari"},"roles":["R1","R2"]}`, 1)
	mux.ServeHTTP(httptest.NewRecorder(), s.request(body, time.Now(), s.priv))
	if req := <-got; !slices.Equal(req.Roles, []string{"R1", "R2"}) {
		t.Errorf("roles %q, want R1 and R2", req.Roles)
	}
}

// TestInteractionInAThread: a command run inside a case's thread reaches
// the core as from the thread of its parent channel, as a message there
// does, so that it finds the case of the thread and opens none in it.
func TestInteractionInAThread(t *testing.T) {
	s := newSigner(t)
	f := newFakeREST(t)
	f.routes["GET /channels/TH1"] = func(w http.ResponseWriter, _ string) {
		_, _ = w.Write([]byte(`{"id":"TH1","type":11,"parent_id":"C1","guild_id":"G1"}`))
	}
	a := testAdapter(t, f, func(c *Config) { c.PublicKey = hex.EncodeToString(s.pub); c.Specs = testSpecs() })
	got := make(chan *bot.Request, 1)
	mux := http.NewServeMux()
	a.HTTPRoutes(mux, bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		got <- req
		return bot.Reply{Text: "ok", Visibility: bot.Ephemeral}, nil
	}))
	mux.ServeHTTP(httptest.NewRecorder(), s.request(strings.Replace(commandBody, `"channel_id":"C1"`, `"channel_id":"TH1"`, 1), time.Now(), s.priv))
	if req := <-got; req.Channel != "C1" || req.Thread != "TH1" {
		t.Errorf("request from a thread: channel %q thread %q, want C1 and TH1", req.Channel, req.Thread)
	}
}
