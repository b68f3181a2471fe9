package discord

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/disputedesk/disputedesk/bot"
)

// fakeGateway speaks the gateway's first frames: HELLO, then READY (or
// RESUMED) for an IDENTIFY (or a RESUME), unless refuse says which close
// code to answer with. drop closes the connection after READY once.
type fakeGateway struct {
	*httptest.Server
	refuse int
	mu     sync.Mutex
	ops    []int
	drop   bool
}

func newFakeGateway(t *testing.T, refuse int, drop bool) *fakeGateway {
	g := &fakeGateway{refuse: refuse, drop: drop}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"url":"ws://%s/gw/"}`, r.Host)
	})
	up := websocket.Upgrader{}
	mux.HandleFunc("/gw/", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}})
		for {
			var p struct {
				Op int `json:"op"`
			}
			if err := c.ReadJSON(&p); err != nil {
				return
			}
			g.mu.Lock()
			g.ops = append(g.ops, p.Op)
			drop := g.drop
			g.drop = false
			g.mu.Unlock()
			switch {
			case p.Op == 1:
				_ = c.WriteJSON(map[string]any{"op": 11})
			case g.refuse != 0:
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(g.refuse, "refused"))
				return
			case p.Op == 2:
				_ = c.WriteJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": map[string]any{"v": 9, "session_id": "sess1",
					"user": map[string]any{"id": "BOT", "username": "disputedesk", "bot": true}, "guilds": []any{}, "application": map[string]any{"id": "APP"}}})
				if drop {
					time.Sleep(50 * time.Millisecond)
					return
				}
			case p.Op == 6:
				_ = c.WriteJSON(map[string]any{"op": 0, "s": 2, "t": "RESUMED", "d": map[string]any{}})
			}
		}
	})
	g.Server = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

func (g *fakeGateway) sent() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	var ops []int
	for _, op := range g.ops {
		if op != 1 {
			ops = append(ops, op)
		}
	}
	return ops
}

var nobody = bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, nil })

// A refused token or intents end Run with an error saying which, instead
// of reconnecting forever.
func TestGatewayFatalCloseCodes(t *testing.T) {
	for code, want := range map[int]string{4004: "DISCORD_BOT_TOKEN", 4014: "Message Content Intent"} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			g := newFakeGateway(t, code, false)
			a, err := New(Config{BotToken: "bad", AppID: "APP", APIURL: g.URL, Gateway: true})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err = a.Run(ctx, nobody)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), fmt.Sprint(code)) {
				t.Fatalf("Run = %v, want an error naming %s", err, want)
			}
			if ctx.Err() != nil {
				t.Fatal("Run kept retrying until the test's deadline")
			}
		})
	}
}

// A dropped connection is opened again and the session resumed (op 6).
func TestGatewayResumes(t *testing.T) {
	g := newFakeGateway(t, 0, true)
	a, err := New(Config{BotToken: "tok", AppID: "APP", APIURL: g.URL, Gateway: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, nobody) }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && len(g.sent()) < 2 {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if ops := g.sent(); len(ops) < 2 || ops[0] != 2 || ops[1] != 6 {
		t.Fatalf("gateway got ops %v, want IDENTIFY then RESUME", ops)
	}
	if a.self() != "BOT" {
		t.Errorf("bot id %q from READY", a.self())
	}
}
