package main

import (
	"context"
	"fmt"

	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

// Migrate applies pending database migrations and reports the version.
func (m *Main) Migrate(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Errorf("migrate takes no arguments; it reads DATABASE_URL")}
	}
	cfg, err := LoadConfig(m.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	st, err := sqlstore.Open(ctx, cfg.DatabaseURL, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("open database %s: %w", sqlstore.Describe(cfg.DatabaseURL), err)
	}
	defer st.Close()
	from, to, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	where := sqlstore.Describe(cfg.DatabaseURL)
	if from == to {
		fmt.Fprintf(m.Stdout, "%s is at version %d, up to date.\n", where, to)
	} else {
		fmt.Fprintf(m.Stdout, "%s migrated from version %d to %d.\n", where, from, to)
	}
	return nil
}
