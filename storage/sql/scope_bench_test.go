package sql

import (
	"context"
	"fmt"
	"testing"

	"github.com/disputedesk/disputedesk/storage"
)

// BenchmarkCaseInScope measures what scoping a lookup to its workspace costs:
// Store.Case by reference among 2,000 cases of 20 workspaces, within all
// workspaces (the console) and within the case's own workspace and channel
// (every chat request).
func BenchmarkCaseInScope(b *testing.B) {
	for _, d := range []struct {
		name string
		open func(testing.TB) *Store
	}{{"sqlite", openSQLite}, {"postgres", openPostgres}} {
		b.Run(d.name, func(b *testing.B) {
			ctx := context.Background()
			s := migrated(b, d.open(b))
			var refs []storage.Ref
			_, _, err := s.Update(ctx, storage.RequestKey{}, func(tx storage.Tx) ([]byte, error) {
				for i := range 2000 {
					c := benchCase()
					c.Workspace, c.Channel = fmt.Sprint("T", i%20), fmt.Sprint("C", i%40)
					if err := tx.CreateCase(ctx, &c, &storage.Event{Kind: storage.EventOpened}); err != nil {
						return nil, err
					}
					refs = append(refs, c.Ref)
				}
				return nil, nil
			})
			if err != nil {
				b.Fatal(err)
			}
			for _, sc := range []struct {
				name  string
				scope func(i int) storage.Scope
			}{
				{"all", func(int) storage.Scope { return storage.AllWorkspaces }},
				{"workspace", func(i int) storage.Scope {
					return storage.Scope{Platform: "slack", Workspace: fmt.Sprint("T", i%20), Channels: []string{fmt.Sprint("C", i%40)}}
				}},
			} {
				b.Run(sc.name, func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						i = (i + 7) % len(refs)
						if _, err := s.Case(ctx, sc.scope(i), refs[i]); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
