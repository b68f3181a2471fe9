package sql

import (
	dbsql "database/sql"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// dialect is everything that differs between PostgreSQL and SQLite. The SQL
// elsewhere in this package is portable (written with ? and rebound).
type dialect struct {
	name   string // what Store.Dialect reports; also the migrations folder
	driver string // database/sql driver name
	goose  goose.Dialect

	// lockSuffix turns a SELECT of a case into one that locks it until the
	// transaction ends. SQLite needs none: _txlock=immediate makes every
	// transaction take the write lock at BEGIN.
	lockSuffix string

	// claimLock ends the SELECT of ClaimOutbox: on PostgreSQL it locks the
	// chosen outbox rows and skips those another worker's claim holds, so
	// two workers never claim the same message. SQLite needs none: its
	// transactions are serialised (BEGIN IMMEDIATE), so the lease written
	// before commit is what the next claimer sees.
	claimLock string

	// openInOne makes OpenCase number the case and insert it, its events
	// and its deadlines in one data-modifying CTE, one round trip, with
	// the number from the prefix's sequence (next_case_number), which
	// never waits for another open. SQLite runs a statement per table
	// (calls into the engine, not round trips; its RETURNING cannot feed
	// another statement) and numbers from case_numbers, whose row lock
	// costs nothing where write transactions are serialised at BEGIN.
	openInOne bool

	// snapshot begins a read-only transaction that sees one state of the
	// database, for a read of several statements (Store.State). On SQLite
	// ReadOnly is what matters: it makes the driver begin a deferred
	// transaction, a WAL snapshot that takes no lock, instead of the
	// immediate one _txlock asks for, which would queue behind writers.
	snapshot dbsql.TxOptions

	// like is the operator that matches a pattern ignoring case, for
	// completion: SQLite's LIKE folds ASCII case, PostgreSQL's is
	// case-sensitive and ILIKE folds all of Unicode. Either way a value
	// typed as it is stored matches.
	like string

	// searchMatch, when set, narrows a find to the rows of a full-text
	// index before the LIKEs on cases.search check them: SQLite's FTS5
	// trigram table is a separate table a query must name, its argument
	// an FTS5 query of quoted phrases. PostgreSQL's trigram index serves
	// the LIKEs themselves.
	searchMatch string

	// contains is the condition that search holds its argument, a plain
	// string and never an index condition: PostgreSQL's strpos, SQLite's
	// instr.
	contains string

	// caseIDs returns ? new case ids for a bulk load, one a row: on
	// PostgreSQL from the identity's sequence (COPY writes given ids to an
	// identity column as OVERRIDING SYSTEM VALUE would); SQLite gives an
	// INTEGER PRIMARY KEY the next ids after the largest, and the load's
	// transaction holds the write lock.
	caseIDs string

	// copyIn makes BulkLoad write rows with COPY FROM STDIN (lib/pq's
	// copy-in), many times faster than INSERTs on PostgreSQL; SQLite has
	// no COPY and takes multi-row INSERTs in the load's one transaction.
	copyIn bool

	// field is the expression that reads a case's field %s from its JSON
	// fields, as the index of migration 00014 writes it for dispute_id.
	field string

	// migrationLocker serialises concurrent migrations from several
	// replicas; nil where the database serialises writers anyway.
	migrationLocker func() (lock.SessionLocker, error)
}

func postgresDialect() *dialect {
	return &dialect{
		name:            "postgres",
		driver:          "postgres",
		goose:           goose.DialectPostgres,
		lockSuffix:      " FOR UPDATE",
		claimLock:       " FOR UPDATE OF o SKIP LOCKED",
		openInOne:       true,
		like:            "ILIKE",
		contains:        ` AND strpos(search, ?) > 0`,
		caseIDs:         `SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, ?)`,
		copyIn:          true,
		field:           `(fields->>'%s')`,
		snapshot:        dbsql.TxOptions{Isolation: dbsql.LevelRepeatableRead, ReadOnly: true},
		migrationLocker: func() (lock.SessionLocker, error) { return lock.NewPostgresSessionLocker() },
	}
}

func sqliteDialect() *dialect {
	return &dialect{
		name:        "sqlite",
		driver:      "sqlite",
		goose:       goose.DialectSQLite3,
		snapshot:    dbsql.TxOptions{ReadOnly: true},
		like:        "LIKE",
		contains:    ` AND instr(search, ?) > 0`,
		searchMatch: ` AND id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)`,
		field:       `(json_extract(fields, '$.%s'))`,
		caseIDs: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
SELECT (SELECT COALESCE(MAX(id), 0) FROM cases) + i FROM n`,
	}
}
