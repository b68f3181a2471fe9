// Command disputedesk is a chat-ops bot for e-commerce support teams: it runs
// playbooks for disputes, returns and recalls in Slack, Discord or a console.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // deadlines need IANA zones even where the host has no zoneinfo

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/stripehook"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/prompts"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// run executes one subcommand and returns the process's exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		printHelp(stdout)
		return exitOK
	}
	m := &Main{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	var err error
	switch args[0] {
	case "console":
		err = m.Console(ctx, args[1:])
	case "serve":
		err = m.Serve(ctx, args[1:])
	case "migrate":
		err = m.Migrate(ctx, args[1:])
	case "playbooks":
		err = m.PlaybooksCmd(args[1:])
	case "summary":
		err = m.SummaryCmd(ctx, args[1:])
	case "version", "--version":
		printVersion(stdout)
	case "help", "-h", "-help", "--help":
		printHelp(stdout)
	default:
		fmt.Fprintf(stderr, "disputedesk: unknown command %q. Commands: console, serve, migrate, playbooks, summary, version, help.\n", args[0])
		return exitUsage
	}
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "disputedesk %s: %v\n", args[0], err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "disputedesk %s: %v\n", args[0], err)
		return exitError
	}
}

// usageError is a mistake in the command line itself.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Main holds what the subcommands share: configuration, the store, the logger.
// The end-to-end tests run the real binary; Main keeps the wiring in one place.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string

	Config    Config
	Logger    *slog.Logger
	Store     *sqlstore.Store
	Playbooks *playbooks.Catalog
	// Now is the clock of everything the process does, from Config.Clock.
	Now func() time.Time
}

// Open loads the configuration and opens and migrates the database.
func (m *Main) Open(ctx context.Context, logLevel *slog.Level) error {
	cfg, err := LoadConfig(m.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	m.Config = cfg
	level := cfg.LogLevel
	if logLevel != nil && m.Getenv("DISPUTEDESK_LOG_LEVEL") == "" {
		level = *logLevel
	}
	m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
	if m.Playbooks, err = playbooks.Load(cfg.PlaybooksDir); err != nil {
		return fmt.Errorf("playbooks (DISPUTEDESK_PLAYBOOKS=%s):\n%w", cfg.PlaybooksDir, err)
	}
	m.Now = cfg.Clock.Now()
	st, err := sqlstore.Open(ctx, cfg.DatabaseURL, sqlstore.Options{Now: m.Now, Logger: m.Logger.With("component", "storage")})
	if err != nil {
		return fmt.Errorf("open database %s: %w", sqlstore.Describe(cfg.DatabaseURL), err)
	}
	m.Store = st
	if cfg.AutoMigrate {
		if _, _, err := st.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate database: %w", err)
		}
	}
	return st.CheckSchema(ctx)
}

// Router builds the command router on the opened store. wake, when set,
// is called when a change has queued messages for delivery.
func (m *Main) Router(wake func(), mw ...bot.Middleware) (*commands.Router, error) {
	deps, err := m.Deps(wake)
	if err != nil {
		return nil, err
	}
	return commands.NewRouter(deps, mw...)
}

// Deps is what the commands work with, from the configuration; wake is
// called after a change queued messages in the outbox.
func (m *Main) Deps(wake func()) (commands.Deps, error) {
	drafter, err := m.drafter()
	if err != nil {
		return commands.Deps{}, err
	}
	deps := commands.Deps{
		Store:           m.Store,
		Playbooks:       m.Playbooks,
		DefaultCurrency: m.Config.DefaultCurrency,
		Logger:          m.Logger.With("component", "commands"),
		Wake:            wake,
		Drafter:         drafter,
		DefaultLanguage: m.Config.Language,
		Calendar:        playbooks.Calendar{Country: m.Config.Country, Changes: m.Config.Holidays},
		Channels:        m.Config.Channels,
		Leads:           m.Config.Leads,
		Signature:       m.Config.Signature,
		Now:             m.Now,
	}
	if key := m.Config.Stripe.APIKey; key != "" {
		deps.Evidence = stripehook.NewClient(key, m.Config.Stripe.APIBase)
	}
	return deps, nil
}

// drafter writes reply drafts with the configured model, falling back to
// the offline templates, which also serve alone when no model is set.
func (m *Main) drafter() (prompts.Drafter, error) {
	offline, err := prompts.NewOffline()
	if err != nil {
		return nil, fmt.Errorf("offline drafts: %w", err)
	}
	f := &prompts.Fallback{Offline: offline, Lint: prompts.Lint, Logger: m.Logger.With("component", "drafts")}
	if mc := m.Config.Model; mc.Enabled() {
		model, err := prompts.NewOpenAI(prompts.OpenAIConfig{APIKey: mc.APIKey, BaseURL: mc.BaseURL, Model: mc.Model,
			LogPrompts: mc.LogPrompts, Logger: m.Logger.With("component", "model")})
		if err != nil {
			return nil, fmt.Errorf("model for drafts (OPENAI_*): %w", err)
		}
		f.Model = model
	}
	return f, nil
}

// Close releases the database.
func (m *Main) Close() error {
	if m.Store == nil {
		return nil
	}
	return m.Store.Close()
}
