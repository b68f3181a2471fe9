package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestConsoleUserFlag(t *testing.T) {
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db")}
	for _, user := range []string{"", " ", "@", "kari nordmann"} {
		if out, stderr, code := cli(t, env, "/case list\n", "console", "--user", user); code != 2 || !strings.Contains(stderr, "--user") {
			t.Errorf("--user %q: exit %d, want 2 with a word on --user\n%s%s", user, code, out, stderr)
		}
	}
	out, stderr, code := cli(t, env, "/case open return order=7 reason=damaged\n", "console", "--user", "@kari")
	if code != 0 || !strings.Contains(out, "by @kari") || strings.Contains(out, "@@") {
		t.Errorf("--user @kari: exit %d, want the case opened by @kari, never @@kari\n%s%s", code, out, stderr)
	}
}

// TestConsoleParagraphs: a line ending in a backslash continues the command,
// so a note keeps its paragraph break.
func TestConsoleParagraphs(t *testing.T) {
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db")}
	script := "/case open return order=7 reason=damaged\n/case note RMA-1001 Called the customer.\\\n\\\nShe sends photos tomorrow.\n/case show RMA-1001\n"
	out, stderr, code := cli(t, env, script, "console", "--user", "kari")
	if code != 0 || !strings.Contains(out, "note: Called the customer.\n\n    She sends photos tomorrow.") {
		t.Errorf("exit %d, want the note with its paragraph break:\n%s%s", code, out, stderr)
	}
}
