package playbooks

import (
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/storage"
)

// Summary is a case in one line, as its opening event, its card's text and
// its thread's name give it: "chargeback for Kari Nordmann, order 1042, EUR
// 49.90".
func Summary(cs storage.Case) string {
	s := cs.Playbook
	if c := cs.Fields["customer"]; c != "" {
		s += " for " + c
	}
	if o := cs.Fields["order"]; o != "" {
		s += ", order " + o
	}
	if cs.Amount != nil {
		s += ", " + money.Format(*cs.Amount)
	}
	return s
}

// ThreadName names a case's own thread, for a platform that starts one.
func ThreadName(cs storage.Case) string { return cs.Ref.String() + " · " + Summary(cs) }
