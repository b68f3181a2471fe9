package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// The outbox tests claim at a time well after the store's clock, at which
// everything enqueued is due: the store stamps messages with its own clock
// (time.Now for the suite), and the worker's clock is a parameter.

// outbox returns s's delivery side; every Store implements storage.Outbox.
func outbox(t *testing.T, s storage.Store) storage.Outbox {
	t.Helper()
	ob, ok := s.(storage.Outbox)
	if !ok {
		t.Fatalf("%T does not implement storage.Outbox", s)
	}
	return ob
}

// claimAt returns a time after every message the test enqueues is due.
func claimAt() time.Time { return time.Now().UTC().Add(time.Hour).Truncate(time.Microsecond) }

// enqueue writes msgs in one Update under key id, filling them in.
func enqueue(t *testing.T, s storage.Store, id string, msgs ...*storage.OutboxMessage) {
	t.Helper()
	change(t, s, id, func(tx storage.Tx) error {
		for _, m := range msgs {
			if err := tx.Enqueue(t.Context(), m); err != nil {
				return err
			}
		}
		return nil
	})
}

func claim(t *testing.T, ob storage.Outbox, now time.Time, lease time.Duration, limit int) []storage.OutboxMessage {
	t.Helper()
	msgs, err := ob.ClaimOutbox(t.Context(), now, lease, limit)
	if err != nil {
		t.Fatalf("ClaimOutbox(%v, %v, %d): %v", now, lease, limit, err)
	}
	return msgs
}

// claimIDs claims and returns the ids of what was claimed.
func claimIDs(t *testing.T, ob storage.Outbox, now time.Time, lease time.Duration, limit int) []int64 {
	t.Helper()
	return msgIDs(claim(t, ob, now, lease, limit))
}

func msgIDs(msgs []storage.OutboxMessage) []int64 {
	ids := make([]int64, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

// sent records id as posted as Slack posts: a message's thread is its own
// ts (a thread post's is its thread's, which these tests do not read).
func sent(t *testing.T, ob storage.Outbox, id int64, messageID string, at time.Time) {
	t.Helper()
	if err := ob.OutboxSent(t.Context(), id, storage.Posted{MessageID: messageID, ThreadID: messageID}, at); err != nil {
		t.Fatalf("OutboxSent(%d, %q): %v", id, messageID, err)
	}
}

// slackCase opens a case on slack in channel C1 with thread (may be empty).
func slackCase(t *testing.T, s storage.Store, id, thread string) storage.Case {
	t.Helper()
	c, _ := openCase(t, s, key(id), storage.Case{
		Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback",
		Platform: "slack", Workspace: "T1", Channel: "C1", Thread: thread, OpenedBy: "U1",
	}, storage.Event{Actor: "U1"})
	return c
}

func card(c storage.Case, text string) *storage.OutboxMessage {
	return &storage.OutboxMessage{CaseID: c.ID, Platform: c.Platform, Workspace: c.Workspace, Channel: c.Channel,
		Kind: storage.OutboxCard, Payload: payload(text)}
}

func caseMsg(c storage.Case, kind storage.OutboxKind, text string) *storage.OutboxMessage {
	return &storage.OutboxMessage{CaseID: c.ID, Platform: c.Platform, Workspace: c.Workspace, Channel: c.Channel,
		Kind: kind, Payload: payload(text)}
}

func channelMsg(channel, text string) *storage.OutboxMessage {
	return &storage.OutboxMessage{Platform: "slack", Workspace: "T1", Channel: channel, Kind: storage.OutboxChannel, Payload: payload(text)}
}

func payload(text string) string { return fmt.Sprintf(`{"Text":%q}`, text) }

// diffMessage reports every field where got differs from want.
func diffMessage(t *testing.T, what string, got, want storage.OutboxMessage) {
	t.Helper()
	check := func(field string, ok bool, g, w any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %s = %v, want %v", what, field, g, w)
		}
	}
	check("ID", got.ID == want.ID, got.ID, want.ID)
	check("CaseID", got.CaseID == want.CaseID, got.CaseID, want.CaseID)
	check("Platform", got.Platform == want.Platform, got.Platform, want.Platform)
	check("Workspace", got.Workspace == want.Workspace, got.Workspace, want.Workspace)
	check("Channel", got.Channel == want.Channel, got.Channel, want.Channel)
	check("Kind", got.Kind == want.Kind, got.Kind, want.Kind)
	check("Payload", got.Payload == want.Payload, got.Payload, want.Payload)
	check("Status", got.Status == want.Status, got.Status, want.Status)
	check("Attempts", got.Attempts == want.Attempts, got.Attempts, want.Attempts)
	check("LastError", got.LastError == want.LastError, got.LastError, want.LastError)
	check("MessageID", got.MessageID == want.MessageID, got.MessageID, want.MessageID)
	check("Thread", got.Thread == want.Thread, got.Thread, want.Thread)
	check("CardMessageID", got.CardMessageID == want.CardMessageID, got.CardMessageID, want.CardMessageID)
	checkTime(t, what+": NextAttemptAt", &got.NextAttemptAt, &want.NextAttemptAt)
	checkTime(t, what+": CreatedAt", &got.CreatedAt, &want.CreatedAt)
	checkTime(t, what+": SentAt", got.SentAt, want.SentAt)
	checkTime(t, what+": FailingSince", got.FailingSince, want.FailingSince)
}

func testOutboxEnqueue(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	c := slackCase(t, s, "open", "")
	now := claimAt()

	// Rolled back with the caller's transaction: nothing to deliver.
	m := card(c, "CB-1001 card")
	_, _, err := s.Update(ctx, key("rolled-back"), func(tx storage.Tx) ([]byte, error) {
		if err := tx.Enqueue(ctx, m); err != nil {
			return nil, err
		}
		if m.ID == 0 || m.Status != storage.OutboxPending {
			t.Errorf("Enqueue filled ID=%d Status=%q, want an ID and pending", m.ID, m.Status)
		}
		return nil, &userError{"changed my mind"}
	})
	var ue *userError
	if !errors.As(err, &ue) {
		t.Fatalf("Update error = %v, want the caller's error", err)
	}
	if got := claim(t, ob, now, time.Minute, 10); len(got) != 0 {
		t.Fatalf("after a rollback ClaimOutbox = %v, want nothing", msgIDs(got))
	}

	// Committed: claimable, as enqueued.
	m = card(c, "CB-1001 card: «æøå» <b>&</b> 📦")
	enqueue(t, s, "commit", m)
	if m.ID == 0 || m.Status != storage.OutboxPending || m.Attempts != 0 || m.CreatedAt.IsZero() || !m.NextAttemptAt.Equal(m.CreatedAt) {
		t.Errorf("Enqueue filled ID=%d Status=%q Attempts=%d CreatedAt=%v NextAttemptAt=%v; want an ID, pending, 0, and due when created",
			m.ID, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt)
	}
	got := claim(t, ob, now, time.Minute, 10)
	if len(got) != 1 {
		t.Fatalf("ClaimOutbox = %v, want [%d]", msgIDs(got), m.ID)
	}
	diffMessage(t, "claimed", got[0], *m)

	// A replayed request enqueues nothing more.
	again := card(c, "CB-1001 card again")
	if _, replayed, err := s.Update(ctx, key("commit"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.Enqueue(ctx, again)
	}); err != nil || !replayed {
		t.Fatalf("replayed Update: replayed=%v, %v", replayed, err)
	}
	if got := claimIDs(t, ob, now.Add(time.Hour), time.Minute, 10); !slices.Equal(got, []int64{m.ID}) {
		t.Errorf("after a replay ClaimOutbox = %v, want only [%d]", got, m.ID)
	}

	// A case's message takes what it leaves empty from the case.
	bare := &storage.OutboxMessage{CaseID: c.ID, Kind: storage.OutboxThread, Payload: payload("in thread")}
	enqueue(t, s, "bare", bare)
	if bare.Platform != "slack" || bare.Workspace != "T1" || bare.Channel != "C1" {
		t.Errorf("Enqueue of a bare thread message filled %q/%q/%q, want the case's slack/T1/C1", bare.Platform, bare.Workspace, bare.Channel)
	}
	sent(t, ob, m.ID, "card.1", now)
	got = claim(t, ob, now.Add(2*time.Hour), time.Minute, 10)
	if len(got) != 1 || got[0].ID != bare.ID || got[0].Platform != "slack" || got[0].Channel != "C1" {
		t.Errorf("ClaimOutbox = %+v, want the bare thread message on slack/C1", got)
	}
}

func testOutboxEnqueueInvalid(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	c := slackCase(t, s, "open", "")
	nowhere, _ := openCase(t, s, key("open-nowhere"), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}, storage.Event{})
	cases := []struct {
		name     string
		m        storage.OutboxMessage
		notFound bool
	}{
		{name: "unknown kind", m: storage.OutboxMessage{CaseID: c.ID, Platform: "slack", Channel: "C1", Kind: "carrier-pigeon", Payload: "{}"}},
		{name: "no kind", m: storage.OutboxMessage{CaseID: c.ID, Platform: "slack", Channel: "C1", Payload: "{}"}},
		{name: "card without case", m: storage.OutboxMessage{Platform: "slack", Channel: "C1", Kind: storage.OutboxCard, Payload: "{}"}},
		{name: "thread without case", m: storage.OutboxMessage{Platform: "slack", Channel: "C1", Kind: storage.OutboxThread, Payload: "{}"}},
		{name: "card update without case", m: storage.OutboxMessage{Platform: "slack", Channel: "C1", Kind: storage.OutboxCardUpdate, Payload: "{}"}},
		{name: "card without channel", m: storage.OutboxMessage{CaseID: c.ID, Platform: "slack", Kind: storage.OutboxCard, Payload: "{}"}},
		{name: "channel message without channel", m: storage.OutboxMessage{Platform: "slack", Kind: storage.OutboxChannel, Payload: "{}"}},
		{name: "channel message without platform", m: storage.OutboxMessage{Channel: "C1", Kind: storage.OutboxChannel, Payload: "{}"}},
		{name: "no payload", m: storage.OutboxMessage{CaseID: c.ID, Platform: "slack", Channel: "C1", Kind: storage.OutboxCard}},
		{name: "thread of a case without platform or channel", m: storage.OutboxMessage{CaseID: nowhere.ID, Kind: storage.OutboxThread, Payload: "{}"}},
		{name: "missing case", m: storage.OutboxMessage{CaseID: c.ID + 1000, Platform: "slack", Channel: "C1", Kind: storage.OutboxCard, Payload: "{}"}, notFound: true},
	}
	for _, tc := range cases {
		_, _, err := s.Update(ctx, key("bad-"+tc.name), func(tx storage.Tx) ([]byte, error) {
			m := tc.m
			return nil, tx.Enqueue(ctx, &m)
		})
		if err == nil {
			t.Errorf("%s: Enqueue succeeded, want an error", tc.name)
		} else if errors.Is(err, storage.ErrNotFound) != tc.notFound {
			t.Errorf("%s: Enqueue error = %v, ErrNotFound %v", tc.name, err, tc.notFound)
		}
	}
	if got := claimIDs(t, ob, claimAt(), time.Minute, 100); len(got) != 0 {
		t.Errorf("ClaimOutbox = %v after invalid messages only, want nothing", got)
	}
}

func testOutboxCaseOrder(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	now := claimAt()
	a := slackCase(t, s, "open-a", "")
	b := slackCase(t, s, "open-b", "1700000000.000100") // opened inside an existing thread
	cardA, thread1, update, thread2 := card(a, "card A"), caseMsg(a, storage.OutboxThread, "first"),
		caseMsg(a, storage.OutboxCardUpdate, "card A, updated"), caseMsg(a, storage.OutboxThread, "second")
	cardB, threadB := card(b, "card B"), caseMsg(b, storage.OutboxThread, "in B's thread")
	enqueue(t, s, "enqueue-a", cardA, thread1, update, thread2)
	enqueue(t, s, "enqueue-b", cardB, threadB)
	beforeA := getCase(t, s, a.Ref)

	// Only the cards: the rest wait for them.
	if got := claimIDs(t, ob, now, time.Minute, 10); !slices.Equal(got, []int64{cardA.ID, cardB.ID}) {
		t.Fatalf("first ClaimOutbox = %v, want the cards [%d %d]", got, cardA.ID, cardB.ID)
	}
	sent(t, ob, cardA.ID, "A.1", now)
	afterA := getCase(t, s, a.Ref)
	if afterA.CardMessageID != "A.1" || afterA.Thread != "A.1" {
		t.Errorf("after the card was sent case A has CardMessageID %q Thread %q, want A.1 and A.1", afterA.CardMessageID, afterA.Thread)
	}
	if !afterA.UpdatedAt.Equal(beforeA.UpdatedAt) || len(timeline(t, s, a.ID)) != 1 {
		t.Errorf("delivery metadata touched the case (updated_at %v -> %v) or its timeline", beforeA.UpdatedAt, afterA.UpdatedAt)
	}

	// Then A's messages one by one, in order, each with the card's id.
	for _, m := range []*storage.OutboxMessage{thread1, update, thread2} {
		got := claim(t, ob, now, time.Minute, 10)
		if len(got) != 1 || got[0].ID != m.ID {
			t.Fatalf("ClaimOutbox = %v, want [%d] (%s %s)", msgIDs(got), m.ID, m.Kind, m.Payload)
		}
		if got[0].Thread != "A.1" || got[0].CardMessageID != "A.1" {
			t.Errorf("%s message claimed with Thread %q CardMessageID %q, want A.1 and A.1", m.Kind, got[0].Thread, got[0].CardMessageID)
		}
		sent(t, ob, m.ID, fmt.Sprint("A.", m.ID), now)
	}
	if got := claimIDs(t, ob, now, time.Minute, 10); len(got) != 0 {
		t.Fatalf("ClaimOutbox = %v while B's card is leased, want nothing", got)
	}

	// A card posted in a case that has a thread keeps the thread.
	sent(t, ob, cardB.ID, "B.1", now)
	afterB := getCase(t, s, b.Ref)
	if afterB.CardMessageID != "B.1" || afterB.Thread != "1700000000.000100" {
		t.Errorf("case B has CardMessageID %q Thread %q, want B.1 and its own thread kept", afterB.CardMessageID, afterB.Thread)
	}
	got := claim(t, ob, now, time.Minute, 10)
	if len(got) != 1 || got[0].ID != threadB.ID || got[0].Thread != "1700000000.000100" || got[0].CardMessageID != "B.1" {
		t.Fatalf("ClaimOutbox = %+v, want B's thread message in its thread with card B.1", got)
	}

	// Sent twice: the first delivery stands.
	sent(t, ob, cardA.ID, "A.1", now)
	sent(t, ob, cardA.ID, "A.2", now.Add(time.Second))
	if c := getCase(t, s, a.Ref); c.CardMessageID != "A.1" || c.Thread != "A.1" {
		t.Errorf("after OutboxSent again case A has CardMessageID %q Thread %q, want A.1 and A.1 still", c.CardMessageID, c.Thread)
	}
	if err := ob.OutboxSent(ctx, threadB.ID+1000, storage.Posted{MessageID: "x"}, now); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("OutboxSent(missing) error = %v, want ErrNotFound", err)
	}

	// A thread message of a case whose card is never enqueued waits.
	c := slackCase(t, s, "open-c", "")
	lonely := caseMsg(c, storage.OutboxThread, "no card yet")
	enqueue(t, s, "enqueue-c", lonely)
	if got := claimIDs(t, ob, now.Add(24*time.Hour), time.Minute, 10); slices.Contains(got, lonely.ID) {
		t.Errorf("ClaimOutbox = %v, claimed a thread message of a case with no card", got)
	}
}

func testOutboxRetry(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	now := claimAt()
	c := slackCase(t, s, "open", "")
	cardM, thread := card(c, "card"), caseMsg(c, storage.OutboxThread, "after the card")
	enqueue(t, s, "enqueue", cardM, thread)

	if got := claimIDs(t, ob, now, time.Hour, 10); !slices.Equal(got, []int64{cardM.ID}) {
		t.Fatalf("ClaimOutbox = %v, want the card", got)
	}
	next := now.Add(10 * time.Minute)
	before := time.Now().UTC().Truncate(time.Microsecond)
	if err := ob.OutboxRetry(ctx, cardM.ID, "slack: HTTP 500", next); err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC()
	if got := claimIDs(t, ob, next.Add(-time.Microsecond), time.Hour, 10); len(got) != 0 {
		t.Fatalf("ClaimOutbox before the retry is due = %v, want nothing (the thread message waits for the card)", got)
	}
	// Due at next, though the hour's lease would still hold: a retry frees it.
	got := claim(t, ob, next, time.Hour, 10)
	if len(got) != 1 || got[0].ID != cardM.ID {
		t.Fatalf("ClaimOutbox when the retry is due = %v, want the card", msgIDs(got))
	}
	// The first failed attempt is stamped with the store's clock.
	failing := got[0].FailingSince
	if failing == nil || failing.Before(before) || failing.After(after) {
		t.Fatalf("after one retry FailingSince = %v, want between %v and %v", failing, before, after)
	}
	want := *cardM
	want.Attempts, want.LastError, want.NextAttemptAt, want.FailingSince = 1, "slack: HTTP 500", next, failing
	diffMessage(t, "after one retry", got[0], want)

	next2 := next.Add(20 * time.Minute)
	if err := ob.OutboxRetry(ctx, cardM.ID, "slack: HTTP 502", next2); err != nil {
		t.Fatal(err)
	}
	got = claim(t, ob, next2, time.Minute, 10)
	if len(got) != 1 || got[0].Attempts != 2 || got[0].LastError != "slack: HTTP 502" || got[0].FailingSince == nil || !got[0].FailingSince.Equal(*failing) {
		t.Fatalf("after two retries ClaimOutbox = %+v, want the card with 2 attempts, the last error and FailingSince %v still", got, failing)
	}
	sent(t, ob, cardM.ID, "card.1", next2)
	if got := claimIDs(t, ob, next2, time.Minute, 10); !slices.Equal(got, []int64{thread.ID}) {
		t.Errorf("ClaimOutbox after the card went out = %v, want the thread message", got)
	}
	// Retrying a message that went out changes nothing.
	if err := ob.OutboxRetry(ctx, cardM.ID, "late", next2.Add(time.Hour)); err != nil {
		t.Errorf("OutboxRetry of a sent message: %v", err)
	}
	if err := ob.OutboxRetry(ctx, thread.ID+1000, "x", next2); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("OutboxRetry(missing) error = %v, want ErrNotFound", err)
	}
}

func testOutboxFailed(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	now := claimAt()
	c := slackCase(t, s, "open", "")
	other := slackCase(t, s, "open-other", "")
	card1, card2 := card(c, "card"), card(c, "card, posted again")
	enqueue(t, s, "enqueue", card1, card2)

	if got := claimIDs(t, ob, now, time.Minute, 10); !slices.Equal(got, []int64{card1.ID}) {
		t.Fatalf("ClaimOutbox = %v, want the first card", got)
	}
	if err := ob.OutboxFailed(ctx, card1.ID, "slack: channel_not_found"); err != nil {
		t.Fatal(err)
	}
	// Never again; the case's next message may go.
	if got := claimIDs(t, ob, now.Add(48*time.Hour), time.Minute, 10); !slices.Equal(got, []int64{card2.ID}) {
		t.Fatalf("ClaimOutbox after a failure = %v, want the next card only", got)
	}
	if err := ob.OutboxFailed(ctx, card2.ID, "slack: not_in_channel"); err != nil {
		t.Fatal(err)
	}
	// Failed twice is failed once.
	if err := ob.OutboxFailed(ctx, card2.ID, "again"); err != nil {
		t.Errorf("OutboxFailed of a failed message: %v", err)
	}
	failures, err := s.OutboxFailures(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) != 2 {
		t.Fatalf("OutboxFailures = %v, want both cards, newest first", msgIDs(failures))
	}
	want := []storage.OutboxMessage{*card2, *card1}
	want[0].Status, want[0].Attempts, want[0].LastError = storage.OutboxFailed, 1, "slack: not_in_channel"
	want[1].Status, want[1].Attempts, want[1].LastError = storage.OutboxFailed, 1, "slack: channel_not_found"
	for i := range want {
		diffMessage(t, fmt.Sprint("failure ", i), failures[i], want[i])
	}
	if got := claimIDs(t, ob, now.Add(72*time.Hour), time.Minute, 10); len(got) != 0 {
		t.Errorf("ClaimOutbox = %v, claimed failed messages", got)
	}
	if list, err := s.OutboxFailures(ctx, other.ID); err != nil || len(list) != 0 {
		t.Errorf("OutboxFailures of a case without failures = %v, %v; want none", msgIDs(list), err)
	}
	if err := ob.OutboxFailed(ctx, card2.ID+1000, "x"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("OutboxFailed(missing) error = %v, want ErrNotFound", err)
	}

	// A post that did go out after all (a slow worker whose lease ran
	// out) is recorded as sent.
	sent(t, ob, card1.ID, "late.1", now)
	if failures, _ := s.OutboxFailures(ctx, c.ID); !slices.Equal(msgIDs(failures), []int64{card2.ID}) {
		t.Errorf("OutboxFailures after a late OutboxSent = %v, want [%d]", msgIDs(failures), card2.ID)
	}
	if got := getCase(t, s, c.Ref); got.CardMessageID != "late.1" {
		t.Errorf("case CardMessageID %q after a late OutboxSent of its card, want late.1", got.CardMessageID)
	}
}

func testCaseByThread(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	a := slackCase(t, s, "open-a", "")
	cardA := card(a, "card")
	enqueue(t, s, "card-a", cardA)
	sent(t, ob, cardA.ID, "1700000000.000200", claimAt()) // thread and card
	b := slackCase(t, s, "open-b", "1700000000.000300")   // a thread of its own...
	b.CardMessageID = "1700000000.000400"                 // ...and its card elsewhere
	change(t, s, "card-b", func(tx storage.Tx) error { return tx.UpdateCase(ctx, &b, &storage.Event{Kind: storage.EventNote}) })
	// Opened from inside A's thread: same thread, but the thread hangs on A's card.
	openCase(t, s, key("open-inside"), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback",
		Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1700000000.000200"}, storage.Event{})
	other, _ := openCase(t, s, key("open-other"), storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return",
		Platform: "slack", Workspace: "T1", Channel: "C2", Thread: "1700000000.000300"}, storage.Event{})
	slackCase(t, s, "open-threadless", "") // thread "" must not match an empty lookup

	for _, tc := range []struct {
		platform, channel, thread string
		want                      storage.Ref
	}{
		{"slack", "C1", "1700000000.000200", a.Ref},
		{"slack", "C1", "1700000000.000300", b.Ref},
		{"slack", "C1", "1700000000.000400", b.Ref},
		{"slack", "C2", "1700000000.000300", other.Ref},
		{"discord", "C1", "1700000000.000200", storage.Ref{}},
		{"slack", "C3", "1700000000.000200", storage.Ref{}},
		{"slack", "C1", "1700000000.999999", storage.Ref{}},
		{"slack", "C1", "", storage.Ref{}},
	} {
		got, err := s.CaseByThread(ctx, storage.WorkspaceScope(tc.platform, "T1"), tc.channel, tc.thread)
		switch {
		case tc.want == storage.Ref{}:
			if !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("CaseByThread(%s, %s, %q) = %s, %v; want ErrNotFound", tc.platform, tc.channel, tc.thread, got.Ref, err)
			}
		case err != nil || got.Ref != tc.want:
			t.Errorf("CaseByThread(%s, %s, %q) = %s, %v; want %s", tc.platform, tc.channel, tc.thread, got.Ref, err, tc.want)
		}
	}
}
