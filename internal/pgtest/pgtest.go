// Package pgtest gives tests a fresh, empty PostgreSQL database.
//
// With DATABASE_URL set to a postgres:// URL, each database is created on
// that server. Without it, the first call to URL starts a throwaway server
// from the machine's PostgreSQL binaries (/usr/lib/postgresql/*/bin, or
// PGBIN), one per test binary, so that `go test ./...` running packages in
// parallel gives every binary its own data directory and port. Main stops
// and removes that server when the tests end.
//
// The throwaway server runs without fsync, synchronous_commit and
// full_page_writes, unless PGTEST_DURABLE=1 (for benchmarks of commits).
//
// When PostgreSQL cannot be reached or started, URL skips the test, except
// under CI=true, where it fails it: CI must not pass by skipping.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"crypto/rand"
	dbsql "database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"
)

// binary is the state of this test binary. It is package-level because a
// test binary has exactly one TestMain and the server must outlive every
// test in it; nothing outside this package can reach it.
var binary struct {
	inMain atomic.Bool
	once   sync.Once
	srv    *cluster
	err    error
	seq    atomic.Int64
}

// Main runs the tests, stops the throwaway server if one was started, and
// exits with the tests' code. Call it from TestMain.
func Main(m *testing.M) {
	binary.inMain.Store(true)
	code := m.Run()
	if binary.srv != nil {
		if err := binary.srv.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// URL returns the URL of a new, empty database that belongs to tb. On an
// external server (DATABASE_URL) the database is dropped when tb ends,
// unless tb failed, so it can be inspected; on the throwaway server it goes
// away with the server.
func URL(tb testing.TB) string {
	tb.Helper()
	if !binary.inMain.Load() {
		tb.Fatal("pgtest: call pgtest.Main(m) from TestMain, or the throwaway server outlives the tests")
	}
	binary.once.Do(func() { binary.srv, binary.err = connect() })
	if binary.err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("pgtest: PostgreSQL is required under CI: %v", binary.err)
		}
		tb.Skipf("pgtest: PostgreSQL unavailable: %v", binary.err)
	}
	c := binary.srv
	name := dbName(tb.Name(), binary.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	if c.external {
		tb.Cleanup(func() {
			if tb.Failed() {
				tb.Logf("pgtest: kept database %s of the failed test", name)
				return
			}
			// FORCE ends connections a test forgot to close.
			q := "DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)"
			if _, err := c.admin.ExecContext(context.Background(), q); err != nil {
				tb.Logf("pgtest: drop database %s: %v", name, err)
			}
		})
	}
	u := *c.url
	u.Path = "/" + name
	return u.String()
}

// dbName makes a database name that is unique on a shared server and says
// which test made it: t_<test name>_<seq>_<random>.
func dbName(test string, seq int64) string {
	var b strings.Builder
	for _, r := range strings.ToLower(test) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > 36 {
		s = s[:36]
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	return fmt.Sprintf("t_%s_%d_%s", s, seq, hex.EncodeToString(rnd[:]))
}

// cluster is the server the databases are created on.
type cluster struct {
	url      *url.URL // the admin URL; databases differ only in the path
	admin    *dbsql.DB
	external bool

	// Only for a throwaway server:
	dir    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the postmaster exits
}

// connect uses DATABASE_URL when it names a PostgreSQL server, and starts a
// throwaway server otherwise.
func connect() (*cluster, error) {
	if env := os.Getenv("DATABASE_URL"); strings.HasPrefix(env, "postgres://") || strings.HasPrefix(env, "postgresql://") {
		u, err := url.Parse(env)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		c := &cluster{url: u, external: true}
		if c.admin, err = openAdmin(u); err != nil {
			return nil, fmt.Errorf("DATABASE_URL %s: %w", u.Redacted(), err)
		}
		return c, nil
	}
	return start()
}

func openAdmin(u *url.URL) (*dbsql.DB, error) {
	db, err := dbsql.Open("postgres", u.String())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// start runs initdb and a postmaster in a new temporary directory. The
// postmaster is our child (not daemonized by pg_ctl) and gets SIGQUIT when
// this binary dies, so a test binary killed by -timeout does not leave a
// server behind.
func start() (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"),
		"-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "-N")
	initdb.Dir = dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// A free port can be taken by another test binary between our probe and
	// the postmaster's bind; try again with another one.
	for attempt := 1; ; attempt++ {
		err = c.startPostmaster(bin, cred)
		if err == nil {
			return c, nil
		}
		if attempt == 3 || !strings.Contains(err.Error(), "could not bind") && !strings.Contains(err.Error(), "already in use") {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

func (c *cluster) startPostmaster(bin string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logPath := filepath.Join(c.dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	args := []string{
		"-D", filepath.Join(c.dir, "data"),
		"-p", strconv.Itoa(port),
		"-k", c.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200",
	}
	if os.Getenv("PGTEST_DURABLE") != "1" {
		// Throwaway data: durability buys nothing here. Benchmarks of
		// commits set PGTEST_DURABLE=1 to pay a WAL flush per commit, as
		// a real server does.
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()

	u := &url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("postgres exited during start: %s", tail(logPath))
		default:
		}
		admin, err := openAdmin(u)
		if err == nil {
			c.url, c.admin, c.cmd, c.exited = u, admin, cmd, exited
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("postgres did not accept connections within 30s: %v: %s", err, tail(logPath))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop shuts the throwaway server down and removes its directory. For an
// external server it only closes the admin connection.
func (c *cluster) stop() error {
	c.admin.Close()
	if c.external {
		return nil
	}
	// SIGQUIT is PostgreSQL's immediate shutdown: nothing here is worth a
	// checkpoint.
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("remove %s: %w", c.dir, err)
	}
	return nil
}

// findBin returns the directory of initdb and postgres: PGBIN, else the
// newest /usr/lib/postgresql/N/bin, else wherever PATH has initdb.
func findBin() (string, error) {
	if b := os.Getenv("PGBIN"); b != "" {
		return b, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		return n
	}
	slices.SortFunc(dirs, func(a, b string) int { return version(a) - version(b) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no initdb in /usr/lib/postgresql/*/bin or PATH (apt-get install postgresql, or set DATABASE_URL)")
}

// credential returns who runs initdb and postgres: nobody else normally,
// the postgres user (or PGTEST_USER) when we are root, because PostgreSQL
// refuses to run as root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	name := os.Getenv("PGTEST_USER")
	if name == "" {
		name = "postgres"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL must run as another user: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: gid %q: %w", name, u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns the end of the server log, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}
