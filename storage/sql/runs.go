package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/storage"
	"github.com/jmoiron/sqlx"
)

// ClaimRun records run key of job (migration 00007), reporting false when
// another transaction already committed it. On PostgreSQL a concurrent
// claim of the same key waits for the first to commit or roll back; on
// SQLite transactions are serialised anyway.
func (t *Tx) ClaimRun(ctx context.Context, job, key string) (bool, error) {
	const q = `INSERT INTO scheduled_runs (job, run_key, ran_at) VALUES (?, ?, ?)
ON CONFLICT (job, run_key) DO NOTHING`
	res, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), job, key, t.now)
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", job, key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", job, key, err)
	}
	return n == 1, nil
}

// Snooze upserts case caseID's row of case_snoozes (migration 00008) and
// appends ev, touching the case.
func (t *Tx) Snooze(ctx context.Context, caseID int64, until time.Time, ev *storage.Event) error {
	const q = `INSERT INTO case_snoozes (case_id, until) VALUES (?, ?)
ON CONFLICT (case_id) DO UPDATE SET until = excluded.until`
	if err := t.appendFor(ctx, caseID, storage.EventSnoozed, ev); err != nil {
		return fmt.Errorf("snooze case %d: %w", caseID, err)
	}
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), caseID, utc(until)); err != nil {
		return fmt.Errorf("snooze case %d: %w", caseID, err)
	}
	return nil
}

// SnoozedUntil reads case caseID's snooze; the zero time when it has none.
func (t *Tx) SnoozedUntil(ctx context.Context, caseID int64) (time.Time, error) {
	const q = `SELECT until FROM case_snoozes WHERE case_id = ?`
	var until time.Time
	switch err := t.tx.GetContext(ctx, &until, t.tx.Rebind(q), caseID); {
	case errors.Is(err, dbsql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("snooze of case %d: %w", caseID, err)
	}
	return until.UTC(), nil
}

// ClaimedRuns reads which of keys of job are in scheduled_runs, in one
// query by its primary key.
func (s *Store) ClaimedRuns(ctx context.Context, job string, keys []string) (map[string]bool, error) {
	claimed := map[string]bool{}
	if len(keys) == 0 {
		return claimed, nil
	}
	q, args, err := sqlx.In(`SELECT run_key FROM scheduled_runs WHERE job = ? AND run_key IN (?)`, job, keys)
	if err != nil {
		return nil, fmt.Errorf("claimed runs of %s: %w", job, err)
	}
	var found []string
	if err := s.db.SelectContext(ctx, &found, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("claimed runs of %s: %w", job, err)
	}
	for _, k := range found {
		claimed[k] = true
	}
	return claimed, nil
}
