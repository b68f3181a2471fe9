package schedule

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

var oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// subscription is channel C1's at 09:00 in Oslo, subscribed at since.
func subscription(days string, since time.Time) storage.ChannelSettings {
	return storage.ChannelSettings{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", Zone: "Europe/Oslo",
		SummaryAt: "09:00", SummaryDays: days, SubscribedAt: &since}
}

func TestLastSlot(t *testing.T) {
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	local := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, oslo) }
	for _, tc := range []struct {
		name string
		sub  storage.ChannelSettings
		now  time.Time
		want time.Time // zero: none
	}{
		{"at 09:00 in winter time", subscription("daily", since), local(2026, 3, 28, 9, 0), time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC)},
		{"at 09:00 the day summer time begins", subscription("daily", since), local(2026, 3, 29, 9, 0), time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC)},
		{"a minute before: the day before's", subscription("daily", since), local(2026, 3, 29, 8, 59), time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC)},
		{"at 09:00 the day summer time ends", subscription("daily", since), local(2026, 10, 25, 9, 0), time.Date(2026, 10, 25, 8, 0, 0, 0, time.UTC)},
		{"at 09:00 the day before it ends", subscription("daily", since), local(2026, 10, 24, 9, 0), time.Date(2026, 10, 24, 7, 0, 0, 0, time.UTC)},
		{"weekdays, on a Sunday: Friday's", subscription(storage.SummaryWeekdays, since), local(2026, 11, 29, 12, 0), local(2026, 11, 27, 9, 0)},
		{"daily, on a Sunday", subscription(storage.SummaryDaily, since), local(2026, 11, 29, 12, 0), local(2026, 11, 29, 9, 0)},
		{"subscribed after today's time", subscription("daily", local(2026, 11, 29, 9, 30)), local(2026, 11, 29, 12, 0), time.Time{}},
		{"no time", storage.ChannelSettings{SummaryDays: "daily"}, local(2026, 11, 29, 12, 0), time.Time{}},
	} {
		got, ok := LastSlot(tc.sub, tc.now)
		if ok != !tc.want.IsZero() || ok && !got.Equal(tc.want) {
			t.Errorf("%s: LastSlot = %v, %v; want %v", tc.name, got.UTC(), ok, tc.want.UTC())
		}
	}
}

func TestNextSlot(t *testing.T) {
	sub := subscription(storage.SummaryWeekdays, time.Time{})
	got, ok := NextSlot(sub, time.Date(2026, 11, 27, 9, 0, 0, 0, oslo)) // Friday 09:00: the next is Monday's
	if want := time.Date(2026, 11, 30, 9, 0, 0, 0, oslo); !ok || !got.Equal(want) {
		t.Errorf("NextSlot = %v, %v; want %v", got, ok, want)
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string][2]int{"09:00": {9, 0}, "9:05": {9, 5}, "23:59": {23, 59}, " 00:00 ": {0, 0}} {
		if h, m, err := ParseClock(in); err != nil || h != want[0] || m != want[1] {
			t.Errorf("ParseClock(%q) = %d, %d, %v; want %v", in, h, m, err, want)
		}
	}
	for _, in := range []string{"", "9", "24:00", "09:60", "9:5", "9.00", "nine:00"} {
		if _, _, err := ParseClock(in); err == nil || !strings.Contains(err.Error(), "HH:MM") {
			t.Errorf("ParseClock(%q): %v, want an error saying HH:MM", in, err)
		}
	}
}

// subscribe saves sub as channel C1's settings on store 0.
func (e *env) subscribe(t *testing.T, sub storage.ChannelSettings) {
	t.Helper()
	if _, _, err := e.stores[0].Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SaveChannelSettings(t.Context(), &sub)
	}); err != nil {
		t.Fatal(err)
	}
}

// summarise runs one pass of the summaries on store i at time at.
func (e *env) summarise(t *testing.T, i int, at time.Time) int {
	t.Helper()
	e.clk.Set(at)
	n, err := (&Summaries{Store: e.stores[i], Now: e.clk.Now}).RunOnce(t.Context())
	if err != nil {
		t.Fatalf("RunOnce at %v: %v", at, err)
	}
	return n
}

// summaries returns the summaries delivered, as "channel C1 on DATE
// HH:MM: headline" lines in Oslo time.
func (e *env) summaries(t *testing.T) []string {
	t.Helper()
	var got []string
	for _, line := range e.delivered(t) {
		if strings.HasPrefix(line, "channel C1: ") {
			got = append(got, e.clk.Now().In(oslo).Format("2006-01-02 15:04")+" "+strings.TrimPrefix(line, "channel C1: "))
		}
	}
	return got
}

// TestSummaryAcrossDST: a subscription at 09:00 in Oslo posts at 09:00
// local time on both sides of the changes to and from summer time, once
// a day, however often the scheduler looks.
func TestSummaryAcrossDST(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		start := time.Date(2026, 3, 27, 12, 0, 0, 0, oslo)
		e.subscribe(t, subscription(storage.SummaryDaily, start))
		var got []string
		for _, day := range []time.Time{
			time.Date(2026, 3, 28, 0, 0, 0, 0, oslo), time.Date(2026, 3, 29, 0, 0, 0, 0, oslo),
			time.Date(2026, 10, 24, 0, 0, 0, 0, oslo), time.Date(2026, 10, 25, 0, 0, 0, 0, oslo),
		} {
			// Every minute from 08:55 to 09:05 local (not midnight plus
			// 9 hours: these days have 23 and 25), twice each.
			y, m, d := day.Date()
			for i := range 11 {
				at := time.Date(y, m, d, 8, 55+i, 0, 0, oslo)
				e.summarise(t, 0, at)
				e.summarise(t, 0, at)
				for _, s := range e.summaries(t) {
					got = append(got, s[:16])
				}
			}
		}
		want(t, "summaries", got, "2026-03-28 09:00", "2026-03-29 09:00", "2026-10-24 09:00", "2026-10-25 09:00")
	})
}

// TestSummaryThreeReplicas: three replicas on one database, looking at
// the same moments with clocks up to 40 seconds apart, post one summary
// per channel per day.
func TestSummaryThreeReplicas(t *testing.T) {
	dialects(t, 3, "U1", func(t *testing.T, e *env) {
		e.subscribe(t, subscription(storage.SummaryDaily, time.Date(2026, 11, 20, 0, 0, 0, 0, oslo)))
		skew := []time.Duration{0, 20 * time.Second, -20 * time.Second}
		var got []string
		for _, day := range []int{24, 25} {
			for at := time.Date(2026, 11, day, 8, 58, 0, 0, oslo); at.Before(time.Date(2026, 11, day, 9, 3, 0, 0, oslo)); at = at.Add(20 * time.Second) {
				e.clk.Set(at)
				var wg sync.WaitGroup
				for i := range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						j := &Summaries{Store: e.stores[i], Now: func() time.Time { return at.Add(skew[i]) }}
						if _, err := j.RunOnce(t.Context()); err != nil {
							t.Errorf("replica %d at %v: %v", i, at, err)
						}
					}()
				}
				wg.Wait()
				got = append(got, e.summaries(t)...)
			}
		}
		if len(got) != 2 {
			t.Fatalf("delivered %d summaries, want one a day:\n\t%s", len(got), strings.Join(got, "\n\t"))
		}
	})
}

// TestSummaryCaughtUp: a replica down over 09:00 and back at 09:20 posts
// the day's summary once, saying it is late; one back the next morning
// leaves the day before's to the next summary, which covers it.
func TestSummaryCaughtUp(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.subscribe(t, subscription(storage.SummaryDaily, time.Date(2026, 11, 20, 0, 0, 0, 0, oslo)))
		e.summarise(t, 0, time.Date(2026, 11, 25, 8, 59, 0, 0, oslo))
		if n := e.summarise(t, 0, time.Date(2026, 11, 25, 9, 20, 0, 0, oslo)); n != 1 {
			t.Fatalf("at 09:20: %d summaries, want 1", n)
		}
		got := e.summaries(t)
		if len(got) != 1 || !strings.HasSuffix(got[0], "(posted 20 min late: no replica was running at 09:00)") {
			t.Fatalf("late summary = %q, want one saying it is 20 min late", got)
		}
		for _, at := range []time.Time{time.Date(2026, 11, 25, 9, 21, 0, 0, oslo), time.Date(2026, 11, 25, 20, 0, 0, 0, oslo)} {
			if n := e.summarise(t, 0, at); n != 0 {
				t.Errorf("at %v: %d more summaries, want 0", at, n)
			}
		}
		// Down from 26 Nov 08:00 to 27 Nov 08:00: 26 Nov's is 23 hours
		// late, past CatchUp, and is not posted; 27 Nov's covers both days.
		if n := e.summarise(t, 0, time.Date(2026, 11, 27, 8, 0, 0, 0, oslo)); n != 0 {
			t.Errorf("the next morning: %d summaries of the day before, want 0", n)
		}
		e.summarise(t, 0, time.Date(2026, 11, 27, 9, 0, 0, 0, oslo))
		sub, err := e.stores[0].ChannelSettings(t.Context(), bot.PlatformSlack, "T1", "C1")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 27, 9, 0, 0, 0, oslo); sub.LastSummaryAt == nil || !sub.LastSummaryAt.Equal(want) {
			t.Errorf("LastSummaryAt = %v, want %v", sub.LastSummaryAt, want)
		}
		if got := e.summaries(t); len(got) != 1 {
			t.Errorf("27 Nov: %q, want one summary", got)
		}
	})
}

// TestSummaryCoversSinceThePrevious: the second summary's period starts
// where the first ended, not a fixed 24 hours before.
func TestSummaryCoversSinceThePrevious(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		e.subscribe(t, subscription(storage.SummaryWeekdays, time.Date(2026, 11, 20, 0, 0, 0, 0, oslo)))
		friday, monday := time.Date(2026, 11, 27, 9, 0, 0, 0, oslo), time.Date(2026, 11, 30, 9, 0, 0, 0, oslo)
		e.summarise(t, 0, friday)
		e.delivered(t)
		e.clk.Set(friday.Add(5 * time.Hour)) // a case opened Friday afternoon
		e.open(t, storage.Case{Platform: bot.PlatformSlack})
		for at := friday.Add(24 * time.Hour); at.Before(monday); at = at.Add(12 * time.Hour) {
			if n := e.summarise(t, 0, at); n != 0 {
				t.Fatalf("a weekend summary at %v", at)
			}
		}
		e.summarise(t, 0, monday)
		msgs := e.delivered(t)
		if len(msgs) != 1 || !strings.Contains(msgs[0], "1 opened") {
			t.Fatalf("Monday's summary = %q, want one counting the case opened on Friday afternoon", msgs)
		}
	})
}

// TestSummaryUnsubscribed: a channel unsubscribed gets no summary.
func TestSummaryUnsubscribed(t *testing.T) {
	dialects(t, 1, "U1", func(t *testing.T, e *env) {
		sub := subscription(storage.SummaryDaily, time.Date(2026, 11, 20, 0, 0, 0, 0, oslo))
		e.subscribe(t, sub)
		sub.SummaryAt = ""
		e.subscribe(t, sub)
		if n := e.summarise(t, 0, time.Date(2026, 11, 25, 9, 0, 0, 0, oslo)); n != 0 {
			t.Errorf("%d summaries for an unsubscribed channel", n)
		}
	})
}
