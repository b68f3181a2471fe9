// Package sql is disputedesk's storage.Store on PostgreSQL (lib/pq) and
// SQLite (modernc.org/sqlite, pure Go), with one set of portable SQL on sqlx.
// What truly differs between the two (DDL, locking, a one-statement insert)
// lives in a dialect value and in one migrations folder per dialect.
//
// Open connects but never migrates: the caller decides, with Migrate, and
// refuses to serve on a schema it does not know, with CheckSchema.
//
// Times are stored in UTC with microsecond precision (PostgreSQL's), money in
// integer minor units, free-form maps as JSON (JSONB on PostgreSQL).
package sql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver
	_ "modernc.org/sqlite" // SQLite driver

	"github.com/disputedesk/disputedesk/storage"
)

var (
	_ storage.Store = (*Store)(nil)
	_ storage.Tx    = (*Tx)(nil)
)

// Options configures a Store. The zero value is usable.
type Options struct {
	// Now is the clock for every timestamp the store writes; time.Now when
	// nil. Tests inject a fixed clock here.
	Now func() time.Time
	// Logger receives the store's logs (migrations applied, requests
	// replayed); nothing is logged when nil. The caller names the component.
	Logger *slog.Logger
}

// maxIdleConns is how many connections the pool keeps open between uses:
// about as many as requests are handled at once (dispatch's 16 workers,
// the outbox's deliveries, the scheduler).
const maxIdleConns = 32

// Store is a storage.Store on a PostgreSQL or SQLite database.
type Store struct {
	db       *sqlx.DB
	d        *dialect
	now      func() time.Time
	log      *slog.Logger
	prepared *prepared // the open path's statements, on PostgreSQL
}

// Open connects to databaseURL and checks that the database answers. A URL
// starting with postgres:// or postgresql:// selects PostgreSQL; anything
// else is a SQLite file path, optionally prefixed with sqlite: (the rest is
// taken literally) or file: (a SQLite URI, whose ?query is kept). The SQLite
// file's directory is created if missing. An empty URL is an error: the
// caller picks the default path. Open does not migrate; see Migrate.
func Open(ctx context.Context, databaseURL string, opt Options) (*Store, error) {
	t, err := parseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	if t.dir != "" {
		if err := os.MkdirAll(t.dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	var db *sqlx.DB
	if t.d.name == "sqlite" {
		db = sqlx.NewDb(openQueued(t.dsn), t.d.driver) // writers queued in Go: see writer.go
	} else if db, err = sqlx.Open(t.d.driver, t.dsn); err != nil {
		return nil, fmt.Errorf("%s: %w", t.d.name, err)
	}
	// database/sql keeps 2 idle connections by default: under a few dozen
	// concurrent requests the rest were closed after each use and opened
	// again (a PostgreSQL backend forked, a SQLite file opened and its
	// pragmas run) on the next, 6% of serve's CPU on SQLite (issue 15).
	db.SetMaxIdleConns(maxIdleConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: connect: %w", t.d.name, err)
	}
	s := &Store{db: db, d: t.d, now: opt.Now, log: opt.Logger}
	if t.d.name == "postgres" {
		s.prepared = &prepared{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Dialect reports which database the store is on: "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.d.name }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// Close closes the database's connections.
func (s *Store) Close() error {
	if s.prepared != nil {
		s.prepared.close()
	}
	return s.db.Close()
}

// Describe returns databaseURL in a form safe to log and print: a PostgreSQL
// URL with its password replaced by xxxxx, or the SQLite file path.
func Describe(databaseURL string) string {
	if isPostgres(databaseURL) {
		u, err := url.Parse(databaseURL)
		if err != nil {
			return "postgres (unparsable URL)"
		}
		// lib/pq also takes the password as a query parameter.
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	path, _, _ := sqliteParts(databaseURL)
	return path
}

func isPostgres(databaseURL string) bool {
	return strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://")
}

// target is a parsed database URL.
type target struct {
	d   *dialect
	dsn string // what the driver gets
	dir string // directory to create for a SQLite file; "" for none
}

// sqlitePragmas are required, not tuning: busy_timeout with immediate
// transactions is what keeps concurrent writers from failing with
// SQLITE_BUSY (345 of 400 did without them), foreign_keys is off by default
// in SQLite, and _time_format/_timezone make stored times UTC text that
// sorts in time order. They override the same settings in a file: URI.
const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate&_time_format=sqlite&_timezone=UTC"

// parseURL picks the dialect and builds the driver's DSN.
func parseURL(databaseURL string) (target, error) {
	if databaseURL == "" {
		return target{}, errors.New("no database URL")
	}
	if isPostgres(databaseURL) {
		u, err := url.Parse(databaseURL)
		if err != nil {
			// url.Error quotes the URL, password and all.
			return target{}, errors.New("postgres: unparsable URL")
		}
		// binary_parameters makes lib/pq send a parameterised statement
		// in one round trip (Parse, Bind, Execute, Sync) instead of two
		// (Parse+Describe, then Bind+Execute). It changes how []byte
		// arguments are sent (binary), so this package binds JSON and
		// text as strings.
		q := u.Query()
		if !q.Has("binary_parameters") {
			q.Set("binary_parameters", "yes")
			u.RawQuery = q.Encode()
		}
		return target{d: postgresDialect(), dsn: u.String()}, nil
	}
	if i := strings.Index(databaseURL, "://"); i > 0 && !strings.HasPrefix(databaseURL, "sqlite:") && !strings.HasPrefix(databaseURL, "file:") {
		return target{}, fmt.Errorf("unsupported database URL scheme %q (want postgres:// or a SQLite file path)", databaseURL[:i])
	}
	path, uriPath, query := sqliteParts(databaseURL)
	if path == "" {
		return target{}, errors.New("sqlite: empty file path")
	}
	if path == ":memory:" || strings.Contains(query, "mode=memory") || strings.Contains(query, "vfs=memdb") {
		// Each pooled connection would get its own empty database.
		return target{}, errors.New("sqlite: in-memory databases are not supported; use a file")
	}
	var b strings.Builder
	b.WriteString("file:")
	b.WriteString(uriPath)
	b.WriteByte('?')
	for _, kv := range strings.Split(query, "&") {
		if kv == "" || overridden(kv) {
			continue
		}
		b.WriteString(kv)
		b.WriteByte('&')
	}
	b.WriteString(sqlitePragmas)
	return target{d: sqliteDialect(), dsn: b.String(), dir: filepath.Dir(path)}, nil
}

// overridden reports whether a query parameter of a file: URI sets
// something sqlitePragmas sets.
func overridden(kv string) bool {
	k, v, _ := strings.Cut(kv, "=")
	switch k {
	case "_txlock", "_time_format", "_timezone", "_busy_timeout", "_journal_mode", "_journal", "_foreign_keys", "_fk":
		return true
	case "_pragma":
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(v)), "(")
		name, _, _ = strings.Cut(name, "=")
		switch strings.TrimSpace(name) {
		case "busy_timeout", "journal_mode", "foreign_keys":
			return true
		}
	}
	return false
}

// sqliteParts splits a SQLite location into the file path, the path as it
// goes into a file: URI, and the URI's query. A plain path or a sqlite:
// path is literal, so URI-special characters are escaped; a file: URI is
// already in URI form.
func sqliteParts(databaseURL string) (path, uriPath, query string) {
	if rest, ok := strings.CutPrefix(databaseURL, "file:"); ok {
		uriPath, query, _ = strings.Cut(rest, "?")
		uriPath, _, _ = strings.Cut(uriPath, "#")
		if strings.HasPrefix(uriPath, "///") { // file:///abs/path
			uriPath = uriPath[2:]
		}
		path = uriPath
		if p, err := url.PathUnescape(uriPath); err == nil {
			path = p
		}
		return path, uriPath, query
	}
	path = databaseURL
	if rest, ok := strings.CutPrefix(path, "sqlite:"); ok {
		path = strings.TrimPrefix(rest, "//") // sqlite:///abs/path, sqlite://rel/path
	}
	return path, strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path), ""
}
