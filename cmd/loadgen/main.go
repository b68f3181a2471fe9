// Command loadgen measures `disputedesk serve` under load: it sends
// /case open slash commands, signed as Slack signs them, from a number of
// clients for a while, and reports opens per second, ack latency (p50,
// p95, p99, max) and errors by kind. With -serve it starts serve itself,
// against a fake Slack Web API in this process that enforces Slack's
// per-channel message limit, and also reports the outbox backlog (cards
// not yet posted) when the load stops, how long it takes to drain, and
// serve's peak RSS. With -baseline it runs, after each load, the same
// database work directly through the storage layer on the same driver,
// for the ratio full path / baseline. With -duplicate-ok every open says
// duplicate=ok, so serve skips its duplicate check: a diagnostic of what
// that check costs, not what users send. See BENCHMARKS.md.
//
//	go build -o /tmp/disputedesk ./cmd/disputedesk
//	go run ./cmd/loadgen -serve /tmp/disputedesk -db postgres://... -clients 1,4,16,64 -duration 10s -baseline
//	go run ./cmd/loadgen -url http://127.0.0.1:8080/slack/commands -secret S -clients 16
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runMain(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// config is loadgen's flags.
type config struct {
	serveBin, url, db, secret string
	clients                   []int
	duration, slackLatency    time.Duration
	drainFor                  time.Duration
	channels                  int
	baseline, duplicateOK     bool
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var c config
	var clients string
	fs.StringVar(&c.serveBin, "serve", "", "a disputedesk binary to start as `serve` against a fake Slack in this process")
	fs.StringVar(&c.url, "url", "", "the slash command URL of a running serve (instead of -serve)")
	fs.StringVar(&c.db, "db", "", "DATABASE_URL for -serve and -baseline (a fresh database)")
	fs.StringVar(&c.secret, "secret", "loadgen-signing-secret", "the Slack signing secret serve checks")
	fs.StringVar(&clients, "clients", "1,4,16,64", "concurrent clients, a run for each")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each run sends")
	fs.DurationVar(&c.slackLatency, "slack-latency", 50*time.Millisecond, "the fake Slack's delay per call")
	fs.DurationVar(&c.drainFor, "drain-timeout", 60*time.Second, "how long to wait for the outbox to drain after a run")
	fs.IntVar(&c.channels, "channels", 200, "channels the opens are spread over, in turn")
	fs.BoolVar(&c.baseline, "baseline", false, "after each run, the same database work through the storage layer directly")
	fs.BoolVar(&c.duplicateOK, "duplicate-ok", false, "add duplicate=ok to every open, so serve skips its duplicate check (a diagnostic: not what a user sends)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for f := range strings.SplitSeq(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-clients %q: want positive numbers separated by commas", clients)
		}
		c.clients = append(c.clients, n)
	}
	switch {
	case (c.serveBin == "") == (c.url == ""):
		return c, errors.New("give either -serve or -url")
	case c.serveBin != "" && c.db == "", c.baseline && c.db == "":
		return c, errors.New("-serve and -baseline need -db")
	}
	return c, nil
}

func runMain(ctx context.Context, args []string) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	l := &loader{url: c.url, secret: c.secret, channels: c.channels, duplicateOK: c.duplicateOK,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	var (
		fake *fakeSlack
		proc *serveProc
	)
	if c.serveBin != "" {
		fake = newFakeSlack(c.slackLatency)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: fake}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		logPath := filepath.Join(os.TempDir(), "loadgen-serve.log")
		proc, err = startServe(ctx, c.serveBin, c.db, "http://"+ln.Addr().String()+"/api/", c.secret, logPath)
		if err != nil {
			return err
		}
		defer func() {
			if err := proc.stop(); err != nil {
				fmt.Fprintln(os.Stderr, "loadgen: serve:", err)
			}
		}()
		l.url = "http://" + proc.addr + "/slack/commands"
		fmt.Printf("serve on %s (logs in %s), fake Slack with %v per call, %d channels\n", proc.addr, logPath, c.slackLatency, c.channels)
	}
	var base *baseline
	if c.baseline {
		s, err := openStore(ctx, c.db)
		if err != nil {
			return err
		}
		defer s.Close()
		base = &baseline{s: s, channels: c.channels}
	}
	for _, n := range c.clients {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var before slackStats
		if fake != nil {
			before = fake.stats()
		}
		full := measure(ctx, "full", n, c.duration, l.open, &l.next)
		fmt.Println(full)
		if fake != nil {
			fmt.Println("  " + drain(ctx, fake, before, full.Opens, c.drainFor))
		}
		if base != nil {
			b := measure(ctx, "baseline", n, c.duration, base.open, &l.next)
			fmt.Println(b)
			if err := base.park(ctx); err != nil {
				return err
			}
			if b.PerSec > 0 {
				fmt.Printf("  full/baseline: %.2f× the throughput, p99 %.2f×\n", full.PerSec/b.PerSec, float64(full.P99)/float64(max(b.P99, 1)))
			}
		}
	}
	if proc != nil {
		fmt.Printf("serve peak RSS: %.1f MB\n", float64(proc.peakRSS())/(1<<20))
	}
	return nil
}

// measure runs one(…) from clients goroutines for d and reports.
func measure(ctx context.Context, mode string, clients int, d time.Duration, one func(context.Context, int64) result, next *atomic.Int64) report {
	rctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	results := run(rctx, clients, one, next)
	return summarize(mode, clients, time.Since(start), results)
}

// drain reports how many of opens cards the fake Slack had not been sent
// since before when the load stopped, and how long until it had them all.
func drain(ctx context.Context, fake *fakeSlack, before slackStats, opens int, timeout time.Duration) string {
	start := time.Now()
	posted := func() int { return int(fake.stats().Posted - before.Posted) }
	backlog := max(opens-posted(), 0)
	for posted() < opens && time.Since(start) < timeout && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	left := max(opens-posted(), 0)
	s := fmt.Sprintf("outbox: %d cards unposted when the load stopped", backlog)
	if left > 0 {
		return s + fmt.Sprintf(", %d still after %v", left, timeout)
	}
	st := fake.stats()
	return s + fmt.Sprintf(", drained in %v (429s answered: %d)", time.Since(start).Round(10*time.Millisecond), st.Limited-before.Limited)
}
