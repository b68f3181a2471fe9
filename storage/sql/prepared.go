package sql

import (
	"context"
	dbsql "database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// prepared keeps the statements of the open path (the open's CTE, one per
// count of events and deadlines an open usually has; its outbox row; the
// request record) prepared on the pool, PostgreSQL only. database/sql
// prepares a pool statement on a connection the first time a transaction
// there runs it and reuses it afterwards, so the server parses and plans
// each once per connection instead of once per open: half the server CPU
// of an open (BENCHMARKS.md, "prepared statements, measured again"). They
// are prepared when the schema is known to be current (after Migrate), on
// the pool, never from inside a transaction, which would need a second
// connection; a statement not among them is sent unnamed.
type prepared struct {
	mu sync.RWMutex
	m  map[string]*sqlx.Stmt
}

// prepare prepares qs on db's pool, all or none: on an error none of them is
// kept (an earlier set stays, or every statement is sent unnamed).
func (p *prepared) prepare(ctx context.Context, db *sqlx.DB, qs []string) error {
	m := map[string]*sqlx.Stmt{}
	for _, q := range qs {
		st, err := db.PreparexContext(ctx, q)
		if err != nil {
			for _, st := range m {
				st.Close()
			}
			return err
		}
		m[q] = st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closeLocked()
	p.m = m
	return nil
}

// stmt returns q prepared, or nil.
func (p *prepared) stmt(q string) *sqlx.Stmt {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.m[q]
}

func (p *prepared) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closeLocked()
}

func (p *prepared) closeLocked() {
	for _, st := range p.m {
		st.Close()
	}
	p.m = nil
}

// hotStatements are the statements prepared: the open's CTE for one or two
// events and up to maxHotDeadlines deadlines, and the rows every open
// writes besides.
func (d *dialect) hotStatements() []string {
	qs := []string{rebind(d, recordRequestQuery), rebind(d, insertCaseMessage), rebind(d, insertChannelMessage)}
	for events := 1; events <= 2; events++ {
		for deadlines := range maxHotDeadlines + 1 {
			qs = append(qs, rebind(d, openCaseQuery(events, deadlines)))
		}
	}
	return qs
}

// maxHotDeadlines is the most deadlines of an open whose statement is
// prepared: the built-in playbooks give a case up to six.
const maxHotDeadlines = 8

// The statements of the open path go through these: prepared on
// PostgreSQL, unnamed on SQLite (whose driver parses a statement in
// microseconds, in process). q is rebound already.

func (t *Tx) hot(ctx context.Context, q string) *sqlx.Stmt {
	if t.prepared == nil {
		return nil
	}
	st := t.prepared.stmt(q)
	if st == nil {
		return nil
	}
	return t.tx.StmtxContext(ctx, st)
}

func (t *Tx) hotQuery(ctx context.Context, q string, args ...any) (*sqlx.Rows, error) {
	if st := t.hot(ctx, q); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return t.tx.QueryxContext(ctx, q, args...)
}

func (t *Tx) hotQueryRow(ctx context.Context, q string, args ...any) *sqlx.Row {
	if st := t.hot(ctx, q); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return t.tx.QueryRowxContext(ctx, q, args...)
}

func (t *Tx) hotExec(ctx context.Context, q string, args ...any) (dbsql.Result, error) {
	if st := t.hot(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// rebind writes q's ? placeholders as d's driver takes them, as Tx.Rebind
// does.
func rebind(d *dialect, q string) string { return sqlx.Rebind(sqlx.BindType(d.driver), q) }
