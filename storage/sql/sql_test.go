package sql

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/storage"
	"github.com/disputedesk/disputedesk/storage/storagetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// dialects runs fn once per dialect, each with its own opener of fresh,
// unmigrated stores.
func dialects(t *testing.T, fn func(t *testing.T, open func(testing.TB) *Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres) })
}

// openSQLite opens a store on a new SQLite file, closed when tb ends.
func openSQLite(tb testing.TB) *Store {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), "disputedesk.db"))
}

// openPostgres opens a store on a new PostgreSQL database, closed when tb
// ends; it skips tb when PostgreSQL is unavailable (fails it under CI).
func openPostgres(tb testing.TB) *Store {
	tb.Helper()
	return open(tb, pgtest.URL(tb))
}

func open(tb testing.TB, url string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		tb.Fatalf("Open(%s): %v", Describe(url), err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func migrated(tb testing.TB, s *Store) *Store {
	tb.Helper()
	if _, _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

func TestSQLite(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return migrated(t, openSQLite(t)) })
}

func TestPostgres(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return migrated(t, openPostgres(t)) })
}

func TestParseURL(t *testing.T) {
	const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate&_time_format=sqlite&_timezone=UTC"
	tests := []struct {
		name, url       string
		dialect, dsn    string
		dir, wantErrSub string
	}{
		{name: "postgres", url: "postgres://dd:secret@db.internal:5432/dd?sslmode=require",
			dialect: "postgres", dsn: "postgres://dd:secret@db.internal:5432/dd?binary_parameters=yes&sslmode=require"},
		{name: "postgresql scheme", url: "postgresql://db/dd",
			dialect: "postgres", dsn: "postgresql://db/dd?binary_parameters=yes"},
		{name: "binary_parameters left as given", url: "postgres://db/dd?binary_parameters=no",
			dialect: "postgres", dsn: "postgres://db/dd?binary_parameters=no"},
		{name: "absolute path", url: "/var/lib/disputedesk/dd.db",
			dialect: "sqlite", dsn: "file:/var/lib/disputedesk/dd.db?" + pragmas, dir: "/var/lib/disputedesk"},
		{name: "relative path", url: "data/dd.db",
			dialect: "sqlite", dsn: "file:data/dd.db?" + pragmas, dir: "data"},
		{name: "bare file name", url: "dd.db",
			dialect: "sqlite", dsn: "file:dd.db?" + pragmas, dir: "."},
		{name: "sqlite: prefix", url: "sqlite:data/dd.db",
			dialect: "sqlite", dsn: "file:data/dd.db?" + pragmas, dir: "data"},
		{name: "sqlite:// prefix", url: "sqlite:///var/lib/dd.db",
			dialect: "sqlite", dsn: "file:/var/lib/dd.db?" + pragmas, dir: "/var/lib"},
		{name: "URI characters in a path are escaped", url: "/tmp/50% off?#1.db",
			dialect: "sqlite", dsn: "file:/tmp/50%25 off%3f%231.db?" + pragmas, dir: "/tmp"},
		{name: "file: keeps the user's query", url: "file:/srv/dd.db?cache=private&mode=rwc",
			dialect: "sqlite", dsn: "file:/srv/dd.db?cache=private&mode=rwc&" + pragmas, dir: "/srv"},
		{name: "file: settings we need are ours", url: "file:/srv/dd.db?_pragma=busy_timeout(10)&_txlock=deferred&_pragma=synchronous(NORMAL)&_pragma=foreign_keys%280%29",
			dialect: "sqlite", dsn: "file:/srv/dd.db?_pragma=synchronous(NORMAL)&" + pragmas, dir: "/srv"},
		{name: "file:///", url: "file:///srv/dd.db",
			dialect: "sqlite", dsn: "file:/srv/dd.db?" + pragmas, dir: "/srv"},
		{name: "empty", url: "", wantErrSub: "no database URL"},
		{name: "other scheme", url: "mysql://db/dd", wantErrSub: `unsupported database URL scheme "mysql"`},
		{name: "memory", url: ":memory:", wantErrSub: "in-memory"},
		{name: "memory URI", url: "file:dd?mode=memory", wantErrSub: "in-memory"},
		{name: "empty sqlite path", url: "sqlite:", wantErrSub: "empty file path"},
		{name: "bad postgres URL keeps the password out", url: "postgres://dd:se cret@db:xx/dd", wantErrSub: "unparsable URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseURL(tc.url)
			if tc.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
					t.Fatalf("parseURL(%q) error = %v, want one containing %q", tc.url, err, tc.wantErrSub)
				}
				if strings.Contains(err.Error(), "cret") {
					t.Errorf("error %q shows the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tc.url, err)
			}
			if got.d.name != tc.dialect || got.dsn != tc.dsn || got.dir != tc.dir {
				t.Errorf("parseURL(%q) = %s %q dir %q\nwant %s %q dir %q", tc.url, got.d.name, got.dsn, got.dir, tc.dialect, tc.dsn, tc.dir)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct{ url, want string }{
		{"postgres://dd:s3cret@db:5432/dd?sslmode=disable", "postgres://dd:xxxxx@db:5432/dd?sslmode=disable"},
		{"postgresql://dd@db/dd", "postgresql://dd@db/dd"},
		{"postgres://db/dd?password=s3cret&sslmode=disable", "postgres://db/dd?password=xxxxx&sslmode=disable"},
		{"postgres://dd:s3 cret@db:xx/dd", "postgres (unparsable URL)"},
		{"/var/lib/disputedesk/dd.db", "/var/lib/disputedesk/dd.db"},
		{"sqlite:data/dd.db", "data/dd.db"},
		{"file:/srv/my%20dd.db?mode=rwc", "/srv/my dd.db"},
	}
	for _, tc := range tests {
		if got := Describe(tc.url); got != tc.want {
			t.Errorf("Describe(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	s := open(t, "sqlite:"+filepath.Join(dir, "dd.db"))
	if s.Dialect() != "sqlite" {
		t.Errorf("Dialect() = %q", s.Dialect())
	}
	if _, err := os.Stat(filepath.Join(dir, "dd.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
	// The pragmas are in force on the pool's connections.
	var journal string
	var fk, busy int
	ctx := context.Background()
	if err := s.db.GetContext(ctx, &journal, "PRAGMA journal_mode"); err != nil || journal != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", journal, err)
	}
	if err := s.db.GetContext(ctx, &fk, "PRAGMA foreign_keys"); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	if err := s.db.GetContext(ctx, &busy, "PRAGMA busy_timeout"); err != nil || busy != 5000 {
		t.Errorf("busy_timeout = %d, %v; want 5000", busy, err)
	}
	if _, err := Open(ctx, "", Options{}); err == nil {
		t.Error("Open with an empty URL succeeded")
	}
}

func TestOpenPostgres(t *testing.T) {
	s := openPostgres(t)
	if s.Dialect() != "postgres" {
		t.Errorf("Dialect() = %q", s.Dialect())
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestMigrate(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := open(t)
		current, latest, err := s.Version(ctx)
		if err != nil || current != 0 || latest < 1 {
			t.Fatalf("Version on a new database = %d, %d, %v; want 0, >=1", current, latest, err)
		}
		err = s.CheckSchema(ctx)
		if !errors.Is(err, ErrSchemaBehind) || errors.Is(err, storage.ErrUnknownSchema) || !strings.Contains(err.Error(), "disputedesk migrate") {
			t.Errorf("CheckSchema before Migrate = %v, want ErrSchemaBehind saying to run disputedesk migrate", err)
		}
		// The highest file's number: branches reserve numbers (00013 may
		// land before 00011), so the files need not run without a gap.
		files, _ := fs.Glob(migrations, "migrations/"+s.Dialect()+"/*.sql")
		var highest int64
		for _, f := range files {
			n, _ := strconv.ParseInt(strings.SplitN(path.Base(f), "_", 2)[0], 10, 64)
			highest = max(highest, n)
		}
		if latest != highest {
			t.Errorf("latest version %d, want %d: the highest migration file's", latest, highest)
		}
		from, to, err := s.Migrate(ctx)
		if err != nil || from != 0 || to != latest {
			t.Fatalf("Migrate = %d, %d, %v; want 0, %d", from, to, err, latest)
		}
		from, to, err = s.Migrate(ctx)
		if err != nil || from != latest || to != latest {
			t.Errorf("second Migrate = %d, %d, %v; want %d, %d", from, to, err, latest, latest)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema after Migrate: %v", err)
		}
	})
}

// TestMigrationsInStep checks that the dialects have the same numbered
// migrations, so that a schema version means the same on both.
func TestMigrationsInStep(t *testing.T) {
	names := func(dialect string) []string {
		files, err := fs.Glob(migrations, "migrations/"+dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			files[i] = path.Base(f)
		}
		return files
	}
	pg, lite := names("postgres"), names("sqlite")
	if !slices.Equal(pg, lite) || len(pg) < 2 {
		t.Errorf("migrations: postgres %v, sqlite %v; want the same files, 00001_init.sql and 00002_state.sql at least", pg, lite)
	}
}

// TestMigrateDown checks the Down half of every migration: down to nothing,
// and up again to a schema that works.
func TestMigrateDown(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		openOne(t, s, "before")
		p, err := s.provider()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DownTo(ctx, 1); err != nil {
			t.Fatalf("down to 1: %v", err)
		}
		for _, table := range []string{"case_steps", "case_checks", "case_evidence", "deadlines", "outbox"} {
			if _, err := s.db.ExecContext(ctx, "SELECT 1 FROM "+table); err == nil {
				t.Errorf("table %s is still there at version 1", table)
			}
		}
		if _, err := p.DownTo(ctx, 0); err != nil {
			t.Fatalf("down to 0: %v", err)
		}
		if _, err := s.db.ExecContext(ctx, "SELECT 1 FROM cases"); err == nil {
			t.Error("table cases is still there at version 0")
		}
		if _, to, err := s.Migrate(ctx); err != nil || to < 2 {
			t.Fatalf("Migrate after down = %d, %v", to, err)
		}
		c := openOne(t, s, "after")
		if _, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			return nil, tx.SetStep(ctx, storage.StepState{CaseID: c.ID, StepID: "ack", Status: storage.StepDone}, &storage.Event{})
		}); err != nil {
			t.Errorf("SetStep after down and up: %v", err)
		}
	})
}

func TestCheckSchemaTooNew(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		_, latest, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// What a newer binary's migration leaves behind.
		if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`), latest+1, true); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckSchema(ctx); !errors.Is(err, storage.ErrUnknownSchema) {
			t.Errorf("CheckSchema = %v, want ErrUnknownSchema", err)
		}
		if _, _, err := s.Migrate(ctx); !errors.Is(err, storage.ErrUnknownSchema) {
			t.Errorf("Migrate = %v, want ErrUnknownSchema", err)
		}
	})
}

// TestAppendOnly checks the triggers: the timeline cannot be rewritten even
// by SQL that bypasses the store.
func TestAppendOnly(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		openOne(t, s, "k1")
		for _, q := range []string{
			`UPDATE case_events SET body = 'rewritten'`,
			`DELETE FROM case_events`,
			`DELETE FROM case_events WHERE id = 1`,
		} {
			_, err := s.db.ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error = %v, want append-only", q, err)
			}
		}
		if s.Dialect() == "postgres" {
			if _, err := s.db.ExecContext(ctx, `TRUNCATE case_events CASCADE`); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("TRUNCATE: error = %v, want append-only", err)
			}
		}
		var body string
		if err := s.db.GetContext(ctx, &body, `SELECT body FROM case_events`); err != nil || body != "opened" {
			t.Errorf("event body = %q, %v; want it unchanged", body, err)
		}
	})
}

// TestStoredForm checks what lands in the database, beyond what reads back:
// JSON is real JSON (queryable, non-ASCII intact) and times are UTC.
func TestStoredForm(t *testing.T) {
	dialects(t, func(t *testing.T, open func(testing.TB) *Store) {
		ctx := context.Background()
		s := migrated(t, open(t))
		openOne(t, s, "k1")
		q := map[string]string{
			"postgres": `SELECT fields->>'customer' || ' ' || to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM cases`,
			"sqlite":   `SELECT json_extract(fields, '$.customer') || ' ' || opened_at FROM cases`,
		}[s.Dialect()]
		want := map[string]string{
			"postgres": "Kari Nordmann, Trondheim, æøå 2026-03-01 09:00:00.250000",
			"sqlite":   "Kari Nordmann, Trondheim, æøå 2026-03-01 09:00:00.25+00:00",
		}[s.Dialect()]
		var got string
		if err := s.db.GetContext(ctx, &got, q); err != nil || got != want {
			t.Errorf("stored %q, %v; want %q", got, err, want)
		}
	})
}

// openOne opens a CB case with a non-ASCII field, opened at 10:00:00.25 CET.
func openOne(tb testing.TB, s *Store, id string) storage.Case {
	tb.Helper()
	ctx := context.Background()
	c := benchCase()
	if _, _, err := s.Update(ctx, storage.RequestKey{Platform: "test", ID: id}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened, Body: "opened"})
	}); err != nil {
		tb.Fatalf("open case: %v", err)
	}
	return c
}
