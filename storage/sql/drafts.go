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

// SaveDraft stores d as its case's next draft number, with its timeline
// event ev (kind storage.EventDraft when ev has none). The case's row is
// locked first, so that two drafts of one case never take one number.
func (t *Tx) SaveDraft(ctx context.Context, d *storage.DraftRecord, ev *storage.Event) error {
	const (
		lockCase = `SELECT id FROM cases WHERE id = ?`
		q        = `INSERT INTO drafts (case_id, number, language, tone, body, source, customer_message, actor, at)
SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM drafts WHERE case_id = ?
RETURNING id, number`
	)
	if d == nil || d.Body == "" {
		return errors.New("save draft: no draft text")
	}
	if err := t.appendFor(ctx, d.CaseID, storage.EventDraft, ev); err != nil {
		return fmt.Errorf("save draft of case %d: %w", d.CaseID, err)
	}
	var id int64
	if err := t.tx.GetContext(ctx, &id, t.tx.Rebind(lockCase+t.d.lockSuffix), d.CaseID); err != nil {
		return fmt.Errorf("save draft of case %d: %w", d.CaseID, err)
	}
	d.At = t.orNow(d.At)
	err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(q), d.CaseID, d.Language, d.Tone, d.Body, d.Source, d.CustomerMessage, d.By, d.At, d.CaseID).Scan(&d.ID, &d.Number)
	if err != nil {
		return fmt.Errorf("save draft of case %d: %w", d.CaseID, err)
	}
	return nil
}

// ApproveDraft records who approved draft d.ID, when, and the text as
// approved, with its timeline event ev (kind storage.EventApproved when ev
// has none).
func (t *Tx) ApproveDraft(ctx context.Context, d *storage.DraftRecord, ev *storage.Event) error {
	const q = `UPDATE drafts SET body = ?, approved_by = ?, approved_at = ? WHERE id = ? AND case_id = ?`
	if d == nil || d.Body == "" {
		return errors.New("approve draft: no draft text")
	}
	at := t.orNow(ptrTime(d.ApprovedAt))
	res, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), d.Body, d.ApprovedBy, at, d.ID, d.CaseID)
	if err != nil {
		return fmt.Errorf("approve draft %d: %w", d.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("approve draft %d of case %d: %w", d.ID, d.CaseID, errors.Join(err, storage.ErrNotFound))
	}
	if err := t.appendFor(ctx, d.CaseID, storage.EventApproved, ev); err != nil {
		return fmt.Errorf("approve draft %d: %w", d.ID, err)
	}
	d.ApprovedAt = &at
	return nil
}

// Draft returns draft number of case caseID, or ErrNotFound.
func (s *Store) Draft(ctx context.Context, caseID, number int64) (storage.DraftRecord, error) {
	return draft(ctx, s.db, caseID, number)
}

// Draft returns draft number of case caseID, or ErrNotFound.
func (t *Tx) Draft(ctx context.Context, caseID, number int64) (storage.DraftRecord, error) {
	return draft(ctx, t.tx, caseID, number)
}

func draft(ctx context.Context, db queryer, caseID, number int64) (storage.DraftRecord, error) {
	const q = `SELECT id, case_id, number, language, tone, body, source, customer_message, actor, at, approved_by, approved_at
FROM drafts WHERE number = ? AND case_id = ?`
	var r struct {
		ID              int64          `db:"id"`
		Number          int64          `db:"number"`
		CaseID          int64          `db:"case_id"`
		Language        string         `db:"language"`
		Tone            string         `db:"tone"`
		Body            string         `db:"body"`
		Source          string         `db:"source"`
		CustomerMessage string         `db:"customer_message"`
		Actor           string         `db:"actor"`
		At              time.Time      `db:"at"`
		ApprovedBy      string         `db:"approved_by"`
		ApprovedAt      dbsql.NullTime `db:"approved_at"`
	}
	if err := sqlx.GetContext(ctx, db, &r, db.Rebind(q), number, caseID); err != nil {
		if errors.Is(err, dbsql.ErrNoRows) {
			return storage.DraftRecord{}, fmt.Errorf("draft %d of case %d: %w", number, caseID, storage.ErrNotFound)
		}
		return storage.DraftRecord{}, fmt.Errorf("draft %d of case %d: %w", number, caseID, err)
	}
	return storage.DraftRecord{ID: r.ID, CaseID: r.CaseID, Number: r.Number, Language: r.Language, Tone: r.Tone, Body: r.Body, Source: r.Source,
		CustomerMessage: r.CustomerMessage, By: r.Actor, At: r.At.UTC(), ApprovedBy: r.ApprovedBy, ApprovedAt: nullTime(r.ApprovedAt)}, nil
}

func ptrTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
