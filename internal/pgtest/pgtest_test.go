package pgtest

import (
	"context"
	dbsql "database/sql"
	"regexp"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestURL(t *testing.T) {
	a, b := URL(t), URL(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	for _, u := range []string{a, b} {
		db, err := dbsql.Open("postgres", u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var tables int
		err = db.QueryRowContext(context.Background(),
			`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables)
		if err != nil || tables != 0 {
			t.Errorf("%s: %d tables, %v; want an empty database", u, tables, err)
		}
	}
}

func TestDBName(t *testing.T) {
	name := dbName("TestPostgres/ConcurrentOpens-with a very long name that goes on", 7)
	if !regexp.MustCompile(`^t_testpostgres_concurrentopens_with_a__7_[0-9a-f]{8}$`).MatchString(name) {
		t.Errorf("dbName = %q", name)
	}
	if len(name) > 63 {
		t.Errorf("dbName is %d bytes, PostgreSQL keeps 63", len(name))
	}
}
