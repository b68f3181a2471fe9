package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/disputedesk/disputedesk/bot"
	discordbot "github.com/disputedesk/disputedesk/bot/discord"
	slackbot "github.com/disputedesk/disputedesk/bot/slack"
	"github.com/disputedesk/disputedesk/internal/outbox"
	"github.com/disputedesk/disputedesk/internal/schedule"
	"github.com/disputedesk/disputedesk/internal/stripehook"
)

// shutdownGrace is how long in-flight HTTP requests get to finish on SIGTERM.
const shutdownGrace = 10 * time.Second

// Serve runs the HTTP server, the chat adapters, the outbox worker and the
// deadline reminders until ctx is done, then drains them.
// outboxConcurrency is how many channels the outbox posts to at once: a
// post takes a round trip to the platform (about 100 ms to Slack), so one
// at a time is ten a second for every team of the deployment; 16 drained
// about 210 cards a second, fewer than a burst of opens makes (issue 15,
// BENCHMARKS.md). Each channel's own pace still applies.
const outboxConcurrency = 64

// channelPace is each platform's limit of new messages per channel:
// Slack's chat.postMessage about one per second with short bursts
// (docs.slack.dev/apis/web-api/rate-limits, "special rate limits"),
// Discord's five per five seconds per channel. The bursts are one message
// short of the platforms': posts paced a second apart reach the platform
// up to a round trip's jitter closer, and the spare message takes that up
// rather than a 429 (with 64 deliveries in flight on a busy machine,
// Slack's burst of 3 drew 25-300 429s a run; issue 15).
func channelPace() map[string]outbox.Pace {
	return map[string]outbox.Pace{
		"slack":   {Every: time.Second, Burst: 2},
		"discord": {Every: time.Second, Burst: 4},
	}
}

func (m *Main) Serve(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Errorf("serve takes no arguments; configure it with environment variables (disputedesk help)")}
	}
	if err := m.Open(ctx, nil); err != nil {
		return err
	}
	defer m.Close()
	log := m.Logger.With("component", "serve")
	fmt.Fprintln(m.Stderr, "disputedesk serve, configured with:")
	m.Config.Print(m.Stderr)
	if len(m.Config.Leads) == 0 {
		log.Warn("no leads configured: everyone may do what playbooks give a lead or finance; set DISPUTEDESK_LEADS to limit it")
	}
	m.warnOrphans(ctx, log)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := newRequestMetrics(reg)

	// The worker's clock is the store's: it compares failing_since and sets
	// next_attempt_at, which the store wrote and reads with m.Now.
	worker := &outbox.Worker{Store: m.Store, Notifiers: map[string]bot.Notifier{}, Now: m.Now, Logger: m.Logger.With("component", "outbox"),
		Concurrency: outboxConcurrency, Pace: channelPace()}
	router, err := m.Router(worker.Wake, metrics.middleware)
	if err != nil {
		return err
	}
	metrics.commandOf = router.CommandOf

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.Store.Ping(ctx); err != nil {
			log.Warn("not ready: database unreachable", "error", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))

	var adapters []bot.Adapter
	if sc := m.Config.Slack; sc.Enabled() {
		cfg := sc.adapter()
		cfg.Logger = m.Logger.With("component", "slack")
		slack, err := slackbot.New(cfg)
		if err != nil {
			return fmt.Errorf("slack: %w", err)
		}
		slack.HTTPRoutes(mux, router)
		worker.Notifiers[bot.PlatformSlack] = slack
		adapters = append(adapters, slack)
	}
	if dc := m.Config.Discord; dc.Enabled() {
		cfg := dc.adapter()
		cfg.Logger = m.Logger.With("component", "discord")
		cfg.Specs, cfg.Completer = router.Specs(), router
		discord, err := discordbot.New(cfg)
		if err != nil {
			return fmt.Errorf("discord: %w", err)
		}
		discord.HTTPRoutes(mux, router)
		worker.Notifiers[bot.PlatformDiscord] = discord
		adapters = append(adapters, discord)
	}

	if sc := m.Config.Stripe; len(sc.Secrets) > 0 {
		hc := stripehook.Config{Secrets: sc.Secrets, Target: sc.Target, OrderKey: sc.OrderKey,
			Logger: m.Logger.With("component", "stripe")}
		if sc.APIKey != "" {
			hc.API = stripehook.NewClient(sc.APIKey, sc.APIBase)
		}
		hook, err := stripehook.New(hc, router)
		if err != nil {
			return err
		}
		hook.Route(mux)
	}

	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (DISPUTEDESK_ADDR): %w", m.Config.Addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Requests are not cancelled by SIGTERM: Shutdown waits for them, and
		// the Slack adapter drains the work they started, so that every
		// committed change's reply still reaches its user.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	log.Info("serving", "addr", ln.Addr().String(), "database", m.Store.Dialect())

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.WithoutCancel(gctx), shutdownGrace)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	g.Go(func() error { return worker.Run(gctx) })
	// Deadline reminders: every replica runs them; each is claimed once.
	reminders := &schedule.Reminders{Store: m.Store, Playbooks: m.Playbooks, Now: m.Now, Every: m.Config.Clock.Every,
		Wake: worker.Wake, Logger: m.Logger.With("component", "reminders")}
	g.Go(func() error { return reminders.Run(gctx) })
	// Daily summaries: likewise, once per channel and local date.
	summaries := &schedule.Summaries{Store: m.Store, Playbooks: m.Playbooks, Show: router.ShowButton, Now: m.Now,
		Every: m.Config.Clock.Every, Wake: worker.Wake, Logger: m.Logger.With("component", "summaries")}
	g.Go(func() error { return summaries.Run(gctx) })
	for _, a := range adapters {
		g.Go(func() error { return a.Run(gctx, router) })
	}
	return g.Wait()
}
