package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// Links between cases (migration 00012): one row per direction, so that
// each case reads its links by its own primary key prefix.

// linkRow is a row of case_links with the other case's reference.
type linkRow struct {
	CaseID  int64     `db:"case_id"`
	OtherID int64     `db:"other_id"`
	Prefix  string    `db:"prefix"`
	Number  int64     `db:"number"`
	Kind    string    `db:"kind"`
	Actor   string    `db:"actor"`
	At      time.Time `db:"at"`
}

func (r linkRow) toLink() storage.CaseLink {
	return storage.CaseLink{
		CaseID: r.CaseID, OtherID: r.OtherID, Other: storage.Ref{Prefix: r.Prefix, Number: r.Number},
		Kind: storage.LinkKind(r.Kind), By: r.Actor, At: r.At.UTC(),
	}
}

// selectLinks is readState's read of a case's links, by case_links'
// primary key, each joined to the other case by its id.
const selectLinks = `SELECT l.case_id, l.other_id, o.prefix, o.number, l.kind, l.actor, l.at
FROM case_links l JOIN cases o ON o.id = l.other_id
WHERE l.case_id = ? ORDER BY l.at, l.other_id`

// LinkCases links case l.CaseID to l.OtherID and back, replacing an
// earlier link of the two, and appends ev to the first case's timeline and
// otherEv to the other's (an event without a kind gets storage.EventLinked).
// A zero l.At becomes the transaction's time. It refuses a link of a case
// to itself and across platforms or workspaces, and returns an error
// wrapping storage.ErrNotFound when either case does not exist.
func (t *Tx) LinkCases(ctx context.Context, l storage.CaseLink, ev, otherEv *storage.Event) error {
	const (
		where = `SELECT platform, workspace FROM cases WHERE id = ?`
		q     = `INSERT INTO case_links (case_id, other_id, kind, actor, at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (case_id, other_id) DO UPDATE SET kind = excluded.kind, actor = excluded.actor, at = excluded.at`
	)
	if l.CaseID == l.OtherID {
		return fmt.Errorf("link case %d: a case cannot be linked to itself", l.CaseID)
	}
	if otherEv == nil {
		return fmt.Errorf("link case %d to %d: no timeline event for the other case", l.CaseID, l.OtherID)
	}
	var homes [2]struct {
		Platform  string `db:"platform"`
		Workspace string `db:"workspace"`
	}
	for i, id := range []int64{l.CaseID, l.OtherID} {
		if err := t.tx.GetContext(ctx, &homes[i], t.tx.Rebind(where), id); err != nil {
			return fmt.Errorf("link case %d to %d: %w", l.CaseID, l.OtherID, notFound(err))
		}
	}
	if homes[0] != homes[1] {
		return fmt.Errorf("link case %d to %d: the cases are in different workspaces", l.CaseID, l.OtherID)
	}
	if err := t.appendFor(ctx, l.CaseID, storage.EventLinked, ev); err != nil {
		return fmt.Errorf("link case %d to %d: %w", l.CaseID, l.OtherID, err)
	}
	if err := t.appendFor(ctx, l.OtherID, storage.EventLinked, otherEv); err != nil {
		return fmt.Errorf("link case %d to %d: %w", l.CaseID, l.OtherID, err)
	}
	at, query := t.orNow(l.At), t.tx.Rebind(q)
	for _, pair := range [][2]int64{{l.CaseID, l.OtherID}, {l.OtherID, l.CaseID}} {
		if _, err := t.tx.ExecContext(ctx, query, pair[0], pair[1], string(l.Kind), l.By, at); err != nil {
			return fmt.Errorf("link case %d to %d: %w", pair[0], pair[1], err)
		}
	}
	return nil
}

// notFound turns a read that found no row into storage.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, dbsql.ErrNoRows) {
		return storage.ErrNotFound
	}
	return err
}
