package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// fakeSlack is the Slack Web API that serve posts to during a load run:
// the methods a case's card needs, answered after a delay like Slack's,
// with Slack's special limit of chat.postMessage (about one message per
// second per channel, with short bursts; a 429 with Retry-After beyond
// it), so that the outbox is measured against the pacing it meets in
// production. internal/slackfake checks far more but needs a testing.TB
// and keeps every message; this one only counts.
type fakeSlack struct {
	latency time.Duration // each call's delay
	burst   float64       // messages a channel may take at once
	rate    float64       // messages per second per channel after the burst

	posted, updated, limited atomic.Int64
	ts                       atomic.Int64

	mu      sync.Mutex
	buckets map[string]*rate.Limiter // chat.postMessage's, by channel
}

func newFakeSlack(latency time.Duration) *fakeSlack {
	return &fakeSlack{latency: latency, burst: 3, rate: 1, buckets: map[string]*rate.Limiter{}}
}

// take reports whether channel may take a message now, and if not, how
// long until it may.
func (f *fakeSlack) take(channel string, now time.Time) (bool, time.Duration) {
	f.mu.Lock()
	b := f.buckets[channel]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(f.rate), int(f.burst))
		f.buckets[channel] = b
	}
	f.mu.Unlock()
	r := b.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now) // refused: the message takes no token
		return false, wait
	}
	return true, 0
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm() // slack-go posts forms
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if method == "stats" {
		writeJSON(w, f.stats())
		return
	}
	time.Sleep(f.latency)
	channel := r.FormValue("channel")
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://loadgen.slack.com/", "team": "Loadgen",
			"user": "disputedesk", "team_id": teamID, "user_id": "U0BOT", "bot_id": "B0BOT"})
	case "chat.postMessage":
		if ok, wait := f.take(channel, time.Now()); !ok {
			f.limited.Add(1)
			w.Header().Set("Retry-After", fmt.Sprint(int(wait/time.Second)+1))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		f.posted.Add(1)
		writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": f.nextTS(), "message": map[string]any{"text": ""}})
	case "chat.update":
		f.updated.Add(1)
		writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": r.FormValue("ts"), "text": ""})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": f.nextTS()})
	case "users.info":
		u := r.FormValue("user")
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{"id": u, "name": strings.ToLower(u), "tz": "Europe/Oslo",
			"profile": map[string]any{"display_name": u, "real_name": u}}})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// nextTS is a message timestamp, unique within the run.
func (f *fakeSlack) nextTS() string {
	n := f.ts.Add(1)
	return fmt.Sprintf("%d.%06d", 1700000000+n/1000000, n%1000000)
}

// slackStats is what the fake has seen; /api/stats serves it.
type slackStats struct {
	Posted  int64 `json:"posted"`
	Updated int64 `json:"updated"`
	Limited int64 `json:"limited"` // 429s answered
}

func (f *fakeSlack) stats() slackStats {
	return slackStats{Posted: f.posted.Load(), Updated: f.updated.Load(), Limited: f.limited.Load()}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
