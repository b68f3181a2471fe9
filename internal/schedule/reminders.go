// Package schedule runs disputedesk's scheduled jobs inside serve: deadline
// reminders, posted exactly once however many replicas run. Each run of a
// job has a key, claimed with Tx.ClaimRun in the transaction that queues
// the run's messages in the outbox, so that several replicas on one
// database, a restart or a clock skew between replicas never post a run
// twice, and a tick missed while no replica ran is caught up by the next.
package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// ReminderJob is the job name of deadline reminders in scheduled_runs.
const ReminderJob = "reminder"

// Reminders posts the reminders of deadline.Reminders (by the thresholds of
// the case's playbook: 72, 24 and 4 hours before a deadline by default, and
// at the deadline) in the thread of a case on a chat platform, mentioning
// its assignee, or the channel's on-call group when it has none; at the
// breach also in the case's channel. A reminder's key holds the deadline's due time, so a
// moved deadline gets fresh reminders; a met deadline, or one of a closed
// case, is not listed and gets none.
type Reminders struct {
	Store storage.Store
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Playbooks, when set, gives each case's reminder thresholds and names
	// the deadlines of kind info (someone else's, never overdue), which get
	// no reminders; without it every deadline gets the default thresholds.
	Playbooks *playbooks.Catalog
	// Every is how often Run looks; one minute when zero.
	Every time.Duration
	// Wake, when set, is called after a pass that queued messages (the
	// outbox worker's Wake).
	Wake   func()
	Logger *slog.Logger
}

func (r *Reminders) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// RunOnce queues the reminders due at now that no one has queued yet, and
// returns how many deadlines it reminded of. For a deadline first seen
// late (no replica ran for days) only the most recent reminder crossed is
// posted; the earlier ones are claimed with it and never go out. A
// failure on one deadline does not stop the others; RunOnce returns the
// failures joined.
func (r *Reminders) RunOnce(ctx context.Context) (int, error) {
	now := r.now()
	// The first reminder of a deadline goes out its playbook's largest
	// threshold before it, so the pass looks as far ahead as the largest
	// of any playbook.
	horizon := r.Playbooks.MaxReminder()
	ds, err := r.Store.Deadlines(ctx, storage.DeadlineFilter{Scope: storage.AllWorkspaces, Before: now.Add(horizon + time.Second)})
	if err != nil {
		return 0, fmt.Errorf("reminders: list deadlines: %w", err)
	}
	type due struct {
		d       storage.DueDeadline
		crossed []deadline.Reminder
		key     string // of the last reminder crossed
	}
	var todo []due
	var keys []string
	for _, d := range ds {
		if !chatPlatform(d.Platform) || r.isInfo(d) {
			continue
		}
		// A reminder due by the case's opening is not sent: the
		// deadline was born inside its window, and the card that
		// opened it says the same (a 24-hour deadline's 24h and 72h
		// reminders); the later ones are.
		crossed := slices.DeleteFunc(deadline.Reminders(d.Due, r.thresholds(d)...), func(rm deadline.Reminder) bool {
			return rm.At.After(now) || rm.Before > 0 && !rm.At.After(d.OpenedAt)
		})
		if len(crossed) == 0 {
			continue
		}
		k := runKey(d.Deadline, crossed[len(crossed)-1])
		todo, keys = append(todo, due{d, crossed, k}), append(keys, k)
	}
	// An overdue deadline stays listed until it is met: what was posted
	// already is skipped here, without a transaction per deadline and
	// replica every pass. remind checks the claim again inside its own.
	claimed, err := r.Store.ClaimedRuns(ctx, ReminderJob, keys)
	if err != nil {
		return 0, fmt.Errorf("reminders: claimed runs: %w", err)
	}
	var n int
	var errs []error
	onCall := onCalls{}
	for _, t := range todo {
		if claimed[t.key] {
			continue
		}
		d := t.d
		sent, err := r.remind(ctx, d, t.crossed, onCall)
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders: %s %s: %w", d.Ref, d.ID, err))
			continue
		}
		if sent {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// remind claims and queues the last of crossed, the reminders of d due by
// now, in one transaction, claiming the earlier ones with it. It reports
// false when the reminder was claimed before, or d is no longer what was
// listed (met, moved or its case closed since). An unassigned case's
// reminder mentions its channel's on-call group, read through onCall.
func (r *Reminders) remind(ctx context.Context, d storage.DueDeadline, crossed []deadline.Reminder, onCall onCalls) (bool, error) {
	var sent bool
	_, _, err := r.Store.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		sent = false
		cs, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, d.Ref)
		if err != nil {
			return nil, err
		}
		if cs.Status != storage.StatusOpen || cs.ID != d.CaseID {
			return nil, nil
		}
		// A snoozed case's reminders wait, unclaimed: once the snooze
		// ends, the latest one crossed is posted.
		if until, err := tx.SnoozedUntil(ctx, cs.ID); err != nil || r.now().Before(until) {
			return nil, err
		}
		st, err := tx.State(ctx, cs.ID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(st.Deadlines, func(x storage.Deadline) bool {
			return x.ID == d.ID && x.MetAt == nil && x.Due.Equal(d.Due)
		}) {
			return nil, nil
		}
		last := crossed[len(crossed)-1]
		ok, err := tx.ClaimRun(ctx, ReminderJob, runKey(d.Deadline, last))
		if err != nil || !ok {
			return nil, err
		}
		for _, rm := range crossed[:len(crossed)-1] {
			if _, err := tx.ClaimRun(ctx, ReminderJob, runKey(d.Deadline, rm)); err != nil {
				return nil, err
			}
		}
		ch, err := onCall.settings(ctx, r.Store, cs)
		if err != nil {
			return nil, err
		}
		var group string
		if cs.Assignee == "" {
			group = ch.OnCall
		}
		loc, _ := deadline.Shown(cs.Fields[playbooks.FieldTimezone], ch.Zone, "") // as on the card
		for _, m := range messages(cs, d.Deadline, last, r.now(), group, loc) {
			if err := tx.Enqueue(ctx, &m); err != nil {
				return nil, err
			}
		}
		sent = true
		return nil, nil
	})
	return sent && err == nil, err
}

// onCalls caches the channels' settings (their on-call group and zone)
// for one pass, by platform, workspace and channel, so a pass reads each
// channel's settings once.
type onCalls map[[3]string]storage.ChannelSettings

// settings returns the settings of cs's channel, read from db the first
// time: a plain read, not the transaction's locking one, since a
// reminder only mentions the group and writes no settings.
func (o onCalls) settings(ctx context.Context, db storage.Store, cs storage.Case) (storage.ChannelSettings, error) {
	k := [3]string{cs.Platform, cs.Workspace, cs.Channel}
	if s, ok := o[k]; ok {
		return s, nil
	}
	s, err := db.ChannelSettings(ctx, cs.Platform, cs.Workspace, cs.Channel)
	if err != nil {
		return storage.ChannelSettings{}, fmt.Errorf("channel settings: %w", err)
	}
	o[k] = s
	return s, nil
}

// runKey is the key of reminder rm of deadline d: its case, deadline, due
// time and threshold.
func runKey(d storage.Deadline, rm deadline.Reminder) string {
	return fmt.Sprintf("%d/%s/%d/%s", d.CaseID, d.ID, d.Due.Unix(), threshold(rm))
}

// threshold names a reminder: "72h", "24h", "4h", or "breach"; a
// threshold in days is named in hours ("2d" is "48h"), so a key does not
// change with how the playbook writes it.
func threshold(rm deadline.Reminder) string {
	if rm.Before <= 0 {
		return "breach"
	}
	return fmt.Sprintf("%gh", rm.Before.Hours())
}

// left is how long is left before a deadline, said by the threshold of
// its reminder rm; but a deadline first seen well after the threshold (set
// 2 hours before it is due, or after downtime) says the hours really left,
// rounded up, or the minutes under an hour. Well after is an hour, or half
// of a threshold under two hours, so a 1-hour reminder posted with 10
// minutes left says 10m.
func left(rm deadline.Reminder, d time.Duration) string {
	if d > rm.Before-min(time.Hour, rm.Before/2) {
		return threshold(rm)
	}
	if d < time.Hour {
		return fmt.Sprintf("%dm", max(1, int((d+time.Minute-1)/time.Minute)))
	}
	return fmt.Sprintf("%dh", int((d+time.Hour-1)/time.Hour))
}

// messages are the outbox messages of reminder rm of d on case cs at now: a
// post in its thread, mentioning the assignee or else onCall (a group id;
// empty for nobody), and, at the breach, one in its channel.
func messages(cs storage.Case, d storage.Deadline, rm deadline.Reminder, now time.Time, onCall string, loc *time.Location) []storage.OutboxMessage {
	due := deadline.When(d.Due, loc)
	text := fmt.Sprintf("⏰ %s: %s in %s (%s)", cs.Ref, d.Title, left(rm, d.Due.Sub(now)), due)
	breach := rm.Before <= 0
	if breach {
		text = fmt.Sprintf("%s: %s was due %s and is not met", cs.Ref, d.Title, due)
	}
	thread := text
	switch {
	case cs.Assignee != "":
		thread += " " + bot.Mention(cs.Assignee)
	case onCall != "":
		thread += " " + bot.GroupMention(onCall)
	}
	msg := func(kind storage.OutboxKind, text string) storage.OutboxMessage {
		b, _ := json.Marshal(bot.Reply{Text: text}) // a struct of strings always encodes
		m := storage.OutboxMessage{Platform: cs.Platform, Workspace: cs.Workspace, Channel: cs.Channel, Kind: kind, Payload: string(b)}
		if kind == storage.OutboxThread {
			m.CaseID, m.ThreadName = cs.ID, playbooks.ThreadName(cs)
		}
		return m
	}
	ms := []storage.OutboxMessage{msg(storage.OutboxThread, thread)}
	if breach {
		ms = append(ms, msg(storage.OutboxChannel, text))
	}
	return ms
}

// thresholds are the reminder thresholds of d's playbook; none (the
// defaults) without a catalog or when the playbook is gone from it.
func (r *Reminders) thresholds(d storage.DueDeadline) []time.Duration {
	if r.Playbooks == nil {
		return nil
	}
	if pb, ok := r.Playbooks.Get(d.Playbook); ok {
		return pb.ReminderThresholds()
	}
	return nil
}

func (r *Reminders) isInfo(d storage.DueDeadline) bool {
	if r.Playbooks == nil {
		return false
	}
	pb, ok := r.Playbooks.Get(d.Playbook)
	return ok && pb.IsInfo(d.ID)
}

// chatPlatform reports whether cases on platform have a thread in a
// channel, as opposed to the console's.
func chatPlatform(platform string) bool { return platform != bot.PlatformConsole && platform != "" }

// Run runs RunOnce at once and then every Every until ctx is done, and
// returns nil then. A failure is logged when it starts and when it ends,
// not on every pass; logs name cases by reference only.
func (r *Reminders) Run(ctx context.Context) error {
	return loop(ctx, r.Every, r.Logger, "deadline reminders", r.RunOnce, r.Wake)
}
