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

// requeued is what puts a message back to be delivered as if new: due at
// its one parameter, free, with a fresh retry budget. last_error stays, as
// the history of what went wrong.
const requeued = `attempts = 0, failing_since = NULL, next_attempt_at = ?, locked_until = NULL`

// OutboxPostpone makes the pending messages among ids due at next and frees
// them; attempts, last_error and failing_since are left alone. Messages no
// longer pending, and ids of no message, are ignored.
func (s *Store) OutboxPostpone(ctx context.Context, next time.Time, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	const postpone = `UPDATE outbox SET next_attempt_at = ?, locked_until = NULL WHERE status = 'pending' AND id IN (?)`
	q, args, err := sqlx.In(postpone, utc(next), ids)
	if err != nil {
		return fmt.Errorf("postpone outbox: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...); err != nil {
		return fmt.Errorf("postpone outbox: %w", err)
	}
	return nil
}

// resumeOutbox finds what waits through outbox_pending_due_idx. Its
// parameters are at, at and the platform.
const resumeOutbox = `UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ? AND platform = ?`

// OutboxResume makes every pending message of platform due after at due at
// at and returns how many it changed. Leases are left alone: a message in
// flight stays its worker's.
func (s *Store) OutboxResume(ctx context.Context, platform string, at time.Time) (int, error) {
	at = utc(at)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(resumeOutbox), at, at, platform)
	if err != nil {
		return 0, fmt.Errorf("resume outbox of %s: %w", platform, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("resume outbox of %s: %w", platform, err)
	}
	return int(n), nil
}

// RequeueFailed puts the failed messages of case caseID back as pending, due
// at the store's clock, keeping their ids (and so their order). Which ones:
//
//   - with the case's card posted: every thread post, and every card update
//     that no later card or card update (sent or pending) supersedes; no
//     card, which would be a second one;
//   - with no card posted nor pending: the oldest failed card, and the
//     thread posts and card updates after it; later failed cards would be
//     more cards;
//   - with the card pending: nothing. A thread post older than that card
//     would wait for it while the card waits behind it; its OutboxSent
//     requeues them instead.
//
// It returns how many messages it requeued, and an error wrapping
// storage.ErrNotFound when no case has caseID. /case resend runs it in the
// transaction that writes the case's timeline event for it.
func (t *Tx) RequeueFailed(ctx context.Context, caseID int64) (int, error) {
	const (
		caseCard = `SELECT card_message_id FROM cases WHERE id = ?`
		// failed reads outbox_case_failed_idx, pendingCards
		// outbox_case_pending_idx.
		failed       = `SELECT id, kind FROM outbox WHERE case_id = ? AND status = 'failed' ORDER BY id`
		pendingCards = `SELECT COUNT(*) FROM outbox WHERE case_id = ? AND status = 'pending' AND kind = 'card'`
		// lastContent reads the primary key from the oldest failure on:
		// the newest card or card update that went out or will.
		lastContent = `SELECT COALESCE(MAX(id), 0) FROM outbox
WHERE case_id = ? AND id > ? AND status <> 'failed' AND kind IN ('card', 'card_update')`
		requeue = `UPDATE outbox SET status = 'pending', ` + requeued + ` WHERE status = 'failed' AND id IN (?)`
	)
	wrap := func(err error) error { return fmt.Errorf("requeue failed messages of case %d: %w", caseID, err) }
	tx := t.tx
	var card string
	switch err := tx.GetContext(ctx, &card, tx.Rebind(caseCard), caseID); {
	case errors.Is(err, dbsql.ErrNoRows):
		return 0, wrap(storage.ErrNotFound)
	case err != nil:
		return 0, wrap(err)
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Kind string `db:"kind"`
	}
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(failed), caseID); err != nil {
		return 0, wrap(err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	var pending int
	if err := tx.GetContext(ctx, &pending, tx.Rebind(pendingCards), caseID); err != nil {
		return 0, wrap(err)
	}
	if card == "" && pending > 0 {
		return 0, nil
	}
	var last int64
	if err := tx.GetContext(ctx, &last, tx.Rebind(lastContent), caseID, rows[0].ID); err != nil {
		return 0, wrap(err)
	}
	hasCard := card != ""
	var ids []int64
	for _, r := range rows {
		switch storage.OutboxKind(r.Kind) {
		case storage.OutboxCard:
			if hasCard {
				continue
			}
			hasCard = true
		case storage.OutboxCardUpdate:
			if !hasCard || r.ID < last {
				continue
			}
		case storage.OutboxThread:
			if !hasCard {
				continue
			}
		}
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	q, args, err := sqlx.In(requeue, t.now, ids)
	if err != nil {
		return 0, wrap(err)
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(q), args...)
	if err != nil {
		return 0, wrap(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(err)
	}
	return int(n), nil
}
