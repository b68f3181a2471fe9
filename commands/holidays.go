package commands

import (
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// holidayNotes say whose public holidays the open deadlines that count
// working days skip, so a compliance lead can check the calendar behind a
// date, and say so when there is none rather than silently using weekends
// only. It asks the playbook, which chose the calendar when computing them.
func (r *Router) holidayNotes(pb *playbooks.Playbook, cs storage.Case, st storage.CaseState) []string {
	var ids []string
	for _, d := range st.Deadlines {
		if d.MetAt == nil {
			ids = append(ids, d.ID)
		}
	}
	return pb.HolidayNotes(cs, ids, r.deps.Calendar)
}
