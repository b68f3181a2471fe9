package sql

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/storage"
)

// The columns a bulk load writes, in the order of its rows. Event ids are
// left to the database.
var (
	bulkCaseColumns = []string{"id", "prefix", "number", "playbook", "status", "fields", "amount_minor", "currency",
		"platform", "workspace", "channel", "thread", "card_message_id", "opened_by", "assignee",
		"outcome", "outcome_amount_minor", "outcome_currency", "opened_at", "updated_at", "closed_at", "reopened_at",
		"search", "search_notes"}
	bulkEventColumns    = []string{"case_id", "at", "actor", "kind", "body", "data"}
	bulkDeadlineColumns = []string{"case_id", "deadline_id", "title", "due", "rule", "basis", "source", "met_at", "retired_at"}
)

// BulkLoad writes records, cases with their timelines and deadlines, in one
// transaction, far faster than a CreateCase each: for test data and
// benchmarks (internal/gendata), or an import. Each case is numbered
// within its prefix after the prefix's last number, as CreateCase would
// number it, so cases opened later continue the sequence (on PostgreSQL
// in order but not always consecutively while cases are opened); the
// unmet deadlines of a closed case are retired, as closing it would;
// BulkLoad fills
// in each case's ID and Ref.Number and the CaseID of its events and
// deadlines (not the events' own IDs). Times are stored as given (UTC,
// microseconds); a zero OpenedAt, UpdatedAt or event At becomes now, an
// empty Status open. No request is recorded and nothing is enqueued.
func (s *Store) BulkLoad(ctx context.Context, records []storage.CaseRecord) error {
	if len(records) == 0 {
		return nil
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk load: begin: %w", err)
	}
	defer tx.Rollback()
	if err := s.bulkLoad(ctx, tx, records); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bulk load: commit: %w", err)
	}
	return nil
}

func (s *Store) bulkLoad(ctx context.Context, tx *sqlx.Tx, records []storage.CaseRecord) error {
	const (
		// takeNumbers moves a prefix's counter on by n, as nextNumber
		// does by one, and returns the last number taken (SQLite).
		takeNumbers = `INSERT INTO case_numbers (prefix, last) VALUES (?, 1000 + ?)
ON CONFLICT (prefix) DO UPDATE SET last = case_numbers.last + ?
RETURNING last`
		// takeFromSequence takes n numbers of a prefix's sequence
		// (PostgreSQL), not always consecutive when cases are opened
		// meanwhile.
		takeFromSequence = `SELECT next_case_number(?) FROM generate_series(1, ?) ORDER BY 1`
	)
	now := utc(s.now())
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(s.d.caseIDs), len(records)); err != nil {
		return fmt.Errorf("case ids: %w", err)
	}
	if len(ids) != len(records) {
		return fmt.Errorf("case ids: got %d for %d cases", len(ids), len(records))
	}
	slices.Sort(ids)

	perPrefix := map[string]int64{}
	for i := range records {
		p := records[i].Case.Ref.Prefix
		if !validPrefix(p) {
			return fmt.Errorf("prefix %q is not upper-case letters", p)
		}
		perPrefix[p]++
	}
	numbers := map[string][]int64{}
	// In a fixed order, so that two loads lock the counters alike.
	for _, p := range slices.Sorted(maps.Keys(perPrefix)) {
		n := perPrefix[p]
		if s.d.openInOne {
			var taken []int64
			if err := tx.SelectContext(ctx, &taken, tx.Rebind(takeFromSequence), p, n); err != nil {
				return fmt.Errorf("numbers of %s: %w", p, err)
			}
			numbers[p] = taken
			continue
		}
		var last int64
		if err := tx.QueryRowxContext(ctx, tx.Rebind(takeNumbers), p, n, n).Scan(&last); err != nil {
			return fmt.Errorf("numbers of %s: %w", p, err)
		}
		for i := last - n + 1; i <= last; i++ {
			numbers[p] = append(numbers[p], i)
		}
	}

	var cases, events, deadlines [][]any
	for i := range records {
		r := &records[i]
		c := &r.Case
		c.ID = ids[i]
		c.Ref.Number, numbers[c.Ref.Prefix] = numbers[c.Ref.Prefix][0], numbers[c.Ref.Prefix][1:]
		if c.Status == "" {
			c.Status = storage.StatusOpen
		}
		c.OpenedAt, c.UpdatedAt = orTime(c.OpenedAt, now), orTime(c.UpdatedAt, now)
		c.ClosedAt, c.ReopenedAt = utcPtr(c.ClosedAt), utcPtr(c.ReopenedAt)
		fields, err := encodeMap(c.Fields)
		if err != nil {
			return fmt.Errorf("fields of %s: %w", c.Ref, err)
		}
		amount, currency := moneyArgs(c.Amount)
		outcomeAmount, outcomeCurrency := moneyArgs(c.OutcomeAmount)
		notes := bulkSearchNotes(r.Events)
		cases = append(cases, []any{c.ID, c.Ref.Prefix, c.Ref.Number, c.Playbook, string(c.Status), fields, amount, currency,
			c.Platform, c.Workspace, c.Channel, c.Thread, c.CardMessageID, c.OpenedBy, c.Assignee,
			c.Outcome, outcomeAmount, outcomeCurrency, c.OpenedAt, c.UpdatedAt, timeArg(c.ClosedAt), timeArg(c.ReopenedAt),
			searchText(c) + notes, notes})
		for j := range r.Events {
			ev := &r.Events[j]
			ev.CaseID, ev.At = c.ID, orTime(ev.At, now)
			data, err := encodeMap(ev.Data)
			if err != nil {
				return fmt.Errorf("event data of %s: %w", c.Ref, err)
			}
			events = append(events, []any{ev.CaseID, ev.At, ev.Actor, string(ev.Kind), ev.Body, data})
		}
		for j := range r.Deadlines {
			d := &r.Deadlines[j]
			d.CaseID, d.Due, d.MetAt, d.RetiredAt = c.ID, utc(d.Due), utcPtr(d.MetAt), utcPtr(d.RetiredAt)
			if d.MetAt == nil && d.RetiredAt == nil && c.Status == storage.StatusClosed {
				// As closing the case would have (UpdateCase).
				d.RetiredAt = utcPtr(c.ClosedAt)
				if d.RetiredAt == nil {
					d.RetiredAt = &c.UpdatedAt
				}
			}
			deadlines = append(deadlines, []any{d.CaseID, d.ID, d.Title, d.Due, d.Rule, d.Basis, d.Source, timeArg(d.MetAt), timeArg(d.RetiredAt)})
		}
	}
	for _, t := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"cases", bulkCaseColumns, cases},
		{"case_events", bulkEventColumns, events},
		{"deadlines", bulkDeadlineColumns, deadlines},
	} {
		if err := s.writeRows(ctx, tx, t.table, t.columns, t.rows); err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	return nil
}

// bulkSearchNotes is the search_notes of a case with events, as
// addSearchNote would have built it one event at a time.
func bulkSearchNotes(events []storage.Event) string {
	var notes string
	for _, ev := range events {
		if searchedKinds[ev.Kind] && len(notes) < maxSearchNotes {
			notes += searchNote(ev.Body)
		}
	}
	return notes
}

// sqliteMaxParams is how many parameters one SQLite statement may bind
// (SQLITE_MAX_VARIABLE_NUMBER, 32766 since SQLite 3.32), a little under.
const sqliteMaxParams = 32000

// writeRows writes rows into columns of table: one COPY on PostgreSQL,
// INSERTs of as many rows as a statement may bind on SQLite.
func (s *Store) writeRows(ctx context.Context, tx *sqlx.Tx, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if s.d.copyIn {
		// lib/pq runs a prepared COPY FROM STDIN as a copy-in, each Exec
		// a row (what its deprecated pq.CopyIn builder wrote).
		stmt, err := tx.PrepareContext(ctx, "COPY "+table+" ("+strings.Join(columns, ", ")+") FROM STDIN")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				return err
			}
		}
		_, err = stmt.ExecContext(ctx) // flushes the COPY
		return err
	}
	per := sqliteMaxParams / len(columns)
	row := "(?" + strings.Repeat(", ?", len(columns)-1) + ")"
	insert := func(n int) string {
		return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES " + row + strings.Repeat(", "+row, n-1)
	}
	full, err := tx.PrepareContext(ctx, insert(min(per, len(rows))))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, per*len(columns))
	for chunk := range slices.Chunk(rows, per) {
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		if len(chunk) == per || len(chunk) == len(rows) {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insert(len(chunk)), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// orTime is t as stored, or now when t is zero.
func orTime(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return utc(t)
}

// Analyze refreshes the planner's statistics of every table, as after a
// bulk load, so that the first queries are planned on the rows loaded
// rather than on an empty database's estimates.
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
