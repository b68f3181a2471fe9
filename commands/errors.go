package commands

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/prompts"
)

// UserError is a mistake the user can fix. Its message says what is wrong
// and how to fix it; it is shown to the user and nothing was changed.
type UserError struct {
	Msg   string
	Usage string // the command's usage line, shown below the message
}

func (e *UserError) Error() string { return e.Msg }

// userErrorf formats a UserError.
func userErrorf(format string, args ...any) *UserError {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// errorReplies turns errors into replies, so every adapter renders them the
// same way. A UserError is shown as it is, privately. Anything else is logged
// once with a short reference, and the user sees only that reference. The
// log names the request by its id and by name(req), the registered command,
// never by what the user wrote.
func errorReplies(log *slog.Logger, name func(*bot.Request) string) bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req *bot.Request) (reply bot.Reply, err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				}
				if err == nil {
					return
				}
				var ue *UserError
				if errors.As(err, &ue) {
					text := ue.Msg
					if ue.Usage != "" {
						text += "\nUsage: " + ue.Usage
					}
					reply, err = bot.Reply{Text: text, Visibility: bot.Ephemeral}, nil
					return
				}
				ref := errorRef()
				log.ErrorContext(ctx, "request failed", "error_ref", ref, "request_id", req.ID,
					"platform", req.Platform, "command", name(req), "error", logError(err))
				reply = bot.Reply{
					Text:       fmt.Sprintf("Something went wrong on our side (ref %s). Nothing was changed; please try again, and give the ref to your admin if it keeps happening.", ref),
					Visibility: bot.Ephemeral,
				}
				err = nil
			}()
			return next.Handle(ctx, req)
		})
	}
}

// logError is err as a log shows it: an error can quote what the user
// typed, so e-mail addresses, phone numbers, card numbers, IBANs and street
// addresses in it are masked as they are in prompts.
func logError(err error) string {
	return prompts.Redact(err.Error())
}

func errorRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
