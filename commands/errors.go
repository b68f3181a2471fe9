package commands

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/prompts"
)

// UserError is a mistake the user can fix. Its message says what is wrong
// and how to fix it; it is shown to the user and nothing was changed.
type UserError struct {
	Msg   string
	Usage string // the command's usage line, shown below the message
	// Fields names the key=value fields at fault, each with what is wrong
	// with it, so that a form the values came from can show each message
	// under its field (bot.Reply.Invalid); Msg says it all as well.
	Fields map[string]string
}

func (e *UserError) Error() string { return e.Msg }

// InvalidFields is Fields, for dispatch.Failure, which does not import the
// commands.
func (e *UserError) InvalidFields() map[string]string { return e.Fields }

// fieldProblems are the fields err names as wrong (playbooks.FieldProblems),
// each with its message; nil when it names none.
func fieldProblems(err error) map[string]string {
	ps, ok := errors.AsType[playbooks.FieldProblems](err)
	if !ok || len(ps) == 0 {
		return nil
	}
	fields := make(map[string]string, len(ps))
	for _, p := range ps {
		if p.Field == "" {
			continue
		}
		if prev, ok := fields[p.Field]; ok {
			fields[p.Field] = prev + "\n" + p.Msg
		} else {
			fields[p.Field] = p.Msg
		}
	}
	return fields
}

// UserMessage is what the user sees: the message, and the usage below it.
// dispatch.Failure shows it.
func (e *UserError) UserMessage() string {
	if e.Usage == "" {
		return e.Msg
	}
	return e.Msg + "\nUsage: " + e.Usage
}

// userErrorf formats a UserError.
func userErrorf(format string, args ...any) *UserError {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// errorReplies turns errors into replies, so every adapter renders them the
// same way. A database that cannot be reached is said so, and logged once
// per outage interval (outage); anything else is mapped as every adapter
// maps it (dispatch.Failure): a UserError is shown as it is, privately, and
// the rest is logged once with a short reference that the user sees. The
// log names the request by its id and by name(req), the registered command,
// never by what the user wrote.
func errorReplies(log *slog.Logger, name func(*bot.Request) string) bot.Middleware {
	down := &outage{log: log, every: unavailableEvery}
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req *bot.Request) (reply bot.Reply, err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				}
				switch {
				case err == nil:
					return
				case dbUnavailable(err):
					down.refuse(ctx, req, name(req), err)
					reply = bot.Reply{Text: unavailableText, Visibility: bot.Ephemeral, Failed: true}
				default:
					reply = dispatch.Failure(ctx, log, masked{err}, "request_id", req.ID, "platform", req.Platform, "command", name(req))
				}
				err = nil
			}()
			return next.Handle(ctx, req)
		})
	}
}

// masked is an error as a log shows it (logError), still unwrapping to
// itself so that a UserError inside is found.
type masked struct{ err error }

func (m masked) Error() string { return logError(m.err) }
func (m masked) Unwrap() error { return m.err }

// unavailableText answers a request refused because the database cannot be
// reached.
const unavailableText = "disputedesk cannot reach its database right now, so nothing was changed. Please try again in a minute."

// unavailableEvery is how often a database outage is logged while it lasts.
const unavailableEvery = 10 * time.Second

// dbUnavailable reports whether err means the database cannot be reached
// (refused or dropped connections, a server shutting down or out of
// connections, the database gone) rather than that this request is wrong.
// It reads the SQLSTATE through the method lib/pq's errors have, so that
// commands need not import a driver.
func dbUnavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	if se, ok := errors.AsType[interface {
		error
		SQLState() string
	}](err); ok {
		code := se.SQLState()
		// Class 08 connection exception, 53 insufficient resources,
		// 57P0x the server shutting down, 3D000 no such database.
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") || strings.HasPrefix(code, "57P") || code == "3D000"
	}
	return false
}

// outage logs requests refused because the database is down: the first at
// once, with its error, then one line per interval with the number refused
// in it, until an interval passes without any. Thousands of requests in a
// short outage make a few lines, not one each; /readyz says 503 meanwhile.
type outage struct {
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	active  bool // the first refusal was logged and an interval is running
	refused int  // requests refused since the last line
}

func (o *outage) refuse(ctx context.Context, req *bot.Request, command string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.active {
		o.refused++
		return
	}
	o.active = true
	o.log.ErrorContext(ctx, "database unavailable; refusing requests", "request_id", req.ID,
		"platform", req.Platform, "command", command, "error", logError(err))
	time.AfterFunc(o.every, o.tick)
}

// tick ends an interval: it logs the requests refused in it, or ends the
// outage when there were none.
func (o *outage) tick() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.refused == 0 {
		o.active = false
		return
	}
	o.log.Error("database still unavailable", "refused", o.refused, "interval", o.every)
	o.refused = 0
	time.AfterFunc(o.every, o.tick)
}

// logError is err as a log shows it: an error can quote what the user
// typed, so e-mail addresses, phone numbers, card numbers, IBANs and street
// addresses in it are masked as they are in prompts.
func logError(err error) string {
	return prompts.Redact(err.Error())
}
