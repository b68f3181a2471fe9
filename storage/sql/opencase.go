package sql

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/storage"
)

// CreateCase numbers c within its prefix, inserts it with ev as its first
// event, and fills in c.ID, c.Ref.Number, ev.ID and ev.CaseID. It is
// OpenCase without deadlines.
func (t *Tx) CreateCase(ctx context.Context, c *storage.Case, ev *storage.Event) error {
	return t.OpenCase(ctx, c, ev, nil, nil)
}

// OpenCase numbers c within its prefix, inserts it with ev as its first
// event and, when dev is not nil, ds as its deadlines with dev as the
// event that explains them (SetDeadlines' event), and fills in c.ID,
// c.Ref.Number and the events' IDs and CaseIDs. On PostgreSQL that is one
// statement. c.Ref.Prefix must be upper-case letters (as storage.ParseRef
// produces). An empty c.Status becomes storage.StatusOpen; a zero
// c.OpenedAt or event At becomes the transaction's time. c.UpdatedAt is
// set to it, and every time in c, the events and ds is rewritten as
// stored (UTC, microseconds). Each deadline needs an ID and a due time.
func (t *Tx) OpenCase(ctx context.Context, c *storage.Case, ev *storage.Event, ds []storage.Deadline, dev *storage.Event) error {
	if !validPrefix(c.Ref.Prefix) {
		return fmt.Errorf("create case: prefix %q is not upper-case letters", c.Ref.Prefix)
	}
	if dev == nil && len(ds) > 0 {
		return errors.New("create case: deadlines without their timeline event")
	}
	ds = lastOfEach(ds)
	if err := checkDeadlines(0, ds); err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	if c.Status == "" {
		c.Status = storage.StatusOpen
	}
	if c.Status == storage.StatusClosed && dev != nil {
		// A case created closed (an import) has its unmet deadlines
		// retired, which SetDeadlines does.
		if err := t.OpenCase(ctx, c, ev, nil, nil); err != nil {
			return err
		}
		if err := t.SetDeadlines(ctx, c.ID, ds, dev); err != nil {
			return fmt.Errorf("create case: %w", err)
		}
		return nil
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
	events := []*storage.Event{ev}
	if dev != nil {
		if dev.Kind == "" {
			dev.Kind = storage.EventDeadline
		}
		events = append(events, dev)
	}
	var eventArgs []any
	for _, e := range events {
		t.stampEvent(e)
		data, err := encodeMap(e.Data)
		if err != nil {
			return fmt.Errorf("create case: event data: %w", err)
		}
		eventArgs = append(eventArgs, e.At, e.Actor, string(e.Kind), e.Body, data)
	}
	var deadlineArgs []any
	for i := range ds {
		d := &ds[i]
		d.Due, d.MetAt = utc(d.Due), utcPtr(d.MetAt)
		deadlineArgs = append(deadlineArgs, d.ID, d.Title, d.Due, d.Rule, d.Basis, d.Source, timeArg(d.MetAt))
	}
	amount, currency := moneyArgs(c.Amount)
	outcomeAmount, outcomeCurrency := moneyArgs(c.OutcomeAmount)
	columns := []any{ // every column after number
		c.Playbook, string(c.Status), fields, amount, currency,
		c.Platform, c.Workspace, c.Channel, c.Thread, c.CardMessageID, c.OpenedBy, c.Assignee,
		c.Outcome, outcomeAmount, outcomeCurrency, c.OpenedAt, c.UpdatedAt, timeArg(c.ClosedAt), timeArg(c.ReopenedAt),
	}

	var ids []int64
	if t.d.openInOne {
		ids, err = t.openInOne(ctx, c, columns, len(events), eventArgs, len(ds), deadlineArgs)
	} else {
		ids, err = t.openBySteps(ctx, c, columns, len(events), eventArgs, len(ds), deadlineArgs)
	}
	if err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	if len(ids) != len(events) {
		return fmt.Errorf("create case: %d event ids for %d events", len(ids), len(events))
	}
	for i, e := range events {
		e.ID, e.CaseID = ids[i], c.ID
	}
	for i := range ds {
		ds[i].CaseID = c.ID
	}
	if dev != nil && searchedKinds[dev.Kind] {
		if err := t.addSearchNote(ctx, c.ID, dev.Body); err != nil {
			return fmt.Errorf("create case: %w", err)
		}
	}
	t.fresh(c.ID)
	return nil
}

// Pieces of openInOne's statement. The events are one INSERT of several
// rows, so their ids follow their order; the VALUES lists cast their
// parameters, whose types no column gives them there.
const (
	openCaseHead = `WITH n AS (
	SELECT next_case_number(?) AS last
), c AS (
` + insertCaseInto + `
	SELECT ?, n.last, ` + caseValuesAfterNumber + `,
		CAST(? AS TEXT) || CAST(n.last AS TEXT) || CAST(? AS TEXT) FROM n
	RETURNING id, number
), e AS (
	INSERT INTO case_events (case_id, at, actor, kind, body, data)
	SELECT c.id, v.at, v.actor, v.kind, v.body, v.data FROM c, (VALUES `
	openCaseEventRow = `(CAST(? AS TIMESTAMPTZ), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS JSONB))`
	openCaseEvents   = `) AS v(at, actor, kind, body, data)
	RETURNING id
)`
	openCaseDeadlines = `, d AS (
	INSERT INTO deadlines (case_id, deadline_id, title, due, rule, basis, source, met_at)
	SELECT c.id, v.deadline_id, v.title, v.due, v.rule, v.basis, v.source, v.met_at FROM c, (VALUES `
	openCaseDeadlineRow  = `(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TIMESTAMPTZ), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TIMESTAMPTZ))`
	openCaseDeadlinesEnd = `) AS v(deadline_id, title, due, rule, basis, source, met_at)
)`
	openCaseTail = `
SELECT c.id, c.number, e.id FROM c, e ORDER BY e.id`
)

// openCaseQuery is openInOne's statement for nEvents events and
// nDeadlines deadlines.
func openCaseQuery(nEvents, nDeadlines int) string {
	var q strings.Builder
	q.WriteString(openCaseHead)
	q.WriteString(rows(openCaseEventRow, nEvents))
	q.WriteString(openCaseEvents)
	if nDeadlines > 0 {
		q.WriteString(openCaseDeadlines)
		q.WriteString(rows(openCaseDeadlineRow, nDeadlines))
		q.WriteString(openCaseDeadlinesEnd)
	}
	q.WriteString(openCaseTail)
	return q.String()
}

// openInOne writes the case, its events and its deadlines in one
// statement, and returns the events' ids in order.
func (t *Tx) openInOne(ctx context.Context, c *storage.Case, columns []any, nEvents int, eventArgs []any, nDeadlines int, deadlineArgs []any) ([]int64, error) {
	q := openCaseQuery(nEvents, nDeadlines)
	head, tail := searchParts(c)
	args := append(append([]any{c.Ref.Prefix, c.Ref.Prefix}, columns...), head, tail)
	args = append(append(args, eventArgs...), deadlineArgs...)
	rs, err := t.hotQuery(ctx, t.tx.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var ids []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&c.ID, &c.Ref.Number, &id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rs.Err()
}

// openBySteps writes the case, its events and its deadlines a statement
// each, and returns the events' ids in order.
func (t *Tx) openBySteps(ctx context.Context, c *storage.Case, columns []any, nEvents int, eventArgs []any, nDeadlines int, deadlineArgs []any) ([]int64, error) {
	const (
		eventRow    = `(?, ?, ?, ?, ?, ?)`
		deadlineRow = `(?, ?, ?, ?, ?, ?, ?, ?)`
	)
	if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(nextNumber), c.Ref.Prefix).Scan(&c.Ref.Number); err != nil {
		return nil, fmt.Errorf("number: %w", err)
	}
	args := append(append([]any{c.Ref.Prefix, c.Ref.Number}, columns...), searchText(c))
	if err := t.tx.QueryRowxContext(ctx, t.tx.Rebind(insertCase), args...).Scan(&c.ID); err != nil {
		return nil, err
	}
	args = withCaseID(c.ID, eventArgs, 5)
	var ids []int64
	q := `INSERT INTO case_events (case_id, at, actor, kind, body, data) VALUES ` + rows(eventRow, nEvents) + ` RETURNING id`
	if err := t.tx.SelectContext(ctx, &ids, t.tx.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	// RETURNING gives the rows in no promised order; ids grow in the
	// order of the VALUES.
	slices.Sort(ids)
	if nDeadlines > 0 {
		q := `INSERT INTO deadlines (case_id, deadline_id, title, due, rule, basis, source, met_at) VALUES ` + rows(deadlineRow, nDeadlines)
		if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), withCaseID(c.ID, deadlineArgs, 7)...); err != nil {
			return nil, fmt.Errorf("deadlines: %w", err)
		}
	}
	return ids, nil
}

// rows is n copies of row, comma-separated: the VALUES of a multi-row
// INSERT.
func rows(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// withCaseID puts caseID before each run of width arguments in args.
func withCaseID(caseID int64, args []any, width int) []any {
	out := make([]any, 0, len(args)+len(args)/width)
	for i := 0; i < len(args); i += width {
		out = append(append(out, caseID), args[i:i+width]...)
	}
	return out
}

// lastOfEach keeps the last of the deadlines that share an ID: what a
// row per deadline, upserted in order, would have left, and what one
// multi-row INSERT needs (PostgreSQL refuses to upsert a row twice).
func lastOfEach(ds []storage.Deadline) []storage.Deadline {
	seen := make(map[string]bool, len(ds))
	var out []storage.Deadline
	for i := len(ds) - 1; i >= 0; i-- {
		if !seen[ds[i].ID] {
			seen[ds[i].ID] = true
			out = append(out, ds[i])
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// checkDeadlines checks that each of ds has an ID and a due time and
// belongs to case caseID (or to none yet; caseID 0 for a new case).
func checkDeadlines(caseID int64, ds []storage.Deadline) error {
	for _, d := range ds {
		switch {
		case d.ID == "":
			return errors.New("a deadline has no id")
		case d.CaseID != 0 && d.CaseID != caseID:
			return fmt.Errorf("deadline %s is of case %d", d.ID, d.CaseID)
		case d.Due.IsZero():
			return fmt.Errorf("deadline %s has no due time", d.ID)
		}
	}
	return nil
}
