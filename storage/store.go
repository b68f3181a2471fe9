package storage

import (
	"context"
	"time"
)

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
	// OpenCasesWith lists, newest first, at most limit open cases of
	// playbook within scope that have, for any name of fields (lower-case
	// letters, digits and _), the same value, ignoring case: the cases a
	// case about to open may duplicate. DuplicateFields are indexed among
	// open cases, so the read does not grow with a workspace's cases.
	OpenCasesWith(ctx context.Context, scope Scope, playbook string, fields map[string]string, limit int) ([]Case, error)

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
