package sql

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/disputedesk/disputedesk/storage"
)

// migrations holds one folder of numbered goose .sql files per dialect.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// ErrSchemaBehind means the database lacks migrations this binary has; the
// fix is `disputedesk migrate`.
var ErrSchemaBehind = errors.New("database schema is behind this binary")

// provider builds a goose provider on the store's connection pool for the
// store's dialect. It never closes the pool (goose's Provider.Close would).
func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+s.d.name)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.d.migrationLocker != nil {
		l, err := s.d.migrationLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	}
	return goose.NewProvider(s.d.goose, s.db.DB, fsys, opts...)
}

// Migrate applies the pending migrations and reports the schema version
// before and after. It returns an error wrapping storage.ErrUnknownSchema,
// and changes nothing, when the database is newer than this binary. On
// PostgreSQL concurrent Migrate calls (several replicas starting) are
// serialised by an advisory lock.
func (s *Store) Migrate(ctx context.Context) (from, to int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("migrate: %w", err)
	}
	from, latest, err := p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate: %w", err)
	}
	if from > latest {
		return from, from, fmt.Errorf("migrate: database is at version %d, this binary knows up to %d: %w", from, latest, storage.ErrUnknownSchema)
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		s.log.InfoContext(ctx, "migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	if err != nil {
		return from, from, fmt.Errorf("migrate: %w", err)
	}
	to, _, err = p.GetVersions(ctx)
	if err != nil {
		return from, from, fmt.Errorf("migrate: %w", err)
	}
	n, err := s.fillSearch(ctx)
	if err != nil {
		return from, to, fmt.Errorf("migrate: search text: %w", err)
	}
	if n > 0 {
		s.log.InfoContext(ctx, "search text filled in", "cases", n)
	}
	// The schema is current: the open path's statements can be prepared.
	if s.prepared != nil {
		if err := s.prepared.prepare(ctx, s.db, s.d.hotStatements()); err != nil {
			s.log.WarnContext(ctx, "preparing the open path's statements failed; they are sent unprepared", "error", err)
		}
	}
	return from, to, nil
}

// Version reports the database's schema version and the newest one this
// binary has. It takes no migration lock, so it answers while another
// process migrates. On a database never migrated it creates goose's empty
// version table and reports 0.
func (s *Store) Version(ctx context.Context) (current, latest int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, latest, nil
}

// CheckSchema reports whether this binary can serve on the database: nil
// when the schema is exactly the newest this binary has, an error wrapping
// storage.ErrUnknownSchema when the database was migrated by a newer
// binary, and one wrapping ErrSchemaBehind, saying to run
// `disputedesk migrate`, when migrations are pending.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, err := s.Version(ctx)
	switch {
	case err != nil:
		return err
	case current > latest:
		return fmt.Errorf("database is at schema version %d, this binary knows up to %d (upgrade disputedesk): %w", current, latest, storage.ErrUnknownSchema)
	case current < latest:
		return fmt.Errorf("%w: database is at version %d, this binary needs %d; run `disputedesk migrate`", ErrSchemaBehind, current, latest)
	}
	return nil
}
