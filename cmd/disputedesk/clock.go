package main

import (
	"fmt"
	"time"
)

// ClockConfig is the scheduler's clock and pace. Production leaves both
// unset; drills and the end-to-end tests start the clock at a chosen
// instant (09:00 on the day summer time ends, say) and look every second.
type ClockConfig struct {
	// Start, when set, is the instant the process's clock shows at start;
	// from there it runs at real speed.
	Start time.Time
	// Every is how often the scheduler looks for summaries and reminders due.
	Every time.Duration
}

var clockSettings = []setting{
	{name: "DISPUTEDESK_CLOCK_START", def: "the real time", doc: "start the bot's clock at this RFC 3339 instant and run it at real speed, for drills and tests of the schedule; never in production"},
	{name: "DISPUTEDESK_SCHEDULE_EVERY", def: "1m", doc: "how often serve looks for daily summaries and deadline reminders due, 1s to 1h"},
}

func init() { settings = append(settings, clockSettings...) }

// loadClock reads the clock settings.
func loadClock(getenv func(string) string) (ClockConfig, error) {
	c := ClockConfig{Every: time.Minute}
	if v := getenv("DISPUTEDESK_CLOCK_START"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return c, fmt.Errorf("DISPUTEDESK_CLOCK_START=%q: write an RFC 3339 instant, e.g. 2026-10-25T08:59:50+01:00", v)
		}
		c.Start = t
	}
	if v := getenv("DISPUTEDESK_SCHEDULE_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			return c, fmt.Errorf("DISPUTEDESK_SCHEDULE_EVERY=%q: write a duration from 1s to 1h, e.g. 1m or 10s", v)
		}
		c.Every = d
	}
	return c, nil
}

// Now is the clock: the real time, or Start plus the time since the
// process began.
func (c ClockConfig) Now() func() time.Time {
	if c.Start.IsZero() {
		return time.Now
	}
	began := time.Now()
	return func() time.Time { return c.Start.Add(time.Since(began)) }
}
