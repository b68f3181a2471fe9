package gendata

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// collect is a Loader that keeps what it is given, batch by batch.
type collect struct{ batches [][]storage.CaseRecord }

func (c *collect) BulkLoad(_ context.Context, rs []storage.CaseRecord) error {
	c.batches = append(c.batches, slices.Clone(rs))
	return nil
}

func TestFillBatchesAndCounts(t *testing.T) {
	var l collect
	st, err := Fill(t.Context(), &l, Config{Cases: 2500, Seed: 1, Now: now, Batch: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	events, deadlines := 0, 0
	for _, b := range l.batches {
		sizes = append(sizes, len(b))
		for _, r := range b {
			events += len(r.Events)
			deadlines += len(r.Deadlines)
		}
	}
	if !slices.Equal(sizes, []int{1000, 1000, 500}) {
		t.Errorf("batch sizes = %v, want [1000 1000 500]", sizes)
	}
	if want := (Stats{Cases: 2500, Events: events, Deadlines: deadlines}); st != want {
		t.Errorf("Fill stats = %+v, want %+v", st, want)
	}
}

// targetRecent is the target channel's cases opened within Days of now.
func targetRecent(t *testing.T, cfg Config) []storage.CaseRecord {
	t.Helper()
	var got []storage.CaseRecord
	scope := TargetScope()
	for r := range Records(cfg) {
		if scope.Contains(r.Case) && now.Sub(r.Case.OpenedAt) <= Days*24*time.Hour {
			got = append(got, r)
		}
	}
	return got
}

func TestTargetChannelSameAtAnySize(t *testing.T) {
	small := targetRecent(t, Config{Cases: 5000, Seed: 7, Now: now})
	// Past one full channel (35 a day for two years): more channels follow.
	large := targetRecent(t, Config{Cases: 60000, Seed: 7, Now: now})
	if n := len(small); n < 30*Days || n > 40*Days {
		t.Errorf("target channel has %d cases in %d days, want 30 to 40 a day", n, Days)
	}
	if !reflect.DeepEqual(small, large) {
		t.Errorf("target channel's recent cases differ between 5000 (%d) and 60000 cases (%d)", len(small), len(large))
	}
	other := targetRecent(t, Config{Cases: 5000, Seed: 8, Now: now})
	if reflect.DeepEqual(small, other) {
		t.Error("seeds 7 and 8 made the same cases")
	}
}

func TestLargeSpreadsOverChannels(t *testing.T) {
	channels := map[string]int{}
	for r := range Records(Config{Cases: 60000, Seed: 1, Now: now}) {
		channels[r.Case.Platform+"/"+r.Case.Workspace+"/"+r.Case.Channel]++
	}
	if len(channels) != 3 || channels["slack/T1/C1"] != 35*historyDays {
		t.Errorf("cases by channel = %v, want 3 channels, slack/T1/C1 with %d", channels, 35*historyDays)
	}
}

// TestRealistic checks the content a summary reads: real playbooks and
// their outcomes, money, deadlines overdue and coming, nothing after now.
func TestRealistic(t *testing.T) {
	outcomes := map[string][]string{}
	for _, pb := range playbooks {
		for _, o := range pb.outcomes {
			outcomes[pb.name] = append(outcomes[pb.name], o.id)
		}
	}
	var open, closed, overdue, within72h, met, unmet int
	currencies := map[string]bool{}
	for r := range Records(Config{Cases: 8000, Seed: 3, Now: now}) {
		c := r.Case
		if c.OpenedAt.After(now) || c.UpdatedAt.Before(c.OpenedAt) || c.UpdatedAt.After(now) {
			t.Fatalf("%s/%d: opened %v, updated %v, now %v", c.Playbook, c.Ref.Number, c.OpenedAt, c.UpdatedAt, now)
		}
		if c.Amount != nil {
			currencies[c.Amount.Currency] = true
		}
		if c.Fields["reason"] == "" && c.Fields["issue"] == "" && c.Fields["severity"] == "" {
			t.Fatalf("%s case has no reason: %v", c.Playbook, c.Fields)
		}
		if c.Playbook == "supplier-dispute" && c.Fields["supplier"] == "" {
			t.Fatalf("supplier dispute without a supplier: %v", c.Fields)
		}
		kinds := []storage.EventKind{}
		for _, e := range r.Events {
			kinds = append(kinds, e.Kind)
		}
		switch c.Status {
		case storage.StatusOpen:
			open++
			if kinds[len(kinds)-1] == storage.EventClosed || c.ClosedAt != nil {
				t.Fatalf("open case closed: %v %v", kinds, c.ClosedAt)
			}
		case storage.StatusClosed:
			closed++
			if !slices.Contains(outcomes[c.Playbook], c.Outcome) || c.ClosedAt == nil || c.ClosedAt.Before(c.OpenedAt) || c.ClosedAt.After(now) {
				t.Fatalf("closed %s: outcome %q, closed %v", c.Playbook, c.Outcome, c.ClosedAt)
			}
			if kinds[len(kinds)-1] != storage.EventClosed {
				t.Fatalf("closed case's timeline ends with %v", kinds)
			}
		}
		if kinds[0] != storage.EventOpened {
			t.Fatalf("timeline starts with %v", kinds)
		}
		for _, d := range r.Deadlines {
			if d.MetAt != nil {
				met++
				continue
			}
			unmet++
			if c.Status == storage.StatusOpen && d.Due.Before(now) {
				overdue++
			}
			if c.Status == storage.StatusOpen && !d.Due.Before(now) && d.Due.Before(now.Add(72*time.Hour)) {
				within72h++
			}
		}
	}
	if len(currencies) != 4 {
		t.Errorf("currencies = %v, want EUR, NOK, SEK and USD", currencies)
	}
	if open == 0 || closed < 4*open {
		t.Errorf("%d open and %d closed, want mostly closed", open, closed)
	}
	if overdue == 0 || within72h == 0 || met < 4*unmet {
		t.Errorf("deadlines: %d overdue, %d due within 72h, %d met, %d unmet; want some of each and most met", overdue, within72h, met, unmet)
	}
}
