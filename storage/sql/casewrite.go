package sql

import (
	"context"
	"fmt"

	"github.com/disputedesk/disputedesk/storage"
)

// Opening a case takes the next number of its prefix from case_numbers.
// The upsert locks that row until the transaction ends, so concurrent opens
// of one prefix queue instead of racing for the same number. The first case
// of a prefix is 1001.
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

	// insertCaseWithEventPostgres takes the number and inserts the case and
	// its first event in one statement: one round trip instead of three.
	// Its parameters are the prefix, then insertCase's without the number
	// and with the search text in two, before and after the number (which
	// the statement takes), then insertEvent's without case_id.
	insertCaseWithEventPostgres = `WITH n AS (
` + nextNumber + `
), c AS (
` + insertCaseInto + `
	SELECT ?, n.last, ` + caseValuesAfterNumber + `,
		CAST(? AS TEXT) || CAST(n.last AS TEXT) || CAST(? AS TEXT) FROM n
	RETURNING id, number
), e AS (
	INSERT INTO case_events (case_id, at, actor, kind, body, data)
	VALUES ((SELECT id FROM c), ?, ?, ?, ?, ?)
	RETURNING id
)
SELECT c.id, c.number, e.id FROM c, e`
)

// CreateCase numbers c within its prefix, inserts it with ev as its first
// event, and fills in c.ID, c.Ref.Number, ev.ID and ev.CaseID. c.Ref.Prefix
// must be upper-case letters (as storage.ParseRef produces). An empty
// c.Status becomes storage.StatusOpen; a zero c.OpenedAt or ev.At becomes
// the transaction's time. c.UpdatedAt is set to it, and every time in c and
// ev is rewritten as stored (UTC, microseconds).
func (t *Tx) CreateCase(ctx context.Context, c *storage.Case, ev *storage.Event) error {
	if !validPrefix(c.Ref.Prefix) {
		return fmt.Errorf("create case: prefix %q is not upper-case letters", c.Ref.Prefix)
	}
	if c.Status == "" {
		c.Status = storage.StatusOpen
	}
	if c.OpenedAt.IsZero() {
		c.OpenedAt = t.now
	}
	c.OpenedAt = utc(c.OpenedAt)
	c.UpdatedAt = t.now
	c.ClosedAt = utcPtr(c.ClosedAt)
	c.ReopenedAt = utcPtr(c.ReopenedAt)
	fields, err := encodeMap(c.Fields)
	if err != nil {
		return fmt.Errorf("create case: fields: %w", err)
	}
	t.stampEvent(ev)
	data, err := encodeMap(ev.Data)
	if err != nil {
		return fmt.Errorf("create case: event data: %w", err)
	}
	amount, currency := moneyArgs(c.Amount)
	outcomeAmount, outcomeCurrency := moneyArgs(c.OutcomeAmount)
	columns := []any{ // every column after number
		c.Playbook, string(c.Status), fields, amount, currency,
		c.Platform, c.Workspace, c.Channel, c.Thread, c.CardMessageID, c.OpenedBy, c.Assignee,
		c.Outcome, outcomeAmount, outcomeCurrency, c.OpenedAt, c.UpdatedAt, timeArg(c.ClosedAt), timeArg(c.ReopenedAt),
	}
	eventArgs := []any{ev.At, ev.Actor, string(ev.Kind), ev.Body, data}

	var id, number, eventID int64
	if q := t.d.insertCaseWithEvent; q != "" {
		head, tail := searchParts(c)
		args := append(append([]any{c.Ref.Prefix, c.Ref.Prefix}, columns...), head, tail)
		args = append(args, eventArgs...)
		if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(q), args...).Scan(&id, &number, &eventID); err != nil {
			return fmt.Errorf("create case: %w", err)
		}
	} else {
		if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(nextNumber), c.Ref.Prefix).Scan(&number); err != nil {
			return fmt.Errorf("create case: number: %w", err)
		}
		c.Ref.Number = number
		args := append(append([]any{c.Ref.Prefix, number}, columns...), searchText(c))
		if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(insertCase), args...).Scan(&id); err != nil {
			return fmt.Errorf("create case: %w", err)
		}
		err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(insertEvent), append([]any{id}, eventArgs...)...).Scan(&eventID)
		if err != nil {
			return fmt.Errorf("create case: first event: %w", err)
		}
	}
	c.ID, c.Ref.Number = id, number
	ev.ID, ev.CaseID = eventID, id
	return nil
}

// UpdateCase saves c's mutable columns (status, fields, amounts, thread,
// card message, assignee, outcome, closed and reopened times) and appends
// ev to its timeline. The case's identity and origin (ref, playbook,
// platform, workspace, channel, opener, opened_at) never change. It sets
// c.UpdatedAt to the transaction's time, fills in ev's IDs, and returns an
// error wrapping storage.ErrNotFound when no case has c.ID.
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
	ev.CaseID = c.ID
	if err := t.insertEvent(ctx, ev); err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	}
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
	res, err := t.tx.ExecContext(ctx, t.tx.Rebind(touch), t.now, ev.CaseID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return storage.ErrNotFound
	}
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
