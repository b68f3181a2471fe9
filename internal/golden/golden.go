// Package golden compares test output with golden files, and rewrites them
// when the tests run with -update:
//
//	go test ./prompts -update
//
// It registers the one -update flag of every test binary that imports it,
// so a package's tests must not define their own. Import it only from tests.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is package-level because a flag is: go test parses it once, for
// the whole test binary.
var update = flag.Bool("update", false, "rewrite the golden files with the tests' output")

// Check compares got with the golden file at path, relative to the test's
// package directory. With -update it writes got there instead, creating the
// directories it needs. A missing file fails the test at once; a different
// one fails it with both texts.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// JSON is Check of v as indented JSON, with <, > and & kept readable, as
// a platform's payloads are compared.
func JSON(t testing.TB, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	Check(t, path, buf.Bytes())
}
