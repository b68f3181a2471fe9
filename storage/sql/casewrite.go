package sql

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/storage"
)

// Opening a case takes the next number of its prefix. On SQLite it comes
// from the prefix's case_numbers row; the upsert locks it until the
// transaction ends, which costs nothing there since SQLite's write
// transactions are serialised at BEGIN. On PostgreSQL it comes from the
// prefix's sequence (next_case_number, migration 00015), which never
// waits for another transaction: opens of one prefix run side by side,
// and a rolled back open leaves a gap. The first case of a prefix is 1001.
const (
	nextNumber = `INSERT INTO case_numbers (prefix, last) VALUES (?, 1001)
ON CONFLICT (prefix) DO UPDATE SET last = case_numbers.last + 1
RETURNING last`

	insertCaseInto = `INSERT INTO cases (prefix, number, playbook, status, fields, amount_minor, currency,
	platform, workspace, channel, thread, card_message_id, opened_by, assignee,
	outcome, outcome_amount_minor, outcome_currency, opened_at, updated_at, closed_at, reopened_at, search)`
	// caseValuesAfterNumber are the placeholders of every column after
	// number but search.
	caseValuesAfterNumber = `?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?`

	insertCase = insertCaseInto + `
VALUES (?, ?, ` + caseValuesAfterNumber + `, ?)
RETURNING id`

	insertEvent = `INSERT INTO case_events (case_id, at, actor, kind, body, data)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id`
)

// UpdateCase saves c's mutable columns (status, fields, amounts, thread,
// card message, assignee, outcome, closed and reopened times) and appends
// ev to its timeline. The case's identity and origin (ref, playbook,
// platform, workspace, channel, opener, opened_at) never change. It sets
// c.UpdatedAt to the transaction's time, fills in ev's IDs, and returns an
// error wrapping storage.ErrNotFound when no case has c.ID. Closing (or
// voiding) retires the case's unmet deadlines and ev's reopening restores
// them (see retireDeadlines).
func (t *Tx) UpdateCase(ctx context.Context, c *storage.Case, ev *storage.Event) error {
	const q = `UPDATE cases SET status = ?, fields = ?, amount_minor = ?, currency = ?,
	thread = ?, card_message_id = ?, assignee = ?,
	outcome = ?, outcome_amount_minor = ?, outcome_currency = ?,
	updated_at = ?, closed_at = ?, reopened_at = ?, search = ? || search_notes
WHERE id = ?`
	c.ClosedAt = utcPtr(c.ClosedAt)
	c.ReopenedAt = utcPtr(c.ReopenedAt)
	fields, err := encodeMap(c.Fields)
	if err != nil {
		return fmt.Errorf("update case %s: fields: %w", c.Ref, err)
	}
	amount, currency := moneyArgs(c.Amount)
	outcomeAmount, outcomeCurrency := moneyArgs(c.OutcomeAmount)
	res, err := t.tx.ExecContext(ctx, t.tx.Rebind(q),
		string(c.Status), fields, amount, currency,
		c.Thread, c.CardMessageID, c.Assignee,
		c.Outcome, outcomeAmount, outcomeCurrency,
		t.now, timeArg(c.ClosedAt), timeArg(c.ReopenedAt), searchText(c),
		c.ID)
	if err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	} else if n == 0 {
		return fmt.Errorf("update case %s (id %d): %w", c.Ref, c.ID, storage.ErrNotFound)
	}
	c.UpdatedAt = t.now
	t.fresh(c.ID)
	ev.CaseID = c.ID
	if err := t.retireDeadlines(ctx, c, ev); err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	}
	if err := t.insertEvent(ctx, ev); err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	}
	return nil
}

// retireDeadlines retires the unmet deadlines of c when it is closed, and
// restores them when ev reopens it, saying which on ev. A retired deadline
// leaves deadlines_unmet_due_idx, so the index (and /case due, and the
// reminders) holds what is still to do, not every closed case's unmet
// deadlines (migration 00015).
func (t *Tx) retireDeadlines(ctx context.Context, c *storage.Case, ev *storage.Event) error {
	const (
		retire = `UPDATE deadlines SET retired_at = ?
WHERE case_id = ? AND met_at IS NULL AND retired_at IS NULL
RETURNING deadline_id`
		restore = `UPDATE deadlines SET retired_at = NULL
WHERE case_id = ? AND retired_at IS NOT NULL
RETURNING deadline_id`
	)
	var (
		ids []string
		key string
		err error
	)
	switch {
	case c.Status == storage.StatusClosed:
		key = storage.DataRetiredDeadlines
		err = t.tx.SelectContext(ctx, &ids, t.tx.Rebind(retire), t.now, c.ID)
	case ev.Kind == storage.EventReopened:
		key = storage.DataRestoredDeadlines
		err = t.tx.SelectContext(ctx, &ids, t.tx.Rebind(restore), c.ID)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("deadlines: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	if ev.Data == nil {
		ev.Data = map[string]string{}
	}
	ev.Data[key] = strings.Join(ids, ",")
	return nil
}

// AppendEvent adds ev to the timeline of case ev.CaseID and sets the case's
// updated_at to the transaction's time. It fills in ev.ID (and ev.At when
// zero) and returns an error wrapping storage.ErrNotFound when the case
// does not exist.
func (t *Tx) AppendEvent(ctx context.Context, ev *storage.Event) error {
	if err := t.appendEvent(ctx, ev); err != nil {
		return fmt.Errorf("append event to case %d: %w", ev.CaseID, err)
	}
	return nil
}

// appendEvent sets the updated_at of case ev.CaseID to the transaction's
// time and writes ev. It returns storage.ErrNotFound, unwrapped, when the
// case does not exist.
func (t *Tx) appendEvent(ctx context.Context, ev *storage.Event) error {
	const touch = `UPDATE cases SET updated_at = ? WHERE id = ?`
	if t.touched[ev.CaseID] {
		return t.insertEvent(ctx, ev)
	}
	res, err := t.tx.ExecContext(ctx, t.tx.Rebind(touch), t.now, ev.CaseID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return storage.ErrNotFound
	}
	t.fresh(ev.CaseID)
	return t.insertEvent(ctx, ev)
}

// insertEvent writes ev for ev.CaseID and fills in its ID; a note's text
// joins the case's search text.
func (t *Tx) insertEvent(ctx context.Context, ev *storage.Event) error {
	if searchedKinds[ev.Kind] {
		if err := t.addSearchNote(ctx, ev.CaseID, ev.Body); err != nil {
			return err
		}
	}
	t.stampEvent(ev)
	data, err := encodeMap(ev.Data)
	if err != nil {
		return fmt.Errorf("event data: %w", err)
	}
	err = t.tx.QueryRowxContext(ctx, t.tx.Rebind(insertEvent), ev.CaseID, ev.At, ev.Actor, string(ev.Kind), ev.Body, data).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return nil
}

// stampEvent gives ev the transaction's time when it has none, and stores
// its time as it will read back.
func (t *Tx) stampEvent(ev *storage.Event) {
	if ev.At.IsZero() {
		ev.At = t.now
	}
	ev.At = utc(ev.At)
}
