package sql

import (
	"context"
	dbsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
	outcome, outcome_amount_minor, outcome_currency, opened_at, updated_at, closed_at, reopened_at)`
	// caseValuesAfterNumber are the placeholders of every column after number.
	caseValuesAfterNumber = `?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?`

	insertCase = insertCaseInto + `
VALUES (?, ?, ` + caseValuesAfterNumber + `)
RETURNING id`

	insertEvent = `INSERT INTO case_events (case_id, at, actor, kind, body, data)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id`

	// insertCaseWithEventPostgres takes the number and inserts the case and
	// its first event in one statement: one round trip instead of three.
	// Its parameters are the prefix, then insertCase's without the number,
	// then insertEvent's without case_id.
	insertCaseWithEventPostgres = `WITH n AS (
` + nextNumber + `
), c AS (
` + insertCaseInto + `
	SELECT ?, n.last, ` + caseValuesAfterNumber + ` FROM n
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
		args := append(append([]any{c.Ref.Prefix, c.Ref.Prefix}, columns...), eventArgs...)
		if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(q), args...).Scan(&id, &number, &eventID); err != nil {
			return fmt.Errorf("create case: %w", err)
		}
	} else {
		if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(nextNumber), c.Ref.Prefix).Scan(&number); err != nil {
			return fmt.Errorf("create case: number: %w", err)
		}
		args := append([]any{c.Ref.Prefix, number}, columns...)
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
	updated_at = ?, closed_at = ?, reopened_at = ?
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
		t.now, timeArg(c.ClosedAt), timeArg(c.ReopenedAt),
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

// insertEvent writes ev for ev.CaseID and fills in its ID.
func (t *Tx) insertEvent(ctx context.Context, ev *storage.Event) error {
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

// encodeMap renders m as a JSON object, "{}" when empty. It returns a
// string, not []byte: lib/pq with binary_parameters would send []byte as
// binary, which PostgreSQL does not accept for jsonb.
func encodeMap(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep <, > and & readable in the database
	if err := enc.Encode(m); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// decodeMap reads a JSON object. It never returns a nil map, so callers
// can add to what they read.
func decodeMap(s string) (map[string]string, error) {
	m := map[string]string{}
	if s == "" || s == "{}" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// moneyArgs splits m into the amount column (NULL for no amount) and the
// currency column.
func moneyArgs(m *storage.Money) (amount any, currency string) {
	if m == nil {
		return nil, ""
	}
	return m.Minor, m.Currency
}

func money(minor dbsql.NullInt64, currency string) *storage.Money {
	if !minor.Valid {
		return nil
	}
	return &storage.Money{Minor: minor.Int64, Currency: currency}
}

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

func nullTime(t dbsql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
