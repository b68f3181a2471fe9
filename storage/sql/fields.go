package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"

	"github.com/disputedesk/disputedesk/storage"
)

// CaseByField reads the case of playbook within scope whose field is value,
// locked, the open one first, then the newest. The field's name is written
// into the query (an index on an expression matches only the same text), so
// it is checked to be a field name first.
func (t *Tx) CaseByField(ctx context.Context, scope storage.Scope, playbook, field, value string) (storage.Case, error) {
	if !fieldName(field) {
		return storage.Case{}, fmt.Errorf("case by field %q: not a field name", field)
	}
	cond, args, err := scopeWhere(scope, "")
	if err != nil {
		return storage.Case{}, fmt.Errorf("case by %s: %w", field, err)
	}
	q := `SELECT ` + caseColumns + ` FROM cases WHERE ` + fmt.Sprintf(t.d.field, field) + ` = ? AND playbook = ?` + cond +
		` ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, id DESC LIMIT 1` + t.d.lockSuffix
	var r caseRow
	if err := t.tx.GetContext(ctx, &r, t.tx.Rebind(q), append([]any{value, playbook}, args...)...); err != nil {
		if errors.Is(err, dbsql.ErrNoRows) {
			err = storage.ErrNotFound
		}
		return storage.Case{}, fmt.Errorf("case by %s: %w", field, err)
	}
	return r.toCase()
}

// fieldName reports whether s is a playbook field's name.
func fieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
