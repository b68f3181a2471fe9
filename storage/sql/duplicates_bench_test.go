package sql

import (
	"context"
	"testing"

	"github.com/disputedesk/disputedesk/internal/gendata"
	"github.com/disputedesk/disputedesk/storage"
)

// BenchmarkDuplicateCheck measures the read every open makes to find
// possible duplicates, on the internal/gendata databases (see
// onGenerated): "indexed" is Store.OpenCasesWith on an order and a dispute
// id, through migration 00016's indexes; "all-open" is the read it
// replaced, every open case of the workspace, compared in Go.
func BenchmarkDuplicateCheck(b *testing.B) {
	onGenerated(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		scope := gendata.TargetScope()
		ws := storage.WorkspaceScope(scope.Platform, scope.Workspace)
		ids := map[string]string{"order": "#104242", "dispute_id": "dp_00000000000000ff"}
		b.Run("indexed", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.OpenCasesWith(ctx, ws, "chargeback", ids, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("all-open", func(b *testing.B) {
			for b.Loop() {
				open, err := s.Cases(ctx, storage.CaseFilter{Scope: ws, Status: storage.StatusOpen})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(open)), "open-cases")
			}
		})
	})
}
