package main

import (
	"strings"
	"testing"
)

// TestPlaybooksLintFile: lint takes one file as well as a directory, and
// reports all of its problems in one run.
func TestPlaybooksLintFile(t *testing.T) {
	out, stderr, code := cli(t, nil, "", "playbooks", "lint", "../../playbooks/builtin/return.yaml")
	if code != 0 || !strings.Contains(out, "return.yaml: 1 playbook(s), no problems") {
		t.Errorf("lint of one good file: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, nil, "", "playbooks", "lint", "../../playbooks/testdata/lint/guarantee.yaml")
	for _, want := range []string{"guarantee.yaml:3: prefix", `guarantee.yaml:11: unknown key "requird"`, `guarantee.yaml:15: owner "intern"`} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("lint of one broken file: exit %d, lacks %q\n%s%s", code, want, out, stderr)
		}
	}
	if !strings.Contains(stderr, "3 problem(s)") {
		t.Errorf("lint does not count the problems: %s", stderr)
	}
	if _, stderr, code = cli(t, nil, "", "playbooks", "lint", "../../playbooks/testdata/lint/missing.yaml"); code != 1 || !strings.Contains(stderr, "missing.yaml") {
		t.Errorf("lint of a missing file: exit %d\n%s", code, stderr)
	}
}
