package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}

// check runs Check as a test would, in a goroutine of its own, so that a
// fatal failure ends only that goroutine.
func check(t *testing.T, path, got string) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, path, []byte(got))
	}()
	<-done
	return r
}

func TestCheck(t *testing.T) {
	defer func(u bool) { *update = u }(*update)
	*update = false
	dir := t.TempDir()
	same := filepath.Join(dir, "same.golden")
	if err := os.WriteFile(same, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, got string
		fail            string // in the failure message; "" for none
		fatal           bool
	}{
		{"same", same, "hello\n", "", false},
		{"different", same, "hullo\n", "same.golden differs", false},
		{"missing", filepath.Join(dir, "missing.golden"), "x", "go test -update", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, tt.path, tt.got)
			msg := strings.Join(r.failed, "\n")
			if tt.fail == "" && msg != "" || tt.fail != "" && !strings.Contains(msg, tt.fail) || r.fatal != tt.fatal {
				t.Errorf("failures %q (fatal %v), want one with %q (fatal %v)", msg, r.fatal, tt.fail, tt.fatal)
			}
		})
	}
}

func TestCheckUpdate(t *testing.T) {
	defer func(u bool) { *update = u }(*update)
	*update = true
	path := filepath.Join(t.TempDir(), "new", "dir", "out.golden")
	if r := check(t, path, "written\n"); len(r.failed) > 0 {
		t.Fatalf("Check with -update failed: %q", r.failed)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "written\n" {
		t.Errorf("the golden file holds %q, %v; want the output", b, err)
	}
}
