package sql

import (
	"context"
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// SummaryCases lists the cases within scope that a summary looking back to
// since reads: every open case, and every case opened or closed at or after
// since, oldest opened first (then by id).
//
// The three kinds are found apart and their ids united, because one OR of
// them cannot be served by one index: each part is a range of its own index
// (migration 00010) within the scope's channels, so the read follows the
// period's cases and the open ones, not the channel's history. A scope
// without channels reads the same indexes by workspace, and an All scope
// reads every case's index entries.
func (s *Store) SummaryCases(ctx context.Context, scope storage.Scope, since time.Time) ([]storage.Case, error) {
	q, args, err := summaryQuery(scope, since)
	if err != nil {
		return nil, fmt.Errorf("summary cases: %w", err)
	}
	cases, err := s.selectCases(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("summary cases: %w", err)
	}
	return cases, nil
}

// summaryQuery builds the query of SummaryCases, with ? placeholders, and
// its arguments.
func summaryQuery(scope storage.Scope, since time.Time) (string, []any, error) {
	const (
		// status = 'open' is the predicate of cases_channel_open_idx.
		open = `SELECT id FROM cases WHERE status = 'open'`
		// Both read cases_channel_opened_idx and cases_channel_closed_idx
		// from since on.
		opened = `SELECT id FROM cases WHERE opened_at >= ?`
		closed = `SELECT id FROM cases WHERE closed_at >= ?`
		// The ids are few (the period's); reading their rows by primary
		// key and sorting them is what the result costs anyway.
		selectIn = `SELECT ` + caseColumns + ` FROM cases WHERE id IN (
	`
		oldest = `
) ORDER BY opened_at, id`
	)
	cond, scopeArgs, err := scopeWhere(scope, "")
	if err != nil {
		return "", nil, err
	}
	t := utc(since)
	q := selectIn + open + cond +
		"\n\tUNION " + opened + cond +
		"\n\tUNION " + closed + cond + oldest
	args := append([]any{}, scopeArgs...)
	args = append(append(args, t), scopeArgs...)
	args = append(append(args, t), scopeArgs...)
	return q, args, nil
}
