// Package storage defines disputedesk's records, filters, sentinel errors and
// the Store interface. The one implementation lives in storage/sql (PostgreSQL
// and SQLite); storagetest holds the conformance suite both dialects pass.
package storage

import (
	"context"
	"errors"
	"fmt"
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

// CaseFilter selects cases for a list. Zero values match everything.
type CaseFilter struct {
	Status Status
	// Mine selects cases assigned to this user, or opened by them and unassigned.
	Mine  string
	Limit int
}

// RequestKey identifies one platform request (a slash command, a button
// press) so that a retried request returns its first result.
type RequestKey struct {
	Platform string
	ID       string
}

// Store is the database. Reads run on their own; every change runs inside
// Update, where the change, its timeline event and the record of the request
// that caused it commit together or not at all.
type Store interface {
	// Update runs fn in one transaction. fn returns the response to record
	// for key. If key was already processed, Update does not run fn (or rolls
	// back what fn did) and returns the first response with replayed true.
	// An error from fn rolls everything back and is returned as is.
	Update(ctx context.Context, key RequestKey, fn func(Tx) ([]byte, error)) (response []byte, replayed bool, err error)

	// Case returns the case with ref, or ErrNotFound.
	Case(ctx context.Context, ref Ref) (Case, error)
	// Cases lists cases matching f, newest first.
	Cases(ctx context.Context, f CaseFilter) ([]Case, error)
	// Timeline returns a case's events, oldest first.
	Timeline(ctx context.Context, caseID int64) ([]Event, error)

	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Tx is the set of changes available inside Store.Update. Each method that
// changes a case takes the timeline event that explains the change.
type Tx interface {
	// CaseForUpdate returns the case with ref, locked until the transaction
	// ends, or ErrNotFound.
	CaseForUpdate(ctx context.Context, ref Ref) (Case, error)
	// CreateCase numbers c within its prefix (c.Ref.Prefix must be set),
	// inserts it with ev as its first event, and fills in c.ID, c.Ref.Number
	// and ev's IDs.
	CreateCase(ctx context.Context, c *Case, ev *Event) error
	// UpdateCase saves c's changed columns and appends ev.
	UpdateCase(ctx context.Context, c *Case, ev *Event) error
	// AppendEvent adds ev to the timeline of case ev.CaseID and touches the
	// case's updated_at.
	AppendEvent(ctx context.Context, ev *Event) error
}
