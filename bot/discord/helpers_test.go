package discord

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/disputedesk/disputedesk/internal/golden"
)

// checkGolden compares v, as indented JSON, with testdata/name.
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	golden.JSON(t, filepath.Join("testdata", name), v)
}

// fakeREST is Discord's REST API as far as a test needs it: it records
// every call as "METHOD /path body" and answers from routes, keyed by
// "METHOD /path" with the /api/v9 prefix left out, or with {} when none matches.
type fakeREST struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []string
	routes map[string]func(w http.ResponseWriter, body string)
}

func newFakeREST(t *testing.T) *fakeREST {
	f := &fakeREST{routes: map[string]func(http.ResponseWriter, string){}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		path := strings.TrimPrefix(r.URL.Path, "/api/v9")
		f.mu.Lock()
		f.calls = append(f.calls, strings.TrimSpace(r.Method+" "+path+" "+string(bytes.TrimSpace(b))))
		route := f.routes[r.Method+" "+path]
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if route != nil {
			route(w, string(b))
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeREST) on(route string, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = func(w http.ResponseWriter, _ string) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

func (f *fakeREST) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// paths are the calls' methods and paths, without their bodies.
func (f *fakeREST) paths() []string {
	var out []string
	for _, c := range f.got() {
		parts := strings.SplitN(c, " ", 3)
		out = append(out, parts[0]+" "+parts[1])
	}
	return out
}

func testAdapter(t *testing.T, f *fakeREST, mod func(*Config)) *Adapter {
	t.Helper()
	cfg := Config{BotToken: "tok", AppID: "APP", APIURL: f.URL}
	if mod != nil {
		mod(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.kit.Close(context.Background()) })
	return a
}

// knowC1 makes channel C1 known, as the gateway's state or an HTTP
// interaction's own channel object makes it known before it is answered.
func knowC1(a *Adapter) {
	a.channels.put(&discordgo.Channel{ID: "C1", Type: discordgo.ChannelTypeGuildText}, a.now())
}
