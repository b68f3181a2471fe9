package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCasesOfARemovedPlaybook: a case whose playbook is no longer loaded is
// still listed, shown and closable, and the console warns at start.
func TestCasesOfARemovedPlaybook(t *testing.T) {
	team := t.TempDir()
	if err := os.WriteFile(filepath.Join(team, "warranty.yaml"), []byte("name: warranty\ntitle: Warranty claim\nprefix: WAR\n"+
		"description: a product broke within its warranty\nsteps:\n  - id: verify\n    title: Verify the purchase\noutcomes:\n  - id: repaired\n    label: Repaired\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := "DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db")
	out, stderr, code := cli(t, []string{db, "DISPUTEDESK_PLAYBOOKS=" + team}, "/case open warranty\n/case open warranty\n/case open return order=7 reason=damaged\n", "console")
	if code != 0 || !strings.Contains(out, "Opened WAR-1002") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, []string{db}, "/case list\n/case show WAR-1001\n/case close WAR-1002 outcome=\"all good\"\n/case close WAR-1001 outcome=repaired force=yes\n/case list\n", "console")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "level=WARN") || !strings.Contains(stderr, "playbook=warranty open_cases=2") {
		t.Errorf("no warning at start naming the playbook and its 2 open cases:\n%s", stderr)
	}
	for _, want := range []string{"WAR-1001", "WAR-1002", "playbook warranty is not loaded", "Closed WAR-1001: repaired",
		"Playbook warranty is not loaded, so its steps, deadlines and outcomes are unknown"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if last := out[strings.LastIndex(out, "Open cases:"):]; strings.Contains(last, "WAR-1001") || !strings.Contains(last, "WAR-1002") {
		t.Errorf("the list after the close:\n%s", last)
	}
}
