package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serveProc is a `disputedesk serve` this run started, pointed at the
// fake Slack.
type serveProc struct {
	cmd  *exec.Cmd
	addr string
	logs *os.File
}

// startServe starts bin serve on dbURL with Slack in HTTP mode against
// apiURL, and waits until it answers /healthz.
func startServe(ctx context.Context, bin, dbURL, apiURL, secret, logPath string) (*serveProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logs, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	home, err := os.MkdirTemp("", "loadgen-home-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "HOME="+home, "DISPUTEDESK_ADDR="+addr, "DATABASE_URL="+dbURL,
		"SLACK_BOT_TOKEN=xoxb-0000-loadgen", "SLACK_SIGNING_SECRET="+secret, "SLACK_API_URL="+apiURL,
		"DISPUTEDESK_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %w", err)
	}
	p := &serveProc{cmd: cmd, addr: addr, logs: logs}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return p, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return nil, fmt.Errorf("serve never answered; see %s", logPath)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// peakRSS is the highest resident set size of serve so far (VmHWM), in
// bytes; 0 where /proc does not say.
func (p *serveProc) peakRSS() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// stop sends SIGTERM and waits for serve to exit.
func (p *serveProc) stop() error {
	defer p.logs.Close()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.New("serve did not stop within 30 s of SIGTERM")
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
