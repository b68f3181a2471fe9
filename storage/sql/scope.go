package sql

import (
	"errors"
	"strings"

	"github.com/disputedesk/disputedesk/storage"
)

// scopeWhere is the condition that keeps a query on cases (aliased as
// alias, or unaliased when alias is empty) within s, starting with " AND ",
// and its arguments. An All scope adds nothing. A scope naming no platform
// is an error, so that a caller who forgot it gets nothing, not everything.
func scopeWhere(s storage.Scope, alias string) (string, []any, error) {
	if s.All {
		return "", nil, nil
	}
	if s.Platform == "" {
		return "", nil, errNoScope
	}
	col := func(name string) string {
		if alias == "" {
			return name
		}
		return alias + "." + name
	}
	var b strings.Builder
	b.WriteString(" AND " + col("platform") + " = ? AND " + col("workspace") + " = ?")
	args := []any{s.Platform, s.Workspace}
	if len(s.Channels) > 0 {
		b.WriteString(" AND " + col("channel") + " IN (?" + strings.Repeat(", ?", len(s.Channels)-1) + ")")
		for _, ch := range s.Channels {
			args = append(args, ch)
		}
	}
	return b.String(), args, nil
}

var errNoScope = errors.New("no scope: name a platform's workspace, or all workspaces")
