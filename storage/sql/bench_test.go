package sql

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// benchCase is what `/case open` stores: a chargeback with fields and money.
func benchCase() storage.Case {
	return storage.Case{
		Ref:      storage.Ref{Prefix: "CB"},
		Playbook: "chargeback",
		Fields: map[string]string{
			"customer": "Kari Nordmann, Trondheim, æøå",
			"order":    "#10042",
			"reason":   "fraudulent",
			"due":      "2026-03-15",
		},
		Amount:    &storage.Money{Minor: 12999, Currency: "NOK"},
		Platform:  "slack",
		Workspace: "T0001",
		Channel:   "C0001",
		OpenedBy:  "U0001",
		OpenedAt:  time.Date(2026, 3, 1, 10, 0, 0, 250000000, time.FixedZone("CET", 3600)),
	}
}

// BenchmarkOpenCase measures a whole `/case open`: Update with a new request
// key, numbering and inserting the case, its opened event and the request
// record, in one transaction.
func BenchmarkOpenCase(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchOpenCase(b, migrated(b, openSQLite(b))) })
	b.Run("postgres", func(b *testing.B) { benchOpenCase(b, migrated(b, openPostgres(b))) })
}

func benchOpenCase(b *testing.B, s *Store) {
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		key := storage.RequestKey{Platform: "slack", ID: "trigger-" + strconv.Itoa(i)}
		_, _, err := s.Update(ctx, key, func(tx storage.Tx) ([]byte, error) {
			c := benchCase()
			ev := storage.Event{Actor: c.OpenedBy, Kind: storage.EventOpened, Body: "Case opened", Data: map[string]string{"via": "slash"}}
			if err := tx.CreateCase(ctx, &c, &ev); err != nil {
				return nil, err
			}
			return []byte(`{"text":"Opened ` + c.Ref.String() + `"}`), nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareInsert is the floor OpenCase is measured against: one
// single-row INSERT of the same case into the same table, autocommit, on the
// same driver and DSN (so with binary_parameters on PostgreSQL too). The
// number is computed in Go, so there is no numbering subquery, no event, no
// request record and no explicit transaction.
func BenchmarkBareInsert(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchBareInsert(b, migrated(b, openSQLite(b))) })
	b.Run("postgres", func(b *testing.B) { benchBareInsert(b, migrated(b, openPostgres(b))) })
}

func benchBareInsert(b *testing.B, s *Store) {
	const q = `INSERT INTO cases (prefix, number, playbook, status, fields, amount_minor, currency,
	platform, workspace, channel, thread, card_message_id, opened_by, assignee,
	outcome, outcome_amount_minor, outcome_currency, opened_at, updated_at, closed_at, reopened_at)
VALUES (?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?)`
	ctx := context.Background()
	query := s.db.Rebind(q)
	b.ReportAllocs()
	var n int64 = 1000
	for b.Loop() {
		n++
		c := benchCase()
		fields, err := encodeMap(c.Fields)
		if err != nil {
			b.Fatal(err)
		}
		now := utc(time.Now())
		if _, err := s.db.ExecContext(ctx, query,
			c.Ref.Prefix, n, c.Playbook, string(storage.StatusOpen), fields, c.Amount.Minor, c.Amount.Currency,
			c.Platform, c.Workspace, c.Channel, c.Thread, c.CardMessageID, c.OpenedBy, c.Assignee,
			c.Outcome, nil, "", utc(c.OpenedAt), now, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
