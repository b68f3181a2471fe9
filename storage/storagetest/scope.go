package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// testScope checks that no read or lock of a case reaches outside the
// request's scope: another workspace, the same workspace id on another
// platform, or a channel the scope leaves out all read as "not found".
func testScope(t *testing.T, s storage.Store) {
	ctx := t.Context()
	open := func(id, platform, workspace, channel, thread string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback",
			Platform: platform, Workspace: workspace, Channel: channel, Thread: thread, OpenedBy: "U1"}, storage.Event{})
		change(t, s, id+"-due", func(tx storage.Tx) error {
			return tx.SetDeadlines(ctx, c.ID, []storage.Deadline{{ID: "evidence_due", Due: time.Now().Add(time.Hour)}}, &storage.Event{})
		})
		return c
	}
	a := open("a", "slack", "T1", "C1", "th-1")       // CB-1001
	b := open("b", "slack", "T2", "C1", "th-1")       // CB-1002: same channel and thread ids, other team
	d := open("d", "discord", "T1", "C1", "th-1")     // CB-1003: same ids, other platform
	e := open("e", "slack", "T1", "C2", "th-2")       // CB-1004: T1, another channel
	console := open("console", "console", "", "", "") // CB-1005

	t1 := storage.WorkspaceScope("slack", "T1")
	t2 := storage.WorkspaceScope("slack", "T2")
	t1C2 := storage.Scope{Platform: "slack", Workspace: "T1", Channels: []string{"C2"}}
	scopes := map[string]storage.Scope{"slack T1": t1, "slack T2": t2, "discord T1": storage.WorkspaceScope("discord", "T1"),
		"slack T1 #C2": t1C2, "console": storage.WorkspaceScope("console", ""), "all": storage.AllWorkspaces}
	visible := map[string][]storage.Case{
		"slack T1": {a, e}, "slack T2": {b}, "discord T1": {d}, "slack T1 #C2": {e}, "console": {console},
		"all": {a, b, d, e, console},
	}
	for name, scope := range scopes {
		want := visible[name]
		var wantRefs []string
		for _, c := range want {
			wantRefs = append(wantRefs, c.Ref.String())
		}
		for _, c := range []storage.Case{a, b, d, e, console} {
			in := slices.ContainsFunc(want, func(w storage.Case) bool { return w.ID == c.ID })
			got, err := s.Case(ctx, scope, c.Ref)
			if in && (err != nil || got.ID != c.ID) {
				t.Errorf("%s: Case(%s) = %s, %v; want it", name, c.Ref, got.Ref, err)
			}
			if !in && !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s: Case(%s) = %s (%s/%s), %v; want ErrNotFound", name, c.Ref, got.Ref, got.Platform, got.Workspace, err)
			}
			_, _, err = s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
				got, err := tx.CaseForUpdate(ctx, scope, c.Ref)
				if err != nil {
					return nil, err
				}
				got.Assignee = "U-" + name
				return nil, tx.UpdateCase(ctx, &got, &storage.Event{Kind: storage.EventAssigned})
			})
			if in && err != nil {
				t.Errorf("%s: CaseForUpdate(%s): %v; want it", name, c.Ref, err)
			}
			if !in && !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s: CaseForUpdate(%s): %v; want ErrNotFound", name, c.Ref, err)
			}
			if after := getCase(t, s, c.Ref); !in && after.Assignee == "U-"+name {
				t.Errorf("%s changed %s of %s/%s", name, c.Ref, c.Platform, c.Workspace)
			}
		}

		listed, err := s.Cases(ctx, storage.CaseFilter{Scope: scope})
		if err != nil {
			t.Fatalf("%s: Cases: %v", name, err)
		}
		var got []string
		for _, c := range slices.Backward(listed) { // oldest first, as wantRefs
			got = append(got, c.Ref.String())
		}
		if !slices.Equal(got, wantRefs) {
			t.Errorf("%s: Cases = %v, want %v", name, got, wantRefs)
		}

		due, err := s.Deadlines(ctx, storage.DeadlineFilter{Scope: scope})
		if err != nil {
			t.Fatalf("%s: Deadlines: %v", name, err)
		}
		got = nil
		for _, d := range due {
			got = append(got, d.Ref.String())
		}
		slices.Sort(got)
		if !slices.Equal(got, wantRefs) {
			t.Errorf("%s: Deadlines of %v, want %v", name, got, wantRefs)
		}
	}

	for _, tc := range []struct {
		scope           storage.Scope
		channel, thread string
		want            storage.Case
	}{
		{t1, "C1", "th-1", a},
		{t2, "C1", "th-1", b},
		{storage.WorkspaceScope("discord", "T1"), "C1", "th-1", d},
		{t1C2, "C1", "th-1", storage.Case{}}, // T1's, in a channel the scope leaves out
		{t2, "C2", "th-2", storage.Case{}},
		{storage.WorkspaceScope("slack", "T3"), "C1", "th-1", storage.Case{}},
	} {
		got, err := s.CaseByThread(ctx, tc.scope, tc.channel, tc.thread)
		what := fmt.Sprintf("CaseByThread(%+v, %s, %s)", tc.scope, tc.channel, tc.thread)
		switch {
		case tc.want.ID == 0 && !errors.Is(err, storage.ErrNotFound):
			t.Errorf("%s = %s, %v; want ErrNotFound", what, got.Ref, err)
		case tc.want.ID != 0 && (err != nil || got.ID != tc.want.ID):
			t.Errorf("%s = %s, %v; want %s", what, got.Ref, err, tc.want.Ref)
		}
	}
	if _, err := s.CaseByThread(ctx, storage.AllWorkspaces, "C1", "th-1"); err == nil {
		t.Error("CaseByThread in all workspaces: no error; a thread belongs to one workspace")
	}

	// A scope that names nothing is an error, never every case.
	if c, err := s.Case(ctx, storage.Scope{}, a.Ref); err == nil {
		t.Errorf("Case with no scope = %s; want an error", c.Ref)
	}
	if cs, err := s.Cases(ctx, storage.CaseFilter{}); err == nil {
		t.Errorf("Cases with no scope = %d cases; want an error", len(cs))
	}
	if ds, err := s.Deadlines(ctx, storage.DeadlineFilter{}); err == nil {
		t.Errorf("Deadlines with no scope = %d; want an error", len(ds))
	}
}
