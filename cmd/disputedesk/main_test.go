package main

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/disputedesk/disputedesk/internal/pgtest"
)

// binPath is the disputedesk binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "disputedesk-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "disputedesk")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build disputedesk: %v\n%s", err, out)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	pgtest.Main(m)
}

// cli runs the real binary with a clean environment plus env, feeding stdin.
func cli(t *testing.T, env []string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run disputedesk %s: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// databases gives each end-to-end scenario a SQLite file and a PostgreSQL database.
func databases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "cases.db") },
		"postgres": func(t *testing.T) string { return pgtest.URL(t) },
	}
}

var openedRef = regexp.MustCompile(`Opened (CB-\d+):`)

func TestConsoleTranscript(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			env := []string{"DATABASE_URL=" + newDB(t)}
			out, stderr, code := cli(t, env,
				`/case open chargeback order=1042 amount=49,90 currency=EUR customer="Kari Nordmann"`+"\n", "console", "--user", "kari")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out, stderr)
			}
			m := openedRef.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no case reference in:\n%s", out)
			}
			ref := m[1]
			script := fmt.Sprintf("/case note %s Customer sent the tracking screenshot.\n/case close %s outcome=won amount=49,90 force=yes\n", ref, ref)
			if out, stderr, code = cli(t, env, script, "console", "--user", "ola"); code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out, stderr)
			}
			for _, want := range []string{"Noted on " + ref + ".", "Closed " + ref + ": won, EUR 49.90."} {
				if !strings.Contains(out, want) {
					t.Errorf("second run lacks %q:\n%s", want, out)
				}
			}

			// A third process sees the closed case with its outcome, amount and timeline.
			out, _, _ = cli(t, env, "/case show "+ref+"\n", "console")
			for _, want := range []string{
				ref + " · Chargeback · closed",
				"Customer  Kari Nordmann",
				"Amount    EUR 49.90",
				"Outcome   won, EUR 49.90",
				"@kari  opened: chargeback for Kari Nordmann, order 1042, EUR 49.90",
				"@ola  note: Customer sent the tracking screenshot.",
				"@ola  closed: won, EUR 49.90",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("/case show lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestConsoleZeroConfig(t *testing.T) {
	home := t.TempDir()
	cmd := exec.Command(binPath, "console")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	cmd.Stdin = strings.NewReader("/case open return order=7 reason=damaged\n/case list\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("console: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Opened RMA-1001: return, order 7.") || !strings.Contains(string(out), "RMA-1001 · return · open") {
		t.Errorf("unexpected transcript:\n%s", out)
	}
	db := filepath.Join(home, ".local", "share", "disputedesk", "disputedesk.db")
	if _, err := os.Stat(db); err != nil {
		t.Errorf("default database not at %s: %v", db, err)
	}
}

func TestConsoleReportsBadInputAndCarriesOn(t *testing.T) {
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db")}
	out, _, code := cli(t, env, "/case open chargebak\n/case open chargeback order=1 amount=5 currency=EUR\n", "console")
	if code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if !strings.Contains(out, `there is no playbook "chargebak". Did you mean chargeback?`) || !strings.Contains(out, "Opened CB-1001") {
		t.Errorf("transcript:\n%s", out)
	}
}

func TestCLI(t *testing.T) {
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db")}
	tests := []struct {
		name     string
		env      []string
		args     []string
		code     int
		contains string
	}{
		{"no arguments prints help", nil, nil, 0, "disputedesk console [--user NAME]"},
		{"help lists configuration", nil, []string{"help"}, 0, "DATABASE_URL*"},
		{"version", nil, []string{"version"}, 0, "disputedesk "},
		{"unknown subcommand", nil, []string{"srve"}, 2, `unknown command "srve"`},
		{"migrate", env, []string{"migrate"}, 0, "migrated from version 0 to"},
		{"bad currency setting", append(env, "DISPUTEDESK_CURRENCY=EURO"), []string{"console"}, 1, "DISPUTEDESK_CURRENCY"},
		{"both secret forms", append(env, "DATABASE_URL_FILE=/nonexistent"), []string{"migrate"}, 1, "DATABASE_URL and DATABASE_URL_FILE are both set"},
		{"console argument", env, []string{"console", "extra"}, 2, "commands are read from standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := cli(t, tt.env, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\n%s%s", code, tt.code, out, stderr)
			}
			if !strings.Contains(out+stderr, tt.contains) {
				t.Errorf("output lacks %q:\n%s%s", tt.contains, out, stderr)
			}
		})
	}
	// Migrating twice says the database is current.
	if out, _, _ := cli(t, env, "", "migrate"); !strings.Contains(out, "up to date") {
		t.Errorf("second migrate: %s", out)
	}
}

func TestServe(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			dbURL := newDB(t)
			addr := freeAddr(t)
			cmd := exec.Command(binPath, "serve")
			cmd.Env = []string{"HOME=" + t.TempDir(), "DATABASE_URL=" + dbURL, "DISPUTEDESK_ADDR=" + addr}
			var logs bytes.Buffer
			cmd.Stdout, cmd.Stderr = &logs, &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			base := "http://" + addr
			waitFor(t, base+"/healthz", &logs)

			for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "go_goroutines"} {
				code, body := get(t, base+path)
				if code != http.StatusOK || !strings.Contains(body, want) {
					t.Errorf("GET %s = %d %q, want 200 containing %q", path, code, body, want)
				}
			}
			if name == "postgres" {
				// The database goes away: not ready, but still alive.
				dropDatabase(t, dbURL)
				if code, _ := get(t, base+"/readyz"); code != http.StatusServiceUnavailable {
					t.Errorf("GET /readyz without a database = %d, want 503", code)
				}
				if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
					t.Errorf("GET /healthz without a database = %d, want 200", code)
				}
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve exited with %v after SIGTERM\n%s", err, logs.String())
				}
			case <-time.After(15 * time.Second):
				t.Fatalf("serve did not stop after SIGTERM\n%s", logs.String())
			}
			if strings.Contains(logs.String(), "password") {
				t.Errorf("logs mention a password:\n%s", logs.String())
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(t *testing.T, u string, logs *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered\n%s", u, logs.String())
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// dropDatabase removes the database behind dbURL, cutting its connections.
func dropDatabase(t *testing.T, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	db, err := dbsql.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE %q WITH (FORCE)`, name)); err != nil {
		t.Fatal(err)
	}
}

func TestPlaybooksCommand(t *testing.T) {
	out, _, code := cli(t, nil, "", "playbooks", "list")
	if code != 0 || !strings.Contains(out, "chargeback         CB      /dispute chargeback") {
		t.Errorf("playbooks list: exit %d\n%s", code, out)
	}
	out, _, code = cli(t, nil, "", "playbooks", "show", "recall")
	for _, want := range []string{"Product recall (recall, cases RCL-…)", "Report to CPSC", "source: "} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("playbooks show recall lacks %q (exit %d)\n%s", want, code, out)
		}
	}
	// The return playbook's deadlines under EU and Nordic law, each with its source.
	out, _, code = cli(t, nil, "", "playbooks", "show", "return")
	for _, want := range []string{
		"EU withdrawal period ends (the customer's deadline)", "Regulation 1182/71 Art. 3(4)",
		"extended because the customer was not informed", "+ 12 calendar months", "(Art. 10)",
		"Legal guarantee ends, 2 years from delivery", "Directive (EU) 2019/771, Art. 10(1)",
		"5 years for goods meant to last substantially longer", "under the law of NO",
		"Customer sends the goods back", "Art. 14(1)", "Refund due: field:notice_on + 14 calendar days",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("playbooks show return lacks %q (exit %d)", want, code)
		}
	}
	if out, _, code = cli(t, nil, "", "playbooks", "lint", "../../playbooks/builtin"); code != 0 || !strings.Contains(out, "5 playbook(s), no problems") {
		t.Errorf("lint of the built-ins: exit %d\n%s", code, out)
	}
	// One precise line per problem, and a failing exit code.
	out, stderr, code := cli(t, nil, "", "playbooks", "lint", "../../playbooks/testdata/broken")
	want, err := os.ReadFile("../../playbooks/testdata/broken.golden")
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 || !strings.Contains(out, strings.ReplaceAll(string(want), "testdata/broken/", "../../playbooks/testdata/broken/")) {
		t.Errorf("lint of broken playbooks: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "21 problem(s)") {
		t.Errorf("lint does not count the problems: %s", stderr)
	}
	if _, stderr, code = cli(t, nil, "", "playbooks", "show", "refund"); code != 1 || !strings.Contains(stderr, `there is no playbook "refund"`) {
		t.Errorf("show of an unknown playbook: exit %d, %s", code, stderr)
	}
}

func TestTeamPlaybooksAreCheckedAtStart(t *testing.T) {
	env := []string{"DATABASE_URL=" + filepath.Join(t.TempDir(), "cases.db"), "DISPUTEDESK_PLAYBOOKS=../../playbooks/testdata/broken"}
	_, stderr, code := cli(t, env, "/case list\n", "console")
	if code != 1 || !strings.Contains(stderr, "rules.yaml:3: prefix \"wc\"") {
		t.Errorf("console started on broken team playbooks: exit %d\n%s", code, stderr)
	}
	team := t.TempDir()
	if err := os.WriteFile(filepath.Join(team, "warranty.yaml"), []byte("name: warranty\ntitle: Warranty claim\nprefix: WAR\nshorthand: /warranty\n"+
		"description: a product broke within its warranty\nsteps:\n  - id: verify\n    title: Verify the purchase\noutcomes:\n  - id: repaired\n    label: Repaired\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env[1] = "DISPUTEDESK_PLAYBOOKS=" + team
	out, stderr, code := cli(t, env, "/warranty\n", "console")
	if code != 0 || !strings.Contains(out, "Opened WAR-1001: warranty.") {
		t.Errorf("a team playbook did not open: exit %d\n%s%s", code, out, stderr)
	}
}
