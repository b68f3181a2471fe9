package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// teamID is the workspace every command comes from.
const teamID = "T0LOAD"

// slackAckLimit is how long Slack waits for a slash command's ack.
const slackAckLimit = 3 * time.Second

// openText is the i-th open: the five playbooks in turn, each with a new
// order (an open order would ask about a duplicate instead).
func openText(i int64) string {
	n := 100000 + i
	switch i % 5 {
	case 0:
		return fmt.Sprintf("open chargeback order=%d amount=49,90 currency=EUR", n)
	case 1:
		return fmt.Sprintf("open supplier-dispute supplier=Acme order=%d issue=defect", n)
	case 2:
		return fmt.Sprintf("open marketplace-claim marketplace=amazon claim_id=C-%d reason=damaged order=%d", n, n)
	case 3:
		return fmt.Sprintf("open return order=%d reason=damaged", n)
	default:
		return fmt.Sprintf(`open recall product=MUG-%d hazard="handle can detach" jurisdiction=eu`, n)
	}
}

// channelOf is the channel of the i-th open, of channels in turn.
func channelOf(i int64, channels int) string {
	return fmt.Sprintf("C0LOAD%04d", i%int64(max(channels, 1)))
}

// slashForm is the form Slack posts for /case text in channel.
func slashForm(text, channel, user string, i int64) []byte {
	v := url.Values{
		"token": {"loadgen"}, "team_id": {teamID}, "team_domain": {"loadgen"},
		"channel_id": {channel}, "channel_name": {strings.ToLower(channel)},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/case"}, "text": {text}, "api_app_id": {"A0LOAD"},
		"is_enterprise_install": {"false"}, "response_url": {""},
		"trigger_id": {"1337." + strconv.FormatInt(i, 10) + ".loadgen"},
	}
	return []byte(v.Encode())
}

// result is one request's outcome: its latency and, if it failed, the
// kind of failure.
type result struct {
	latency time.Duration
	kind    string // "" when the case was opened
	body    string // the answer of a refused request, for the report
}

// report is what a run measured.
type report struct {
	Mode     string         `json:"mode"`
	Clients  int            `json:"clients"`
	Duration time.Duration  `json:"duration"`
	Opens    int            `json:"opens"`
	PerSec   float64        `json:"opens_per_sec"`
	P50      time.Duration  `json:"p50"`
	P95      time.Duration  `json:"p95"`
	P99      time.Duration  `json:"p99"`
	Max      time.Duration  `json:"max"`
	Errors   map[string]int `json:"errors,omitempty"`
	// Sample is an answer of each kind of refusal, the first one.
	Sample map[string]string `json:"sample,omitempty"`
}

// summarize builds the report of results over elapsed.
func summarize(mode string, clients int, elapsed time.Duration, results []result) report {
	r := report{Mode: mode, Clients: clients, Duration: elapsed, Errors: map[string]int{}, Sample: map[string]string{}}
	lat := make([]time.Duration, 0, len(results))
	for _, x := range results {
		lat = append(lat, x.latency)
		if x.kind != "" {
			r.Errors[x.kind]++
			if _, ok := r.Sample[x.kind]; !ok && x.body != "" {
				r.Sample[x.kind] = x.body
			}
			continue
		}
		r.Opens++
	}
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	if elapsed > 0 {
		r.PerSec = float64(r.Opens) / elapsed.Seconds()
	}
	slices.Sort(lat)
	r.P50, r.P95, r.P99 = quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99)
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	return r
}

// quantile is the q-quantile of sorted by the nearest-rank method.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func (r report) String() string {
	s := fmt.Sprintf("%-8s clients=%-3d opens=%-6d %7.1f/s  p50=%v p95=%v p99=%v max=%v", r.Mode, r.Clients, r.Opens, r.PerSec,
		r.P50.Round(100*time.Microsecond), r.P95.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), r.Max.Round(100*time.Microsecond))
	if len(r.Errors) > 0 {
		kinds := make([]string, 0, len(r.Errors))
		for k, n := range r.Errors {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
		}
		slices.Sort(kinds)
		s += "  errors: " + strings.Join(kinds, " ")
	}
	for k, body := range r.Sample {
		s += fmt.Sprintf("\n  a %s answer: %.200s", k, body)
	}
	return s
}

// loader sends signed /case open commands to a serve.
type loader struct {
	url      string // the slash command endpoint
	secret   string
	channels int
	// duplicateOK adds duplicate=ok to every open: serve then skips its
	// duplicate check, which reads the workspace's open cases.
	duplicateOK bool
	client      *http.Client
	next        atomic.Int64
}

// run sends commands from clients goroutines, each waiting for its ack
// before the next, until ctx ends; it returns every request's result.
func run(ctx context.Context, clients int, one func(ctx context.Context, i int64) result, next *atomic.Int64) []result {
	var (
		mu  sync.Mutex
		all []result
		wg  sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			var mine []result
			for ctx.Err() == nil {
				mine = append(mine, one(ctx, next.Add(1)))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all
}

// open sends the i-th open and classifies its ack. A request cut off by
// the end of the run is not counted: it was neither an open nor a failure
// of serve's.
func (l *loader) open(ctx context.Context, i int64) result {
	text := openText(i)
	if l.duplicateOK {
		text += " duplicate=ok"
	}
	body := slashForm(text, channelOf(i, l.channels), fmt.Sprintf("U0AGENT%02d", i%16), i)
	start := time.Now()
	// The request outlives the run's end by Slack's limit, so the last
	// acks are measured rather than cut off.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), slackAckLimit+2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return result{kind: "request"}
	}
	ts := start.Unix()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", slackfake.Sign(l.secret, start, body))
	resp, err := l.client.Do(req)
	if err != nil {
		kind := "transport"
		if errors.Is(err, context.DeadlineExceeded) {
			kind = "timeout"
		}
		return result{latency: time.Since(start), kind: kind}
	}
	ack, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	switch {
	case err != nil:
		return result{latency: lat, kind: "transport"}
	case resp.StatusCode != http.StatusOK:
		return result{latency: lat, kind: "http_" + strconv.Itoa(resp.StatusCode)}
	case lat > slackAckLimit:
		return result{latency: lat, kind: "late_ack"}
	}
	r := result{latency: lat, kind: ackKind(ack)}
	if r.kind == "refused" || r.kind == "bad_ack" {
		r.body = string(ack)
	}
	return r
}

// ackKind classifies an ack's body: "" when it says a case was opened,
// "empty_ack" when it is empty (serve gave up on its budget), "refused"
// for any other answer.
func ackKind(ack []byte) string {
	if len(bytes.TrimSpace(ack)) == 0 {
		return "empty_ack"
	}
	var m struct {
		Text   string            `json:"text"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(ack, &m); err != nil {
		return "bad_ack"
	}
	if strings.Contains(m.Text, "Opened ") || bytes.Contains(ack, []byte("Opened ")) {
		return ""
	}
	if m.Text == "" && len(m.Blocks) == 0 {
		return "empty_ack"
	}
	return "refused"
}
