package stripefake

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// MockVersion is the stripe-mock the calls' shapes are checked against:
// Stripe's own mock, which validates each request against Stripe's OpenAPI
// spec but keeps no state (the Server fake says what was staged).
const MockVersion = "v0.203.0"

// MockKey is an API key stripe-mock takes.
const MockKey = "sk_test_123"

// Mock returns the URL of a stripe-mock: STRIPE_MOCK_URL when set, else
// one started from the stripe-mock binary on PATH or in GOBIN or
// GOPATH/bin, stopped when t ends. Without one the test is skipped, but
// under CI=true it fails, as CI must not pass by skipping (.ci/run installs
// it).
func Mock(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("STRIPE_MOCK_URL"); u != "" {
		return u
	}
	bin, err := exec.LookPath("stripe-mock")
	if err != nil {
		for _, dir := range []string{os.Getenv("GOBIN"), filepath.Join(os.Getenv("GOPATH"), "bin"), filepath.Join(os.Getenv("HOME"), "go", "bin")} {
			if p := filepath.Join(dir, "stripe-mock"); dir != "" && fileExists(p) {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		msg := "stripe-mock not found (go install github.com/stripe/stripe-mock@" + MockVersion + ", or set STRIPE_MOCK_URL)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// Its HTTPS listener, on by default at :12112, gets a port of its own
	// so that several tests can run one each.
	cmd := exec.Command(bin, "-http-addr", addr, "-https-addr", "127.0.0.1:")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(15 * time.Second); ; {
		req, _ := http.NewRequest(http.MethodGet, url+"/v1/charges/ch_1", nil)
		req.SetBasicAuth(MockKey, "")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock at %s never answered", url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
