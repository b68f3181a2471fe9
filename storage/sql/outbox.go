package sql

import (
	"context"
	dbsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/storage"
)

// The outbox (migration 00003): Tx.Enqueue writes a message with the change
// that causes it; a worker claims due messages with ClaimOutbox, posts them
// and records the result with OutboxSent, OutboxRetry or OutboxFailed. Rows
// are never deleted.

var _ storage.Outbox = (*Store)(nil)

// outboxColumns is the column list every read of outbox messages selects,
// in outboxRow's order, from outbox o LEFT JOIN cases c: the case's thread
// (its card message while it has no thread of its own) and card message
// come with each message, empty for a message without a case.
const outboxColumns = `o.id, o.case_id, o.platform, o.workspace, o.channel, o.kind, o.payload,
	o.thread_name, o.tags, o.status, o.attempts, o.next_attempt_at, o.last_error, o.message_id, o.thread_id,
	o.created_at, o.sent_at, o.failing_since,
	COALESCE(CASE WHEN c.thread = '' THEN c.card_message_id ELSE c.thread END, '') AS thread,
	COALESCE(c.card_message_id, '') AS card_message_id`

// outboxRow is a row of outbox, with its case's thread and card message, as
// the drivers return it.
type outboxRow struct {
	ID            int64           `db:"id"`
	CaseID        dbsql.NullInt64 `db:"case_id"`
	Platform      string          `db:"platform"`
	Workspace     string          `db:"workspace"`
	Channel       string          `db:"channel"`
	Kind          string          `db:"kind"`
	Payload       string          `db:"payload"`
	ThreadName    string          `db:"thread_name"`
	Tags          string          `db:"tags"`
	Status        string          `db:"status"`
	Attempts      int             `db:"attempts"`
	NextAttemptAt time.Time       `db:"next_attempt_at"`
	LastError     string          `db:"last_error"`
	MessageID     string          `db:"message_id"`
	ThreadID      string          `db:"thread_id"`
	CreatedAt     time.Time       `db:"created_at"`
	SentAt        dbsql.NullTime  `db:"sent_at"`
	FailingSince  dbsql.NullTime  `db:"failing_since"`
	Thread        string          `db:"thread"`
	CardMessageID string          `db:"card_message_id"`
}

func (r *outboxRow) toMessage() storage.OutboxMessage {
	var tags []string
	_ = json.Unmarshal([]byte(r.Tags), &tags) // written by Enqueue as an array; anything else reads as none
	if len(tags) == 0 {
		tags = nil
	}
	return storage.OutboxMessage{
		ThreadName:    r.ThreadName,
		Tags:          tags,
		ThreadID:      r.ThreadID,
		ID:            r.ID,
		CaseID:        r.CaseID.Int64,
		Platform:      r.Platform,
		Workspace:     r.Workspace,
		Channel:       r.Channel,
		Kind:          storage.OutboxKind(r.Kind),
		Payload:       r.Payload,
		Status:        storage.OutboxStatus(r.Status),
		Attempts:      r.Attempts,
		NextAttemptAt: r.NextAttemptAt.UTC(),
		LastError:     r.LastError,
		MessageID:     r.MessageID,
		CreatedAt:     r.CreatedAt.UTC(),
		SentAt:        nullTime(r.SentAt),
		FailingSince:  nullTime(r.FailingSince),
		Thread:        r.Thread,
		CardMessageID: r.CardMessageID,
	}
}

const (
	// insertChannelMessage is a message outside any case.
	insertChannelMessage = `INSERT INTO outbox (case_id, platform, workspace, channel, kind, payload,
thread_name, tags, status, attempts, next_attempt_at, created_at)
VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
RETURNING id, platform, workspace, channel`
	// insertCaseMessage fills in what m leaves empty from the case,
	// and inserts nothing when the case does not exist or the message
	// would still have no platform or channel.
	insertCaseMessage = `INSERT INTO outbox (case_id, platform, workspace, channel, kind, payload,
thread_name, tags, status, attempts, next_attempt_at, created_at)
SELECT c.id, COALESCE(NULLIF(?, ''), c.platform), COALESCE(NULLIF(?, ''), c.workspace), COALESCE(NULLIF(?, ''), c.channel), ?, ?,
?, ?, 'pending', 0, ?, ?
FROM cases c
WHERE c.id = ? AND COALESCE(NULLIF(?, ''), c.platform) <> '' AND COALESCE(NULLIF(?, ''), c.channel) <> ''
RETURNING id, platform, workspace, channel`
)

// Enqueue adds m to the outbox as pending, with no attempts, due at the
// transaction's time; it is delivered only if the transaction commits. It
// fills in m.ID, m.Status, m.Attempts, m.CreatedAt and m.NextAttemptAt.
//
// m.Kind must be one of the storage.Outbox kinds and m.Payload set. Every
// kind but storage.OutboxChannel needs m.CaseID, and a card and a channel
// message need m.Channel. An empty Platform, Workspace or Channel of a
// case's message is taken from the case (and written back to m); a
// message that would still have no platform or channel is an error. A
// message of a case that does not exist is an error wrapping
// storage.ErrNotFound. On any error nothing is written.
//
// A case's messages are delivered in the order of their IDs, which is the
// order of Enqueue calls within a transaction. Across transactions it is
// commit order only when each holds the case (Tx.CaseForUpdate, or it
// created the case): enqueue a card before the thread posts and card
// updates that wait for it.
func (t *Tx) Enqueue(ctx context.Context, m *storage.OutboxMessage) error {
	const caseExists = `SELECT COUNT(*) FROM cases WHERE id = ?`
	if m == nil {
		return errors.New("enqueue: no message")
	}
	if err := validateOutbox(m); err != nil {
		return fmt.Errorf("enqueue %s message: %w", m.Kind, err)
	}
	tags, err := json.Marshal(m.Tags)
	if err != nil || m.Tags == nil {
		tags = []byte("[]")
	}
	q, args := insertChannelMessage, []any{m.Platform, m.Workspace, m.Channel, string(m.Kind), m.Payload,
		m.ThreadName, string(tags), t.now, t.now}
	if m.CaseID != 0 {
		q, args = insertCaseMessage, append(args, m.CaseID, m.Platform, m.Channel)
	}
	var r struct {
		ID        int64  `db:"id"`
		Platform  string `db:"platform"`
		Workspace string `db:"workspace"`
		Channel   string `db:"channel"`
	}
	err = t.hotQueryRow(ctx, t.tx.Rebind(q), args...).StructScan(&r)
	switch {
	case errors.Is(err, dbsql.ErrNoRows):
		var n int
		if err := t.tx.GetContext(ctx, &n, t.tx.Rebind(caseExists), m.CaseID); err != nil {
			return fmt.Errorf("enqueue %s message of case %d: %w", m.Kind, m.CaseID, err)
		}
		if n == 0 {
			return fmt.Errorf("enqueue %s message of case %d: %w", m.Kind, m.CaseID, storage.ErrNotFound)
		}
		return fmt.Errorf("enqueue %s message of case %d: no platform or channel, on the message or its case", m.Kind, m.CaseID)
	case err != nil:
		return fmt.Errorf("enqueue %s message: %w", m.Kind, err)
	}
	m.ID, m.Platform, m.Workspace, m.Channel = r.ID, r.Platform, r.Workspace, r.Channel
	m.Status, m.Attempts, m.LastError, m.MessageID, m.ThreadID, m.SentAt, m.FailingSince = storage.OutboxPending, 0, "", "", "", nil, nil
	m.CreatedAt, m.NextAttemptAt = t.now, t.now
	return nil
}

// validateOutbox checks what Enqueue needs of m before it writes anything.
func validateOutbox(m *storage.OutboxMessage) error {
	switch m.Kind {
	case storage.OutboxCard, storage.OutboxCardUpdate, storage.OutboxThread:
		if m.CaseID == 0 {
			return errors.New("no case id")
		}
	case storage.OutboxChannel:
	default:
		return fmt.Errorf("unknown kind %q", m.Kind)
	}
	switch {
	case m.CaseID < 0:
		return fmt.Errorf("case id %d", m.CaseID)
	case m.Channel == "" && (m.Kind == storage.OutboxCard || m.Kind == storage.OutboxChannel):
		return errors.New("no channel")
	case m.Platform == "" && m.CaseID == 0:
		return errors.New("no platform")
	case m.Payload == "":
		return errors.New("no payload")
	}
	return nil
}

// claimDue selects the messages ClaimOutbox may claim, the longest due
// first (in the order of outbox_pending_due_idx, which both dialects then
// read up to the limit: ordered by id, SQLite scanned the whole table by
// rowid instead, 17 ms a claim with 24,000 messages put off; issue 15): pending,
// due, not leased, the oldest pending message of its case (a message without
// a case always qualifies), and for a thread post or a card update, of a
// case whose card is posted. Its parameters are now, now and the limit; the
// dialect's claimLock follows. The literal 'pending' is the predicate of the
// partial indexes it reads (outbox_pending_due_idx, outbox_case_pending_idx).
const claimDue = `SELECT ` + outboxColumns + `
FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
WHERE o.status = 'pending' AND o.next_attempt_at <= ?
	AND (o.locked_until IS NULL OR o.locked_until <= ?)
	AND (o.case_id IS NULL OR NOT EXISTS (
		SELECT 1 FROM outbox p WHERE p.case_id = o.case_id AND p.status = 'pending' AND p.id < o.id))
	AND (o.kind NOT IN ('thread', 'card_update') OR c.card_message_id <> '')
ORDER BY o.next_attempt_at, o.id
LIMIT ?`

// ClaimOutbox leases up to limit due messages until now+lease and returns
// them, the longest due first, with their case's Thread and CardMessageID (see
// claimDue for which qualify). A message stays pending while leased; once
// the lease runs out without OutboxSent, OutboxRetry or OutboxFailed (a
// worker died, say), it is claimable again. On PostgreSQL the chosen rows
// are locked with SKIP LOCKED, so concurrent workers never claim one
// message twice; on SQLite the claim's transaction is serialised with every
// other writer.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storage.OutboxMessage, error) {
	const lock = `UPDATE outbox SET locked_until = ? WHERE id IN (?)`
	if limit <= 0 {
		return nil, nil
	}
	if lease <= 0 {
		return nil, fmt.Errorf("claim outbox: lease %v is not positive", lease)
	}
	now = utc(now)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: begin: %w", err)
	}
	defer tx.Rollback()
	var rows []outboxRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(claimDue+s.d.claimLock), now, now, limit); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	q, args, err := sqlx.In(lock, utc(now.Add(lease)), ids)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("claim outbox: lease: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim outbox: commit: %w", err)
	}
	msgs := make([]storage.OutboxMessage, len(rows))
	for i := range rows {
		msgs[i] = rows[i].toMessage()
	}
	return msgs, nil
}

// OutboxSent records that message id was posted at at as posted (its
// message id and the thread it lives in), and frees it. For a
// storage.OutboxCard it sets, in the same transaction, the case's card
// message to posted.MessageID and its thread, when empty, to
// posted.ThreadID (never the message id: that is Slack's rule, not ours); no
// timeline event is written (this is delivery metadata) and the case's
// updated_at is left alone. A message already recorded as sent keeps its
// first posted (a second call is a no-op), while a message recorded as
// failed whose post did go out becomes sent. The case's failed thread posts,
// which failed with an earlier card (OutboxFailed), are pending again, due
// at at, in the same transaction: the thread now exists. It returns an error
// wrapping storage.ErrNotFound when no message has id.
func (s *Store) OutboxSent(ctx context.Context, id int64, posted storage.Posted, at time.Time) error {
	const (
		sent = `UPDATE outbox SET status = 'sent', message_id = ?, thread_id = ?, sent_at = ?, locked_until = NULL
WHERE id = ? AND status <> 'sent'
RETURNING kind, case_id`
		card = `UPDATE cases SET card_message_id = ?, thread = CASE WHEN thread = '' THEN ? ELSE thread END
WHERE id = ?`
		// threads reads outbox_case_failed_idx.
		threads = `UPDATE outbox SET status = 'pending', ` + requeued + `
WHERE case_id = ? AND status = 'failed' AND kind = 'thread'`
	)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox message %d sent: begin: %w", id, err)
	}
	defer tx.Rollback()
	var r struct {
		Kind   string          `db:"kind"`
		CaseID dbsql.NullInt64 `db:"case_id"`
	}
	err = tx.QueryRowxContext(ctx, tx.Rebind(sent), posted.MessageID, posted.ThreadID, utc(at), id).StructScan(&r)
	switch {
	case errors.Is(err, dbsql.ErrNoRows):
		// Sent before, or no such message.
		return outboxExists(ctx, tx, id, "sent")
	case err != nil:
		return fmt.Errorf("outbox message %d sent: %w", id, err)
	}
	if storage.OutboxKind(r.Kind) == storage.OutboxCard && r.CaseID.Valid {
		if _, err := tx.ExecContext(ctx, tx.Rebind(card), posted.MessageID, posted.ThreadID, r.CaseID.Int64); err != nil {
			return fmt.Errorf("outbox message %d sent: card of case %d: %w", id, r.CaseID.Int64, err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(threads), utc(at), r.CaseID.Int64); err != nil {
			return fmt.Errorf("outbox message %d sent: thread posts of case %d: %w", id, r.CaseID.Int64, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("outbox message %d sent: commit: %w", id, err)
	}
	return nil
}

// OutboxRetry records a failed attempt at pending message id: it counts the
// attempt, keeps reason as the last error, frees the message and makes it
// due at next; the first failed attempt sets failing_since to the store's
// clock. A message already sent or failed is left as it is. It returns an
// error wrapping storage.ErrNotFound when no message has id.
func (s *Store) OutboxRetry(ctx context.Context, id int64, reason string, next time.Time) error {
	const q = `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, locked_until = NULL,
	failing_since = COALESCE(failing_since, ?)
WHERE id = ? AND status = 'pending'`
	return s.settle(ctx, id, "retry", q, reason, utc(next), utc(s.now()), id)
}

// OutboxRelease clears the lease of pending messages among ids.
func (s *Store) OutboxRelease(ctx context.Context, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	const release = `UPDATE outbox SET locked_until = NULL WHERE status = 'pending' AND id IN (?)`
	q, args, err := sqlx.In(release, ids)
	if err != nil {
		return fmt.Errorf("release outbox: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...); err != nil {
		return fmt.Errorf("release outbox: %w", err)
	}
	return nil
}

// OutboxFailed records that pending message id cannot be delivered: it
// counts the attempt, keeps reason, and marks it failed, so it is never
// claimed again and the case's next message may go. A message already sent
// or failed is left as it is. It returns an error wrapping
// storage.ErrNotFound when no message has id.
func (s *Store) OutboxFailed(ctx context.Context, id int64, reason string) error {
	const q = `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, locked_until = NULL
WHERE id = ? AND status = 'pending'`
	if err := s.settle(ctx, id, "failed", q, reason, id); err != nil {
		return err
	}
	// The thread posts and card updates of a case whose card could not be
	// posted would wait for it for ever: they fail with it, and show in
	// OutboxFailures. The case's next change posts its card again.
	const orphans = `UPDATE outbox SET status = 'failed', last_error = ?, locked_until = NULL
WHERE status = 'pending' AND kind IN ('thread', 'card_update')
	AND case_id = (SELECT case_id FROM outbox WHERE id = ? AND kind = 'card')`
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(orphans), "the case card could not be posted: "+reason, id); err != nil {
		return fmt.Errorf("outbox message %d failed: %w", id, err)
	}
	return nil
}

// settle runs q, an update of pending message id, and tells a message that
// is no longer pending (a no-op) from one that does not exist.
func (s *Store) settle(ctx context.Context, id int64, what, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("outbox message %d %s: %w", id, what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("outbox message %d %s: %w", id, what, err)
	}
	if n == 0 {
		return outboxExists(ctx, s.db, id, what)
	}
	return nil
}

// queryer is what *sqlx.DB and *sqlx.Tx both do.
type queryer interface {
	sqlx.QueryerContext
	Rebind(query string) string
}

// outboxExists returns nil when message id exists, and an error wrapping
// storage.ErrNotFound when it does not.
func outboxExists(ctx context.Context, q queryer, id int64, what string) error {
	const exists = `SELECT COUNT(*) FROM outbox WHERE id = ?`
	var n int
	if err := sqlx.GetContext(ctx, q, &n, q.Rebind(exists), id); err != nil {
		return fmt.Errorf("outbox message %d %s: %w", id, what, err)
	}
	if n == 0 {
		return fmt.Errorf("outbox message %d %s: %w", id, what, storage.ErrNotFound)
	}
	return nil
}

// selectFailures reads a case's failed messages through the partial index
// outbox_case_failed_idx.
const selectFailures = `SELECT ` + outboxColumns + `
FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
WHERE o.case_id = ? AND o.status = 'failed'
ORDER BY o.id DESC`

// OutboxFailures lists the permanently failed messages of case caseID,
// newest first (by id), with the case's Thread and CardMessageID; none for
// a case that has none or does not exist.
func (s *Store) OutboxFailures(ctx context.Context, caseID int64) ([]storage.OutboxMessage, error) {
	return outboxFailures(ctx, s.db, caseID)
}

// OutboxFailures is Store.OutboxFailures within the transaction.
func (t *Tx) OutboxFailures(ctx context.Context, caseID int64) ([]storage.OutboxMessage, error) {
	return outboxFailures(ctx, t.tx, caseID)
}

func outboxFailures(ctx context.Context, q queryer, caseID int64) ([]storage.OutboxMessage, error) {
	var rows []outboxRow
	if err := sqlx.SelectContext(ctx, q, &rows, q.Rebind(selectFailures), caseID); err != nil {
		return nil, fmt.Errorf("outbox failures of case %d: %w", caseID, err)
	}
	msgs := make([]storage.OutboxMessage, len(rows))
	for i := range rows {
		msgs[i] = rows[i].toMessage()
	}
	return msgs, nil
}
