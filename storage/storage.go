// Package storage defines disputedesk's records, filters, sentinel errors and
// the Store interface. The one implementation lives in storage/sql (PostgreSQL
// and SQLite); storagetest holds the conformance suite both dialects pass.
package storage

import (
	"context"
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
	Ref                                             Ref
	Playbook, Assignee, OpenedBy, Channel, Platform string
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

// RequestKey identifies one platform request (a slash command, a button
// press) so that a retried request returns its first result.
type RequestKey struct {
	Platform string
	ID       string
}

// Store is the database. Reads run on their own; every change runs inside
// Update, where the change, its timeline event and the record of the request
// that caused it commit together or not at all. A case is found by what a
// user can give (a reference, a thread, a filter) only within a Scope;
// methods that take a case's ID trust it, since IDs come from such a read
// and are never shown to users.
type Store interface {
	// Update runs fn in one transaction. fn returns the response to record
	// for key. If key was already processed, Update does not run fn (or rolls
	// back what fn did) and returns the first response with replayed true.
	// An error from fn rolls everything back and is returned as is.
	Update(ctx context.Context, key RequestKey, fn func(Tx) ([]byte, error)) (response []byte, replayed bool, err error)

	// Case returns the case with ref within scope, or ErrNotFound.
	Case(ctx context.Context, scope Scope, ref Ref) (Case, error)
	// Cases lists cases matching f, newest first.
	Cases(ctx context.Context, f CaseFilter) ([]Case, error)
	// Draft returns draft number of case caseID (DraftRecord.Number), or
	// ErrNotFound.
	Draft(ctx context.Context, caseID, number int64) (DraftRecord, error)
	// CaseByThread returns the case within scope whose thread (or card
	// message) is thread in channel, or ErrNotFound. scope names one
	// platform's workspace; an All scope is refused.
	CaseByThread(ctx context.Context, scope Scope, channel, thread string) (Case, error)
	// Timeline returns a case's events, oldest first.
	Timeline(ctx context.Context, caseID int64) ([]Event, error)
	// State returns a case's steps (by time, then step id), checklist ticks
	// (by step id, then item), evidence (by time, then id) and deadlines
	// (by due time, then id), as one consistent read, or ErrNotFound when
	// the case does not exist.
	State(ctx context.Context, caseID int64) (CaseState, error)
	// Deadlines lists the unmet deadlines (MetAt nil) of open cases
	// matching f, soonest first (then by case, then by deadline id).
	Deadlines(ctx context.Context, f DeadlineFilter) ([]DueDeadline, error)
	// SummaryCases lists the cases within scope that a summary looking back to since reads: every open case, and every case opened or closed at or after since; oldest opened first (then by id). Its cost follows the cases of that period and the open ones, not the history.
	SummaryCases(ctx context.Context, scope Scope, since time.Time) ([]Case, error)

	// Completion, as a user types a command (autocomplete must answer
	// within seconds, so it is one indexed read).

	// MatchCases lists, newest first, at most limit cases within scope
	// and in status (any status when empty) whose reference, order or
	// customer starts with prefix, ignoring ASCII case; an empty prefix
	// matches every case.
	MatchCases(ctx context.Context, scope Scope, status Status, prefix string, limit int) ([]Case, error)

	// FindCases lists, newest first, at most q.Limit cases matching q,
	// and how many match in all, counted up to MaxFindCount (the length
	// of the list when they all fit). It is an index read of the search
	// text for words of three characters or more.
	FindCases(ctx context.Context, q CaseQuery) (cases []Case, total int, err error)

	// OutboxFailures lists a case's permanently failed outbox messages,
	// newest first.
	OutboxFailures(ctx context.Context, caseID int64) ([]OutboxMessage, error)

	// ClaimedRuns reports which of keys of job are claimed already
	// (Tx.ClaimRun), so that a scheduler skips them without a transaction.
	ClaimedRuns(ctx context.Context, job string, keys []string) (map[string]bool, error)

	// ChannelSettings returns a channel's settings; the zero value (with
	// the channel's ids) when it has none.
	ChannelSettings(ctx context.Context, platform, workspace, channel string) (ChannelSettings, error)
	// Subscriptions lists the channels subscribed to a daily summary, by
	// platform, workspace and channel.
	Subscriptions(ctx context.Context) ([]ChannelSettings, error)

	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Tx is the set of changes available inside Store.Update. Each method that
// changes a case takes the timeline event that explains the change.
type Tx interface {
	// CaseForUpdate returns the case with ref within scope, locked until
	// the transaction ends, or ErrNotFound.
	CaseForUpdate(ctx context.Context, scope Scope, ref Ref) (Case, error)
	// CaseByField returns the case of playbook within scope whose field
	// (a field name: lower-case letters, digits and _) is value, locked
	// until the transaction ends: the open one before a closed one, then
	// the newest. It returns ErrNotFound when none has it. A processor's
	// dispute id (dispute_id) is indexed, so a webhook finds its case fast.
	CaseByField(ctx context.Context, scope Scope, playbook, field, value string) (Case, error)
	// CreateCase numbers c within its prefix (c.Ref.Prefix must be set),
	// inserts it with ev as its first event, and fills in c.ID, c.Ref.Number
	// and ev's IDs.
	CreateCase(ctx context.Context, c *Case, ev *Event) error
	// OpenCase is CreateCase and then SetDeadlines(c.ID, ds, dev), in as
	// few round trips as the store can (one statement on PostgreSQL): what
	// /case open writes. dev may be nil when ds is empty.
	OpenCase(ctx context.Context, c *Case, ev *Event, ds []Deadline, dev *Event) error
	// UpdateCase saves c's changed columns and appends ev. Closing the case
	// retires its unmet deadlines, reopening it (an ev of EventReopened)
	// restores them; ev's Data names them.
	UpdateCase(ctx context.Context, c *Case, ev *Event) error
	// AppendEvent adds ev to the timeline of case ev.CaseID and touches the
	// case's updated_at.
	AppendEvent(ctx context.Context, ev *Event) error
	// SaveDraft stores d, filling d.ID and d.Number (the case's next
	// number), and appends ev to its case's timeline.
	SaveDraft(ctx context.Context, d *DraftRecord, ev *Event) error
	// ApproveDraft records d as approved (ApprovedBy, ApprovedAt and the
	// Body as approved) and appends ev. It returns ErrNotFound when no draft
	// of d.CaseID has d.ID.
	ApproveDraft(ctx context.Context, d *DraftRecord, ev *Event) error
	// Draft returns draft number of case caseID (DraftRecord.Number), or
	// ErrNotFound.
	Draft(ctx context.Context, caseID, number int64) (DraftRecord, error)
	// Enqueue adds m to the outbox as pending and due now, filling m.ID;
	// it is delivered only if the transaction commits. A case's messages
	// are delivered in Enqueue order, so enqueue a case's OutboxCard before
	// the thread posts and card updates that wait for it, in a transaction
	// that holds the case (CaseForUpdate, or CreateCase). Returns
	// ErrNotFound when m.CaseID names no case.
	Enqueue(ctx context.Context, m *OutboxMessage) error
	// RequeueFailed puts case caseID's failed messages back as pending,
	// due now, with no attempts and no FailingSince; they keep their IDs,
	// so they go out in their original order, before the case's later
	// messages. It leaves failed what would post a second card or an
	// older card over a newer one, and, while the case's card is not
	// posted but pending, everything (that card's OutboxSent requeues
	// the thread posts). It returns how many it requeued, and
	// ErrNotFound when no case has caseID.
	RequeueFailed(ctx context.Context, caseID int64) (int, error)
	// OutboxFailures is Store.OutboxFailures inside the transaction, for a
	// change that decides by it (post a case's card again).
	OutboxFailures(ctx context.Context, caseID int64) ([]OutboxMessage, error)

	// State is Store.State inside the transaction: it sees what the
	// transaction wrote.
	State(ctx context.Context, caseID int64) (CaseState, error)

	// ClaimRun records the run key of a scheduled job (a reminder: its
	// case, deadline, due time and threshold) and reports whether this
	// transaction claimed it: false when another committed the same run
	// first. Claim a run in the transaction that queues its messages, so
	// that they are queued once however many replicas try; a claim rolled
	// back with its transaction can be claimed again.
	ClaimRun(ctx context.Context, job, key string) (bool, error)
	// ChannelSettings is Store.ChannelSettings inside the transaction,
	// with the channel's row locked until it ends: read them here to
	// change them with SaveChannelSettings.
	ChannelSettings(ctx context.Context, platform, workspace, channel string) (ChannelSettings, error)
	// SaveChannelSettings writes s as its channel's settings, replacing
	// what was there, and sets s.UpdatedAt.
	SaveChannelSettings(ctx context.Context, s *ChannelSettings) error

	// Snooze silences case caseID's reminders until until, replacing an
	// earlier snooze, and appends ev (an empty ev.Kind becomes
	// EventSnoozed). It returns ErrNotFound when the case does not exist.
	Snooze(ctx context.Context, caseID int64, until time.Time, ev *Event) error
	// SnoozedUntil returns until when case caseID's reminders are silenced;
	// the zero time when they are not.
	SnoozedUntil(ctx context.Context, caseID int64) (time.Time, error)

	// The methods below change the playbook state of a case. Each appends
	// ev (which must not be nil) to the case's timeline and touches its
	// updated_at, as AppendEvent does, filling in ev's IDs; an empty
	// ev.Kind becomes the method's own (EventStep, EventCheck, EventEvidence,
	// EventDeadline). They return ErrNotFound when the case does not exist.
	// Nothing they write is ever deleted.

	// SetStep records that step s.StepID of case s.CaseID was done or
	// skipped, or is pending again (StepPending, an undo), replacing what
	// was recorded for it before.
	SetStep(ctx context.Context, s StepState, ev *Event) error
	// SetCheck records checklist item c.Item of step c.StepID as checked
	// or unchecked, replacing what was recorded for it before.
	SetCheck(ctx context.Context, c Check, ev *Event) error
	// AddEvidence adds e to case e.CaseID and fills in e.ID.
	AddEvidence(ctx context.Context, e *Evidence, ev *Event) error
	// SetDeadlines saves each of ds for case caseID, replacing the deadline
	// with the same ID; the case's deadlines not in ds are left alone.
	SetDeadlines(ctx context.Context, caseID int64, ds []Deadline, ev *Event) error
	// LinkCases links case l.CaseID to case l.OtherID and back with
	// l.Kind, replacing an earlier link of the pair, and appends ev to the
	// first case's timeline and otherEv to the other's. It refuses to link
	// a case to itself or to a case of another platform or workspace, and
	// returns ErrNotFound when either case does not exist.
	LinkCases(ctx context.Context, l CaseLink, ev, otherEv *Event) error
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
