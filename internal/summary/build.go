// Package summary builds a channel's daily summary: what happened since the
// previous one, what is overdue or due soon with the money at stake, the
// week's reasons and suppliers against the week before, the win rate by
// reason over 90 days and a 14-day chart, and renders it as a bot.Reply
// (most urgent first, readable on a phone). Build is pure: it takes what
// the store read (Store.SummaryCases, Store.Deadlines) and a clock.
package summary

import (
	"cmp"
	"slices"
	"time"

	"github.com/disputedesk/disputedesk/internal/chart"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// Windows of a summary, counted back from its end.
const (
	// Lookback is how far back a summary reads cases: the win rate's window.
	Lookback  = 90 * 24 * time.Hour
	ChartDays = 14
	Week      = 7 * 24 * time.Hour
	// Soon and Later bound the deadlines listed as due in the next 24
	// and 72 hours.
	Soon  = 24 * time.Hour
	Later = 72 * time.Hour
)

// Input is what a summary is built from.
type Input struct {
	// Cases are the channel's cases of Store.SummaryCases since To minus
	// Lookback: every open one, and those opened or closed since.
	Cases []storage.Case
	// Deadlines are the channel's unmet deadlines due before To plus Later.
	Deadlines []storage.DueDeadline
	// From and To are the period: since the previous summary, until now.
	From, To time.Time
	// Zone is the channel's time zone, for days and times; UTC when nil.
	Zone *time.Location
	// Playbooks names the deadlines of kind info (someone else's, never
	// overdue), which the summary leaves out; all are kept when nil.
	Playbooks *playbooks.Catalog
}

// Summary is a built summary.
type Summary struct {
	From, To time.Time
	Zone     *time.Location
	// Opened and Closed are the cases opened and closed in the period,
	// oldest first.
	Opened, Closed []storage.Case
	// Money is what moved in the period, per outcome and currency.
	Money []Money
	// Open counts the open cases by playbook, most first.
	Open []Count
	// Overdue, DueSoon (within Soon) and DueLater (within Later) are the
	// deadlines by time left, soonest first.
	Overdue, DueSoon, DueLater []Due
	// Reasons and Suppliers are the week's top ones against the week before.
	Reasons, Suppliers []Trend
	// WinRates are won against lost by reason over Lookback, most decided first.
	WinRates []WinRate
	// Days are the last ChartDays local days, oldest first.
	Days []chart.Day
}

// Empty reports whether nothing needs the team: nothing due, nothing new.
func (s *Summary) Empty() bool {
	return len(s.Opened)+len(s.Closed)+len(s.Overdue)+len(s.DueSoon)+len(s.DueLater)+len(s.Open) == 0
}

// Money is the total of one outcome in one currency.
type Money struct {
	Outcome string // refunded, won, lost, credited
	storage.Money
	Cases int
}

// moneyOutcomes are the outcomes whose money a summary adds up, in the
// order it shows them.
var moneyOutcomes = []string{"refunded", "won", "lost", "credited"}

// Count is a number of cases under a key.
type Count struct {
	Key string
	N   int
}

// Due is a deadline with the money at stake on its case.
type Due struct {
	storage.DueDeadline
	Amount *storage.Money
}

// Trend is how often a reason or supplier came up this week and the week
// before.
type Trend struct {
	Key                string
	ThisWeek, LastWeek int
}

// WinRate is the decided disputes of one reason.
type WinRate struct {
	Reason    string
	Won, Lost int
}

// Rate is the share won, 0 to 1.
func (w WinRate) Rate() float64 { return float64(w.Won) / float64(max(1, w.Won+w.Lost)) }

// Build builds the summary of in.
func Build(in Input) Summary {
	loc := cmp.Or(in.Zone, time.UTC)
	s := Summary{From: in.From, To: in.To, Zone: loc}
	byID := make(map[int64]storage.Case, len(in.Cases))
	open := map[string]int{}
	reasons, suppliers := map[string]*Trend{}, map[string]*Trend{}
	wins := map[string]*WinRate{}
	money := map[[2]string]*Money{}
	weekAgo, twoWeeksAgo := in.To.Add(-Week), in.To.Add(-2*Week)
	// A void case was opened by mistake (/case void): it never happened,
	// for the counts, the money, the trends and the chart alike.
	in.Cases = slices.DeleteFunc(slices.Clone(in.Cases), func(c storage.Case) bool { return c.Outcome == storage.OutcomeVoid })
	for _, c := range in.Cases {
		byID[c.ID] = c
		if c.Status == storage.StatusOpen {
			open[c.Playbook]++
		}
		if within(c.OpenedAt, in.From, in.To) {
			s.Opened = append(s.Opened, c)
		}
		switch {
		case within(c.OpenedAt, weekAgo, in.To):
			tally(reasons, c.Fields["reason"], func(t *Trend) { t.ThisWeek++ })
			tally(suppliers, c.Fields["supplier"], func(t *Trend) { t.ThisWeek++ })
		case within(c.OpenedAt, twoWeeksAgo, weekAgo):
			tally(reasons, c.Fields["reason"], func(t *Trend) { t.LastWeek++ })
			tally(suppliers, c.Fields["supplier"], func(t *Trend) { t.LastWeek++ })
		}
		if c.Status != storage.StatusClosed || c.ClosedAt == nil || c.ClosedAt.After(in.To) {
			continue
		}
		if !c.ClosedAt.Before(in.From) {
			s.Closed = append(s.Closed, c)
			addMoney(money, c)
		}
		if !c.ClosedAt.Before(in.To.Add(-Lookback)) {
			if won, decided := decision(c.Outcome); decided && c.Fields["reason"] != "" {
				w := wins[c.Fields["reason"]]
				if w == nil {
					w = &WinRate{Reason: c.Fields["reason"]}
					wins[w.Reason] = w
				}
				if won {
					w.Won++
				} else {
					w.Lost++
				}
			}
		}
	}
	slices.SortStableFunc(s.Closed, func(a, b storage.Case) int { return a.ClosedAt.Compare(*b.ClosedAt) })
	for k, n := range open {
		s.Open = append(s.Open, Count{k, n})
	}
	sortCounts(s.Open)
	s.Money = sortedMoney(money)
	s.Overdue, s.DueSoon, s.DueLater = dues(in, byID)
	s.Reasons, s.Suppliers = top(reasons), top(suppliers)
	s.WinRates = sortedWins(wins)
	s.Days = days(in.Cases, in.To, loc)
	return s
}

// sortCounts sorts counts most first, then by key.
func sortCounts(list []Count) {
	slices.SortFunc(list, func(a, b Count) int { return cmp.Or(b.N-a.N, cmp.Compare(a.Key, b.Key)) })
}

// within reports whether t is in [from, to).
func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func tally(m map[string]*Trend, key string, add func(*Trend)) {
	if key == "" {
		return
	}
	if m[key] == nil {
		m[key] = &Trend{Key: key}
	}
	add(m[key])
}

// decision reads an outcome as a dispute's decision: won, or lost (which
// includes a dispute accepted without a fight); refunds, withdrawals and
// the rest decide nothing.
func decision(outcome string) (won, decided bool) {
	switch outcome {
	case "won":
		return true, true
	case "lost", "accepted":
		return false, true
	}
	return false, false
}

// addMoney adds the money of closed case c to its outcome's total: the
// amount the outcome moved, or else the case's amount.
func addMoney(totals map[[2]string]*Money, c storage.Case) {
	if !slices.Contains(moneyOutcomes, c.Outcome) {
		return
	}
	m := cmp.Or(c.OutcomeAmount, c.Amount)
	if m == nil {
		return
	}
	k := [2]string{c.Outcome, m.Currency}
	if totals[k] == nil {
		totals[k] = &Money{Outcome: c.Outcome, Money: storage.Money{Currency: m.Currency}}
	}
	totals[k].Minor += m.Minor
	totals[k].Cases++
}

func sortedMoney(totals map[[2]string]*Money) []Money {
	list := make([]Money, 0, len(totals))
	for _, m := range totals {
		list = append(list, *m)
	}
	slices.SortFunc(list, func(a, b Money) int {
		return cmp.Or(cmp.Compare(slices.Index(moneyOutcomes, a.Outcome), slices.Index(moneyOutcomes, b.Outcome)),
			cmp.Compare(a.Currency, b.Currency))
	})
	return list
}

// dues sorts the deadlines into overdue, due within Soon and within Later
// of in.To, each soonest first, leaving out info deadlines and those of
// cases not in in.Cases (another channel's).
func dues(in Input, cases map[int64]storage.Case) (overdue, soon, later []Due) {
	for _, d := range in.Deadlines {
		c, ok := cases[d.CaseID]
		if !ok || c.Status != storage.StatusOpen || isInfo(in.Playbooks, d) {
			continue
		}
		due := Due{DueDeadline: d, Amount: c.Amount}
		switch left := d.Due.Sub(in.To); {
		case left < 0:
			overdue = append(overdue, due)
		case left < Soon:
			soon = append(soon, due)
		case left < Later:
			later = append(later, due)
		}
	}
	return overdue, soon, later
}

func isInfo(c *playbooks.Catalog, d storage.DueDeadline) bool {
	if c == nil {
		return false
	}
	pb, ok := c.Get(d.Playbook)
	return ok && pb.IsInfo(d.ID)
}

// topN is how many reasons and suppliers a summary shows.
const topN = 3

// top lists the topN trends with the most cases this week (then last
// week, then by key); one only seen last week is not "top".
func top(m map[string]*Trend) []Trend {
	var list []Trend
	for _, t := range m {
		if t.ThisWeek > 0 {
			list = append(list, *t)
		}
	}
	slices.SortFunc(list, func(a, b Trend) int {
		return cmp.Or(b.ThisWeek-a.ThisWeek, b.LastWeek-a.LastWeek, cmp.Compare(a.Key, b.Key))
	})
	return list[:min(topN, len(list))]
}

func sortedWins(m map[string]*WinRate) []WinRate {
	list := make([]WinRate, 0, len(m))
	for _, w := range m {
		list = append(list, *w)
	}
	slices.SortFunc(list, func(a, b WinRate) int {
		return cmp.Or((b.Won+b.Lost)-(a.Won+a.Lost), cmp.Compare(a.Reason, b.Reason))
	})
	return list[:min(5, len(list))]
}

// days counts cases opened and closed per local day over the ChartDays
// days ending with to's.
func days(cases []storage.Case, to time.Time, loc *time.Location) []chart.Day {
	y, m, d := to.In(loc).Date()
	list := make([]chart.Day, ChartDays)
	index := map[time.Time]int{}
	for i := range list {
		day := time.Date(y, m, d-(ChartDays-1-i), 0, 0, 0, 0, loc)
		list[i] = chart.Day{Date: day, Opened: map[string]int{}, Closed: map[string]int{}}
		index[day] = i
	}
	dayOf := func(t time.Time) (int, bool) {
		y, m, d := t.In(loc).Date()
		i, ok := index[time.Date(y, m, d, 0, 0, 0, 0, loc)]
		return i, ok && !t.After(to)
	}
	for _, c := range cases {
		if i, ok := dayOf(c.OpenedAt); ok {
			list[i].Opened[c.Playbook]++
		}
		if c.Status == storage.StatusClosed && c.ClosedAt != nil {
			if i, ok := dayOf(*c.ClosedAt); ok {
				list[i].Closed[c.Playbook]++
			}
		}
	}
	return list
}
