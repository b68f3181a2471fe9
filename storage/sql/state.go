package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/storage"
)

// The playbook engine's state of a case: case_steps, case_checks,
// case_evidence and deadlines (migration 00002). Every write goes with a
// timeline event, and nothing is deleted: a step done then skipped is one
// row, updated; an unticked item is a row with checked false.

// stepRow is a row of case_steps as the drivers return it.
type stepRow struct {
	CaseID int64     `db:"case_id"`
	StepID string    `db:"step_id"`
	Status string    `db:"status"`
	Actor  string    `db:"actor"`
	At     time.Time `db:"at"`
	Note   string    `db:"note"`
}

// checkRow is a row of case_checks as the drivers return it. SQLite returns
// checked as 0 or 1, which database/sql scans into a bool.
type checkRow struct {
	CaseID  int64     `db:"case_id"`
	StepID  string    `db:"step_id"`
	Item    int       `db:"item"`
	Checked bool      `db:"checked"`
	Actor   string    `db:"actor"`
	At      time.Time `db:"at"`
}

// evidenceRow is a row of case_evidence as the drivers return it.
type evidenceRow struct {
	ID     int64     `db:"id"`
	CaseID int64     `db:"case_id"`
	Kind   string    `db:"kind"`
	Ref    string    `db:"ref"`
	Note   string    `db:"note"`
	Actor  string    `db:"actor"`
	At     time.Time `db:"at"`
}

// deadlineRow is a row of deadlines as the drivers return it.
type deadlineRow struct {
	CaseID     int64          `db:"case_id"`
	DeadlineID string         `db:"deadline_id"`
	Title      string         `db:"title"`
	Due        time.Time      `db:"due"`
	Rule       string         `db:"rule"`
	Basis      string         `db:"basis"`
	Source     string         `db:"source"`
	MetAt      dbsql.NullTime `db:"met_at"`
	RetiredAt  dbsql.NullTime `db:"retired_at"`
}

func (r *deadlineRow) toDeadline() storage.Deadline {
	return storage.Deadline{
		CaseID: r.CaseID,
		ID:     r.DeadlineID,
		Title:  r.Title,
		Due:    r.Due.UTC(),
		Rule:   r.Rule,
		Basis:  r.Basis,
		Source: r.Source,
		MetAt:  nullTime(r.MetAt),

		RetiredAt: nullTime(r.RetiredAt),
	}
}

// dueDeadlineRow is a deadline joined with the case columns a reminder
// needs.
type dueDeadlineRow struct {
	deadlineRow
	Prefix    string    `db:"prefix"`
	Number    int64     `db:"number"`
	Playbook  string    `db:"playbook"`
	Assignee  string    `db:"assignee"`
	OpenedBy  string    `db:"opened_by"`
	Platform  string    `db:"platform"`
	Workspace string    `db:"workspace"`
	Channel   string    `db:"channel"`
	CaseZone  string    `db:"case_zone"` // its timezone field, by PostgreSQL's and SQLite's ->> alike
	OpenedAt  time.Time `db:"opened_at"`
	// The case's amount: the money at stake.
	AmountMinor dbsql.NullInt64 `db:"amount_minor"`
	Currency    string          `db:"currency"`
}

// State returns the steps, checklist ticks, evidence and deadlines of case
// caseID, each list in the order storage.Store.State gives, read from one
// snapshot of the database. It returns an error wrapping
// storage.ErrNotFound when the case does not exist.
func (s *Store) State(ctx context.Context, caseID int64) (storage.CaseState, error) {
	tx, err := s.db.BeginTxx(ctx, &s.d.snapshot)
	if err != nil {
		return storage.CaseState{}, fmt.Errorf("state of case %d: begin: %w", caseID, err)
	}
	defer tx.Rollback()
	st, err := readState(ctx, tx, caseID)
	if err != nil {
		return storage.CaseState{}, err
	}
	if err := tx.Commit(); err != nil {
		return storage.CaseState{}, fmt.Errorf("state of case %d: commit: %w", caseID, err)
	}
	return st, nil
}

// State returns the state of case caseID as the transaction sees it,
// including its own writes, or an error wrapping storage.ErrNotFound.
func (t *Tx) State(ctx context.Context, caseID int64) (storage.CaseState, error) {
	return readState(ctx, t.tx, caseID)
}

// The reads of readState, each by case_id through its table's primary key
// or index (plans_test.go checks they stay so).
const (
	selectSteps = `SELECT case_id, step_id, status, actor, at, note FROM case_steps
WHERE case_id = ? ORDER BY at, step_id`
	selectChecks = `SELECT case_id, step_id, item, checked, actor, at FROM case_checks
WHERE case_id = ? ORDER BY step_id, item`
	selectEvidence = `SELECT id, case_id, kind, ref, note, actor, at FROM case_evidence
WHERE case_id = ? ORDER BY at, id`
	selectDeadlines = `SELECT case_id, deadline_id, title, due, rule, basis, source, met_at, retired_at FROM deadlines
WHERE case_id = ? ORDER BY due, deadline_id`
)

// readState reads the state of case caseID in tx.
func readState(ctx context.Context, tx *sqlx.Tx, caseID int64) (storage.CaseState, error) {
	// A case with no state at all may not exist.
	const exists = `SELECT COUNT(*) FROM cases WHERE id = ?`
	var (
		steps     []stepRow
		checks    []checkRow
		evidence  []evidenceRow
		deadlines []deadlineRow
		links     []linkRow
	)
	for _, r := range []struct {
		dest any
		q    string
	}{
		{&steps, selectSteps},
		{&checks, selectChecks},
		{&evidence, selectEvidence},
		{&deadlines, selectDeadlines},
		{&links, selectLinks},
	} {
		if err := tx.SelectContext(ctx, r.dest, tx.Rebind(r.q), caseID); err != nil {
			return storage.CaseState{}, fmt.Errorf("state of case %d: %w", caseID, err)
		}
	}
	if len(steps)+len(checks)+len(evidence)+len(deadlines)+len(links) == 0 {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(exists), caseID); err != nil {
			return storage.CaseState{}, fmt.Errorf("state of case %d: %w", caseID, err)
		}
		if n == 0 {
			return storage.CaseState{}, fmt.Errorf("state of case %d: %w", caseID, storage.ErrNotFound)
		}
	}

	st := storage.CaseState{
		Steps:     make([]storage.StepState, 0, len(steps)),
		Checks:    make([]storage.Check, 0, len(checks)),
		Evidence:  make([]storage.Evidence, 0, len(evidence)),
		Deadlines: make([]storage.Deadline, 0, len(deadlines)),
	}
	for _, r := range steps {
		if r.Status == string(storage.StepPending) {
			continue // undone: the step reads as one never finished
		}
		st.Steps = append(st.Steps, storage.StepState{
			CaseID: r.CaseID,
			StepID: r.StepID,
			Status: storage.StepStatus(r.Status),
			By:     r.Actor,
			At:     r.At.UTC(),
			Note:   r.Note,
		})
	}
	for _, r := range checks {
		st.Checks = append(st.Checks, storage.Check{
			CaseID:  r.CaseID,
			StepID:  r.StepID,
			Item:    r.Item,
			Checked: r.Checked,
			By:      r.Actor,
			At:      r.At.UTC(),
		})
	}
	for _, r := range evidence {
		st.Evidence = append(st.Evidence, storage.Evidence{
			ID:     r.ID,
			CaseID: r.CaseID,
			Kind:   r.Kind,
			Ref:    r.Ref,
			Note:   r.Note,
			By:     r.Actor,
			At:     r.At.UTC(),
		})
	}
	for i := range deadlines {
		st.Deadlines = append(st.Deadlines, deadlines[i].toDeadline())
	}
	for _, r := range links {
		st.Links = append(st.Links, r.toLink())
	}
	return st, nil
}

// Deadlines lists the unmet, unretired deadlines of open cases within
// f.Scope matching f, soonest first, then by case and deadline id. A zero f.Before means no
// bound, a zero f.Limit no limit. The list is a scan of the partial index
// deadlines_unmet_due_idx, joined to each deadline's case.
func (s *Store) Deadlines(ctx context.Context, f storage.DeadlineFilter) ([]storage.DueDeadline, error) {
	q, args, err := deadlinesQuery(f)
	if err != nil {
		return nil, fmt.Errorf("list deadlines: %w", err)
	}
	var rows []dueDeadlineRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list deadlines: %w", err)
	}
	list := make([]storage.DueDeadline, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		list = append(list, storage.DueDeadline{
			Deadline:  r.toDeadline(),
			Ref:       storage.Ref{Prefix: r.Prefix, Number: r.Number},
			Playbook:  r.Playbook,
			Assignee:  r.Assignee,
			OpenedBy:  r.OpenedBy,
			Platform:  r.Platform,
			Workspace: r.Workspace,
			Channel:   r.Channel,
			CaseZone:  r.CaseZone,
			OpenedAt:  r.OpenedAt.UTC(),
			Amount:    money(r.AmountMinor, r.Currency),
		})
	}
	return list, nil
}

// deadlinesQuery builds the query of Deadlines for f, with ? placeholders,
// and its arguments.
func deadlinesQuery(f storage.DeadlineFilter) (string, []any, error) {
	const (
		// The met_at and retired_at conditions are the predicate of
		// deadlines_unmet_due_idx, and the order is its columns'. The
		// index holds the open cases' deadlines only (closing retires
		// them), so its size follows the open cases, not the history.
		selectDue = `SELECT d.case_id, d.deadline_id, d.title, d.due, d.rule, d.basis, d.source, d.met_at, d.retired_at,
	c.prefix, c.number, c.playbook, c.assignee, c.opened_by, c.platform, c.workspace, c.channel, c.amount_minor, c.currency,
	COALESCE(c.fields->>'timezone', '') AS case_zone, c.opened_at
FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE d.met_at IS NULL AND d.retired_at IS NULL AND c.status = ?`
		before = ` AND d.due < ?`
		// Mine, as in Cases: assigned to me, or opened by me and assigned
		// to no one.
		byMine  = ` AND (c.assignee = ? OR (c.assignee = '' AND c.opened_by = ?))`
		soonest = ` ORDER BY d.due, d.case_id, d.deadline_id`
		limited = ` LIMIT ?`
	)
	var q strings.Builder
	q.WriteString(selectDue)
	cond, scopeArgs, err := scopeWhere(f.Scope, "c")
	if err != nil {
		return "", nil, err
	}
	q.WriteString(cond)
	args := append([]any{string(storage.StatusOpen)}, scopeArgs...)
	if !f.Before.IsZero() {
		q.WriteString(before)
		args = append(args, utc(f.Before))
	}
	if f.Mine != "" {
		q.WriteString(byMine)
		args = append(args, f.Mine, f.Mine)
	}
	q.WriteString(soonest)
	if f.Limit > 0 {
		q.WriteString(limited)
		args = append(args, f.Limit)
	}
	return q.String(), args, nil
}

// SetStep records step s.StepID of case s.CaseID as done, skipped or
// pending again (an undo, which State then leaves out), replacing what was recorded for it, and appends ev to the case's
// timeline, touching the case (an ev without a kind gets
// storage.EventStep). A zero s.At becomes the transaction's time. It
// returns an error wrapping storage.ErrNotFound when the case does not
// exist.
func (t *Tx) SetStep(ctx context.Context, s storage.StepState, ev *storage.Event) error {
	const q = `INSERT INTO case_steps (case_id, step_id, status, actor, at, note)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (case_id, step_id) DO UPDATE SET
	status = excluded.status, actor = excluded.actor, at = excluded.at, note = excluded.note`
	switch {
	case s.StepID == "":
		return fmt.Errorf("set step of case %d: no step id", s.CaseID)
	case s.Status != storage.StepDone && s.Status != storage.StepSkipped && s.Status != storage.StepPending:
		return fmt.Errorf("set step %s of case %d: status %q is not %s, %s or %s", s.StepID, s.CaseID, s.Status, storage.StepDone, storage.StepSkipped, storage.StepPending)
	}
	if err := t.appendFor(ctx, s.CaseID, storage.EventStep, ev); err != nil {
		return fmt.Errorf("set step %s of case %d: %w", s.StepID, s.CaseID, err)
	}
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), s.CaseID, s.StepID, string(s.Status), s.By, t.orNow(s.At), s.Note); err != nil {
		return fmt.Errorf("set step %s of case %d: %w", s.StepID, s.CaseID, err)
	}
	return nil
}

// SetCheck records item c.Item of step c.StepID's checklist as checked or
// unchecked, replacing what was recorded for it, and appends ev to the
// case's timeline, touching the case (an ev without a kind gets
// storage.EventCheck). Unchecking keeps the row, with checked false, and
// who did it when. A zero c.At becomes the transaction's time. It returns
// an error wrapping storage.ErrNotFound when the case does not exist.
func (t *Tx) SetCheck(ctx context.Context, c storage.Check, ev *storage.Event) error {
	const q = `INSERT INTO case_checks (case_id, step_id, item, checked, actor, at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (case_id, step_id, item) DO UPDATE SET
	checked = excluded.checked, actor = excluded.actor, at = excluded.at`
	switch {
	case c.StepID == "":
		return fmt.Errorf("set check of case %d: no step id", c.CaseID)
	case c.Item < 1:
		return fmt.Errorf("set check %s/%d of case %d: items count from 1", c.StepID, c.Item, c.CaseID)
	}
	if err := t.appendFor(ctx, c.CaseID, storage.EventCheck, ev); err != nil {
		return fmt.Errorf("set check %s/%d of case %d: %w", c.StepID, c.Item, c.CaseID, err)
	}
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), c.CaseID, c.StepID, c.Item, c.Checked, c.By, t.orNow(c.At)); err != nil {
		return fmt.Errorf("set check %s/%d of case %d: %w", c.StepID, c.Item, c.CaseID, err)
	}
	return nil
}

// AddEvidence adds e to case e.CaseID and appends ev to the case's
// timeline, touching the case (an ev without a kind gets
// storage.EventEvidence). It fills in e.ID, gives e the transaction's
// time when e.At is zero, and rewrites e.At as stored. It returns an error
// wrapping storage.ErrNotFound when the case does not exist.
func (t *Tx) AddEvidence(ctx context.Context, e *storage.Evidence, ev *storage.Event) error {
	const q = `INSERT INTO case_evidence (case_id, kind, ref, note, actor, at)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id`
	if e == nil {
		return errors.New("add evidence: no evidence")
	}
	if err := t.appendFor(ctx, e.CaseID, storage.EventEvidence, ev); err != nil {
		return fmt.Errorf("add evidence to case %d: %w", e.CaseID, err)
	}
	at := t.orNow(e.At)
	var id int64
	if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(q), e.CaseID, e.Kind, e.Ref, e.Note, e.By, at).Scan(&id); err != nil {
		return fmt.Errorf("add evidence to case %d: %w", e.CaseID, err)
	}
	e.ID, e.At = id, at
	if err := t.addSearchNote(ctx, e.CaseID, e.Ref+" "+e.Note); err != nil {
		return fmt.Errorf("add evidence to case %d: %w", e.CaseID, err)
	}
	return nil
}

// SetDeadlines saves each of ds as a deadline of case caseID, replacing
// the one with the same ID (title, due, rule, basis, source and met_at
// all; an unmet one of a closed case is retired), in one statement, and appends
// ev to the case's timeline, touching the case (an ev without a kind gets
// storage.EventDeadline), even when ds is empty. Of deadlines sharing an
// ID the last wins. The case's deadlines not in ds are left alone. Each
// deadline needs an ID and a due time; its CaseID is caseID or zero. It
// returns an error wrapping storage.ErrNotFound when the case does not
// exist.
func (t *Tx) SetDeadlines(ctx context.Context, caseID int64, ds []storage.Deadline, ev *storage.Event) error {
	const (
		insert = `INSERT INTO deadlines (case_id, deadline_id, title, due, rule, basis, source, met_at, retired_at) VALUES `
		// An unmet deadline of a closed case is retired when it was
		// closed, as UpdateCase retires them, so that it stays out of
		// deadlines_unmet_due_idx; a met one, or one of an open case, is
		// not.
		unmetRow = `(?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(closed_at, updated_at) FROM cases WHERE id = ? AND status = 'closed'))`
		metRow   = `(?, ?, ?, ?, ?, ?, ?, ?, NULL)`
		upsert   = `
ON CONFLICT (case_id, deadline_id) DO UPDATE SET
	title = excluded.title, due = excluded.due, rule = excluded.rule,
	basis = excluded.basis, source = excluded.source, met_at = excluded.met_at, retired_at = excluded.retired_at`
	)
	if err := checkDeadlines(caseID, ds); err != nil {
		return fmt.Errorf("set deadlines of case %d: %w", caseID, err)
	}
	if err := t.appendFor(ctx, caseID, storage.EventDeadline, ev); err != nil {
		return fmt.Errorf("set deadlines of case %d: %w", caseID, err)
	}
	ds = lastOfEach(ds)
	if len(ds) == 0 {
		return nil
	}
	args := make([]any, 0, 9*len(ds))
	values := make([]string, 0, len(ds))
	for _, d := range ds {
		args = append(args, caseID, d.ID, d.Title, utc(d.Due), d.Rule, d.Basis, d.Source, timeArg(utcPtr(d.MetAt)))
		if d.MetAt != nil {
			values = append(values, metRow)
		} else {
			values = append(values, unmetRow)
			args = append(args, caseID)
		}
	}
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(insert+strings.Join(values, ", ")+upsert), args...); err != nil {
		return fmt.Errorf("set deadlines of case %d: %w", caseID, err)
	}
	return nil
}

// appendFor appends ev, the event that explains a change of the state of
// case caseID, to that case's timeline and touches the case, as
// AppendEvent does. It sets ev.CaseID (which must be zero or caseID) and
// gives an event without a kind the kind of the change. It returns
// storage.ErrNotFound when the case does not exist.
func (t *Tx) appendFor(ctx context.Context, caseID int64, kind storage.EventKind, ev *storage.Event) error {
	switch {
	case ev == nil:
		return errors.New("no timeline event")
	case ev.CaseID != 0 && ev.CaseID != caseID:
		return fmt.Errorf("timeline event is for case %d", ev.CaseID)
	}
	ev.CaseID = caseID
	if ev.Kind == "" {
		ev.Kind = kind
	}
	return t.appendEvent(ctx, ev)
}

// orNow is at as stored, or the transaction's time when at is zero.
func (t *Tx) orNow(at time.Time) time.Time {
	if at.IsZero() {
		return t.now
	}
	return utc(at)
}
