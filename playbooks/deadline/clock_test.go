package deadline

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestZone(t *testing.T) {
	tests := []struct {
		name, caseTZ, channelTZ string
		want, from              string
	}{
		{"case wins", "Europe/Oslo", "America/New_York", "Europe/Oslo", "case"},
		{"channel when the case has none", "", "America/New_York", "America/New_York", "channel"},
		{"blank case is none", "  ", "America/New_York", "America/New_York", "channel"},
		{"default UTC", "", "", "UTC", "default"},
		{"explicit UTC", "UTC", "Europe/Oslo", "UTC", "case"},
		{"lower-case utc", "utc", "", "UTC", "case"},
		{"spaces trimmed", " Europe/Oslo ", "", "Europe/Oslo", "case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, from, err := Zone(tt.caseTZ, tt.channelTZ)
			if err != nil {
				t.Fatalf("Zone(%q, %q): %v", tt.caseTZ, tt.channelTZ, err)
			}
			if loc.String() != tt.want || from != tt.from {
				t.Errorf("Zone(%q, %q) = %s, %s; want %s, %s", tt.caseTZ, tt.channelTZ, loc, from, tt.want, tt.from)
			}
		})
	}
}

func TestZoneErrors(t *testing.T) {
	const use = "use an IANA name such as Europe/Oslo, America/New_York or UTC"
	tests := []struct{ name, caseTZ, channelTZ, want string }{
		{"misspelt case zone", "Europe/Olso", "America/New_York", `case time zone "Europe/Olso" is unknown: ` + use},
		{"bad channel zone", "", "Mars/Olympus_Mons", `channel time zone "Mars/Olympus_Mons" is unknown: ` + use},
		{"abbreviation", "CEST", "", `case time zone "CEST" is unknown: ` + use},
		{"wrong case", "europe/oslo", "", `case time zone "europe/oslo" is unknown: did you mean Europe/Oslo?`},
		{"wrong case, underscore", "america/new_york", "", `case time zone "america/new_york" is unknown: did you mean America/New_York?`},
		{"server zone", "Local", "", `case time zone "Local" is the server's zone: ` + use},
		// A bad case zone is reported even when the channel's is good:
		// falling back would compute deadlines in the wrong zone.
		{"no fall back", "Europe/Olso", "Europe/Oslo", `case time zone "Europe/Olso" is unknown: ` + use},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, from, err := Zone(tt.caseTZ, tt.channelTZ)
			if err == nil {
				t.Fatalf("Zone(%q, %q) = %s, %s; want error", tt.caseTZ, tt.channelTZ, loc, from)
			}
			if err.Error() != tt.want {
				t.Errorf("Zone error:\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestReminders(t *testing.T) {
	// Across the end of summer time in Oslo the reminders stay exact
	// durations before the deadline, not wall-clock hours.
	oslo := zone(t, "Europe/Oslo")
	due := time.Date(2026, 10, 26, 12, 0, 0, 0, oslo)
	want := []Reminder{
		{At: time.Date(2026, 10, 23, 13, 0, 0, 0, oslo), Before: 72 * time.Hour, Label: "72 hours before"},
		{At: time.Date(2026, 10, 25, 12, 0, 0, 0, oslo), Before: 24 * time.Hour, Label: "24 hours before"},
		{At: time.Date(2026, 10, 26, 8, 0, 0, 0, oslo), Before: 4 * time.Hour, Label: "4 hours before"},
		{At: due, Before: 0, Label: "at the deadline"},
	}
	got := Reminders(due)
	if len(got) != len(want) {
		t.Fatalf("Reminders = %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].Before != want[i].Before || got[i].Label != want[i].Label {
			t.Errorf("reminder %d = %s %v %q, want %s %v %q", i,
				got[i].At.Format(time.RFC3339), got[i].Before, got[i].Label,
				want[i].At.Format(time.RFC3339), want[i].Before, want[i].Label)
		}
		if i > 0 && !got[i-1].At.Before(got[i].At) {
			t.Errorf("reminders out of order at %d", i)
		}
	}
}

func TestLeft(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		d    time.Duration // due - now
		want string
	}{
		{"days and hours", 2*24*time.Hour + 4*time.Hour + 59*time.Minute, "2d 4h left"},
		{"whole days", 3 * 24 * time.Hour, "3d left"},
		{"hours and minutes", 3*time.Hour + 20*time.Minute + 59*time.Second, "3h 20m left"},
		{"whole hours", 4 * time.Hour, "4h left"},
		{"minutes", 45*time.Minute + 30*time.Second, "45m left"},
		{"under a minute", 59 * time.Second, "less than 1m left"},
		{"due now", 0, "less than 1m left"},
		{"just overdue", -time.Second, "overdue by less than 1m"},
		{"overdue minutes", -12 * time.Minute, "overdue by 12m"},
		{"overdue days", -(26*time.Hour + 30*time.Minute), "overdue by 1d 2h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Left(now.Add(tt.d), now); got != tt.want {
				t.Errorf("Left(now%+v, now) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
	t.Run("saturated duration", func(t *testing.T) {
		far := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		if got, want := Left(far, now), "overdue by "+span(math.MaxInt64); got != want {
			t.Errorf("Left(year 1, now) = %q, want %q", got, want)
		}
	})
}

// TestLate: a deadline met after it passed says by how much, never just "met"
// (issue 13: a compliance lead reads "met" as "in time").
func TestLate(t *testing.T) {
	due := time.Date(2026, 3, 5, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		name string
		d    time.Duration // met - due
		want string
	}{
		{"in time", -time.Hour, ""},
		{"at the deadline", 0, ""},
		{"a minute late", time.Minute, "1m late"},
		{"hours late", 3*time.Hour + 20*time.Minute, "3h 20m late"},
		{"a day late", 30 * time.Hour, "1 day late"},
		{"47 days late", 47*24*time.Hour + 5*time.Hour, "47 days late"},
	}
	for _, tt := range tests {
		if got := Late(due, due.Add(tt.d)); got != tt.want {
			t.Errorf("%s: Late = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRemindersGiven: thresholds given in any order, twice or as days come
// out sorted, once each, then the breach.
func TestRemindersGiven(t *testing.T) {
	due := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	got := Reminders(due, time.Hour, 24*time.Hour, 4*time.Hour, 24*time.Hour)
	want := []time.Duration{24 * time.Hour, 4 * time.Hour, time.Hour, 0}
	if len(got) != len(want) {
		t.Fatalf("Reminders = %v, want thresholds %v", got, want)
	}
	for i, w := range want {
		if got[i].Before != w || !got[i].At.Equal(due.Add(-w)) {
			t.Errorf("reminder %d = %v at %v, want %v at %v", i, got[i].Before, got[i].At, w, due.Add(-w))
		}
	}
	if got[2].Label != "1 hour before" {
		t.Errorf("label %q", got[2].Label)
	}
}

func TestParseReminder(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"48h", 48 * time.Hour, ""},
		{"2d", 48 * time.Hour, ""},
		{" 1H ", time.Hour, ""},
		{"30d", 30 * 24 * time.Hour, ""},
		{"31d", 0, "at most 30 days"},
		{"0h", 0, "positive whole number"},
		{"-4h", 0, "positive whole number"},
		{"1.5h", 0, "positive whole number"},
		{"90m", 0, "whole hours or days"},
		{"4", 0, "whole hours or days"},
		{"", 0, "whole hours or days"},
	} {
		got, err := ParseReminder(tt.in)
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseReminder(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseReminder(%q) error %v, want one saying %q", tt.in, err, tt.err)
		}
	}
}

func TestShown(t *testing.T) {
	for _, c := range []struct {
		caseTZ, channelTZ, userTZ string
		want, from                string
	}{
		{"Europe/Oslo", "America/New_York", "Asia/Tokyo", "Europe/Oslo", ZoneOfCase},
		{"", "America/New_York", "Asia/Tokyo", "America/New_York", ZoneOfChannel},
		{"", "", "Asia/Tokyo", "Asia/Tokyo", ZoneOfUser},
		{"", "", "", "UTC", ZoneDefault},
		// A name that does not load is passed over, not a failure to show a time.
		{"Mars/Olympus", "", "Asia/Tokyo", "Asia/Tokyo", ZoneOfUser},
		{"", "Local", "", "UTC", ZoneDefault},
	} {
		loc, from := Shown(c.caseTZ, c.channelTZ, c.userTZ)
		if loc.String() != c.want || from != c.from {
			t.Errorf("Shown(%q, %q, %q) = %s, %s; want %s, %s", c.caseTZ, c.channelTZ, c.userTZ, loc, from, c.want, c.from)
		}
	}
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	oslo, _ := Shown("Europe/Oslo", "", "")
	if got, want := When(at, oslo), "2026-11-22 10:30 CET"; got != want {
		t.Errorf("When = %q, want %q", got, want)
	}
}
