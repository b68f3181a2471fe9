package commands

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// noStore stands for the database where none is read: resolving an action
// id never touches it.
type noStore struct{ storage.Store }

// FuzzActionLine checks that whatever a button or form carries resolves,
// without panicking, to a command line or to errButtonGone, and that an id
// resolves to exactly the command its code names, with the arguments it
// carries: the one id Encode writes for that line.
func FuzzActionLine(f *testing.F) {
	catalog, err := playbooks.Load("testdata/playbooks")
	if err != nil {
		f.Fatal(err)
	}
	r, err := NewRouter(Deps{Store: noStore{}, Playbooks: catalog})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"v1:d CB-1042 acknowledge", "v1:o", "v1:o return order=1042", `v1:rd RMA-1 3 tone=brief`,
		"/case show CB-1", "v1:zz x", "v2:d CB-1", "v1:", "garbage", "v1:a CB-1 @me"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		line, err := r.actionLine(value)
		switch {
		case err != nil:
			if err != errButtonGone {
				t.Fatalf("actionLine(%q) error %v, want errButtonGone", value, err)
			}
		case strings.HasPrefix(strings.TrimSpace(value), "/"):
			if line != value {
				t.Fatalf("a command line %q resolved to %q", value, line)
			}
		default:
			code := strings.TrimPrefix(strings.Fields(value)[0], "v1:")
			c := r.byCode[code]
			if c == nil || line != "/"+c.Name && !strings.HasPrefix(line, "/"+c.Name+" ") {
				t.Fatalf("id %q resolved to %q, not its command", value, line)
			}
			again, id := r.actionOf(c.Name, []string{strings.TrimSpace(strings.TrimPrefix(line, "/"+c.Name))})
			if again != line || id != value {
				t.Fatalf("id %q resolved to %q, which encodes as %q", value, line, id)
			}
		}
	})
}
