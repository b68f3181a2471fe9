package sql

import (
	"context"
	"fmt"
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
