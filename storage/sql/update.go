package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/storage"
)

// Tx is the storage.Tx handed to the function Update runs. It is valid only
// during that call.
type Tx struct {
	tx  *sqlx.Tx
	d   *dialect
	now time.Time // one timestamp for everything the transaction writes
	// touched are the cases this transaction wrote with updated_at now,
	// so an event appended to one needs no touch (nor a check that the
	// case exists): a round trip fewer after an open or an update.
	touched map[int64]bool
	// prepared is the store's, nil on SQLite (prepared.go).
	prepared *prepared
}

// fresh records that case id was written with updated_at t.now.
func (t *Tx) fresh(id int64) {
	if t.touched == nil {
		t.touched = map[int64]bool{}
	}
	t.touched[id] = true
}

// Update runs fn in one transaction and records key's response in it, so
// the change, its timeline event and the record of the request commit
// together. See storage.Store.Update for the contract; in detail:
//
//   - fn runs even when key was processed before (looking first would cost
//     every request a round trip); its changes are then rolled back and the
//     first response is returned with replayed true. fn must therefore do
//     nothing outside the transaction.
//   - An error from fn rolls back and is returned as is (errors.As finds
//     the caller's own error types), unless key was processed before, in
//     which case the first response is returned as a replay.
//   - An empty key.ID means the request is not idempotent: nothing is
//     recorded and nothing is replayed.
//
// The response is stored as text: it must be valid UTF-8 (JSON, say).
func (s *Store) Update(ctx context.Context, key storage.RequestKey, fn func(storage.Tx) ([]byte, error)) (response []byte, replayed bool, err error) {
	sqltx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("begin: %w", err)
	}
	defer sqltx.Rollback()
	t := &Tx{tx: sqltx, d: s.d, now: utc(s.now()), prepared: s.prepared}

	response, err = fn(t)
	if err != nil {
		_ = sqltx.Rollback()
		if first, ok := s.replay(ctx, key); ok {
			return first, true, nil
		}
		return nil, false, err
	}

	if key.ID != "" {
		recorded, err := t.recordRequest(ctx, key, response)
		if err != nil {
			return nil, false, err
		}
		if !recorded {
			// A request with this key committed first, earlier or
			// concurrently (PostgreSQL waited for it): undo ours and give
			// its answer.
			_ = sqltx.Rollback()
			if first, ok := s.replay(ctx, key); ok {
				return first, true, nil
			}
			return nil, false, fmt.Errorf("request %s/%s was recorded but its response cannot be read", key.Platform, key.ID)
		}
	}
	if err := sqltx.Commit(); err != nil {
		return nil, false, fmt.Errorf("commit: %w", err)
	}
	return response, false, nil
}

const recordRequestQuery = `INSERT INTO processed_requests (platform, request_id, response, created_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (platform, request_id) DO NOTHING`

// recordRequest inserts key's row with its response. It reports false,
// without error, when the key is already there.
func (t *Tx) recordRequest(ctx context.Context, key storage.RequestKey, response []byte) (bool, error) {
	res, err := t.hotExec(ctx, t.tx.Rebind(recordRequestQuery), key.Platform, key.ID, string(response), t.now)
	if err != nil {
		return false, fmt.Errorf("record request: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record request: %w", err)
	}
	return n == 1, nil
}

// replay returns the response recorded for key, if there is one. It runs
// outside any transaction, after the caller's was rolled back. A failure to
// read is logged and reported as no replay: the caller then returns its own
// error, which is the one that matters.
func (s *Store) replay(ctx context.Context, key storage.RequestKey) ([]byte, bool) {
	if key.ID == "" || ctx.Err() != nil {
		return nil, false
	}
	const q = `SELECT response FROM processed_requests WHERE platform = ? AND request_id = ?`
	var response string
	err := s.db.GetContext(ctx, &response, s.db.Rebind(q), key.Platform, key.ID)
	switch {
	case errors.Is(err, dbsql.ErrNoRows):
		return nil, false
	case err != nil:
		s.log.WarnContext(ctx, "read recorded response", "platform", key.Platform, "request_id", key.ID, "error", err)
		return nil, false
	}
	s.log.DebugContext(ctx, "request replayed", "platform", key.Platform, "request_id", key.ID)
	return []byte(response), true
}

// utc is how every time is stored: UTC, to the microsecond (PostgreSQL's
// precision, so a time reads back equal on both dialects).
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
