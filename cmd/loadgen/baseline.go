package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/storage"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

// prefixes are the playbooks' case prefixes, in openText's order.
var prefixes = [5]struct{ prefix, playbook string }{
	{"CB", "chargeback"}, {"SUP", "supplier-dispute"}, {"MC", "marketplace-claim"}, {"RMA", "return"}, {"RCL", "recall"},
}

// baselineTeam is the workspace of the baseline's cases: not the full
// path's (teamID), whose every open reads the workspace's open cases to
// look for duplicates, so that a baseline run does not make the next full
// run slower.
const baselineTeam = "T0BASE"

// baseline opens cases through the storage layer directly, on the same
// driver and DSN serve uses: the write an open makes (one Store.Update
// with a new request key: the case numbered in its prefix, its opened
// event, its card in the outbox, the request record), without HTTP,
// commands, playbooks or rendering. It is the floor the full path is
// compared against.
type baseline struct {
	s        *sqlstore.Store
	channels int

	mu    sync.Mutex
	cards []int64 // the outbox ids of its cards, for park
}

// park puts off the baseline's cards a day: they are the baseline's work,
// not serve's to post during the next full run (those serve posted while
// the baseline ran stay posted).
func (b *baseline) park(ctx context.Context) error {
	b.mu.Lock()
	ids := b.cards
	b.cards = nil
	b.mu.Unlock()
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		if err := b.s.OutboxPostpone(ctx, time.Now().Add(24*time.Hour), ids[:n]...); err != nil {
			return fmt.Errorf("park the baseline's cards: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

func (b *baseline) open(ctx context.Context, i int64) result {
	p := prefixes[i%5]
	start := time.Now()
	key := storage.RequestKey{Platform: "slack", ID: "baseline-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(i, 10)}
	ctx = context.WithoutCancel(ctx) // the last opens finish, as serve's do
	var cardID int64
	_, _, err := b.s.Update(ctx, key, func(tx storage.Tx) ([]byte, error) {
		c := storage.Case{
			Ref: storage.Ref{Prefix: p.prefix}, Playbook: p.playbook,
			Fields:   map[string]string{"order": strconv.FormatInt(100000+i, 10), "reason": "damaged"},
			Amount:   &storage.Money{Minor: 4990, Currency: "EUR"},
			Platform: "slack", Workspace: baselineTeam, Channel: baselineChannel(i, b.channels),
			OpenedBy: "U0AGENT", OpenedAt: start,
		}
		ev := storage.Event{Actor: c.OpenedBy, Kind: storage.EventOpened, Body: "opened", Data: map[string]string{"via": "slash"}}
		if err := tx.CreateCase(ctx, &c, &ev); err != nil {
			return nil, err
		}
		card := storage.OutboxMessage{CaseID: c.ID, Kind: storage.OutboxCard, Channel: c.Channel, Payload: `{"text":"Opened ` + c.Ref.String() + `"}`}
		if err := tx.Enqueue(ctx, &card); err != nil {
			return nil, err
		}
		cardID = card.ID
		return []byte(`{"text":"Opened ` + c.Ref.String() + `"}`), nil
	})
	if err != nil {
		return result{latency: time.Since(start), kind: "store"}
	}
	b.mu.Lock()
	b.cards = append(b.cards, cardID)
	b.mu.Unlock()
	return result{latency: time.Since(start)}
}

// baselineChannel is the channel of the baseline's i-th case: not one of
// the load's (Slack's channel ids are unique across workspaces, and the
// fake Slack limits posts per channel id, so serve posting a baseline card
// to a load channel drew 429s the pacer, which keys channels by workspace,
// could not foresee).
func baselineChannel(i int64, channels int) string {
	return fmt.Sprintf("C0BASE%04d", i%int64(max(channels, 1)))
}

// openStore opens and migrates the database at dbURL.
func openStore(ctx context.Context, dbURL string) (*sqlstore.Store, error) {
	s, err := sqlstore.Open(ctx, dbURL, sqlstore.Options{})
	if err != nil {
		return nil, err
	}
	if _, _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return s, nil
}
