package sql

import (
	dbsql "database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// The helpers below turn Go values into what the drivers take and back.

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
