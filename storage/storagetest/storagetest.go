// Package storagetest is the conformance suite of storage.Store: every
// implementation (each SQL dialect) runs the same Run and must pass it, so
// the commands above behave the same on PostgreSQL and SQLite.
package storagetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// Run runs the suite. open must return a new store on an empty, migrated
// database for each call, and close it when t ends. Subtests run in
// parallel, each on its own store.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"CreateGetRoundTrip", testRoundTrip},
		{"UpdateCaseRoundTrip", testUpdateCaseRoundTrip},
		{"NumberingPerPrefix", testNumbering},
		{"NotFound", testNotFound},
		{"ErrorRollsBackCaseAndEvent", testAtomic},
		{"Replay", testReplay},
		{"ReplayAfterError", testReplayAfterError},
		{"ConcurrentSameKey", testConcurrentSameKey},
		{"ConcurrentOpens", testConcurrentOpens},
		{"OpensDoNotWait", testOpensDoNotWait},
		{"OpenCase", testOpenCase},
		{"RetiredDeadlines", testRetiredDeadlines},
		{"ListCases", testList},
		{"Timeline", testTimeline},
		{"StateRoundTrip", testStateRoundTrip},
		{"StateUpserts", testStateUpserts},
		{"StateOrder", testStateOrder},
		{"StateErrorRollsBack", testStateAtomic},
		{"StateEvents", testStateEvents},
		{"StateInvalid", testStateInvalid},
		{"Deadlines", testDeadlines},
		{"Drafts", testDrafts},
		{"DraftNumbers", testDraftNumbers},
		{"OutboxEnqueue", testOutboxEnqueue},
		{"OutboxEnqueueInvalid", testOutboxEnqueueInvalid},
		{"OutboxCaseOrder", testOutboxCaseOrder},
		{"OutboxLease", testOutboxLease},
		{"OutboxRetry", testOutboxRetry},
		{"OutboxFailed", testOutboxFailed},
		{"OutboxChannelMessages", testOutboxChannelMessages},
		{"OutboxConcurrentClaims", testOutboxConcurrentClaims},
		{"OutboxCardRepostedRequeuesThread", testOutboxCardRepostedRequeuesThread},
		{"OutboxPostponeResume", testOutboxPostponeResume},
		{"OutboxRequeueFailed", testOutboxRequeueFailed},
		{"CaseByThread", testCaseByThread},
		{"Scope", testScope},
		{"MatchCases", testMatchCases},
		{"FindCases", testFindCases},
		{"ClaimRun", testClaimRun},
		{"ClaimRunConcurrent", testClaimRunConcurrent},
		{"Snooze", testSnooze},
		{"ClaimedRuns", testClaimedRuns},
		{"ChannelSettings", testChannelSettings},
		{"SummaryCases", testSummaryCases},
		{"DeadlineAmount", testDeadlineAmount},
		{"StepUndo", testStepUndo},
		{"Links", testLinks},
		{"CaseByField", testCaseByField},
		{"OpenCasesWith", testOpenCasesWith},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// userError stands for the caller's own error types, which Update must
// return unchanged.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

var cet = time.FixedZone("CET", 3600)

// openCase opens c with ev through Update under key, as `/case open` does,
// and returns the case and event as CreateCase filled them in.
func openCase(t *testing.T, s storage.Store, key storage.RequestKey, c storage.Case, ev storage.Event) (storage.Case, storage.Event) {
	t.Helper()
	if ev.Kind == "" {
		ev.Kind = storage.EventOpened
	}
	_, replayed, err := s.Update(t.Context(), key, func(tx storage.Tx) ([]byte, error) {
		if err := tx.CreateCase(t.Context(), &c, &ev); err != nil {
			return nil, err
		}
		return []byte("opened " + c.Ref.String()), nil
	})
	if err != nil {
		t.Fatalf("open case %s: %v", c.Ref.Prefix, err)
	}
	if replayed {
		t.Fatalf("open case %s: replayed, want a new case", c.Ref.Prefix)
	}
	return c, ev
}

func key(id string) storage.RequestKey { return storage.RequestKey{Platform: "console", ID: id} }

func getCase(t *testing.T, s storage.Store, ref storage.Ref) storage.Case {
	t.Helper()
	c, err := s.Case(t.Context(), storage.AllWorkspaces, ref)
	if err != nil {
		t.Fatalf("Case(%s): %v", ref, err)
	}
	return c
}

func timeline(t *testing.T, s storage.Store, caseID int64) []storage.Event {
	t.Helper()
	evs, err := s.Timeline(t.Context(), caseID)
	if err != nil {
		t.Fatalf("Timeline(%d): %v", caseID, err)
	}
	return evs
}

func testRoundTrip(t *testing.T, s storage.Store) {
	opened := time.Date(2026, 3, 1, 10, 0, 0, 123456000, cet)
	closed := time.Date(2026, 3, 2, 11, 30, 0, 654321000, cet)
	reopened := time.Date(2026, 3, 3, 8, 15, 1, 1000, cet)
	evAt := time.Date(2026, 3, 1, 10, 0, 0, 999999000, cet)
	full := storage.Case{
		Ref:      storage.Ref{Prefix: "CB"},
		Playbook: "chargeback",
		Status:   storage.StatusClosed,
		Fields: map[string]string{
			"customer": "Kari Nordmann, Trondheim, æøå",
			"order":    "#10042",
			"note":     `quotes " and <b>&</b>, a tab	and an emoji 📦`,
		},
		// Beyond float64's exact integers: money must never pass through a float.
		Amount:        &storage.Money{Minor: 1<<53 + 1, Currency: "NOK"},
		Platform:      "slack",
		Workspace:     "T0001",
		Channel:       "C0001",
		Thread:        "1767261600.000100",
		CardMessageID: "1767261600.000200",
		OpenedBy:      "U0001",
		Assignee:      "U0002",
		Outcome:       "won",
		OutcomeAmount: &storage.Money{Minor: -500, Currency: "EUR"},
		OpenedAt:      opened,
		ClosedAt:      &closed,
		ReopenedAt:    &reopened,
	}
	ev := storage.Event{At: evAt, Actor: "U0001", Kind: storage.EventOpened, Body: "Opened by Kari", Data: map[string]string{"via": "slash", "by": "Kari Nordmann, Trondheim, æøå"}}
	want := full
	c, gotEv := openCase(t, s, key("rt-full"), full, ev)
	if c.ID == 0 || c.Ref.Number != 1001 {
		t.Fatalf("CreateCase filled ID=%d number=%d, want an ID and 1001", c.ID, c.Ref.Number)
	}
	if gotEv.ID == 0 || gotEv.CaseID != c.ID {
		t.Fatalf("CreateCase filled event ID=%d CaseID=%d, want an ID and %d", gotEv.ID, gotEv.CaseID, c.ID)
	}
	want.ID, want.Ref = c.ID, c.Ref

	got := getCase(t, s, c.Ref)
	want.UpdatedAt = got.UpdatedAt
	if got.UpdatedAt.IsZero() {
		t.Error("UpdatedAt is zero")
	}
	diffCase(t, "Case", got, want)

	// The list and the locking read decode rows the same way.
	list, err := s.Cases(t.Context(), storage.CaseFilter{Scope: storage.AllWorkspaces})
	if err != nil || len(list) != 1 {
		t.Fatalf("Cases: %d cases, %v; want 1", len(list), err)
	}
	diffCase(t, "Cases", list[0], want)
	var locked storage.Case
	if _, _, err := s.Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		var err error
		locked, err = tx.CaseForUpdate(t.Context(), storage.AllWorkspaces, c.Ref)
		return nil, err
	}); err != nil {
		t.Fatalf("CaseForUpdate: %v", err)
	}
	diffCase(t, "CaseForUpdate", locked, want)

	evs := timeline(t, s, c.ID)
	if len(evs) != 1 {
		t.Fatalf("timeline has %d events, want 1", len(evs))
	}
	wantEv := ev
	wantEv.ID, wantEv.CaseID = gotEv.ID, c.ID
	diffEvent(t, evs[0], wantEv)

	// The smallest case: no amount, no times but the opening, no fields.
	minimal := storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return", OpenedBy: "U0003", OpenedAt: opened}
	m, _ := openCase(t, s, key("rt-minimal"), minimal, storage.Event{Actor: "U0003"})
	got = getCase(t, s, m.Ref)
	want = minimal
	want.ID, want.Ref, want.Status, want.UpdatedAt = m.ID, m.Ref, storage.StatusOpen, got.UpdatedAt
	diffCase(t, "minimal Case", got, want)
	if got.Amount != nil || got.OutcomeAmount != nil || got.ClosedAt != nil || got.ReopenedAt != nil {
		t.Errorf("minimal case: Amount=%v OutcomeAmount=%v ClosedAt=%v ReopenedAt=%v, want all nil", got.Amount, got.OutcomeAmount, got.ClosedAt, got.ReopenedAt)
	}
}

func testUpdateCaseRoundTrip(t *testing.T, s storage.Store) {
	c, _ := openCase(t, s, key("open"), storage.Case{
		Ref: storage.Ref{Prefix: "MC"}, Playbook: "marketplace-claim", OpenedBy: "U1",
		Fields: map[string]string{"order": "111-222", "reason": "not received"},
		Amount: &storage.Money{Minor: 4999, Currency: "USD"},
	}, storage.Event{Actor: "U1"})

	closedAt := time.Date(2026, 4, 1, 12, 0, 0, 500, time.UTC).Truncate(time.Microsecond)
	c.Status = storage.StatusClosed
	c.Fields["reason"] = "arrived damaged – æøå"
	c.Fields["tracking"] = "LX123456789NO"
	c.Amount = nil
	c.Thread, c.CardMessageID, c.Assignee = "th-1", "msg-1", "U2"
	c.Outcome, c.OutcomeAmount = "refunded", &storage.Money{Minor: 4999, Currency: "USD"}
	c.ClosedAt = &closedAt
	if _, _, err := s.Update(t.Context(), key("close"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.UpdateCase(t.Context(), &c, &storage.Event{Actor: "U2", Kind: storage.EventClosed, Data: map[string]string{"outcome": "refunded"}})
	}); err != nil {
		t.Fatalf("close: %v", err)
	}
	got := getCase(t, s, c.Ref)
	c.UpdatedAt = got.UpdatedAt
	diffCase(t, "after close", got, c)

	reopenedAt := closedAt.Add(26 * time.Hour)
	c.Status, c.ReopenedAt, c.Fields = storage.StatusOpen, &reopenedAt, nil
	if _, _, err := s.Update(t.Context(), key("reopen"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.UpdateCase(t.Context(), &c, &storage.Event{Actor: "U2", Kind: storage.EventReopened})
	}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	got = getCase(t, s, c.Ref)
	c.UpdatedAt = got.UpdatedAt
	diffCase(t, "after reopen", got, c)
	if n := len(timeline(t, s, c.ID)); n != 3 {
		t.Errorf("timeline has %d events, want 3 (opened, closed, reopened)", n)
	}
}

func testNumbering(t *testing.T, s storage.Store) {
	var got []string
	for i, prefix := range []string{"SUP", "SUP", "RMA", "SUP", "RCL", "RMA"} {
		c, _ := openCase(t, s, key(fmt.Sprint("n", i)), storage.Case{Ref: storage.Ref{Prefix: prefix}, Playbook: "p"}, storage.Event{})
		got = append(got, c.Ref.String())
	}
	want := []string{"SUP-1001", "SUP-1002", "RMA-1001", "SUP-1003", "RCL-1001", "RMA-1002"}
	if !slices.Equal(got, want) {
		t.Errorf("refs %v, want %v", got, want)
	}
	if _, _, err := s.Update(t.Context(), key("bad"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.CreateCase(t.Context(), &storage.Case{Playbook: "p"}, &storage.Event{Kind: storage.EventOpened})
	}); err == nil {
		t.Error("CreateCase without a prefix succeeded")
	}
}

func testNotFound(t *testing.T, s storage.Store) {
	ctx := t.Context()
	c, _ := openCase(t, s, key("open"), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback"}, storage.Event{})

	for _, typed := range []string{"#cb-1001", "CB-1001", " Cb-1001 "} {
		ref, err := storage.ParseRef(typed)
		if err != nil {
			t.Fatalf("ParseRef(%q): %v", typed, err)
		}
		if got, err := s.Case(ctx, storage.AllWorkspaces, ref); err != nil || got.ID != c.ID {
			t.Errorf("Case(ParseRef(%q)) = case %d, %v; want case %d", typed, got.ID, err, c.ID)
		}
	}
	for _, typed := range []string{"CB-1002", "SUP-1001", "cb-9999"} {
		ref, _ := storage.ParseRef(typed)
		if _, err := s.Case(ctx, storage.AllWorkspaces, ref); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Case(%s) error = %v, want ErrNotFound", typed, err)
		}
	}
	if _, err := s.Timeline(ctx, c.ID+1000); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Timeline(missing) error = %v, want ErrNotFound", err)
	}

	missing := storage.Ref{Prefix: "CB", Number: 4242}
	cases := []struct {
		name string
		fn   func(tx storage.Tx) error
	}{
		{"CaseForUpdate", func(tx storage.Tx) error {
			_, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, missing)
			return err
		}},
		{"UpdateCase", func(tx storage.Tx) error {
			return tx.UpdateCase(ctx, &storage.Case{ID: c.ID + 1000, Ref: missing, Status: storage.StatusClosed}, &storage.Event{Kind: storage.EventClosed})
		}},
		{"AppendEvent", func(tx storage.Tx) error {
			return tx.AppendEvent(ctx, &storage.Event{CaseID: c.ID + 1000, Kind: storage.EventNote})
		}},
	}
	for _, tc := range cases {
		resp, replayed, err := s.Update(ctx, key("nf-"+tc.name), func(tx storage.Tx) ([]byte, error) { return nil, tc.fn(tx) })
		if !errors.Is(err, storage.ErrNotFound) || replayed || resp != nil {
			t.Errorf("%s on a missing case: %q, replayed=%v, error %v; want ErrNotFound", tc.name, resp, replayed, err)
		}
	}
}

func testList(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	mk := func(id string, at time.Duration, openedBy, assignee string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{
			Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback",
			OpenedBy: openedBy, Assignee: assignee, OpenedAt: t0.Add(at),
		}, storage.Event{Actor: openedBy})
		return c
	}
	mk("c1", 0, "U3", "U1")                 // CB-1001: assigned to U1
	mk("c2", time.Hour, "U1", "")           // CB-1002: opened by U1, unassigned
	c3 := mk("c3", 2*time.Hour, "U1", "U2") // CB-1003: closed below
	mk("c4", 3*time.Hour, "U1", "U2")       // CB-1004: opened by U1 but U2's
	mk("c5", 3*time.Hour, "U4", "U4")       // CB-1005: same time as c4, created later
	closedAt := t0.Add(4 * time.Hour)
	c3.Status, c3.ClosedAt, c3.Outcome = storage.StatusClosed, &closedAt, "lost"
	if _, _, err := s.Update(ctx, key("close-c3"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.UpdateCase(ctx, &c3, &storage.Event{Kind: storage.EventClosed})
	}); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		f    storage.CaseFilter
		want []string
	}{
		{"all, newest first, later id first on equal time", storage.CaseFilter{Scope: storage.AllWorkspaces}, []string{"CB-1005", "CB-1004", "CB-1003", "CB-1002", "CB-1001"}},
		{"open", storage.CaseFilter{Scope: storage.AllWorkspaces, Status: storage.StatusOpen}, []string{"CB-1005", "CB-1004", "CB-1002", "CB-1001"}},
		{"closed", storage.CaseFilter{Scope: storage.AllWorkspaces, Status: storage.StatusClosed}, []string{"CB-1003"}},
		{"mine: assigned, or opened and unassigned", storage.CaseFilter{Scope: storage.AllWorkspaces, Mine: "U1"}, []string{"CB-1002", "CB-1001"}},
		{"mine U2", storage.CaseFilter{Scope: storage.AllWorkspaces, Mine: "U2"}, []string{"CB-1004", "CB-1003"}},
		{"mine and open", storage.CaseFilter{Scope: storage.AllWorkspaces, Mine: "U2", Status: storage.StatusOpen}, []string{"CB-1004"}},
		{"limit", storage.CaseFilter{Scope: storage.AllWorkspaces, Limit: 2}, []string{"CB-1005", "CB-1004"}},
		{"open with limit", storage.CaseFilter{Scope: storage.AllWorkspaces, Status: storage.StatusOpen, Limit: 3}, []string{"CB-1005", "CB-1004", "CB-1002"}},
		{"nobody's", storage.CaseFilter{Scope: storage.AllWorkspaces, Mine: "U404"}, nil},
	}
	for _, tc := range cases {
		list, err := s.Cases(ctx, tc.f)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []string
		for _, c := range list {
			got = append(got, c.Ref.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: Cases(%+v) = %v, want %v", tc.name, tc.f, got, tc.want)
		}
	}
}

func testTimeline(t *testing.T, s storage.Store) {
	ctx := t.Context()
	t0 := time.Date(2026, 2, 1, 9, 0, 0, 0, cet)
	c, opened := openCase(t, s, key("open"), storage.Case{Ref: storage.Ref{Prefix: "RCL"}, Playbook: "recall", OpenedBy: "U1"},
		storage.Event{At: t0, Actor: "U1", Body: "Recall of batch 42", Data: map[string]string{"via": "slash", "lang": "nb"}})
	before := getCase(t, s, c.Ref)

	note := storage.Event{CaseID: c.ID, At: t0.Add(time.Hour), Actor: "U2", Kind: storage.EventNote,
		Body: "Kunden sier: «pakken kom aldri» – æøå", Data: map[string]string{"text": "«pakken kom aldri»", "empty": ""}}
	closed := storage.Event{At: t0.Add(2 * time.Hour), Actor: "U2", Kind: storage.EventClosed, Body: "closed",
		Data: map[string]string{"outcome": "refunded", "amount": "129.99 NOK"}}
	// Logged last but happened second: the timeline is in time order.
	backdated := storage.Event{CaseID: c.ID, At: t0.Add(30 * time.Minute), Actor: "U3", Kind: storage.EventNote, Body: "customer called at 09:30"}
	if _, _, err := s.Update(ctx, key("note"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.AppendEvent(ctx, &note)
	}); err != nil {
		t.Fatal(err)
	}
	if after := getCase(t, s, c.Ref); after.UpdatedAt.Before(before.UpdatedAt) {
		t.Errorf("AppendEvent moved updated_at back from %v to %v", before.UpdatedAt, after.UpdatedAt)
	}
	if _, _, err := s.Update(ctx, key("close"), func(tx storage.Tx) ([]byte, error) {
		got, err := tx.CaseForUpdate(ctx, storage.AllWorkspaces, c.Ref)
		if err != nil {
			return nil, err
		}
		got.Status = storage.StatusClosed
		return nil, tx.UpdateCase(ctx, &got, &closed)
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Update(ctx, key("backdated"), func(tx storage.Tx) ([]byte, error) {
		return nil, tx.AppendEvent(ctx, &backdated)
	}); err != nil {
		t.Fatal(err)
	}

	closed.CaseID = c.ID
	want := []storage.Event{opened, backdated, note, closed}
	got := timeline(t, s, c.ID)
	if len(got) != len(want) {
		t.Fatalf("timeline has %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if want[i].ID == 0 {
			want[i].ID = got[i].ID // the Tx contract fills IDs only on CreateCase
		}
		diffEvent(t, got[i], want[i])
	}
	if len(got[1].Data) != 0 {
		t.Errorf("event without data reads back %v, want empty", got[1].Data)
	}
}

// diffCase reports every field where got differs from want. Times compare
// as instants and must read back in UTC; nil and empty maps are equal.
func diffCase(t *testing.T, what string, got, want storage.Case) {
	t.Helper()
	check := func(field string, ok bool, g, w any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %s = %v, want %v", what, field, g, w)
		}
	}
	check("ID", got.ID == want.ID, got.ID, want.ID)
	check("Ref", got.Ref == want.Ref, got.Ref, want.Ref)
	check("Playbook", got.Playbook == want.Playbook, got.Playbook, want.Playbook)
	check("Status", got.Status == want.Status, got.Status, want.Status)
	check("Fields", maps.Equal(got.Fields, want.Fields), got.Fields, want.Fields)
	check("Amount", equalMoney(got.Amount, want.Amount), fmtMoney(got.Amount), fmtMoney(want.Amount))
	check("Platform", got.Platform == want.Platform, got.Platform, want.Platform)
	check("Workspace", got.Workspace == want.Workspace, got.Workspace, want.Workspace)
	check("Channel", got.Channel == want.Channel, got.Channel, want.Channel)
	check("Thread", got.Thread == want.Thread, got.Thread, want.Thread)
	check("CardMessageID", got.CardMessageID == want.CardMessageID, got.CardMessageID, want.CardMessageID)
	check("OpenedBy", got.OpenedBy == want.OpenedBy, got.OpenedBy, want.OpenedBy)
	check("Assignee", got.Assignee == want.Assignee, got.Assignee, want.Assignee)
	check("Outcome", got.Outcome == want.Outcome, got.Outcome, want.Outcome)
	check("OutcomeAmount", equalMoney(got.OutcomeAmount, want.OutcomeAmount), fmtMoney(got.OutcomeAmount), fmtMoney(want.OutcomeAmount))
	checkTime(t, what+": OpenedAt", &got.OpenedAt, &want.OpenedAt)
	checkTime(t, what+": UpdatedAt", &got.UpdatedAt, &want.UpdatedAt)
	checkTime(t, what+": ClosedAt", got.ClosedAt, want.ClosedAt)
	checkTime(t, what+": ReopenedAt", got.ReopenedAt, want.ReopenedAt)
}

func diffEvent(t *testing.T, got, want storage.Event) {
	t.Helper()
	if got.ID != want.ID || got.CaseID != want.CaseID || got.Actor != want.Actor || got.Kind != want.Kind ||
		got.Body != want.Body || !maps.Equal(got.Data, want.Data) {
		t.Errorf("event\n got %+v\nwant %+v", got, want)
	}
	checkTime(t, fmt.Sprintf("event %d (%s): At", want.ID, want.Kind), &got.At, &want.At)
}

func checkTime(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, got, want)
	case !got.Equal(*want):
		t.Errorf("%s = %v, want %v", what, got, want)
	case got.Location() != time.UTC:
		t.Errorf("%s = %v is not in UTC", what, got)
	}
}

func equalMoney(a, b *storage.Money) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func fmtMoney(m *storage.Money) string {
	if m == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%d %s", m.Minor, m.Currency)
}
