package storagetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// saveChannel writes s in its own transaction and returns it as saved.
func saveChannel(t *testing.T, st storage.Store, s storage.ChannelSettings) storage.ChannelSettings {
	t.Helper()
	if _, _, err := st.Update(t.Context(), storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SaveChannelSettings(t.Context(), &s)
	}); err != nil {
		t.Fatalf("SaveChannelSettings(%s): %v", s.Channel, err)
	}
	return s
}

// testChannelSettings: a channel without settings reads as the zero
// value; saved settings read back whole, inside and outside a
// transaction; a later save replaces them; only subscribed channels are
// listed, and channels of other workspaces are distinct.
func testChannelSettings(t *testing.T, st storage.Store) {
	ctx := t.Context()
	got, err := st.ChannelSettings(ctx, "slack", "T1", "C1")
	if err != nil {
		t.Fatal(err)
	}
	if want := (storage.ChannelSettings{Platform: "slack", Workspace: "T1", Channel: "C1"}); !reflect.DeepEqual(got, want) {
		t.Fatalf("settings of a new channel = %+v, want %+v", got, want)
	}
	since := time.Date(2026, 3, 1, 8, 0, 0, 123456789, cet)
	saved := saveChannel(t, st, storage.ChannelSettings{Platform: "slack", Workspace: "T1", Channel: "C1", Zone: "Europe/Oslo",
		SummaryAt: "09:00", SummaryDays: storage.SummaryWeekdays, OnCall: "S123", SubscribedAt: &since, UpdatedBy: "U1"})
	if saved.UpdatedAt.IsZero() || !saved.SubscribedAt.Equal(since.Truncate(time.Microsecond)) || saved.SubscribedAt.Location() != time.UTC {
		t.Fatalf("saved = %+v: want UpdatedAt set and SubscribedAt in UTC to the microsecond", saved)
	}
	saveChannel(t, st, storage.ChannelSettings{Platform: "slack", Workspace: "T2", Channel: "C1", Zone: "UTC"})
	saveChannel(t, st, storage.ChannelSettings{Platform: "discord", Workspace: "G1", Channel: "C9", SummaryAt: "17:30", SummaryDays: storage.SummaryDaily})

	if got, err = st.ChannelSettings(ctx, "slack", "T1", "C1"); err != nil || !reflect.DeepEqual(got, saved) {
		t.Fatalf("ChannelSettings = %+v, %v; want %+v", got, err, saved)
	}
	var inTx storage.ChannelSettings
	if _, _, err := st.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		inTx, err = tx.ChannelSettings(ctx, "slack", "T1", "C1")
		return nil, err
	}); err != nil || !reflect.DeepEqual(inTx, saved) {
		t.Fatalf("Tx.ChannelSettings = %+v, %v; want %+v", inTx, err, saved)
	}
	subs, err := st.Subscriptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range subs {
		names = append(names, s.Platform+"/"+s.Workspace+"/"+s.Channel)
	}
	if want := []string{"discord/G1/C9", "slack/T1/C1"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("Subscriptions = %v, want %v", names, want)
	}

	last := since.Add(25 * time.Hour).Truncate(time.Microsecond)
	saved.SummaryAt, saved.LastSummaryAt = "", &last
	saveChannel(t, st, saved)
	got, _ = st.ChannelSettings(ctx, "slack", "T1", "C1")
	if got.Subscribed() || got.LastSummaryAt == nil || !got.LastSummaryAt.Equal(last) || got.OnCall != "S123" {
		t.Fatalf("after unsubscribing = %+v: want no summary, the last summary time kept, on-call kept", got)
	}
	if subs, _ = st.Subscriptions(ctx); len(subs) != 1 {
		t.Fatalf("Subscriptions after unsubscribing = %+v, want discord's only", subs)
	}
	if got, _ := st.ChannelSettings(ctx, "slack", "T2", "C1"); got.Zone != "UTC" || got.OnCall != "" {
		t.Fatalf("another workspace's C1 = %+v, want its own settings", got)
	}
	if _, _, err := st.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
		return nil, tx.SaveChannelSettings(ctx, &storage.ChannelSettings{Platform: "slack", Channel: "C1"})
	}); err == nil {
		t.Fatal("SaveChannelSettings without a workspace: no error")
	}
}
