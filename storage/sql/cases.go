package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// caseColumns is the column list every read of a case selects, in caseRow's
// order.
const caseColumns = `id, prefix, number, playbook, status, fields, amount_minor, currency,
	platform, workspace, channel, thread, card_message_id, opened_by, assignee,
	outcome, outcome_amount_minor, outcome_currency, opened_at, updated_at, closed_at, reopened_at`

// caseRow is a row of cases as the drivers return it.
type caseRow struct {
	ID                 int64           `db:"id"`
	Prefix             string          `db:"prefix"`
	Number             int64           `db:"number"`
	Playbook           string          `db:"playbook"`
	Status             string          `db:"status"`
	Fields             string          `db:"fields"`
	AmountMinor        dbsql.NullInt64 `db:"amount_minor"`
	Currency           string          `db:"currency"`
	Platform           string          `db:"platform"`
	Workspace          string          `db:"workspace"`
	Channel            string          `db:"channel"`
	Thread             string          `db:"thread"`
	CardMessageID      string          `db:"card_message_id"`
	OpenedBy           string          `db:"opened_by"`
	Assignee           string          `db:"assignee"`
	Outcome            string          `db:"outcome"`
	OutcomeAmountMinor dbsql.NullInt64 `db:"outcome_amount_minor"`
	OutcomeCurrency    string          `db:"outcome_currency"`
	OpenedAt           time.Time       `db:"opened_at"`
	UpdatedAt          time.Time       `db:"updated_at"`
	ClosedAt           dbsql.NullTime  `db:"closed_at"`
	ReopenedAt         dbsql.NullTime  `db:"reopened_at"`
}

func (r *caseRow) toCase() (storage.Case, error) {
	fields, err := decodeMap(r.Fields)
	if err != nil {
		return storage.Case{}, fmt.Errorf("fields of case %s-%d: %w", r.Prefix, r.Number, err)
	}
	return storage.Case{
		ID:            r.ID,
		Ref:           storage.Ref{Prefix: r.Prefix, Number: r.Number},
		Playbook:      r.Playbook,
		Status:        storage.Status(r.Status),
		Fields:        fields,
		Amount:        money(r.AmountMinor, r.Currency),
		Platform:      r.Platform,
		Workspace:     r.Workspace,
		Channel:       r.Channel,
		Thread:        r.Thread,
		CardMessageID: r.CardMessageID,
		OpenedBy:      r.OpenedBy,
		Assignee:      r.Assignee,
		Outcome:       r.Outcome,
		OutcomeAmount: money(r.OutcomeAmountMinor, r.OutcomeCurrency),
		OpenedAt:      r.OpenedAt.UTC(),
		UpdatedAt:     r.UpdatedAt.UTC(),
		ClosedAt:      nullTime(r.ClosedAt),
		ReopenedAt:    nullTime(r.ReopenedAt),
	}, nil
}

// eventRow is a row of case_events as the drivers return it.
type eventRow struct {
	ID     int64     `db:"id"`
	CaseID int64     `db:"case_id"`
	At     time.Time `db:"at"`
	Actor  string    `db:"actor"`
	Kind   string    `db:"kind"`
	Body   string    `db:"body"`
	Data   string    `db:"data"`
}

// selectCaseByRef reads a case by its reference, an index read of
// cases_prefix_number_key; the scope's condition follows.
const selectCaseByRef = `SELECT ` + caseColumns + ` FROM cases WHERE prefix = ? AND number = ?`

// Case returns the case with ref within scope, or an error wrapping
// storage.ErrNotFound (also for a case outside scope).
func (s *Store) Case(ctx context.Context, scope storage.Scope, ref storage.Ref) (storage.Case, error) {
	cond, args, err := scopeWhere(scope, "")
	if err != nil {
		return storage.Case{}, fmt.Errorf("case %s: %w", ref, err)
	}
	var r caseRow
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(selectCaseByRef+cond), append([]any{ref.Prefix, ref.Number}, args...)...); err != nil {
		return storage.Case{}, caseErr(ref, err)
	}
	return r.toCase()
}

// selectCaseByThread finds a case by thread or card message: two index
// reads (cases_thread_idx, cases_card_message_idx), OR-ed, then the
// workspace's condition.
const selectCaseByThread = `SELECT ` + caseColumns + ` FROM cases
WHERE platform = ? AND channel = ? AND (thread = ? OR card_message_id = ?) AND workspace = ?
ORDER BY CASE WHEN card_message_id = ? THEN 0 ELSE 1 END, id DESC
LIMIT 1`

// CaseByThread returns the case in channel of scope's workspace whose
// thread or card message is thread, or an error wrapping
// storage.ErrNotFound. When several match (a case opened from inside
// another's thread), the case whose card the thread hangs on wins, then
// the newest. An empty thread matches nothing, and a case in a channel
// outside scope.Channels is not found. An All scope is an error: a thread
// belongs to one platform's workspace.
func (s *Store) CaseByThread(ctx context.Context, scope storage.Scope, channel, thread string) (storage.Case, error) {
	what := fmt.Sprintf("case of thread %q in %s/%s/%s", thread, scope.Platform, scope.Workspace, channel)
	if scope.All || scope.Platform == "" {
		return storage.Case{}, fmt.Errorf("%s: a thread is looked up in one platform's workspace", what)
	}
	if thread == "" || !scope.Contains(storage.Case{Platform: scope.Platform, Workspace: scope.Workspace, Channel: channel}) {
		return storage.Case{}, fmt.Errorf("%s: %w", what, storage.ErrNotFound)
	}
	var r caseRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(selectCaseByThread), scope.Platform, channel, thread, thread, scope.Workspace, thread)
	switch {
	case errors.Is(err, dbsql.ErrNoRows):
		return storage.Case{}, fmt.Errorf("%s: %w", what, storage.ErrNotFound)
	case err != nil:
		return storage.Case{}, fmt.Errorf("%s: %w", what, err)
	}
	return r.toCase()
}

// Cases lists the cases matching f, newest first (by opened_at, then id).
// Zero fields of f match everything; a Limit of 0 means no limit.
func (s *Store) Cases(ctx context.Context, f storage.CaseFilter) ([]storage.Case, error) {
	const (
		// 1 = 1 lets every condition, the scope's first, start with AND.
		selectCases = `SELECT ` + caseColumns + ` FROM cases WHERE 1 = 1`
		byStatus    = ` AND status = ?`
		// Mine: assigned to me, or opened by me and assigned to no one.
		byMine  = ` AND (assignee = ? OR (assignee = '' AND opened_by = ?))`
		newest  = ` ORDER BY opened_at DESC, id DESC`
		limited = ` LIMIT ?`
	)
	cond, args, err := scopeWhere(f.Scope, "")
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	q := selectCases + cond
	if f.Status != "" {
		q += byStatus
		args = append(args, string(f.Status))
	}
	if f.Mine != "" {
		q += byMine
		args = append(args, f.Mine, f.Mine)
	}
	q += newest
	if f.Limit > 0 {
		q += limited
		args = append(args, f.Limit)
	}
	cases, err := s.selectCases(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return cases, nil
}

// selectCases runs q, a SELECT of caseColumns, and reads the cases.
func (s *Store) selectCases(ctx context.Context, q string, args ...any) ([]storage.Case, error) {
	var rows []caseRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, err
	}
	cases := make([]storage.Case, 0, len(rows))
	for i := range rows {
		c, err := rows[i].toCase()
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// Timeline returns the events of case caseID, oldest first (by time, then
// id). It returns an error wrapping storage.ErrNotFound when the case does
// not exist.
func (s *Store) Timeline(ctx context.Context, caseID int64) ([]storage.Event, error) {
	const (
		q = `SELECT id, case_id, at, actor, kind, body, data FROM case_events
WHERE case_id = ? ORDER BY at, id`
		// Every case has its opened event, so this runs only for a case
		// that does not exist.
		exists = `SELECT COUNT(*) FROM cases WHERE id = ?`
	)
	var rows []eventRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), caseID); err != nil {
		return nil, fmt.Errorf("timeline of case %d: %w", caseID, err)
	}
	if len(rows) == 0 {
		var n int
		if err := s.db.GetContext(ctx, &n, s.db.Rebind(exists), caseID); err != nil {
			return nil, fmt.Errorf("timeline of case %d: %w", caseID, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("timeline of case %d: %w", caseID, storage.ErrNotFound)
		}
	}
	events := make([]storage.Event, 0, len(rows))
	for _, r := range rows {
		data, err := decodeMap(r.Data)
		if err != nil {
			return nil, fmt.Errorf("timeline of case %d: data of event %d: %w", caseID, r.ID, err)
		}
		events = append(events, storage.Event{
			ID:     r.ID,
			CaseID: r.CaseID,
			At:     r.At.UTC(),
			Actor:  r.Actor,
			Kind:   storage.EventKind(r.Kind),
			Body:   r.Body,
			Data:   data,
		})
	}
	return events, nil
}

// CaseForUpdate returns the case with ref within scope, locked against
// other writers until the transaction ends, or an error wrapping
// storage.ErrNotFound (also for a case outside scope).
func (t *Tx) CaseForUpdate(ctx context.Context, scope storage.Scope, ref storage.Ref) (storage.Case, error) {
	cond, args, err := scopeWhere(scope, "")
	if err != nil {
		return storage.Case{}, fmt.Errorf("case %s: %w", ref, err)
	}
	var r caseRow
	q := t.tx.Rebind(selectCaseByRef + cond + t.d.lockSuffix)
	if err := t.tx.GetContext(ctx, &r, q, append([]any{ref.Prefix, ref.Number}, args...)...); err != nil {
		return storage.Case{}, caseErr(ref, err)
	}
	return r.toCase()
}

// caseErr wraps a failed read of one case, turning no row into
// storage.ErrNotFound.
func caseErr(ref storage.Ref, err error) error {
	if errors.Is(err, dbsql.ErrNoRows) {
		return fmt.Errorf("case %s: %w", ref, storage.ErrNotFound)
	}
	return fmt.Errorf("case %s: %w", ref, err)
}

func validPrefix(p string) bool {
	if p == "" {
		return false
	}
	for _, c := range p {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
