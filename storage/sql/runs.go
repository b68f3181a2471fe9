package sql

import (
	"context"
	"fmt"
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
