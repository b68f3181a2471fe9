package commands

import (
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/actionid"
)

// errButtonGone answers a button or form whose id the bot cannot read: one
// garbled, of a format it does not know, or of a command since removed.
var errButtonGone = userErrorf("this button no longer works: use the slash commands (/case help)")

// button offers to run command name with args, each already written as
// typed (quoted where needed). Command is the whole line; ID is its action
// id, empty when the line is too long for one (see bot.Button).
func (r *Router) button(label, style, name string, args ...string) bot.Button {
	line, id := r.actionOf(name, args)
	return bot.Button{Label: label, Command: line, ID: id, Style: style}
}

// form asks for fields that complete command name with args.
func (r *Router) form(title, submit, name string, args []string, fields ...bot.FormField) *bot.Form {
	line, id := r.actionOf(name, args)
	return &bot.Form{Title: title, Submit: submit, Command: line, ID: id, Fields: fields}
}

// actionOf writes command name with args as a command line and as an
// action id.
func (r *Router) actionOf(name string, args []string) (line, id string) {
	rest := strings.Join(args, " ")
	line = strings.TrimSpace("/" + name + " " + rest)
	if c, ok := r.commands[name]; ok && c.Code != "" {
		id, _ = actionid.Encode(c.Code, rest)
	}
	return line, id
}

// actionLine resolves what a button or form carried to the command line it
// runs: an action id, or a command line itself (from a button posted before
// ids, or one too long for an id). Anything else is errButtonGone.
func (r *Router) actionLine(value string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(value), "/") {
		return value, nil
	}
	code, args, err := actionid.Decode(value)
	if err != nil {
		return "", errButtonGone
	}
	c, ok := r.byCode[code]
	if !ok {
		return "", errButtonGone
	}
	return strings.TrimSpace("/" + c.Name + " " + args), nil
}
