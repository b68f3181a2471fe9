package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

func testDrafts(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c, _ := openCase(t, s, key("draft-open"), storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return", OpenedBy: "kari"}, storage.Event{Kind: storage.EventOpened})
	d := storage.DraftRecord{CaseID: c.ID, Language: "nb", Tone: "warm", Body: "Hei Kari, beklager at koppen kom i stykker.", Source: "offline",
		CustomerMessage: "Koppen kom knust, æøå", By: "ola"}
	if _, _, err := s.Update(ctx, key("draft-save"), func(tx storage.Tx) ([]byte, error) {
		return []byte("{}"), tx.SaveDraft(ctx, &d, &storage.Event{CaseID: c.ID, Actor: "ola", Body: "suggested a reply"})
	}); err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.Number != 1 || d.At.IsZero() {
		t.Fatalf("SaveDraft did not fill ID, Number 1 and At: %+v", d)
	}

	// Approving an edited text keeps the text as approved, with who and when.
	approvedAt := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	if _, _, err := s.Update(ctx, key("draft-approve"), func(tx storage.Tx) ([]byte, error) {
		got, err := tx.Draft(ctx, c.ID, d.Number)
		if err != nil {
			return nil, err
		}
		if got.Body != d.Body || got.CustomerMessage != d.CustomerMessage || got.Language != "nb" || got.ApprovedAt != nil {
			t.Errorf("Draft = %+v, want what was saved", got)
		}
		got.Body, got.ApprovedBy, got.ApprovedAt = "Hei Kari, beklager! Ny kopp er på vei.", "kari", &approvedAt
		return []byte("{}"), tx.ApproveDraft(ctx, &got, &storage.Event{CaseID: c.ID, Actor: "kari", Body: got.Body})
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Update(ctx, key("draft-read"), func(tx storage.Tx) ([]byte, error) {
		got, err := tx.Draft(ctx, c.ID, d.Number)
		if err != nil {
			return nil, err
		}
		if got.Body != "Hei Kari, beklager! Ny kopp er på vei." || got.ApprovedBy != "kari" || got.ApprovedAt == nil || !got.ApprovedAt.Equal(approvedAt) {
			t.Errorf("approved draft = %+v", got)
		}
		// Not found: another case's id, or an unknown draft.
		if _, err := tx.Draft(ctx, c.ID+1, d.Number); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Draft of another case: %v, want ErrNotFound", err)
		}
		missing := storage.DraftRecord{ID: d.ID + 99, CaseID: c.ID, Body: "x", ApprovedBy: "kari"}
		if err := tx.ApproveDraft(ctx, &missing, &storage.Event{CaseID: c.ID}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("ApproveDraft of a missing draft: %v, want ErrNotFound", err)
		}
		return []byte("{}"), nil
	}); err != nil {
		t.Fatal(err)
	}
	var kinds []storage.EventKind
	for _, e := range timeline(t, s, c.ID) {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 3 || kinds[1] != storage.EventDraft || kinds[2] != storage.EventApproved {
		t.Errorf("timeline kinds %v, want opened, draft, approved", kinds)
	}
}

// Drafts are numbered per case from 1, whatever other cases' drafts are
// numbered, and Draft finds one by its case's number.
func testDraftNumbers(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, _ := openCase(t, s, key("number-a"), storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return", OpenedBy: "kari"}, storage.Event{Kind: storage.EventOpened})
	b, _ := openCase(t, s, key("number-b"), storage.Case{Ref: storage.Ref{Prefix: "RMA"}, Playbook: "return", OpenedBy: "kari"}, storage.Event{Kind: storage.EventOpened})
	var saved []storage.DraftRecord
	for i, caseID := range []int64{a.ID, b.ID, a.ID, b.ID, b.ID} {
		d := storage.DraftRecord{CaseID: caseID, Body: fmt.Sprintf("draft %d", i), By: "ola"}
		if _, _, err := s.Update(ctx, key(fmt.Sprintf("number-save-%d", i)), func(tx storage.Tx) ([]byte, error) {
			return []byte("{}"), tx.SaveDraft(ctx, &d, &storage.Event{CaseID: caseID, Actor: "ola"})
		}); err != nil {
			t.Fatal(err)
		}
		saved = append(saved, d)
	}
	var numbers []int64
	for _, d := range saved {
		numbers = append(numbers, d.Number)
	}
	if want := []int64{1, 1, 2, 2, 3}; !slices.Equal(numbers, want) {
		t.Errorf("draft numbers %v, want %v", numbers, want)
	}
	got, err := s.Draft(ctx, b.ID, 3)
	if err != nil || got.ID != saved[4].ID || got.Body != "draft 4" || got.Number != 3 {
		t.Errorf("Draft(case b, 3) = %+v, %v, want %+v", got, err, saved[4])
	}
	if _, err := s.Draft(ctx, a.ID, 3); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Draft(case a, 3) = %v, want ErrNotFound", err)
	}
}
