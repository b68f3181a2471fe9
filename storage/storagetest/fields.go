package storagetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

// testCaseByField: a case is found by a field's value within its scope and
// playbook, the open one before a closed one, then the newest; a name that
// is not a field's is refused rather than written into SQL.
func testCaseByField(t *testing.T, s storage.Store) {
	ctx := t.Context()
	open := func(id, platform, workspace, dispute string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: "chargeback", Status: storage.StatusOpen,
			Platform: platform, Workspace: workspace, Channel: "C1", OpenedBy: "U1", Fields: map[string]string{"dispute_id": dispute}}, storage.Event{})
		return c
	}
	old := open("old", "slack", "T1", "dp_1")
	closed := open("closed", "slack", "T1", "dp_1")
	change(t, s, "close", func(tx storage.Tx) error {
		closed.Status, closed.Outcome = storage.StatusClosed, "won"
		return tx.UpdateCase(ctx, &closed, &storage.Event{CaseID: closed.ID, Kind: storage.EventClosed})
	})
	other := open("other", "discord", "G1", "dp_2")
	find := func(scope storage.Scope, playbook, field, value string) (storage.Ref, error) {
		var got storage.Case
		_, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
			var err error
			got, err = tx.CaseByField(ctx, scope, playbook, field, value)
			return nil, err
		})
		return got.Ref, err
	}
	for _, tc := range []struct {
		name                   string
		scope                  storage.Scope
		playbook, field, value string
		want                   storage.Ref
		err                    error
	}{
		{"open before closed", storage.AllWorkspaces, "chargeback", "dispute_id", "dp_1", old.Ref, nil},
		{"in its workspace", storage.WorkspaceScope("discord", "G1"), "chargeback", "dispute_id", "dp_2", other.Ref, nil},
		{"outside the scope", storage.WorkspaceScope("slack", "T1"), "chargeback", "dispute_id", "dp_2", storage.Ref{}, storage.ErrNotFound},
		{"other playbook", storage.AllWorkspaces, "return", "dispute_id", "dp_1", storage.Ref{}, storage.ErrNotFound},
		{"unknown value", storage.AllWorkspaces, "chargeback", "dispute_id", "dp_3", storage.Ref{}, storage.ErrNotFound},
	} {
		got, err := find(tc.scope, tc.playbook, tc.field, tc.value)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: CaseByField = %s, %v; want %s, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
	if _, err := find(storage.AllWorkspaces, "chargeback", "x') OR ('1'='1", "dp_1"); err == nil || errors.Is(err, storage.ErrNotFound) {
		t.Errorf("CaseByField with a name that is no field's = %v; want it refused", err)
	}
}

// testOpenCasesWith: the possible duplicates of a case are the open cases
// of its playbook in the scope with an equal id field, ignoring case and
// surrounding space, newest first; closed cases, other playbooks and other
// workspaces are not, and a name that is not a field's is refused.
func testOpenCasesWith(t *testing.T, s storage.Store) {
	ctx := t.Context()
	open := func(id, playbook, workspace string, fields map[string]string) storage.Case {
		c, _ := openCase(t, s, key(id), storage.Case{Ref: storage.Ref{Prefix: "CB"}, Playbook: playbook, Status: storage.StatusOpen,
			Platform: "slack", Workspace: workspace, Channel: "C1", OpenedBy: "U1", Fields: fields}, storage.Event{})
		return c
	}
	byOrder := open("a", "chargeback", "T1", map[string]string{"order": "SO-1042"})
	byDispute := open("b", "chargeback", "T1", map[string]string{"order": "1099", "dispute_id": "dp_X"})
	closed := open("c", "chargeback", "T1", map[string]string{"order": "SO-1042"})
	change(t, s, "close-dup", func(tx storage.Tx) error {
		closed.Status, closed.Outcome = storage.StatusClosed, "won"
		return tx.UpdateCase(ctx, &closed, &storage.Event{CaseID: closed.ID, Kind: storage.EventClosed})
	})
	open("d", "return", "T1", map[string]string{"order": "SO-1042"})
	open("e", "chargeback", "T2", map[string]string{"order": "SO-1042"})
	t1 := storage.WorkspaceScope("slack", "T1")
	refs := func(fields map[string]string) []storage.Ref {
		t.Helper()
		cs, err := s.OpenCasesWith(ctx, t1, "chargeback", fields, 10)
		if err != nil {
			t.Fatalf("OpenCasesWith(%v): %v", fields, err)
		}
		var got []storage.Ref
		for _, c := range cs {
			got = append(got, c.Ref)
		}
		return got
	}
	for _, tc := range []struct {
		fields map[string]string
		want   []storage.Ref
	}{
		{map[string]string{"order": "so-1042 "}, []storage.Ref{byOrder.Ref}},
		{map[string]string{"order": "SO-1042", "dispute_id": "DP_x"}, []storage.Ref{byDispute.Ref, byOrder.Ref}},
		{map[string]string{"dispute_id": "dp_Y"}, nil},
		{map[string]string{}, nil},
	} {
		if got := refs(tc.fields); !slices.Equal(got, tc.want) {
			t.Errorf("OpenCasesWith(%v) = %v, want %v", tc.fields, got, tc.want)
		}
	}
	if _, err := s.OpenCasesWith(ctx, t1, "chargeback", map[string]string{"order') OR 1=1 --": "x"}, 10); err == nil {
		t.Error("OpenCasesWith took a field name that is not one")
	}
}
