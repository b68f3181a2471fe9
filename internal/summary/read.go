package summary

import (
	"context"
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/chart"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// Reader is what a summary reads from the store.
type Reader interface {
	SummaryCases(ctx context.Context, scope storage.Scope, since time.Time) ([]storage.Case, error)
	Deadlines(ctx context.Context, f storage.DeadlineFilter) ([]storage.DueDeadline, error)
}

// Read reads and builds the summary of channel ch for the period from to
// to, in the channel's zone: two reads whose cost follows the period's
// cases and the open ones, not the history.
func Read(ctx context.Context, db Reader, ch storage.ChannelSettings, from, to time.Time, pbs *playbooks.Catalog) (Summary, error) {
	scope := storage.Scope{Platform: ch.Platform, Workspace: ch.Workspace, Channels: []string{ch.Channel}}
	cases, err := db.SummaryCases(ctx, scope, to.Add(-Lookback))
	if err != nil {
		return Summary{}, fmt.Errorf("summary of %s: %w", ch.Channel, err)
	}
	ds, err := db.Deadlines(ctx, storage.DeadlineFilter{Scope: scope, Before: to.Add(Later)})
	if err != nil {
		return Summary{}, fmt.Errorf("summary of %s: %w", ch.Channel, err)
	}
	return Build(Input{Cases: cases, Deadlines: ds, From: from, To: to, Zone: Zone(ch), Playbooks: pbs}), nil
}

// Since is where channel ch's summary up to at starts: its last scheduled
// summary, or a day before at when it has none.
func Since(ch storage.ChannelSettings, at time.Time) time.Time {
	if ch.LastSummaryAt != nil && ch.LastSummaryAt.Before(at) {
		return *ch.LastSummaryAt
	}
	return at.Add(-24 * time.Hour)
}

// Zone is the channel's time zone, which its summary is scheduled and
// written in; UTC when it has none (deadline.Shown, the rule of every
// time shown).
func Zone(ch storage.ChannelSettings) *time.Location {
	loc, _ := deadline.Shown("", ch.Zone, "")
	return loc
}

// Compose reads and renders channel ch's summary of the period from to
// to, with its chart.
func Compose(ctx context.Context, db Reader, ch storage.ChannelSettings, from, to time.Time, pbs *playbooks.Catalog, opt Options) (bot.Reply, error) {
	s, err := Read(ctx, db, ch, from, to, pbs)
	if err != nil {
		return bot.Reply{}, err
	}
	return Reply(s, opt)
}

// Reply renders s with its chart attached.
func Reply(s Summary, opt Options) (bot.Reply, error) {
	r := Render(s, opt)
	img, err := Chart(s)
	if err != nil {
		return bot.Reply{}, err
	}
	r.Image = img
	return r, nil
}

// Chart draws s's days as the summary's chart.
func Chart(s Summary) (*bot.Image, error) {
	png, alt, err := chart.Activity(s.Days)
	if err != nil {
		return nil, fmt.Errorf("summary chart: %w", err)
	}
	return &bot.Image{Name: "chart.png", Alt: alt, PNG: png}, nil
}
