// Package storage defines disputedesk's records, filters, sentinel errors and
// the Store interface. The one implementation lives in storage/sql (PostgreSQL
// and SQLite); storagetest holds the conformance suite both dialects pass.
package storage

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Implementations wrap them so callers test with errors.Is.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnknownSchema means the database was migrated by a newer binary.
	ErrUnknownSchema = errors.New("database schema is newer than this binary")
)

// Status is where a case stands in its life.
type Status string

// Case statuses.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Money is an exact amount in the currency's minor units (cents, øre) with its
// ISO 4217 code. Money is never a float.
type Money struct {
	Minor    int64
	Currency string
}

// Ref is a case's human reference, such as CB-1042.
type Ref struct {
	Prefix string
	Number int64
}

// String renders the reference as PREFIX-NUMBER.
func (r Ref) String() string { return r.Prefix + "-" + strconv.FormatInt(r.Number, 10) }

// ParseRef reads a reference such as "CB-1042" or "cb-1042" (a leading # is
// allowed, as people type it in chat).
func ParseRef(s string) (Ref, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	prefix, num, ok := strings.Cut(s, "-")
	if !ok || prefix == "" {
		return Ref{}, fmt.Errorf("%q is not a case reference (like CB-1042)", s)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return Ref{}, fmt.Errorf("%q is not a case reference (like CB-1042)", s)
	}
	for _, c := range prefix {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return Ref{}, fmt.Errorf("%q is not a case reference (like CB-1042)", s)
		}
	}
	return Ref{Prefix: strings.ToUpper(prefix), Number: n}, nil
}

// Case is one dispute, return or recall followed by a team.
type Case struct {
	ID       int64
	Ref      Ref
	Playbook string
	Status   Status
	// Fields holds the playbook's free fields (order, customer, reason...).
	Fields map[string]string
	// Amount is the disputed amount; nil when the case has none.
	Amount *Money

	Platform      string // console, slack, discord
	Workspace     string // Slack team or Discord guild
	Channel       string
	Thread        string // the case's own thread, once it has one
	CardMessageID string // the message that shows the case card

	OpenedBy string
	Assignee string

	Outcome       string
	OutcomeAmount *Money

	// A timestamp per status: when it was opened, last closed and last reopened.
	OpenedAt   time.Time
	UpdatedAt  time.Time
	ClosedAt   *time.Time
	ReopenedAt *time.Time
}

// EventKind names what happened to a case.
type EventKind string

// Event kinds written by the case commands.
const (
	EventOpened   EventKind = "opened"
	EventNote     EventKind = "note"
	EventAssigned EventKind = "assigned"
	EventClosed   EventKind = "closed"
	EventReopened EventKind = "reopened"
)

// Event kinds written with the playbook engine's state (see Tx.SetStep,
// Tx.SetCheck, Tx.AddEvidence and Tx.SetDeadlines).
const (
	EventStep     EventKind = "step"
	EventCheck    EventKind = "check"
	EventEvidence EventKind = "evidence"
	EventDeadline EventKind = "deadline"
	EventFields   EventKind = "fields"  // details added or corrected
	EventMessage  EventKind = "message" // a message posted in the case's thread
	EventResent   EventKind = "resent"  // messages the bot could not post, queued again
	EventSnoozed  EventKind = "snoozed" // reminders silenced for a while
)

// Event kinds of corrections (issue 12): what was wrong stays on the
// timeline, the correction is a new event.
const (
	EventUnassigned EventKind = "unassigned" // no one has the case any more
	EventLinked     EventKind = "linked"     // linked to another case (Tx.LinkCases)
	EventNoteFixed  EventKind = "note_fixed" // a note corrected; Data["note"] is its number
)

// OutcomeVoid is the outcome of a case closed because it was opened by
// mistake: it counts in no statistics.
const OutcomeVoid = "void"

// LinkKind says how two linked cases relate.
type LinkKind string

// Link kinds.
const (
	LinkDuplicate LinkKind = "duplicate" // the same dispute, opened twice
	LinkRelated   LinkKind = "related"
	LinkSupplier  LinkKind = "supplier" // a customer's case and the supplier claim it led to
)

// LinkKinds lists the link kinds, the default first.
var LinkKinds = []LinkKind{LinkRelated, LinkDuplicate, LinkSupplier}

// CaseLink is a link from case CaseID to case OtherID (whose reference is
// Other); every link is stored both ways.
type CaseLink struct {
	CaseID, OtherID int64
	Other           Ref
	Kind            LinkKind
	By              string
	At              time.Time
}

// Event is one entry of a case's append-only timeline.
type Event struct {
	ID     int64
	CaseID int64
	At     time.Time
	Actor  string
	Kind   EventKind
	Body   string
	// Data carries structured detail (the outcome and amount of a close, say).
	Data map[string]string
}

// Scope is whose cases a read or a change may reach: one workspace (a Slack
// team, a Discord guild) of one platform, narrowed to some of its channels
// when the team allows the bot only there. Every lookup of a case takes one,
// and a case outside it is ErrNotFound, exactly as one that does not exist,
// so references can stay short and sequential without being an oracle.
type Scope struct {
	// All reaches every workspace: the operator's console on the database.
	All       bool
	Platform  string
	Workspace string
	// Channels, when set, narrows the scope to cases in these channels.
	Channels []string
}

// AllWorkspaces is the scope of the operator's console.
var AllWorkspaces = Scope{All: true}

// WorkspaceScope is the scope of one workspace of a platform.
func WorkspaceScope(platform, workspace string) Scope {
	return Scope{Platform: platform, Workspace: workspace}
}

// Contains reports whether c is within s.
func (s Scope) Contains(c Case) bool {
	if s.All {
		return true
	}
	return c.Platform == s.Platform && c.Workspace == s.Workspace &&
		(len(s.Channels) == 0 || slices.Contains(s.Channels, c.Channel))
}

// CaseFilter selects cases for a list within Scope. Zero values of the
// other fields match everything.
type CaseFilter struct {
	Scope  Scope
	Status Status
	// Mine selects cases assigned to this user, or opened by them and unassigned.
	Mine  string
	Limit int
}

// CaseQuery selects cases for /case find and a filtered /case list,
// within Scope. Zero values of the other fields match everything; the
// text ones are compared folded (Fold), so Søren finds soren.
type CaseQuery struct {
	Scope  Scope
	Status Status
	// Text is words that must each appear somewhere in the case's
	// reference, field values, notes or evidence references.
	Text string
	// Fields maps a field name to words that must each start a word of
	// that field's value: customer=sor finds "Søren Hansen".
	Fields map[string]string
	// Playbook and Assignee select cases of one playbook, or assigned to
	// one user (exactly).
	Playbook, Assignee string
	// Mine is CaseFilter.Mine.
	Mine string
	// Since selects cases opened at or after it.
	Since time.Time
	// Limit bounds the cases returned; 0 means 20.
	Limit int
}

// DuplicateFields are the fields that name what a case is about, across
// the playbooks: our order, the processor's dispute, the marketplace's
// claim. An open case of the same playbook with one of them equal is most
// likely the same dispute opened twice (Store.OpenCasesWith).
var DuplicateFields = []string{"order", "dispute_id", "claim_id"}

// MaxFindCount is how far Store.FindCases counts the matches beyond the
// cases it returns: "more than 1000" is as good as the exact number.
const MaxFindCount = 1000

// StepStatus is what became of a playbook step.
type StepStatus string

// Step statuses. A step with no StepState is pending.
const (
	StepDone    StepStatus = "done"
	StepSkipped StepStatus = "skipped"
	// StepPending is written by SetStep to undo a step done or skipped by
	// mistake: the row is kept (who undid it, when) rather than deleted,
	// and State leaves it out, so the step reads as pending again.
	StepPending StepStatus = "pending"
)

// StepState is a step that was done or skipped; a step with no StepState is
// pending.
type StepState struct {
	CaseID int64
	StepID string
	Status StepStatus
	By     string
	At     time.Time
	Note   string
}

// Check is the state of one checklist item (Item counts from 1).
type Check struct {
	CaseID  int64
	StepID  string
	Item    int
	Checked bool
	By      string
	At      time.Time
}

// Evidence is one piece of evidence gathered for a case: a kind (as the
// playbook names it), a reference to where it is (a link, a tracking
// number, a file name) and a note.
type Evidence struct {
	ID, CaseID          int64
	Kind, Ref, Note, By string
	At                  time.Time
}

// Deadline is a computed due date of a case ("evidence_due", or
// "step:acknowledge" for a step's own due rule).
type Deadline struct {
	CaseID int64
	ID     string
	Title  string
	Due    time.Time
	// Rule is the playbook's rule, Basis what it counted from, Source who
	// sets the deadline (a network, a regulation, the team).
	Rule, Basis, Source string
	// MetAt is when the deadline was met; nil while it is not.
	MetAt *time.Time
	// RetiredAt is when the deadline's case was closed with the deadline
	// unmet; nil while the case is open (a reopening restores it). A
	// retired deadline is no longer due: Deadlines leaves it out.
	RetiredAt *time.Time
}

// What the event of a close (or void) and of a reopening says of the
// deadlines it retired or restored: their ids, sorted, comma-separated.
const (
	DataRetiredDeadlines  = "retired_deadlines"
	DataRestoredDeadlines = "restored_deadlines"
)

// CaseState is everything the playbook engine needs besides the case row.
type CaseState struct {
	Steps     []StepState
	Checks    []Check
	Evidence  []Evidence
	Deadlines []Deadline
	// Links are the case's links to other cases, by time, then other id.
	Links []CaseLink
}

// DueDeadline is a deadline of an open case, for /case due and reminders.
type DueDeadline struct {
	Deadline
	Ref                                                        Ref
	Playbook, Assignee, OpenedBy, Platform, Workspace, Channel string
	// CaseZone is the case's timezone field, the zone its times are
	// shown in (deadline.Shown); empty when it has none.
	CaseZone string
	// OpenedAt is when the case was opened: a reminder due before it
	// (the deadline was born inside its window) is not sent.
	OpenedAt time.Time
	// Amount is the case's disputed amount, the money at stake if the
	// deadline is missed; nil when the case has none.
	Amount *Money
}

// DeadlineFilter selects the deadlines Store.Deadlines lists, of cases
// within Scope. Zero values of the other fields match everything.
type DeadlineFilter struct {
	Scope Scope
	// Mine selects deadlines of cases assigned to this user, or opened by
	// them and unassigned, as CaseFilter.Mine.
	Mine string
	// Before selects deadlines due before this time; zero: no bound.
	Before time.Time
	Limit  int
}

// CaseRecord is a case with its timeline and deadlines, whole, as a bulk
// load writes it at once (storage/sql Store.BulkLoad, fed by
// internal/gendata): it is not part of Store, whose changes go through
// Update one request at a time.
type CaseRecord struct {
	Case      Case
	Events    []Event
	Deadlines []Deadline
}

// DraftRecord is a reply to a customer that the bot suggested, kept so that
// an agent can approve, edit or regenerate it. The bot never sends it to the
// customer itself.
type DraftRecord struct {
	ID     int64
	CaseID int64
	// Number counts the case's drafts from 1, as agents see them ("draft
	// 2 of RMA-1007"); SaveDraft sets it.
	Number   int64
	Language string
	Tone     string
	Body     string
	Source   string // "model" or "offline"
	// CustomerMessage is the customer's text the draft answers, for a
	// regenerated draft.
	CustomerMessage string
	By              string
	At              time.Time
	// ApprovedBy and ApprovedAt are set once an agent approves it, with
	// Body as approved (edited or not).
	ApprovedBy string
	ApprovedAt *time.Time
}

// Event kinds of drafts.
const (
	EventDraft    EventKind = "draft"    // a reply was suggested
	EventApproved EventKind = "approved" // an agent approved a reply to send
)
