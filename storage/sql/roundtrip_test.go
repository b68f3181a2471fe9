package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/storage"
)

// dsnConnector opens connections to dsn with a driver that has no
// connector of its own.
type dsnConnector struct {
	drv driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// countingConnector counts what the store sends the database: each
// statement, BEGIN and COMMIT (ROLLBACK too) is a round trip on
// PostgreSQL (lib/pq with binary_parameters sends Parse, Bind, Execute,
// Sync at once) and a call into the engine on SQLite.
type countingConnector struct {
	driver.Connector
	n *atomic.Int64
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{conn.(driverConn), c.n}, nil
}

// driverConn is what both drivers' connections implement, so that database/sql
// takes the same paths through the wrapper as without it.
type driverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
}

type countingConn struct {
	driverConn
	n *atomic.Int64
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.n.Add(1)
	tx, err := c.driverConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return countingTx{tx, c.n}, nil
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	return c.driverConn.QueryContext(ctx, q, args)
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	return c.driverConn.ExecContext(ctx, q, args)
}

type countingTx struct {
	driver.Tx
	n *atomic.Int64
}

func (t countingTx) Commit() error   { t.n.Add(1); return t.Tx.Commit() }
func (t countingTx) Rollback() error { t.n.Add(1); return t.Tx.Rollback() }

// counted returns a migrated store on databaseURL, and one on the same
// database whose round trips n counts.
func counted(tb testing.TB, databaseURL string, n *atomic.Int64) (plain, counting *Store) {
	tb.Helper()
	plain = migrated(tb, open(tb, databaseURL))
	t, err := parseURL(databaseURL)
	if err != nil {
		tb.Fatal(err)
	}
	cn := dsnConnector{plain.db.Driver(), t.dsn}
	db := sqlx.NewDb(dbsql.OpenDB(countingConnector{cn, n}), t.d.driver)
	tb.Cleanup(func() { db.Close() })
	return plain, &Store{db: db, d: t.d, now: plain.now, log: plain.log}
}

// openRequest is what /case open asks of the store: a case with its
// opened event, two deadlines with their event, and its card queued.
func openRequest(ctx context.Context, s *Store, id string) error {
	_, _, err := s.Update(ctx, storage.RequestKey{Platform: "slack", ID: id}, func(tx storage.Tx) ([]byte, error) {
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		c := storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Platform: "slack", Workspace: "T1", Channel: "C1",
			Fields: map[string]string{"order": "1042", "customer": "Ada"}, OpenedAt: now}
		ev := storage.Event{Actor: "U1", Kind: storage.EventOpened, Body: "chargeback of order 1042"}
		ds := []storage.Deadline{
			{ID: "evidence_due", Title: "Evidence due", Due: now.Add(7 * 24 * time.Hour), Rule: "7 days", Basis: "opened"},
			{ID: "step:acknowledge", Title: "Acknowledge", Due: now.Add(24 * time.Hour), Rule: "1 day", Basis: "opened"},
		}
		dev := storage.Event{Actor: "U1", Kind: storage.EventDeadline, Body: "Evidence due, Acknowledge"}
		if err := tx.OpenCase(ctx, &c, &ev, ds, &dev); err != nil {
			return nil, err
		}
		m := storage.OutboxMessage{CaseID: c.ID, Platform: "slack", Workspace: "T1", Channel: "C1", Kind: storage.OutboxCard, Payload: `{"text":"card"}`}
		if err := tx.Enqueue(ctx, &m); err != nil {
			return nil, err
		}
		return []byte("opened " + c.Ref.String()), nil
	})
	return err
}

// TestOpenRoundTrips counts the round trips of an open: BEGIN, the case
// with its events and deadlines, the card's outbox row, the request's
// record, COMMIT. It was 9 for this request (the case and its event; a
// touch of the case; the deadline event; a row per deadline; the outbox
// row; the record) before opening became one statement on PostgreSQL.
func TestOpenRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
		want int64
	}{
		// BEGIN, the CTE, outbox, record, COMMIT.
		{"postgres", pgtest.URL, 5},
		// BEGIN, number, case, events, deadlines, outbox, record, COMMIT.
		{"sqlite", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "disputedesk.db") }, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			var n atomic.Int64
			s, cs := counted(t, tc.url(t), &n)
			if err := openRequest(ctx, cs, "warm"); err != nil { // a first open may create the prefix's sequence
				t.Fatal(err)
			}
			n.Store(0)
			if err := openRequest(ctx, cs, "counted"); err != nil {
				t.Fatal(err)
			}
			if got := n.Load(); got != tc.want {
				t.Errorf("an open took %d round trips, want %d", got, tc.want)
			}
			c, err := s.Case(ctx, storage.AllWorkspaces, storage.Ref{Prefix: "CB", Number: 1002})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.State(ctx, c.ID)
			if err != nil || len(st.Deadlines) != 2 {
				t.Fatalf("state of the opened case: %+v, %v; want its 2 deadlines", st, err)
			}
			tl, err := s.Timeline(ctx, c.ID)
			if err != nil || len(tl) != 2 || tl[0].Kind != storage.EventOpened || tl[1].Kind != storage.EventDeadline {
				t.Fatalf("timeline %+v, %v; want opened, then deadline", tl, err)
			}
		})
	}
}
