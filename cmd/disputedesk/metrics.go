package main

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
)

// requestMetrics counts and times requests by platform, command and result.
type requestMetrics struct {
	total     *prometheus.CounterVec
	seconds   *prometheus.HistogramVec
	commandOf func(*bot.Request) string // bounded command names, from the router
}

func newRequestMetrics(reg prometheus.Registerer) *requestMetrics {
	m := &requestMetrics{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "disputedesk_requests_total",
			Help: "Chat requests handled, by platform, command and result (ok, user_error, error).",
		}, []string{"platform", "command", "result"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "disputedesk_request_seconds",
			Help:    "Time to answer a chat request, by platform and command.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"platform", "command"}),
	}
	reg.MustRegister(m.total, m.seconds)
	return m
}

// middleware records each request; it runs inside the router's error
// handling, so it sees whether the command failed and how.
func (m *requestMetrics) middleware(next bot.Handler) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		start := time.Now()
		reply, err := next.Handle(ctx, req)
		command := "unknown"
		if m.commandOf != nil {
			command = m.commandOf(req)
		}
		result := "ok"
		var ue *commands.UserError
		switch {
		case errors.As(err, &ue):
			result = "user_error"
		case err != nil:
			result = "error"
		}
		m.total.WithLabelValues(req.Platform, command, result).Inc()
		m.seconds.WithLabelValues(req.Platform, command).Observe(time.Since(start).Seconds())
		return reply, err
	})
}
