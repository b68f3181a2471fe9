package sql

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/storage"
)

// matchCases finds cases by the start of their reference, order or
// customer. It reads cases newest first within the scope, through
// cases_status_opened_idx when a status is given, and stops at the limit:
// one query, as autocomplete needs. %s is the dialect's case-folding LIKE.
const matchCases = `SELECT ` + caseColumns + ` FROM cases
WHERE (prefix || '-' || CAST(number AS TEXT) %[1]s ? ESCAPE '\'
	OR fields->>'order' %[1]s ? ESCAPE '\'
	OR fields->>'customer' %[1]s ? ESCAPE '\')`

// MatchCases lists the cases within scope and in status (any when empty)
// whose reference, order or customer starts with prefix, newest first, at
// most limit (25 when limit is not positive).
func (s *Store) MatchCases(ctx context.Context, scope storage.Scope, status storage.Status, prefix string, limit int) ([]storage.Case, error) {
	cond, args, err := scopeWhere(scope, "")
	if err != nil {
		return nil, fmt.Errorf("match cases: %w", err)
	}
	if limit <= 0 {
		limit = 25
	}
	pattern := likeEscaper.Replace(strings.TrimPrefix(strings.TrimSpace(prefix), "#")) + "%"
	q := fmt.Sprintf(matchCases, s.d.like) + cond
	args = append([]any{pattern, pattern, pattern}, args...)
	if status != "" {
		q += ` AND status = ?`
		args = append(args, string(status))
	}
	q += ` ORDER BY opened_at DESC, id DESC LIMIT ?`
	cases, err := s.selectCases(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("match cases: %w", err)
	}
	return cases, nil
}

// likeEscaper makes typed text literal in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// OpenCasesWith lists the open cases of playbook within scope sharing a
// value of fields, ignoring case, newest first.
func (s *Store) OpenCasesWith(ctx context.Context, scope storage.Scope, playbook string, fields map[string]string, limit int) ([]storage.Case, error) {
	q, args, err := openCasesWithQuery(s.d, scope, playbook, fields)
	if err != nil || q == "" {
		return nil, err
	}
	cases, err := s.selectCases(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("open cases with: %w", err)
	}
	slices.SortFunc(cases, func(a, b storage.Case) int {
		return cmp.Or(b.OpenedAt.Compare(a.OpenedAt), cmp.Compare(b.ID, a.ID))
	})
	if limit <= 0 {
		limit = 10
	}
	return cases[:min(len(cases), limit)], nil
}

// maxDuplicateRows bounds the rows OpenCasesWith reads: an id shared by
// more open cases than this (a placeholder order, "0") is a duplicate of
// some of them, which is all the check needs to say.
const maxDuplicateRows = 100

// openCasesWithQuery builds OpenCasesWith's query, "" when fields is
// empty: a SELECT a field, united, each an equality on every column of its
// field's index among open cases (migration 00016), so that each is planned
// on its own and reads those few rows. An OR of the same conditions was
// planned as a walk of every open case by SQLite without statistics (a new
// file), 30 ms at 24,000 open cases; so was an ORDER BY with the LIMIT,
// which is why the few rows are sorted in Go.
func openCasesWithQuery(d *dialect, scope storage.Scope, playbook string, fields map[string]string) (string, []any, error) {
	cond, scopeArgs, err := scopeWhere(scope, "")
	if err != nil {
		return "", nil, fmt.Errorf("open cases with: %w", err)
	}
	var branches []string
	var args []any
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !fieldName(k) {
			return "", nil, fmt.Errorf("open cases with %q: not a field name", k)
		}
		branches = append(branches, `SELECT `+caseColumns+` FROM cases WHERE status = 'open' AND playbook = ? AND lower(`+fmt.Sprintf(d.field, k)+`) = lower(?)`+cond)
		args = slices.Concat(args, []any{playbook, strings.TrimSpace(fields[k])}, scopeArgs)
	}
	if len(branches) == 0 {
		return "", nil, nil
	}
	q := strings.Join(branches, "\nUNION\n") + ` LIMIT ?`
	return q, append(args, maxDuplicateRows), nil
}
