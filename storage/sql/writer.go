package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// SQLite takes one writer at a time. Left to itself, a writer that finds
// the lock taken sleeps in SQLite's busy handler and polls, longer each
// time, deaf to its context: under 64 clients the newest writers won, the
// oldest waited past the 2.5 s a request has (empty acks), and a writer
// whose request had given up still waited its 5 s (issue 15). So writers
// queue here instead, in Go, in the order they come, each holding the
// lock from BEGIN to COMMIT only, and stop waiting when their context
// ends. Readers (ReadOnly transactions, autocommit queries) do not queue:
// WAL lets them read beside the writer. busy_timeout stays for the writers
// of other processes (a `disputedesk migrate`, a console on the same file).

// openQueued opens the SQLite database at dsn with its writers queued.
func openQueued(dsn string) *dbsql.DB {
	return dbsql.OpenDB(&queuedConnector{dsn: dsn, d: &sqlite.Driver{}, lock: make(chan struct{}, 1)})
}

// queuedConnector makes connections whose writes take lock first.
type queuedConnector struct {
	dsn  string
	d    *sqlite.Driver
	lock chan struct{} // holds a token while a connection writes
}

func (c *queuedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if _, ok := conn.(sqliteConn); !ok {
		conn.Close()
		return nil, errors.New("sqlite: the driver's connection lacks a method the writer queue forwards")
	}
	return &queuedConn{conn: conn, lock: c.lock}, nil
}

func (c *queuedConnector) Driver() driver.Driver { return c.d }

// sqliteConn is what modernc's connection does that database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// queuedConn is a connection whose write transactions, and statements
// executed outside a transaction, wait for the queue's lock. database/sql
// uses a connection from one goroutine at a time, so inTx needs no lock.
type queuedConn struct {
	conn driver.Conn
	lock chan struct{}
	inTx bool // a transaction of this connection holds the lock
}

func (c *queuedConn) inner() sqliteConn { return c.conn.(sqliteConn) }

// acquire waits for the lock, in arrival order, or for ctx to end.
func (c *queuedConn) acquire(ctx context.Context) error {
	select {
	case c.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *queuedConn) release() { <-c.lock }

func (c *queuedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.ReadOnly {
		return c.inner().BeginTx(ctx, opts) // a deferred transaction: a snapshot, no lock
	}
	if err := c.acquire(ctx); err != nil {
		return nil, err
	}
	tx, err := c.inner().BeginTx(ctx, opts)
	if err != nil {
		c.release()
		return nil, err
	}
	c.inTx = true
	return &queuedTx{tx: tx, c: c}, nil
}

func (c *queuedConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *queuedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !c.inTx {
		if err := c.acquire(ctx); err != nil {
			return nil, err
		}
		defer c.release()
	}
	return c.inner().ExecContext(ctx, query, args)
}

func (c *queuedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.inner().QueryContext(ctx, query, args)
}

func (c *queuedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, query)
}

func (c *queuedConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }

func (c *queuedConn) Ping(ctx context.Context) error { return c.inner().Ping(ctx) }

func (c *queuedConn) ResetSession(ctx context.Context) error {
	if c.inTx {
		return driver.ErrBadConn // never returned to the pool mid-transaction
	}
	return c.inner().ResetSession(ctx)
}

func (c *queuedConn) IsValid() bool { return !c.inTx && c.inner().IsValid() }

func (c *queuedConn) Close() error {
	if c.inTx {
		c.inTx = false
		c.release()
	}
	return c.conn.Close()
}

// queuedTx frees its connection's lock when it ends.
type queuedTx struct {
	tx driver.Tx
	c  *queuedConn
}

func (t *queuedTx) Commit() error { return t.end(t.tx.Commit()) }

func (t *queuedTx) Rollback() error { return t.end(t.tx.Rollback()) }

func (t *queuedTx) end(err error) error {
	if t.c.inTx {
		t.c.inTx = false
		t.c.release()
	}
	return err
}
