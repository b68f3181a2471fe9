package schedule

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/testclock"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// clock is a settable time shared by the stores and the schedulers.
type clock = testclock.Clock

// due is the deadline of the tests' case.
var due = time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)

// env is one database, with as many stores on it (replicas) as asked.
type env struct {
	clk    *clock
	stores []*sqlstore.Store
	cs     storage.Case
}

// dialects runs fn on SQLite and on PostgreSQL, each with a database of
// n stores (replicas) and one Slack case with a deadline due at due.
func dialects(t *testing.T, n int, assignee string, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, newEnv(t, filepath.Join(t.TempDir(), "dd.db"), n, assignee))
	})
	t.Run("postgres", func(t *testing.T) { fn(t, newEnv(t, pgtest.URL(t), n, assignee)) })
}

func newEnv(t *testing.T, url string, n int, assignee string) *env {
	e := &env{clk: testclock.New(due.Add(-150 * time.Hour))} // opened before every reminder of its deadline
	for range n {
		s, err := sqlstore.Open(t.Context(), url, sqlstore.Options{Now: e.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		e.stores = append(e.stores, s)
	}
	e.cs = e.open(t, storage.Case{Platform: bot.PlatformSlack, Assignee: assignee})
	e.setDue(t, e.cs, due, nil)
	return e
}

// open opens c (a chargeback whose card is posted, in channel C1 unless
// c names one) and returns it.
func (e *env) open(t *testing.T, c storage.Case) storage.Case {
	t.Helper()
	c.Ref, c.Status = storage.Ref{Prefix: "CB"}, storage.StatusOpen
	if c.Playbook == "" {
		c.Playbook = "chargeback"
	}
	c.Workspace, c.OpenedBy, c.OpenedAt = "T1", "U9", e.clk.Now()
	if c.Channel == "" {
		c.Channel = "C1"
	}
	if c.Platform != bot.PlatformConsole {
		c.CardMessageID, c.Thread = "1700000000.000100", "1700000000.000100"
	}
	if _, _, err := e.stores[0].Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.CreateCase(t.Context(), &c, &storage.Event{Actor: "U9", Kind: storage.EventOpened})
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// setDue saves the case's evidence deadline as due at at, met at met.
func (e *env) setDue(t *testing.T, c storage.Case, at time.Time, met *time.Time) {
	t.Helper()
	d := storage.Deadline{CaseID: c.ID, ID: "evidence_due", Title: "Evidence due to the processor", Due: at, Rule: "30 days", Basis: "opened", Source: "network", MetAt: met}
	if _, _, err := e.stores[0].Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SetDeadlines(t.Context(), c.ID, []storage.Deadline{d}, &storage.Event{Actor: "U9"})
	}); err != nil {
		t.Fatal(err)
	}
}

// run runs one pass of a scheduler on store i at time at.
func (e *env) run(t *testing.T, i int, at time.Time) int {
	t.Helper()
	e.clk.Set(at)
	r := &Reminders{Store: e.stores[i], Now: e.clk.Now}
	n, err := r.RunOnce(t.Context())
	if err != nil {
		t.Fatalf("RunOnce at %v: %v", at, err)
	}
	return n
}

// delivered claims and marks sent everything due in the outbox, as the
// worker does, and returns it as "kind channel: text" lines, in order.
func (e *env) delivered(t *testing.T) []string {
	t.Helper()
	var got []string
	for {
		ms, err := e.stores[0].ClaimOutbox(t.Context(), e.clk.Now(), time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			return got
		}
		for _, m := range ms {
			var r bot.Reply
			if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
				t.Fatal(err)
			}
			if m.Kind == storage.OutboxThread && m.Thread != e.cs.Thread {
				t.Errorf("thread post in thread %q, want %q", m.Thread, e.cs.Thread)
			}
			got = append(got, string(m.Kind)+" "+m.Channel+": "+r.Text)
			if err := e.stores[0].OutboxSent(t.Context(), m.ID, storage.Posted{MessageID: "m"}, e.clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func want(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: delivered\n\t%s\nwant\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

const (
	r72       = "thread C1: ⏰ CB-1001: Evidence due to the processor in 72h (2026-11-29 09:30 UTC) <@U1>"
	r24       = "thread C1: ⏰ CB-1001: Evidence due to the processor in 24h (2026-11-29 09:30 UTC) <@U1>"
	r4        = "thread C1: ⏰ CB-1001: Evidence due to the processor in 4h (2026-11-29 09:30 UTC) <@U1>"
	breach    = "thread C1: CB-1001: Evidence due to the processor was due 2026-11-29 09:30 UTC and is not met <@U1>"
	inChannel = "channel C1: CB-1001: Evidence due to the processor was due 2026-11-29 09:30 UTC and is not met"
)

// TestSequence: 72 h, 24 h and 4 h before the deadline and at it, one
// reminder each, once, however often the scheduler looks.
func TestSequence(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		if n := e.run(t, 0, due.Add(-72*time.Hour-time.Minute)); n != 0 {
			t.Errorf("before 72h: %d reminders, want 0", n)
		}
		want(t, "before 72h", e.delivered(t))
		steps := []struct {
			at   time.Time
			want []string
		}{
			{due.Add(-72 * time.Hour), []string{r72}},
			{due.Add(-30 * time.Hour), nil},
			{due.Add(-24*time.Hour + time.Minute), []string{r24}},
			{due.Add(-4 * time.Hour), []string{r4}},
			{due.Add(-time.Minute), nil},
			{due, []string{breach, inChannel}},
			{due.Add(time.Hour), nil},
			{due.Add(30 * 24 * time.Hour), nil},
		}
		for _, s := range steps {
			for range 3 {
				e.run(t, 0, s.at)
			}
			want(t, s.at.String(), e.delivered(t), s.want...)
		}
	})
}

// TestReplicas: two schedulers on one database, running at once at every
// step, post each reminder once.
func TestReplicas(t *testing.T) {
	dialects(t, 2, "U1", func(t *testing.T, e *env) {
		var all []string
		for _, at := range []time.Time{due.Add(-72 * time.Hour), due.Add(-24 * time.Hour), due.Add(-4 * time.Hour), due} {
			e.clk.Set(at)
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := &Reminders{Store: e.stores[i%2], Now: e.clk.Now}
					_, err := r.RunOnce(t.Context())
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("RunOnce at %v: %v", at, err)
				}
			}
			all = append(all, e.delivered(t)...)
		}
		want(t, "two replicas", all, r72, r24, r4, breach, inChannel)
	})
}

// TestMoved: a deadline moved after its 24 h reminder gets the reminders
// of its new due time, from the one it has crossed.
func TestMoved(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.run(t, 0, due.Add(-24*time.Hour))
		moved := due.Add(48 * time.Hour) // now is 72 h before it
		e.setDue(t, e.cs, moved, nil)
		e.run(t, 0, due.Add(-24*time.Hour))
		e.run(t, 0, due) // the old due time: nothing
		want(t, "moved", e.delivered(t), r24,
			"thread C1: ⏰ CB-1001: Evidence due to the processor in 72h (2026-12-01 09:30 UTC) <@U1>")
		e.run(t, 0, moved.Add(-24*time.Hour))
		want(t, "moved, 24h", e.delivered(t),
			"thread C1: ⏰ CB-1001: Evidence due to the processor in 24h (2026-12-01 09:30 UTC) <@U1>")
	})
}

// TestMet: a deadline met before its reminders gets none.
func TestMet(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.run(t, 0, due.Add(-72*time.Hour))
		met := due.Add(-50 * time.Hour)
		e.setDue(t, e.cs, due, &met)
		for _, at := range []time.Time{due.Add(-24 * time.Hour), due.Add(-4 * time.Hour), due, due.Add(72 * time.Hour)} {
			e.run(t, 0, at)
		}
		want(t, "met", e.delivered(t), r72)
	})
}

// TestDowntime: a scheduler that first runs 3 days after a deadline posts
// its breach once, not the reminders it missed.
func TestDowntime(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		if n := e.run(t, 0, due.Add(72*time.Hour)); n != 1 {
			t.Errorf("after downtime: %d reminders, want 1", n)
		}
		e.run(t, 0, due.Add(73*time.Hour))
		want(t, "after downtime", e.delivered(t), breach, inChannel)
	})
}

// TestUnassignedAndConsole: an unassigned case's reminders mention nobody;
// a console case gets none.
func TestUnassignedAndConsole(t *testing.T) {
	dialects(t, 1, "", func(t *testing.T, e *env) {
		console := e.open(t, storage.Case{Platform: bot.PlatformConsole, Assignee: "U2"})
		e.setDue(t, console, due, nil)
		e.run(t, 0, due.Add(-4*time.Hour))
		want(t, "unassigned", e.delivered(t), strings.TrimSuffix(r4, " <@U1>"))
	})
}

// TestLate: a deadline first seen well after a threshold (set close to its
// due time) says how long is really left, once.
func TestLate(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.run(t, 0, due.Add(-90*time.Minute))
		e.run(t, 0, due.Add(-80*time.Minute))
		want(t, "late", e.delivered(t), strings.Replace(r4, "in 4h", "in 2h", 1))
		e.run(t, 0, due.Add(-24*time.Hour-10*time.Minute)) // a clock behind the others: nothing more
		want(t, "skewed", e.delivered(t))
	})
}

func TestLeft(t *testing.T) {
	rm := deadline.Reminder{Before: 4 * time.Hour}
	for d, want := range map[time.Duration]string{
		4 * time.Hour: "4h", 3*time.Hour + time.Second: "4h", 3 * time.Hour: "3h",
		90 * time.Minute: "2h", 59 * time.Minute: "59m", time.Second: "1m",
	} {
		if got := left(rm, d); got != want {
			t.Errorf("left(4h, %v) = %q, want %q", d, got, want)
		}
	}
	// Under two hours, well after the threshold is half of it.
	hour := deadline.Reminder{Before: time.Hour}
	for d, want := range map[time.Duration]string{time.Hour: "1h", 31 * time.Minute: "1h", 30 * time.Minute: "30m", 10 * time.Minute: "10m"} {
		if got := left(hour, d); got != want {
			t.Errorf("left(1h, %v) = %q, want %q", d, got, want)
		}
	}
}

// TestInfoDeadline: a playbook's info deadline (someone else's) gets no
// reminders; the case's other deadlines do.
func TestInfoDeadline(t *testing.T) {
	cat, err := playbooks.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, filepath.Join(t.TempDir(), "dd.db"), 1, "U1")
	ret := e.open(t, storage.Case{Platform: bot.PlatformSlack, Playbook: "return"})
	if _, _, err := e.stores[0].Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SetDeadlines(t.Context(), ret.ID, []storage.Deadline{{CaseID: ret.ID, ID: "goods_back_due", Title: "Goods back", Due: due}}, &storage.Event{Actor: "U9"})
	}); err != nil {
		t.Fatal(err)
	}
	e.clk.Set(due)
	r := &Reminders{Store: e.stores[0], Now: e.clk.Now, Playbooks: cat}
	if _, err := r.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	want(t, "info", e.delivered(t), breach, inChannel)
}

// TestSnoozed: a snoozed case gets no reminders until the snooze ends, then
// the latest one crossed, once.
func TestSnoozed(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		if _, _, err := e.stores[0].Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			return nil, tx.Snooze(t.Context(), e.cs.ID, due.Add(-10*time.Hour), &storage.Event{Actor: "U1"})
		}); err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{due.Add(-72 * time.Hour), due.Add(-24 * time.Hour), due.Add(-11 * time.Hour)} {
			if n := e.run(t, 0, at); n != 0 {
				t.Errorf("%d reminders at %v while snoozed, want 0", n, at)
			}
		}
		e.run(t, 0, due.Add(-9*time.Hour))
		e.run(t, 0, due.Add(-8*time.Hour))
		// The 24-hour reminder, saying the time really left.
		want(t, "after the snooze", e.delivered(t), strings.Replace(r24, "in 24h", "in 9h", 1))
	})
}

// updates counts the transactions a scheduler opens.
type updates struct {
	storage.Store
	n int
}

func (u *updates) Update(ctx context.Context, key storage.RequestKey, fn func(storage.Tx) ([]byte, error)) ([]byte, bool, error) {
	u.n++
	return u.Store.Update(ctx, key, fn)
}

// TestPostedRemindersCostNoTransaction: an overdue deadline stays listed
// until it is met; once its breach is posted, later passes skip it on one
// read of the claimed runs instead of a transaction each.
func TestPostedRemindersCostNoTransaction(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.run(t, 0, due.Add(time.Hour)) // the breach
		u := &updates{Store: e.stores[0]}
		r := &Reminders{Store: u, Now: e.clk.Now}
		for _, at := range []time.Time{due.Add(2 * time.Hour), due.Add(3 * time.Hour), due.Add(48 * time.Hour)} {
			e.clk.Set(at)
			if n, err := r.RunOnce(t.Context()); err != nil || n != 0 {
				t.Fatalf("pass at %v: %d reminders, %v; want none", at, n, err)
			}
		}
		if u.n != 0 {
			t.Errorf("%d transactions for a breach posted already, want 0", u.n)
		}
		want(t, "breach once", e.delivered(t), breach, inChannel)
	})
}
