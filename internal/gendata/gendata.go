// Package gendata makes realistic dispute cases for benchmarks and tests:
// the five built-in playbooks with their real reasons and outcomes,
// customers, orders, suppliers, amounts in EUR, NOK, SEK and USD,
// deadlines (most met, some overdue, some due within days) and timelines.
//
// Data is laid out by channel so that one channel's recent work is the
// same whatever the total: every channel opens PerDay cases a day going
// back up to two years, and the channels fill one after another, the
// target channel (TargetScope) first. So at 10 thousand cases the target
// has its 90 days and some older history, and at a million the same 90
// days, two years of closed history and some forty other channels of other
// workspaces and platforms. Each case comes from its own seeded generator
// (seed, channel, position), so the target's cases are identical at any
// size. Fill writes them through a Loader (storage/sql Store.BulkLoad).
package gendata

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// Days is the recent period a summary reads back: 90 days of win rates.
const Days = 90

// historyDays is how far back a channel's cases go once it is full.
const historyDays = 730

// Config says what to make. Zero values take the defaults.
type Config struct {
	// Cases is how many cases to make in all.
	Cases int
	// Seed, with Now and PerDay, fixes every case.
	Seed uint64
	// Now is when the data ends: nothing happens after it. Default: the
	// start of the current hour, UTC.
	Now time.Time
	// PerDay is how many cases a channel opens a day; default 35.
	PerDay int
	// Batch is how many cases go to the Loader at once; default 5000.
	Batch int
}

func (c Config) withDefaults() Config {
	if c.Now.IsZero() {
		c.Now = time.Now().UTC().Truncate(time.Hour)
	}
	if c.PerDay <= 0 {
		c.PerDay = 35
	}
	if c.Batch <= 0 {
		c.Batch = 5000
	}
	return c
}

// Loader writes cases in bulk; *storage/sql.Store is one.
type Loader interface {
	BulkLoad(ctx context.Context, records []storage.CaseRecord) error
}

// Stats counts what Fill wrote.
type Stats struct {
	Cases, Events, Deadlines int
}

// TargetScope is the scope of the channel that always gets its full
// recent period: slack, workspace T1, channel C1.
func TargetScope() storage.Scope {
	return storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C1"}}
}

// Fill makes cfg.Cases cases and writes them through l, cfg.Batch at a
// time (each batch one BulkLoad, so one transaction).
func Fill(ctx context.Context, l Loader, cfg Config) (Stats, error) {
	cfg = cfg.withDefaults()
	var st Stats
	batch := make([]storage.CaseRecord, 0, cfg.Batch)
	flush := func() error {
		if err := l.BulkLoad(ctx, batch); err != nil {
			return fmt.Errorf("gendata: load %d cases after %d: %w", len(batch), st.Cases, err)
		}
		for _, r := range batch {
			st.Cases++
			st.Events += len(r.Events)
			st.Deadlines += len(r.Deadlines)
		}
		batch = batch[:0]
		return nil
	}
	for r := range Records(cfg) {
		batch = append(batch, r)
		if len(batch) == cfg.Batch {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Records yields the cases of cfg in load order: channel after channel,
// each oldest first.
func Records(cfg Config) iter.Seq[storage.CaseRecord] {
	cfg = cfg.withDefaults()
	perChannel := cfg.PerDay * historyDays
	return func(yield func(storage.CaseRecord) bool) {
		left := cfg.Cases
		for k := 0; left > 0; k++ {
			n := min(left, perChannel)
			left -= n
			for p := n - 1; p >= 0; p-- {
				if !yield(makeCase(cfg, k, p)) {
					return
				}
			}
		}
	}
}

// channel is where the k-th channel is: four channels a workspace, every
// third workspace a Discord guild. Channel 0 is TargetScope's.
func channel(k int) (platform, workspace, ch string) {
	w := k / 4
	if w%3 == 2 {
		return "discord", fmt.Sprint("G", 900000+w), fmt.Sprint(100000 + k%4)
	}
	return "slack", fmt.Sprint("T", w+1), fmt.Sprint("C", k%4+1)
}

// makeCase makes the case at position p of channel k: p = 0 is the newest,
// and a channel opens cfg.PerDay a day back from cfg.Now.
func makeCase(cfg Config, k, p int) storage.CaseRecord {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)<<32|uint64(p)))
	platform, workspace, ch := channel(k)
	day := p / cfg.PerDay
	opened := cfg.Now.Add(-time.Duration(day)*24*time.Hour - time.Duration(rng.Int64N(int64(24*time.Hour)))).Truncate(time.Second)
	age := cfg.Now.Sub(opened)
	pb := pick(rng, playbooks, func(p playbook) int { return p.weight })
	user := func() string { return fmt.Sprint("U", ch, "-", 1+rng.IntN(8)) }

	c := storage.Case{
		Ref:       storage.Ref{Prefix: pb.prefix},
		Playbook:  pb.name,
		Status:    storage.StatusOpen,
		Fields:    fields(rng, pb, p),
		Platform:  platform,
		Workspace: workspace,
		Channel:   ch,
		OpenedBy:  user(),
		OpenedAt:  opened,
	}
	if rng.IntN(10) < 7 {
		c.Assignee = user()
	}
	c.Thread = fmt.Sprintf("%d.%06d", opened.Unix(), p%1000000)
	c.CardMessageID = c.Thread
	if pb.money {
		cur := pick(rng, currencies, func(c currency) int { return c.weight }).code
		units := math.Exp(rng.NormFloat64()*0.9 + math.Log(80))
		if cur == "NOK" || cur == "SEK" {
			units *= 10
		}
		c.Amount = &storage.Money{Minor: int64(math.Max(5, math.Min(units, 50000)) * 100), Currency: cur}
	}

	events := []storage.Event{{At: opened, Actor: c.OpenedBy, Kind: storage.EventOpened, Body: "Case opened",
		Data: map[string]string{"via": "slash"}}}
	// The share of cases still open falls with age; a few stay open for
	// months (a supplier that never answers).
	openOdds := []struct {
		upTo time.Duration
		odds float64
	}{{2 * day24, 0.97}, {7 * day24, 0.75}, {14 * day24, 0.5}, {30 * day24, 0.25}, {Days * day24, 0.06}, {math.MaxInt64, 0.002}}
	stillOpen := false
	for _, o := range openOdds {
		if age < o.upTo {
			stillOpen = rng.Float64() < o.odds
			break
		}
	}
	// end is as far as the case's life goes: its close, or now.
	end := cfg.Now
	var closeEvent *storage.Event
	if !stillOpen {
		took := time.Duration((rng.ExpFloat64()*6 + 0.1) * float64(day24))
		closed := opened.Add(min(took, age-time.Minute)).Truncate(time.Second)
		end = closed
		o := pick(rng, pb.outcomes, func(o outcome) int { return o.weight })
		c.Status, c.Outcome, c.ClosedAt = storage.StatusClosed, o.id, &closed
		data := map[string]string{"outcome": o.id}
		if c.Amount != nil {
			back := storage.Money{Minor: int64(float64(c.Amount.Minor) * o.back), Currency: c.Amount.Currency}
			c.OutcomeAmount = &back
			data["amount"] = fmt.Sprint(back.Minor)
			data["currency"] = back.Currency
		}
		closeEvent = &storage.Event{At: closed, Actor: c.Assignee, Kind: storage.EventClosed, Body: "Closed: " + o.id, Data: data}
	}
	steps := 1 + rng.IntN(3)
	for i := range steps {
		at := opened.Add(time.Duration(float64(end.Sub(opened)) * float64(i+1) / float64(steps+1))).Truncate(time.Second)
		events = append(events, storage.Event{At: at, Actor: user(), Kind: storage.EventStep,
			Body: "Step done", Data: map[string]string{"step": fmt.Sprint("step-", i+1)}})
	}

	if closeEvent != nil {
		events = append(events, *closeEvent)
	}
	c.UpdatedAt = events[len(events)-1].At

	deadlines := []storage.Deadline{
		deadline(rng, cfg.Now, end, stillOpen, "step:acknowledge", "Acknowledge the case", opened, 24*time.Hour, "team"),
		deadline(rng, cfg.Now, end, stillOpen, pb.deadline, "Main deadline of "+pb.name, opened, pb.allows, "playbook"),
	}
	return storage.CaseRecord{Case: c, Events: events, Deadlines: deadlines}
}

const day24 = 24 * time.Hour

// deadline is one deadline of a case opened at opened, due allows later.
// A closed case (its life ending at end) met most of its deadlines in
// time; an open one met most of those past, some early, and leaves the
// rest overdue or coming.
func deadline(rng *rand.Rand, now, end time.Time, open bool, id, title string, opened time.Time, allows time.Duration, source string) storage.Deadline {
	d := storage.Deadline{ID: id, Title: title, Due: opened.Add(allows), Rule: "opened + " + allows.String(),
		Basis: opened.Format(time.RFC3339), Source: source}
	metOdds := 0.92
	if open {
		metOdds = 0.3 // early
		if d.Due.Before(now) {
			metOdds = 0.85
		}
	}
	if rng.Float64() < metOdds {
		met := opened.Add(time.Duration(rng.Float64() * float64(min(allows, end.Sub(opened))))).Truncate(time.Second)
		d.MetAt = &met
	}
	return d
}

// pick chooses one of xs with the weights weight gives.
func pick[T any](rng *rand.Rand, xs []T, weight func(T) int) T {
	total := 0
	for _, x := range xs {
		total += weight(x)
	}
	n := rng.IntN(total)
	for _, x := range xs {
		if n -= weight(x); n < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}

// fields are the playbook fields an agent records: who, which order, why.
func fields(rng *rand.Rand, pb playbook, p int) map[string]string {
	f := map[string]string{pb.reasonField: pb.reasons[rng.IntN(len(pb.reasons))]}
	customer := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
	order := fmt.Sprint("#", 100000+rng.IntN(900000))
	switch pb.name {
	case "chargeback":
		f["customer"], f["order"] = customer, order
		f["processor"] = processors[rng.IntN(len(processors))]
		f["dispute_id"] = fmt.Sprintf("dp_%016x", rng.Uint64())
	case "return":
		f["customer"], f["order"] = customer, order
		f["sku"] = fmt.Sprint("SKU-", 1000+rng.IntN(9000))
	case "marketplace-claim":
		f["customer"], f["order"] = customer, order
		f["marketplace"] = marketplaces[rng.IntN(len(marketplaces))]
		f["claim_id"] = fmt.Sprint("CLM-", p, "-", rng.IntN(1000))
	case "supplier-dispute":
		f["supplier"] = suppliers[rng.IntN(len(suppliers))]
		f["order"] = fmt.Sprint("PO-", 20000+rng.IntN(80000))
	case "recall":
		f["product"] = products[rng.IntN(len(products))]
		f["supplier"] = suppliers[rng.IntN(len(suppliers))]
		f["jurisdiction"] = []string{"eu", "eu", "us", "both"}[rng.IntN(4)]
	}
	return f
}
