package schedule

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// setOnCall saves group as the on-call group of a channel of workspace T1.
func (e *env) setOnCall(t *testing.T, channel, group string) {
	t.Helper()
	if _, _, err := e.stores[0].Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SaveChannelSettings(t.Context(), &storage.ChannelSettings{Platform: bot.PlatformSlack, Workspace: "T1", Channel: channel, OnCall: group, UpdatedBy: "U9"})
	}); err != nil {
		t.Fatal(err)
	}
}

// settingsReads counts the channel settings a scheduler reads, from the
// store or in its transactions.
type settingsReads struct {
	storage.Store
	n int
}

func (s *settingsReads) ChannelSettings(ctx context.Context, platform, workspace, channel string) (storage.ChannelSettings, error) {
	s.n++
	return s.Store.ChannelSettings(ctx, platform, workspace, channel)
}

func (s *settingsReads) Update(ctx context.Context, key storage.RequestKey, fn func(storage.Tx) ([]byte, error)) ([]byte, bool, error) {
	return s.Store.Update(ctx, key, func(tx storage.Tx) ([]byte, error) { return fn(&countingTx{tx, &s.n}) })
}

type countingTx struct {
	storage.Tx
	n *int
}

func (c *countingTx) ChannelSettings(ctx context.Context, platform, workspace, channel string) (storage.ChannelSettings, error) {
	*c.n++
	return c.Tx.ChannelSettings(ctx, platform, workspace, channel)
}

// TestOnCallGroup: an unassigned case's reminder mentions its channel's
// on-call group, read once a pass however many cases the channel has; an
// assigned case's mentions its assignee only; a channel without an on-call
// group mentions nobody.
func TestOnCallGroup(t *testing.T) {
	dialects(t, 1, "", func(t *testing.T, e *env) {
		e.setOnCall(t, "C1", "S0ONCALL")
		e.setOnCall(t, "C2", "") // a channel with settings but no group
		second := e.open(t, storage.Case{Platform: bot.PlatformSlack})
		e.setDue(t, second, due, nil)
		assigned := e.open(t, storage.Case{Platform: bot.PlatformSlack, Assignee: "U1"})
		e.setDue(t, assigned, due, nil)
		other := e.open(t, storage.Case{Platform: bot.PlatformSlack, Channel: "C2"})
		e.setDue(t, other, due, nil)

		e.clk.Set(due.Add(-4 * time.Hour))
		s := &settingsReads{Store: e.stores[0]}
		r := &Reminders{Store: s, Now: e.clk.Now}
		if n, err := r.RunOnce(t.Context()); err != nil || n != 4 {
			t.Fatalf("RunOnce = %d, %v; want 4 reminders", n, err)
		}
		if s.n != 2 {
			t.Errorf("%d channel settings read in one pass, want 2 (C1 once, C2 once)", s.n)
		}
		line := func(ch, ref, mention string) string {
			return strings.TrimSpace(fmt.Sprintf("thread %s: ⏰ %s: Evidence due to the processor in 4h (2026-11-29 09:30 UTC) %s", ch, ref, mention))
		}
		want(t, "on call", e.delivered(t),
			line("C1", e.cs.Ref.String(), "<@&S0ONCALL>"),
			line("C1", second.Ref.String(), "<@&S0ONCALL>"),
			line("C1", assigned.Ref.String(), "<@U1>"),
			line("C2", other.Ref.String(), ""))
	})
}

// TestPlaybookThresholds: a marketplace claim (reminders: [24h, 4h, 1h])
// is reminded 24, 4 and 1 hours before and at the deadline, under keys
// named by those thresholds; a chargeback in the same pass keeps the
// default thresholds and their keys.
func TestPlaybookThresholds(t *testing.T) {
	cat, err := playbooks.Load("")
	if err != nil {
		t.Fatal(err)
	}
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		mc := e.open(t, storage.Case{Platform: bot.PlatformSlack, Playbook: "marketplace-claim", Assignee: "U2"})
		e.setDue(t, mc, due, nil)
		r := &Reminders{Store: e.stores[0], Now: e.clk.Now, Playbooks: cat}
		line := func(ref, in, who string) string {
			return fmt.Sprintf("thread C1: ⏰ %s: Evidence due to the processor in %s (2026-11-29 09:30 UTC) <@%s>", ref, in, who)
		}
		cb, ref := e.cs.Ref.String(), mc.Ref.String()
		for _, s := range []struct {
			at   time.Time
			want []string
		}{
			{due.Add(-72 * time.Hour), []string{line(cb, "72h", "U1")}},
			{due.Add(-25 * time.Hour), nil},
			{due.Add(-24 * time.Hour), []string{line(cb, "24h", "U1"), line(ref, "24h", "U2")}},
			{due.Add(-4 * time.Hour), []string{line(cb, "4h", "U1"), line(ref, "4h", "U2")}},
			{due.Add(-time.Hour), []string{line(ref, "1h", "U2")}},
			{due.Add(-time.Minute), nil},
		} {
			e.clk.Set(s.at)
			for range 2 {
				if _, err := r.RunOnce(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			want(t, s.at.String(), e.delivered(t), s.want...)
		}
		key := func(cs storage.Case, th string) string {
			return fmt.Sprintf("%d/evidence_due/%d/%s", cs.ID, due.Unix(), th)
		}
		keys := []string{key(mc, "24h"), key(mc, "4h"), key(mc, "1h"), key(mc, "72h"), key(mc, "breach"),
			key(e.cs, "72h"), key(e.cs, "24h"), key(e.cs, "4h"), key(e.cs, "1h")}
		claimed, err := e.stores[0].ClaimedRuns(t.Context(), ReminderJob, keys)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			if wantClaimed := i < 3 || i >= 5 && i < 8; claimed[k] != wantClaimed {
				t.Errorf("run %s claimed = %v, want %v", k, claimed[k], wantClaimed)
			}
		}
	})
}

// TestHorizon: the scheduler looks as far ahead as the largest threshold of
// any playbook: a 5-day reminder goes out 5 days before, which a fixed
// 72-hour look-ahead would never list.
func TestHorizon(t *testing.T) {
	builtin, err := playbooks.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := builtin.Get("chargeback")
	early := *cb
	early.Reminders = []string{"5d", "24h"}
	cat, err := playbooks.NewCatalog(&early)
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.MaxReminder(); got != 120*time.Hour {
		t.Fatalf("MaxReminder = %v, want 120h", got)
	}
	e := newEnv(t, t.TempDir()+"/dd.db", 1, "U1")
	e.clk.Set(due.Add(-120 * time.Hour))
	if n, err := (&Reminders{Store: e.stores[0], Now: e.clk.Now, Playbooks: builtin}).RunOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("built-in catalog 5 days before: %d reminders, %v; want none", n, err)
	}
	if n, err := (&Reminders{Store: e.stores[0], Now: e.clk.Now, Playbooks: cat}).RunOnce(t.Context()); err != nil || n != 1 {
		t.Errorf("5-day catalog 5 days before: %d reminders, %v; want 1", n, err)
	}
	want(t, "5 days before", e.delivered(t), strings.Replace(r72, "in 72h", "in 120h", 1))
	e.clk.Set(due.Add(-72 * time.Hour))
	if n, err := (&Reminders{Store: e.stores[0], Now: e.clk.Now, Playbooks: cat}).RunOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("5-day catalog 72 hours before: %d reminders, %v; want none (no 72h threshold)", n, err)
	}
}

// TestReminderInChannelZone: a reminder says the due time in its channel's
// zone, as the channel's summary does.
func TestReminderInChannelZone(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.subscribe(t, storage.ChannelSettings{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", Zone: "Europe/Oslo"})
		e.run(t, 0, due.Add(-4*time.Hour))
		want(t, "in Oslo", e.delivered(t),
			"thread C1: ⏰ CB-1001: Evidence due to the processor in 4h (2026-11-29 10:30 CET) <@U1>")
	})
}

// TestReminderInCaseZone: a case with its own zone is reminded in it, as
// its card shows it, whatever the channel's zone.
func TestReminderInCaseZone(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.subscribe(t, storage.ChannelSettings{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", Zone: "America/New_York"})
		oslo := e.open(t, storage.Case{Platform: bot.PlatformSlack, Assignee: "U2", Channel: "C1", Fields: map[string]string{"timezone": "Europe/Oslo"}})
		e.setDue(t, oslo, due.Add(time.Hour), nil)
		e.run(t, 0, due.Add(-4*time.Hour))
		want(t, "a case in Oslo, a channel in New York", e.delivered(t),
			"thread C1: ⏰ CB-1001: Evidence due to the processor in 4h (2026-11-29 04:30 EST) <@U1>",
			"thread C1: ⏰ CB-1002: Evidence due to the processor in 5h (2026-11-29 11:30 CET) <@U2>")
	})
}

// TestNoReminderBornCrossed: a case opened with a deadline 24 hours away
// gets no 72h or 24h reminder (its card says as much); the 4h one and the
// breach still come.
func TestNoReminderBornCrossed(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.clk.Set(due.Add(-24 * time.Hour))
		soon := e.open(t, storage.Case{Platform: bot.PlatformSlack, Assignee: "U2"})
		e.setDue(t, soon, due, nil)
		e.run(t, 0, due.Add(-24*time.Hour))
		for _, m := range e.delivered(t) {
			if strings.Contains(m, "CB-1002") {
				t.Errorf("a reminder due by the case's opening was sent: %s", m)
			}
		}
		e.run(t, 0, due.Add(-4*time.Hour))
		if got := e.delivered(t); !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "CB-1002: Evidence due to the processor in 4h") }) {
			t.Errorf("4 hours before: delivered %q, want CB-1002's 4h reminder", got)
		}
	})
}
