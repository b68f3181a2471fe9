package playbooks

import (
	"errors"
	"os"
	"testing"
)

// TestParseReportsEveryProblem: an unknown key is reported with the rest of
// the file's problems, not instead of them, and months and years are units.
func TestParseReportsEveryProblem(t *testing.T) {
	data, err := os.ReadFile("testdata/lint/guarantee.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("guarantee.yaml", data)
	var problems Problems
	if !errors.As(err, &problems) {
		t.Fatalf("Parse = %v, want Problems", err)
	}
	want := Problems{
		{File: "guarantee.yaml", Line: 3, Msg: `prefix "gc" must be 2 to 5 upper-case letters, like CB or RMA`},
		{File: "guarantee.yaml", Line: 11, Msg: `unknown key "requird" in a field: the keys are name, label, type, required, help, values, event`},
		{File: "guarantee.yaml", Line: 15, Msg: `owner "intern" is not a role: use agent, lead, finance, ops, legal, compliance`},
	}
	if problems.Error() != want.Error() {
		t.Errorf("problems:\n%s\nwant:\n%s", problems, want)
	}
}

// TestParseTypeErrorIsNotAlsoMissing: a value of the wrong type is one
// problem, not also "required".
func TestParseTypeErrorIsNotAlsoMissing(t *testing.T) {
	data := []byte("name: late\ntitle: [Late, delivery]\nprefix: LD\ndescription: late\nsteps:\n  - id: a\n    title: A\noutcomes:\n  - id: done\n    label: Done\n")
	_, err := Parse("late.yaml", data)
	var problems Problems
	if !errors.As(err, &problems) || len(problems) != 1 || problems[0].Line != 2 {
		t.Errorf("Parse = %v, want one problem on line 2", err)
	}
}
