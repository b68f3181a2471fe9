package commands

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/disputedesk/disputedesk/internal/logbuf"

	"github.com/disputedesk/disputedesk/bot"
)

// sqlStateError is a driver error with a SQLSTATE, as lib/pq's *pq.Error.
type sqlStateError string

func (e sqlStateError) Error() string    { return "pq: " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

func TestDBUnavailable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("begin: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"bad connection", fmt.Errorf("begin: %w", driver.ErrBadConn), true},
		{"connection failure", sqlStateError("08006"), true},
		{"server shutting down", sqlStateError("57P01"), true},
		{"too many connections", sqlStateError("53300"), true},
		{"database dropped", fmt.Errorf("case of thread: %w", sqlStateError("3D000")), true},
		{"unique violation", sqlStateError("23505"), false},
		{"timeout", context.DeadlineExceeded, false},
		{"a bug", errors.New("nil map"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dbUnavailable(tt.err); got != tt.want {
				t.Errorf("dbUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// errorLines returns the ERROR lines logged to logs so far.
func errorLines(logs *logbuf.Buffer) []string {
	var lines []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			lines = append(lines, line)
		}
	}
	return lines
}

// While the database is down, the failures are logged once when they start
// and then once per interval with the number of requests refused, not once
// per request; each user is told the database is unavailable.
func TestDatabaseOutageLoggedOncePerInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &logbuf.Buffer{}
		down := fmt.Errorf("begin: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
		h := errorReplies(slog.New(slog.NewTextHandler(logs, nil)), func(*bot.Request) string { return "case note" })(
			bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, down }))
		refuse := func(n int) {
			t.Helper()
			for i := range n {
				reply, err := h.Handle(t.Context(), &bot.Request{ID: fmt.Sprint("req-", i), Platform: bot.PlatformSlack})
				if err != nil || reply.Text != unavailableText || reply.Visibility != bot.Ephemeral || !reply.Failed {
					t.Fatalf("reply %+v, %v; want the database-unavailable reply", reply, err)
				}
			}
		}
		wantLines := func(n int, last string) {
			t.Helper()
			synctest.Wait()
			lines := errorLines(logs)
			if len(lines) != n || n > 0 && !strings.Contains(lines[n-1], last) {
				t.Fatalf("%d ERROR lines, want %d, the last with %q:\n%s", len(lines), n, last, strings.Join(lines, "\n"))
			}
		}

		refuse(1000)
		wantLines(1, `msg="database unavailable; refusing requests" request_id=req-0 platform=slack command="case note" error="begin: dial tcp: connection refused"`)
		time.Sleep(unavailableEvery)
		wantLines(2, `msg="database still unavailable" refused=999 interval=10s`)
		refuse(5)
		wantLines(2, "refused=999")
		time.Sleep(unavailableEvery)
		wantLines(3, "refused=5")
		// A quiet interval ends the outage; the next failure starts a new one.
		time.Sleep(2 * unavailableEvery)
		wantLines(3, "refused=5")
		refuse(1)
		wantLines(4, "database unavailable; refusing requests")
	})
}

// Other failures are still logged one by one, each with the reference the
// user is given.
func TestOtherFailuresLoggedEach(t *testing.T) {
	logs := &logbuf.Buffer{}
	h := errorReplies(slog.New(slog.NewTextHandler(logs, nil)), func(*bot.Request) string { return "case note" })(
		bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, sqlStateError("23505") }))
	for i := range 3 {
		reply, _ := h.Handle(context.Background(), &bot.Request{ID: fmt.Sprint(i)})
		_, rest, ok := strings.Cut(reply.Text, "(ref ")
		ref, _, _ := strings.Cut(rest, ")")
		lines := errorLines(logs)
		if !ok || !reply.Failed || len(lines) != i+1 || !strings.Contains(lines[i], "error_ref="+ref) {
			t.Fatalf("reply %q; ERROR lines:\n%s", reply.Text, strings.Join(lines, "\n"))
		}
	}
}
