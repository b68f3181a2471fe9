package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
)

// BusyText answers a request no worker could take.
const BusyText = "disputedesk is busy right now. Please try again in a moment."

// failedText is what a user sees of a failure on our side; the reference
// ties it to the one log line of the error.
const failedText = "Something went wrong on our side (ref %s). Nothing was changed; please try again, and give the ref to your admin if it keeps happening."

// userError is an error whose message is for the user: what is wrong and
// how to fix it (commands.UserError). Declared here so that the kit needs
// no import of the commands.
type userError interface {
	error
	UserMessage() string
}

// fieldError is a user error that names the form fields at fault, each
// with what is wrong with it (commands.UserError.Fields).
type fieldError interface {
	InvalidFields() map[string]string
}

// Failure returns what the user sees of a request that failed with err, the
// one mapping every adapter and the core share. A user error is shown as it
// is, privately: the user can fix it. Anything else is logged once at error
// level with a new reference, attrs and err (whose Error text is what is
// logged, so a caller masks customer data by wrapping err), and the user
// sees only the reference; the reply is marked Failed. A user error that
// names fields sets Reply.Invalid, so that a form can show each message by
// its field.
func Failure(ctx context.Context, log *slog.Logger, err error, attrs ...any) bot.Reply {
	if ue, ok := errors.AsType[userError](err); ok {
		reply := bot.Reply{Text: ue.UserMessage(), Visibility: bot.Ephemeral}
		if fe, ok := ue.(fieldError); ok {
			reply.Invalid = fe.InvalidFields()
		}
		return reply
	}
	ref := newRef()
	args := append([]any{"error_ref", ref}, attrs...)
	log.ErrorContext(ctx, "request failed", append(args, "error", err)...)
	return bot.Reply{Text: fmt.Sprintf(failedText, ref), Visibility: bot.Ephemeral, Failed: true}
}

// Empty reports whether a reply has nothing to show: the core answers a
// chat message it only records with an empty reply.
func Empty(r bot.Reply) bool {
	return strings.TrimSpace(r.Text) == "" && r.Title == "" && len(r.Fields) == 0 &&
		len(r.Sections) == 0 && len(r.Buttons) == 0 && r.Form == nil
}

// newRef returns a short random reference.
func newRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
