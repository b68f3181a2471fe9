package main

import (
	"strings"
	"testing"
)

// TestConsoleRefusesNULOnBothDialects: PostgreSQL rejects a NUL byte in
// text, so without a check of our own the user got "something went wrong";
// both dialects now answer what to fix, and store nothing.
func TestConsoleRefusesNULOnBothDialects(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			env := []string{"DATABASE_URL=" + newDB(t)}
			in := "/case open chargeback order=1042 amount=49,90 currency=EUR\n" +
				"/case note CB-1001 tracking\x00number\n" +
				"/case open return order=22\x0031 reason=damaged\n" +
				"/case show CB-1001\n"
			out, _, code := cli(t, env, in, "console")
			if code != 0 {
				t.Fatalf("console exited %d:\n%s", code, out)
			}
			if n := strings.Count(out, "holds a NUL character"); n != 2 {
				t.Errorf("%d NUL errors, want 2:\n%s", n, out)
			}
			if strings.Contains(out, "Something went wrong") || strings.Contains(out, "RMA-1001") || strings.Contains(out, "tracking") {
				t.Errorf("a NUL byte reached the database:\n%s", out)
			}
		})
	}
}
