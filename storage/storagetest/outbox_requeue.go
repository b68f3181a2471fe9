package storagetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// claimOne claims and returns the one message due at now, failing t when
// the claim holds anything else.
func claimOne(t *testing.T, ob storage.Outbox, now time.Time, want *storage.OutboxMessage) storage.OutboxMessage {
	t.Helper()
	got := claim(t, ob, now, time.Minute, 10)
	if len(got) != 1 || got[0].ID != want.ID {
		t.Fatalf("ClaimOutbox = %v, want [%d] (%s %s)", msgIDs(got), want.ID, want.Kind, want.Payload)
	}
	return got[0]
}

func failed(t *testing.T, ob storage.Outbox, id int64, reason string) {
	t.Helper()
	if err := ob.OutboxFailed(t.Context(), id, reason); err != nil {
		t.Fatalf("OutboxFailed(%d): %v", id, err)
	}
}

func failureIDs(t *testing.T, s storage.Store, caseID int64) []int64 {
	t.Helper()
	list, err := s.OutboxFailures(t.Context(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return msgIDs(list)
}

// testOutboxCardRepostedRequeuesThread: thread posts that failed with their
// case's card follow the card that is posted again, in their order, in its
// thread; the card updates that failed with it stay failed (the new card
// shows the case as it is).
func testOutboxCardRepostedRequeuesThread(t *testing.T, s storage.Store) {
	ob := outbox(t, s)
	now := claimAt()
	c := slackCase(t, s, "open", "")
	card1, post1, update, post2 := card(c, "card"), caseMsg(c, storage.OutboxThread, "first"),
		caseMsg(c, storage.OutboxCardUpdate, "card, updated"), caseMsg(c, storage.OutboxThread, "second")
	enqueue(t, s, "enqueue", card1, post1, update, post2)
	claimOne(t, ob, now, card1)
	failed(t, ob, card1.ID, "gave up")
	if got := failureIDs(t, s, c.ID); !slices.Equal(got, []int64{post2.ID, update.ID, post1.ID, card1.ID}) {
		t.Fatalf("OutboxFailures = %v, want everything failed with the card", got)
	}

	// The case's next change posts the card again.
	card2 := card(c, "card, again")
	enqueue(t, s, "repost", card2)
	claimOne(t, ob, now, card2)
	sent(t, ob, card2.ID, "card.2", now)
	for _, m := range []*storage.OutboxMessage{post1, post2} {
		got := claimOne(t, ob, now, m)
		if got.Thread != "card.2" || got.Status != storage.OutboxPending || got.Attempts != 0 || got.FailingSince != nil {
			t.Errorf("requeued %s claimed in thread %q, status %s, %d attempts, failing since %v; want the new card's thread, pending, afresh",
				got.Payload, got.Thread, got.Status, got.Attempts, got.FailingSince)
		}
		sent(t, ob, m.ID, "post", now)
	}
	if got := claimIDs(t, ob, now, time.Minute, 10); len(got) != 0 {
		t.Errorf("ClaimOutbox = %v after the thread posts, want nothing: the old card update stays failed", got)
	}
	if got := failureIDs(t, s, c.ID); !slices.Equal(got, []int64{update.ID, card1.ID}) {
		t.Errorf("OutboxFailures = %v, want the old card and its update [%d %d]", got, update.ID, card1.ID)
	}
}

func testOutboxPostponeResume(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	now := claimAt()
	a, b, done := channelMsg("C1", "a"), channelMsg("C2", "b"), channelMsg("C3", "sent")
	other := &storage.OutboxMessage{Platform: "discord", Channel: "D1", Kind: storage.OutboxChannel, Payload: payload("discord")}
	enqueue(t, s, "enqueue", a, b, done, other)
	if got := claimIDs(t, ob, now, time.Hour, 10); len(got) != 4 {
		t.Fatalf("ClaimOutbox = %v, want all four", got)
	}
	sent(t, ob, done.ID, "ts.3", now)
	if err := ob.OutboxRetry(ctx, a.ID, "HTTP 500", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	// Postponed: due later, free at once, no attempt counted.
	later := now.Add(time.Minute)
	if err := ob.OutboxPostpone(ctx, later, b.ID, done.ID, other.ID, done.ID+1000); err != nil {
		t.Fatal(err)
	}
	if got := claimIDs(t, ob, later.Add(-time.Microsecond), time.Minute, 10); len(got) != 0 {
		t.Fatalf("ClaimOutbox before the postponement ends = %v, want nothing", got)
	}
	got := claim(t, ob, later, time.Minute, 10)
	if !slices.Equal(msgIDs(got), []int64{b.ID, other.ID}) || got[0].Attempts != 0 || got[0].FailingSince != nil || got[0].LastError != "" {
		t.Fatalf("ClaimOutbox when postponed = %+v, want b and the discord message with no attempt", got)
	}
	if err := ob.OutboxPostpone(ctx, now.Add(2*time.Hour), b.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := ob.OutboxPostpone(ctx, now); err != nil {
		t.Errorf("OutboxPostpone of no ids: %v", err)
	}

	// Resumed: slack's waiting messages are due now; discord's still wait.
	n, err := ob.OutboxResume(ctx, "slack", later)
	if err != nil || n != 2 {
		t.Fatalf("OutboxResume = %d, %v; want a and b", n, err)
	}
	got = claim(t, ob, later, time.Minute, 10)
	if !slices.Equal(msgIDs(got), []int64{a.ID, b.ID}) || got[0].Attempts != 1 || got[0].LastError != "HTTP 500" || got[0].FailingSince == nil {
		t.Errorf("ClaimOutbox after resuming = %+v, want a (its attempt kept) and b", got)
	}
	sent(t, ob, a.ID, "ts.1", later)
	sent(t, ob, b.ID, "ts.2", later)
	if n, err := ob.OutboxResume(ctx, "slack", later); err != nil || n != 0 {
		t.Errorf("OutboxResume again = %d, %v; want 0: nothing waits", n, err)
	}
	got = claim(t, ob, now.Add(2*time.Hour), time.Minute, 10)
	if !slices.Equal(msgIDs(got), []int64{other.ID}) {
		t.Errorf("ClaimOutbox = %v, want the discord message when its postponement ends", msgIDs(got))
	}
}

func testOutboxRequeueFailed(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ob := outbox(t, s)
	now := claimAt()

	// The card is posted: its thread posts go again; of the card updates
	// only those no later update supersedes.
	a := slackCase(t, s, "open-a", "")
	cardA, post1, update1, update2, post2, update3 := card(a, "card"), caseMsg(a, storage.OutboxThread, "first"),
		caseMsg(a, storage.OutboxCardUpdate, "update 1"), caseMsg(a, storage.OutboxCardUpdate, "update 2"),
		caseMsg(a, storage.OutboxThread, "second"), caseMsg(a, storage.OutboxCardUpdate, "update 3")
	enqueue(t, s, "enqueue-a", cardA, post1, update1, update2, post2, update3)
	claimOne(t, ob, now, cardA)
	sent(t, ob, cardA.ID, "A.1", now)
	for _, m := range []*storage.OutboxMessage{post1, update1, update2, post2, update3} {
		claimOne(t, ob, now, m)
		if m == update2 {
			sent(t, ob, m.ID, "A.1", now)
			continue
		}
		if err := ob.OutboxRetry(ctx, m.ID, "HTTP 500", now); err != nil {
			t.Fatal(err)
		}
		claimOne(t, ob, now, m)
		failed(t, ob, m.ID, "gave up")
	}
	n, err := requeueFailed(t, s, a.ID)
	if err != nil || n != 3 {
		t.Fatalf("RequeueFailed = %d, %v; want 3 (two thread posts, the last update)", n, err)
	}
	for _, m := range []*storage.OutboxMessage{post1, post2, update3} {
		got := claimOne(t, ob, now, m)
		if got.Status != storage.OutboxPending || got.Attempts != 0 || got.FailingSince != nil || got.LastError != "gave up" {
			t.Errorf("requeued %s: status %s, %d attempts, failing since %v, last error %q; want pending afresh, the error kept",
				got.Payload, got.Status, got.Attempts, got.FailingSince, got.LastError)
		}
		sent(t, ob, m.ID, "A.x", now)
	}
	if got := failureIDs(t, s, a.ID); !slices.Equal(got, []int64{update1.ID}) {
		t.Errorf("OutboxFailures = %v, want the superseded update [%d]", got, update1.ID)
	}
	if n, err := requeueFailed(t, s, a.ID); err != nil || n != 0 {
		t.Errorf("RequeueFailed again = %d, %v; want 0", n, err)
	}

	// No card posted: the first card goes again, then what followed it;
	// the card posted again and failed too would be a second card.
	b := slackCase(t, s, "open-b", "")
	cardB, postB, updateB := card(b, "card B"), caseMsg(b, storage.OutboxThread, "B post"), caseMsg(b, storage.OutboxCardUpdate, "B update")
	enqueue(t, s, "enqueue-b", cardB, postB, updateB)
	claimOne(t, ob, now, cardB)
	failed(t, ob, cardB.ID, "not_in_channel")
	cardB2 := card(b, "card B again")
	enqueue(t, s, "repost-b", cardB2)
	claimOne(t, ob, now, cardB2)
	failed(t, ob, cardB2.ID, "not_in_channel")
	if n, err := requeueFailed(t, s, b.ID); err != nil || n != 3 {
		t.Fatalf("RequeueFailed of a case without card = %d, %v; want 3", n, err)
	}
	claimOne(t, ob, now, cardB)
	sent(t, ob, cardB.ID, "B.1", now)
	for _, m := range []*storage.OutboxMessage{postB, updateB} {
		if got := claimOne(t, ob, now, m); got.Thread != "B.1" {
			t.Errorf("%s claimed in thread %q, want B.1", m.Payload, got.Thread)
		}
		sent(t, ob, m.ID, "B.x", now)
	}
	if got := failureIDs(t, s, b.ID); !slices.Equal(got, []int64{cardB2.ID}) {
		t.Errorf("OutboxFailures = %v, want the second card only", got)
	}

	// The card is pending: nothing, or its thread posts would block it.
	c := slackCase(t, s, "open-c", "")
	cardC, postC := card(c, "card C"), caseMsg(c, storage.OutboxThread, "C post")
	enqueue(t, s, "enqueue-c", cardC, postC)
	claimOne(t, ob, now, cardC)
	failed(t, ob, cardC.ID, "gave up")
	cardC2 := card(c, "card C again")
	enqueue(t, s, "repost-c", cardC2)
	if n, err := requeueFailed(t, s, c.ID); err != nil || n != 0 {
		t.Errorf("RequeueFailed while the card is pending = %d, %v; want 0", n, err)
	}
	claimOne(t, ob, now, cardC2)

	if n, err := requeueFailed(t, s, c.ID+1000); !errors.Is(err, storage.ErrNotFound) || n != 0 {
		t.Errorf("RequeueFailed(missing case) = %d, %v; want ErrNotFound", n, err)
	}
}

// requeueFailed runs Tx.RequeueFailed for caseID in a transaction of its own.
func requeueFailed(t *testing.T, s storage.Store, caseID int64) (int, error) {
	t.Helper()
	var n int
	_, _, err := s.Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		var err error
		n, err = tx.RequeueFailed(t.Context(), caseID)
		return nil, err
	})
	return n, err
}
