package storage

import (
	"context"
	"time"
)

// OutboxKind says what an outbox message does.
type OutboxKind string

// Outbox kinds. A case's thread and card update messages wait until its
// card has been posted, and a case's messages are delivered in order.
const (
	// OutboxCard posts the case card; its message becomes the case's
	// CardMessageID and, unless the case already has one, the thread the
	// platform says it lives in becomes its Thread.
	OutboxCard OutboxKind = "card"
	// OutboxCardUpdate edits the case card in place.
	OutboxCardUpdate OutboxKind = "card_update"
	// OutboxThread posts in the case's thread.
	OutboxThread OutboxKind = "thread"
	// OutboxChannel posts to Channel, outside any case.
	OutboxChannel OutboxKind = "channel"
)

// OutboxStatus is where an outbox message is in its delivery.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxPending OutboxStatus = "pending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed" // permanently: LastError says why
)

// OutboxMessage is a message the bot must send outside a direct reply,
// written in the same transaction as the change that causes it.
type OutboxMessage struct {
	ID        int64
	CaseID    int64 // 0 for OutboxChannel
	Platform  string
	Workspace string
	Channel   string
	Kind      OutboxKind
	// Payload is what to post, encoded by the caller (a bot.Reply as JSON).
	Payload string
	// ThreadName and Tags name and label the case's own thread, for a
	// platform that starts one for the card (a Discord thread or forum
	// post); the name is on every message of a case, tags on cards and
	// card updates.
	ThreadName string
	Tags       []string

	Status        OutboxStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	MessageID     string // the platform's id of the posted message
	ThreadID      string // the thread the posted message lives in, as the platform said
	CreatedAt     time.Time
	SentAt        *time.Time
	// FailingSince is when OutboxRetry first recorded a failed attempt;
	// nil while there has been none (or since RequeueFailed).
	FailingSince *time.Time

	// Thread and CardMessageID are read from the case when the message is
	// claimed: where to post, and which message to edit.
	Thread        string
	CardMessageID string
}

// Posted is where a platform put a message: its id, and the thread it lives
// in (on Slack a card's thread is its own ts; on Discord a thread started
// from it or a forum post, another id). An empty ThreadID: no thread.
type Posted struct {
	MessageID, ThreadID string
}

// Outbox is the delivery side of the outbox: a worker claims due messages,
// posts them and records the result. Several workers (replicas) may run.
type Outbox interface {
	// ClaimOutbox leases up to limit due pending messages for lease, the
	// longest due first (then the oldest), skipping those another worker
	// holds. Of each case's pending
	// messages only the oldest is claimable, so a case's messages go out in
	// order; thread and card update messages wait until the case's card
	// has been posted.
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)
	// OutboxSent records the delivery; for an OutboxCard it also sets the
	// case's CardMessageID to posted.MessageID and, when the case has none,
	// its Thread to posted.ThreadID. For a message already sent it does
	// nothing (the first posted stands).
	// It returns ErrNotFound when no message has id.
	OutboxSent(ctx context.Context, id int64, posted Posted, at time.Time) error
	// OutboxSent of a card also puts the case's failed thread posts back
	// as pending (they failed with the card, see OutboxFailed), to follow
	// it in their original order.
	//
	// OutboxRetry records a failed attempt and when to try again; the
	// first one sets FailingSince. For a message no longer pending it does
	// nothing. It returns ErrNotFound when no message has id.
	OutboxRetry(ctx context.Context, id int64, reason string, next time.Time) error
	// OutboxPostpone makes the pending messages among ids due at next and
	// frees them without counting an attempt: the platform asked to wait
	// (HTTP 429), or the worker holds back a failing platform's messages.
	OutboxPostpone(ctx context.Context, next time.Time, ids ...int64) error
	// OutboxResume makes the pending messages of platform that are due
	// after at due at at, and returns how many: the platform answers
	// again, so what waited out a backoff or a hold need wait no longer.
	OutboxResume(ctx context.Context, platform string, at time.Time) (int, error)
	// OutboxFailed records a permanent failure and its reason. For a
	// message no longer pending it does nothing. It returns ErrNotFound
	// when no message has id.
	OutboxFailed(ctx context.Context, id int64, reason string) error
	// OutboxRelease gives back claimed messages that were not posted (a
	// worker is stopping), so that any worker may claim them at once.
	OutboxRelease(ctx context.Context, ids ...int64) error
}
