package main

import (
	"context"
	"log/slog"
	"maps"
	"slices"

	"github.com/disputedesk/disputedesk/storage"
)

// warnOrphans logs a warning for each playbook that open cases use but that
// is no longer loaded (its file removed or renamed in DISPUTEDESK_PLAYBOOKS):
// such cases are still listed, shown and closable, but have no steps or
// deadlines, so the team should know at start rather than find out on a case.
// A failure to look is logged, not fatal: the bot works without the check.
func (m *Main) warnOrphans(ctx context.Context, log *slog.Logger) {
	open, err := m.Store.Cases(ctx, storage.CaseFilter{Scope: storage.Scope{All: true}, Status: storage.StatusOpen})
	if err != nil {
		log.Warn("could not check the open cases' playbooks", "error", err)
		return
	}
	missing := map[string]int{}
	for _, cs := range open {
		if _, ok := m.Playbooks.Get(cs.Playbook); !ok {
			missing[cs.Playbook]++
		}
	}
	for _, name := range slices.Sorted(maps.Keys(missing)) {
		log.Warn("open cases use a playbook that is not loaded: they show and close, without steps or deadlines; restore its file in DISPUTEDESK_PLAYBOOKS, or close them",
			"playbook", name, "open_cases", missing[name])
	}
}
