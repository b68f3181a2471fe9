package storagetest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

func testOutboxLease(t *testing.T, s storage.Store) {
	ob := outbox(t, s)
	now := claimAt()
	m1, m2, m3 := channelMsg("C1", "one"), channelMsg("C1", "two"), channelMsg("C2", "three")
	enqueue(t, s, "enqueue", m1, m2, m3)

	if got := claimIDs(t, ob, now, time.Minute, 2); !slices.Equal(got, []int64{m1.ID, m2.ID}) {
		t.Fatalf("ClaimOutbox limit 2 = %v, want the oldest two [%d %d]", got, m1.ID, m2.ID)
	}
	if got := claimIDs(t, ob, now, time.Minute, 10); !slices.Equal(got, []int64{m3.ID}) {
		t.Fatalf("second ClaimOutbox = %v, want the rest [%d]", got, m3.ID)
	}
	if got := claimIDs(t, ob, now.Add(time.Minute-time.Microsecond), time.Minute, 10); len(got) != 0 {
		t.Fatalf("ClaimOutbox before the leases end = %v, want nothing", got)
	}
	// The lease ran out (a worker died): the messages are claimable again.
	if got := claimIDs(t, ob, now.Add(time.Minute), time.Minute, 10); !slices.Equal(got, []int64{m1.ID, m2.ID, m3.ID}) {
		t.Fatalf("ClaimOutbox when the leases end = %v, want all three again", got)
	}
	sent(t, ob, m2.ID, "ts.2", now)
	if got := claimIDs(t, ob, now.Add(time.Hour), time.Minute, 10); !slices.Equal(got, []int64{m1.ID, m3.ID}) {
		t.Errorf("ClaimOutbox after one was sent = %v, want the two others", got)
	}
	if _, err := ob.ClaimOutbox(t.Context(), now, 0, 10); err == nil {
		t.Error("ClaimOutbox with no lease succeeded")
	}
	// A stopping worker releases what it did not post: claimable at once,
	// without an attempt counted; a sent message stays sent.
	later := now.Add(2 * time.Hour)
	if got := claimIDs(t, ob, later, time.Minute, 10); !slices.Equal(got, []int64{m1.ID, m3.ID}) {
		t.Fatalf("ClaimOutbox = %v, want [%d %d]", got, m1.ID, m3.ID)
	}
	if err := ob.OutboxRelease(t.Context(), m1.ID, m2.ID, m3.ID); err != nil {
		t.Fatal(err)
	}
	msgs, err := ob.ClaimOutbox(t.Context(), later, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].ID != m1.ID || msgs[0].Attempts != 0 {
		t.Errorf("ClaimOutbox after release = %+v, want m1 and m3 with no attempts", msgs)
	}
}

// testOutboxConcurrentClaims runs claimers as replicas do: each message is
// delivered exactly once, and each case's messages in order.
func testOutboxConcurrentClaims(t *testing.T, s storage.Store) {
	ob := outbox(t, s)
	now := claimAt()
	const cases, threads, channelMessages, claimers = 5, 6, 5, 4
	caseOf := map[int64]int64{}  // message id -> case id
	cardOf := map[int64]string{} // case id -> the message id its card gets
	var order [][]int64          // per case, message ids in enqueue order
	total := 0
	for i := range cases {
		c := slackCase(t, s, fmt.Sprint("open-", i), "")
		msgs := []*storage.OutboxMessage{card(c, "card")}
		for j := range threads {
			msgs = append(msgs, caseMsg(c, storage.OutboxThread, fmt.Sprint("post ", j)))
		}
		enqueue(t, s, fmt.Sprint("enqueue-", i), msgs...)
		cardOf[c.ID] = fmt.Sprint("msg-", msgs[0].ID)
		var ids []int64
		for _, m := range msgs {
			caseOf[m.ID] = c.ID
			ids = append(ids, m.ID)
		}
		order = append(order, ids)
		total += len(msgs)
	}
	for i := range channelMessages {
		enqueue(t, s, fmt.Sprint("channel-", i), channelMsg("C9", fmt.Sprint("summary ", i)))
		total++
	}

	var (
		mu        sync.Mutex
		delivered []storage.OutboxMessage
		done      atomic.Int64
		wg        sync.WaitGroup
	)
	deadline := time.Now().Add(30 * time.Second)
	for w := range claimers {
		wg.Go(func() {
			for done.Load() < int64(total) && time.Now().Before(deadline) {
				msgs, err := ob.ClaimOutbox(t.Context(), now, time.Minute, 3)
				if err != nil {
					t.Errorf("claimer %d: %v", w, err)
					return
				}
				if len(msgs) == 0 {
					time.Sleep(time.Millisecond)
					continue
				}
				for _, m := range msgs {
					mu.Lock()
					delivered = append(delivered, m)
					mu.Unlock()
					if err := ob.OutboxSent(t.Context(), m.ID, storage.Posted{MessageID: fmt.Sprint("msg-", m.ID)}, now); err != nil {
						t.Errorf("claimer %d: OutboxSent(%d): %v", w, m.ID, err)
						return
					}
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()

	seen := map[int64]int{}
	perCase := map[int64][]int64{}
	for _, m := range delivered {
		seen[m.ID]++
		if m.CaseID == 0 {
			continue
		}
		perCase[m.CaseID] = append(perCase[m.CaseID], m.ID)
		if want := cardOf[m.CaseID]; m.Kind == storage.OutboxThread && (m.Thread != want || m.CardMessageID != want) {
			t.Errorf("message %d claimed with Thread %q CardMessageID %q, want its case's card %s", m.ID, m.Thread, m.CardMessageID, want)
		}
	}
	if len(seen) != total {
		t.Errorf("%d distinct messages delivered, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d delivered %d times, want once", id, n)
		}
	}
	for _, ids := range order {
		if got := perCase[caseOf[ids[0]]]; !slices.Equal(got, ids) {
			t.Errorf("case %d delivered in order %v, want %v", caseOf[ids[0]], got, ids)
		}
	}
}

func testOutboxChannelMessages(t *testing.T, s storage.Store) {
	ob := outbox(t, s)
	now := claimAt()
	c := slackCase(t, s, "open", "")
	ch1 := channelMsg("C1", "daily summary")
	enqueue(t, s, "e1", ch1)
	cardM, thread := card(c, "card"), caseMsg(c, storage.OutboxThread, "waits")
	enqueue(t, s, "e2", cardM, thread)
	ch2, ch3 := channelMsg("C1", "reminder"), channelMsg("C2", "another channel")
	enqueue(t, s, "e3", ch2, ch3)

	got := claim(t, ob, now, time.Minute, 10)
	if !slices.Equal(msgIDs(got), []int64{ch1.ID, cardM.ID, ch2.ID, ch3.ID}) {
		t.Fatalf("ClaimOutbox = %v, want the channel messages and the card [%d %d %d %d]", msgIDs(got), ch1.ID, cardM.ID, ch2.ID, ch3.ID)
	}
	for _, m := range got {
		if m.Kind == storage.OutboxChannel && (m.CaseID != 0 || m.Thread != "" || m.CardMessageID != "") {
			t.Errorf("channel message %d claimed with CaseID %d Thread %q CardMessageID %q, want none", m.ID, m.CaseID, m.Thread, m.CardMessageID)
		}
	}
	// Channel messages do not wait for each other.
	sent(t, ob, ch3.ID, "ts.3", now)
	if err := ob.OutboxRetry(t.Context(), ch1.ID, "HTTP 503", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// The longest due first: ch1, retried, is due a minute after the others.
	if got := claimIDs(t, ob, now.Add(time.Minute), time.Hour, 10); !slices.Equal(got, []int64{cardM.ID, ch2.ID, ch1.ID}) {
		t.Errorf("ClaimOutbox = %v, want [%d %d %d]", got, cardM.ID, ch2.ID, ch1.ID)
	}
}
