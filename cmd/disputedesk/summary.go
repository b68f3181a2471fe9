package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot/console"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/schedule"
	"github.com/disputedesk/disputedesk/internal/summary"
	"github.com/disputedesk/disputedesk/storage"
)

// SummaryCmd prints a channel's daily summary, or with --post queues it in
// the channel as that day's summary (once: the scheduler then skips the
// day, and a second --post is refused).
func (m *Main) SummaryCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	channel := fs.String("channel", "", "the channel, platform:workspace/channel (e.g. slack:T0123/C0456); may be left out when one channel is subscribed")
	date := fs.String("date", "", "the day, YYYY-MM-DD in the channel's zone: the summary as of its time that day (default: now)")
	post := fs.Bool("post", false, "queue it in the channel as the day's summary, for serve to deliver")
	if err := fs.Parse(args); err != nil {
		return &usageError{fmt.Errorf("%w. Usage: disputedesk summary [--channel slack:T0123/C0456] [--date 2026-12-01] [--post]", err)}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Errorf("unexpected %q. Usage: disputedesk summary [--channel slack:T0123/C0456] [--date 2026-12-01] [--post]", fs.Arg(0))}
	}
	if err := m.Open(ctx, nil); err != nil {
		return err
	}
	defer m.Close()
	ch, err := m.summaryChannel(ctx, *channel)
	if err != nil {
		return err
	}
	at, key, err := summaryTime(ch, *date, m.Now())
	if err != nil {
		return &usageError{err}
	}
	if *post {
		if !ch.Subscribed() {
			return fmt.Errorf("%s is not subscribed to a daily summary: subscribe it in the channel with /case summary subscribe, or leave out --post to print one", ch.Channel)
		}
		sent, err := schedule.Post(ctx, m.Store, schedule.PostOptions{Channel: ch, Key: key, At: at, Playbooks: m.Playbooks})
		if err != nil {
			return err
		}
		if !sent {
			return fmt.Errorf("the summary of %s was posted already (run key %s)", key[strings.LastIndex(key, "/")+1:], key)
		}
		fmt.Fprintf(m.Stdout, "Queued the summary of %s in %s; a running disputedesk serve delivers it.\n", key[strings.LastIndex(key, "/")+1:], ch.Channel)
		return nil
	}
	reply, err := summary.Compose(ctx, m.Store, ch, summary.Since(ch, at), at, m.Playbooks, summary.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, console.Render(reply))
	return nil
}

// summaryChannel reads the channel named platform:workspace/channel, or
// the one subscribed channel when name is empty.
func (m *Main) summaryChannel(ctx context.Context, name string) (storage.ChannelSettings, error) {
	if name == "" {
		subs, err := m.Store.Subscriptions(ctx)
		if err != nil {
			return storage.ChannelSettings{}, err
		}
		if len(subs) != 1 {
			return storage.ChannelSettings{}, &usageError{fmt.Errorf("%d channels are subscribed: name one with --channel platform:workspace/channel (e.g. slack:T0123/C0456)", len(subs))}
		}
		return subs[0], nil
	}
	ws, id, ok := strings.Cut(name, "/")
	scope, err := commands.ParseWorkspace(ws)
	if !ok || id == "" || err != nil || scope.All {
		return storage.ChannelSettings{}, &usageError{fmt.Errorf("--channel %q: write it as platform:workspace/channel, e.g. slack:T0123/C0456 or discord:81234/99887", name)}
	}
	return m.Store.ChannelSettings(ctx, scope.Platform, scope.Workspace, id)
}

// summaryTime is the end of the summary asked for, and its run key: now,
// or on date at the channel's summary time (the end of that day when it
// has none), which must not be in the future.
func summaryTime(ch storage.ChannelSettings, date string, now time.Time) (time.Time, string, error) {
	at := now
	if date != "" {
		d, err := time.ParseInLocation(time.DateOnly, date, summary.Zone(ch))
		if err != nil {
			return time.Time{}, "", fmt.Errorf("--date %q: write the day as YYYY-MM-DD, e.g. 2026-12-01", date)
		}
		at = d.Add(24*time.Hour - time.Second)
		if h, mi, err := schedule.ParseClock(ch.SummaryAt); err == nil {
			at = time.Date(d.Year(), d.Month(), d.Day(), h, mi, 0, 0, d.Location())
		}
		if at.After(now) {
			return time.Time{}, "", errors.New("--date " + date + " is still to come: a summary covers what has happened")
		}
	}
	return at, schedule.SummaryKey(ch, at), nil
}
