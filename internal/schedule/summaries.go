package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/summary"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// SummaryJob is the job name of daily summaries in scheduled_runs.
const SummaryJob = "summary"

// CatchUp is how late a summary is still posted: a replica that was down
// at 09:00 and is back by 21:00 posts it, once, saying it is late; later
// than that, the next day's covers the time since the last one.
const CatchUp = 12 * time.Hour

// lateAfter is when a summary says it is late: past a missed tick, not
// the seconds a pass takes.
const lateAfter = 5 * time.Minute

// Summaries posts each subscribed channel's daily summary at its local
// time, once per channel and local date however many replicas run: the
// run key is the channel and the date, claimed in the transaction that
// queues the summary and moves the channel's LastSummaryAt, where the
// next summary starts.
type Summaries struct {
	Store storage.Store
	// Now is the clock; time.Now when nil.
	Now       func() time.Time
	Playbooks *playbooks.Catalog
	// Show makes the button that shows a case; no buttons when nil.
	Show func(storage.Ref) bot.Button
	// Every is how often Run looks; one minute when zero.
	Every  time.Duration
	Wake   func()
	Logger *slog.Logger
}

func (j *Summaries) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
}

// Run runs RunOnce every Every until ctx is done.
func (j *Summaries) Run(ctx context.Context) error {
	return loop(ctx, j.Every, j.Logger, "daily summaries", j.RunOnce, j.Wake)
}

// RunOnce queues the summaries due at now that no one has queued yet and
// returns how many it queued. A failure on one channel does not stop the
// others; RunOnce returns the failures joined.
func (j *Summaries) RunOnce(ctx context.Context) (int, error) {
	now := j.now()
	subs, err := j.Store.Subscriptions(ctx)
	if err != nil {
		return 0, fmt.Errorf("summaries: list subscriptions: %w", err)
	}
	type due struct {
		sub  storage.ChannelSettings
		slot time.Time
		key  string
	}
	var todo []due
	var keys []string
	for _, sub := range subs {
		slot, ok := LastSlot(sub, now)
		if !ok || now.Sub(slot) > CatchUp {
			continue
		}
		k := SummaryKey(sub, slot)
		todo, keys = append(todo, due{sub, slot, k}), append(keys, k)
	}
	claimed, err := j.Store.ClaimedRuns(ctx, SummaryJob, keys)
	if err != nil {
		return 0, fmt.Errorf("summaries: claimed runs: %w", err)
	}
	var n int
	var errs []error
	for _, d := range todo {
		if claimed[d.key] {
			continue
		}
		late := now.Sub(d.slot)
		if late < lateAfter {
			late = 0
		}
		sent, err := Post(ctx, j.Store, PostOptions{Channel: d.sub, Key: d.key, At: now, Late: late, Playbooks: j.Playbooks, Show: j.Show})
		if err != nil {
			errs = append(errs, fmt.Errorf("summaries: %s: %w", d.key, err))
			continue
		}
		if sent {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// PostOptions are one scheduled summary to post.
type PostOptions struct {
	Channel storage.ChannelSettings
	// Key is the run key of the summary, claimed with it.
	Key string
	// At is the end of the summary's period.
	At        time.Time
	Late      time.Duration
	Playbooks *playbooks.Catalog
	Show      func(storage.Ref) bot.Button
}

// Post builds channel o.Channel's summary up to o.At, since its last
// scheduled one (or a day before o.At), and queues it in the channel,
// claiming o.Key and moving the channel's LastSummaryAt to o.At with it.
// It reports false when o.Key was claimed before or the channel is no
// longer subscribed.
func Post(ctx context.Context, db storage.Store, o PostOptions) (bool, error) {
	reply, err := summary.Compose(ctx, db, o.Channel, summary.Since(o.Channel, o.At), o.At, o.Playbooks, summary.Options{Late: o.Late, Show: o.Show})
	if err != nil {
		return false, err
	}
	payload, err := json.Marshal(reply)
	if err != nil {
		return false, fmt.Errorf("summary of %s: %w", o.Channel.Channel, err)
	}
	var sent bool
	_, _, err = db.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		sent = false
		ch, err := tx.ChannelSettings(ctx, o.Channel.Platform, o.Channel.Workspace, o.Channel.Channel)
		if err != nil || !ch.Subscribed() {
			return nil, err
		}
		if ok, err := tx.ClaimRun(ctx, SummaryJob, o.Key); err != nil || !ok {
			return nil, err
		}
		at := o.At
		ch.LastSummaryAt = &at
		if err := tx.SaveChannelSettings(ctx, &ch); err != nil {
			return nil, err
		}
		m := storage.OutboxMessage{Platform: ch.Platform, Workspace: ch.Workspace, Channel: ch.Channel,
			Kind: storage.OutboxChannel, Payload: string(payload)}
		if err := tx.Enqueue(ctx, &m); err != nil {
			return nil, err
		}
		sent = true
		return nil, nil
	})
	return sent && err == nil, err
}

// SummaryKey is the run key of channel sub's summary of slot: the channel
// and the local date.
func SummaryKey(sub storage.ChannelSettings, slot time.Time) string {
	return fmt.Sprintf("%s/%s/%s/%s", sub.Platform, sub.Workspace, sub.Channel, slot.In(summary.Zone(sub)).Format(time.DateOnly))
}

// LastSlot is the latest time at or before now when sub's summary was
// due: on one of its days, at its local time in its zone (on a day a
// clock change skips that time, the same moment an hour later). It is
// false when none falls within the last week or after the subscription
// began.
func LastSlot(sub storage.ChannelSettings, now time.Time) (time.Time, bool) {
	slot, ok := findSlot(sub, now, -1)
	if !ok || sub.SubscribedAt != nil && slot.Before(*sub.SubscribedAt) {
		return time.Time{}, false
	}
	return slot, true
}

// findSlot looks from now's local day a week back (dir -1) or ahead (dir
// 1) for the first of sub's summary times at or before now, or after it.
func findSlot(sub storage.ChannelSettings, now time.Time, dir int) (time.Time, bool) {
	hour, minute, err := ParseClock(sub.SummaryAt)
	if err != nil {
		return time.Time{}, false
	}
	local := now.In(summary.Zone(sub))
	y, m, d := local.Date()
	for i := range 8 {
		slot := time.Date(y, m, d+dir*i, hour, minute, 0, 0, local.Location())
		if slot.After(now) == (dir > 0) && OnDay(sub.SummaryDays, slot.Weekday()) {
			return slot, true
		}
	}
	return time.Time{}, false
}

// OnDay reports whether a summary of days ("daily" or "weekdays") is
// posted on weekday wd.
func OnDay(days string, wd time.Weekday) bool {
	return days != storage.SummaryWeekdays || wd != time.Saturday && wd != time.Sunday
}

// ParseClock reads a time of day written HH:MM (24-hour; 9:00 too).
func ParseClock(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, herr := strconv.Atoi(h)
	minute, merr := strconv.Atoi(m)
	if !ok || herr != nil || merr != nil || len(m) != 2 || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, fmt.Errorf("%q is not a time of day: write it as HH:MM on a 24-hour clock, like 09:00 or 17:30", s)
	}
	return hour, minute, nil
}

// NextSlot is the first time after now when sub's summary is due.
func NextSlot(sub storage.ChannelSettings, now time.Time) (time.Time, bool) {
	return findSlot(sub, now, 1)
}
