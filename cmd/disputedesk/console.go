package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/term"

	"github.com/disputedesk/disputedesk/bot/console"
	"github.com/disputedesk/disputedesk/commands"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

// Console runs the bot on standard input and output.
func (m *Main) Console(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	who := fs.String("user", osUser(m.Getenv), "who is typing")
	workspace := fs.String("workspace", "", "see only this workspace's cases, as slack:T0123 or discord:81234 (default: every workspace)")
	if err := fs.Parse(args); err != nil {
		return &usageError{err}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Errorf("unexpected %q: commands are read from standard input", fs.Arg(0))}
	}
	user, err := consoleUser(*who)
	if err != nil {
		return &usageError{err}
	}
	if *workspace != "" {
		if _, err := commands.ParseWorkspace(*workspace); err != nil {
			return &usageError{fmt.Errorf("--workspace: %w", err)}
		}
	}
	quiet := slog.LevelWarn // the console is a conversation: keep the logs to problems
	if err := m.Open(ctx, &quiet); err != nil {
		return err
	}
	defer m.Close()
	m.warnOrphans(ctx, m.Logger.With("component", "console"))
	deps, err := m.Deps(nil)
	if err != nil {
		return err
	}
	deps.ConsoleWorkspace = *workspace
	router, err := commands.NewRouter(deps)
	if err != nil {
		return err
	}
	a := &console.Adapter{In: m.Stdin, Out: m.Stdout, User: user, Zone: m.Getenv("TZ")}
	fmt.Fprintf(m.Stderr, "disputedesk: cases are kept in %s\n", sqlstore.Describe(m.Config.DatabaseURL))
	if isTerminal(m.Stdin) {
		a.Prompt = "disputedesk> "
		t := console.OpenTerminal(m.historyFile())
		defer func() {
			if err := t.Close(); err != nil {
				m.Logger.Warn("console history not saved", "error", err)
			}
		}()
		a.Lines = t
		fmt.Fprintf(m.Stderr, "You are @%s. Type /case help to start; a line ending in \\ continues on the next; Ctrl-D quits.\n", user)
	}
	return a.Run(ctx, router)
}

// userName is what a mention can hold (bot.Mention's token).
var userName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// consoleUser checks --user: a leading @ is how people write a name in chat,
// so it is dropped rather than doubled; an empty name would sign the
// timeline with nobody.
func consoleUser(who string) (string, error) {
	name := strings.TrimPrefix(strings.TrimSpace(who), "@")
	if !userName.MatchString(name) {
		return "", fmt.Errorf("--user %q: say who is typing, in letters, digits, ., _ and -, like --user kari", who)
	}
	return name, nil
}

// historyFile is where the console keeps the lines typed at a terminal:
// beside the cases, or "" (no history) when there is no data directory.
func (m *Main) historyFile() string {
	dir := m.Config.DataDir
	if dir == "" {
		dir, _ = defaultDataDir(m.Getenv)
	}
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return ""
	}
	return filepath.Join(dir, "console_history")
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func osUser(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := getenv("USER"); u != "" {
		return u
	}
	return "agent"
}
