package commands

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// duplicateField confirms opening a case that looks like a duplicate.
const duplicateField = "duplicate"

// takeDuplicateOK removes duplicate= from the details of an open and
// reports whether it said ok.
func takeDuplicateOK(fields map[string]string) bool {
	v, ok := fields[duplicateField]
	delete(fields, duplicateField)
	return ok && strings.EqualFold(strings.TrimSpace(v), "ok")
}

// duplicates lists the open cases of pb in the request's workspace (not
// only the channels the bot may use there) that share an id field
// (storage.DuplicateFields) with fields, newest first, and why each is
// one. It reads outside the transaction: it only decides whether to ask.
func (r *Router) duplicates(ctx context.Context, c *call, pb *playbooks.Playbook, fields map[string]string) ([]storage.Case, []string, error) {
	ids := map[string]string{}
	for _, k := range storage.DuplicateFields {
		if _, ok := pb.Field(k); ok && strings.TrimSpace(fields[k]) != "" {
			ids[k] = fields[k]
		}
	}
	if len(ids) == 0 {
		return nil, nil, nil
	}
	dups, err := r.deps.Store.OpenCasesWith(ctx, storage.WorkspaceScope(c.req.Platform, c.req.Workspace), pb.Name, ids, maxDuplicates)
	if err != nil {
		return nil, nil, fmt.Errorf("look for duplicates: %w", err)
	}
	why := make([]string, len(dups))
	for i, cs := range dups {
		for _, k := range storage.DuplicateFields {
			if v, ok := ids[k]; ok && strings.EqualFold(strings.TrimSpace(cs.Fields[k]), strings.TrimSpace(v)) {
				why[i] = fmt.Sprintf("%s %s", strings.ReplaceAll(k, "_", " "), cs.Fields[k])
				break
			}
		}
	}
	return dups, why, nil
}

// maxDuplicates bounds the open cases a duplicate warning lists.
const maxDuplicates = 10

// duplicateReply asks whether to open a case like dups anyway or to go to
// the newest of them; nothing is opened until the user says so. On chat
// platforms it offers buttons, in the console it prints both commands.
func (r *Router) duplicateReply(c *call, pb *playbooks.Playbook, given map[string]string, dups []storage.Case, why []string) bot.Reply {
	var lines []string
	for i, cs := range dups {
		lines = append(lines, fmt.Sprintf("%s · %s · opened %s by %s", cs.Ref, why[i], deadline.When(cs.OpenedAt, c.zones.ofCase(cs)), actor(cs.OpenedBy)))
	}
	args := []string{pb.Name}
	for _, k := range slices.Sorted(maps.Keys(given)) {
		args = append(args, k+"="+quote(given[k]))
	}
	args = append(args, duplicateField+"=ok")
	existing := dups[0].Ref.String()
	reply := bot.Reply{
		Text:       fmt.Sprintf("%s is already open for %s: nothing was opened. Go to it, or open another %s anyway?", existing, why[0], pb.Name),
		Sections:   []bot.Section{{Title: "Open cases like it", Lines: lines}},
		Visibility: bot.Ephemeral,
	}
	show, again := r.button("Show "+existing, "primary", "case show", existing), r.button("Open anyway", "danger", "case open", args...)
	if chatPlatform(c.req.Platform) {
		reply.Buttons = []bot.Button{show, again}
	} else {
		reply.Sections = append(reply.Sections, bot.Section{Lines: []string{"Go to it: " + show.Command, "Open anyway: " + again.Command}})
	}
	return reply
}
