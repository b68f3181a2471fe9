package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// A slash command still being handled when SIGTERM arrives (a reply draft
// waiting for a slow model) gets its reply through its response_url, and
// serve exits once it has gone.
func TestSIGTERMDeliversRepliesInFlight(t *testing.T) {
	started, release := make(chan struct{}, 1), make(chan struct{})
	model := &fakeModel{answer: map[string]any{
		"language": "en",
		"body":     "Hi Kari, I'm sorry the parcel is late. We will ask the carrier and reply within 2 business days. Your case is RMA-1001. Best wishes, Ola",
		"promises": []string{},
	}, started: started, release: release}
	ms := httptest.NewServer(model)
	defer ms.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	srv := serve(t, append(slackEnv(fake, dbURL), "OPENAI_BASE_URL="+ms.URL+"/v1")...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	if _, body, err := client.SlashCommand("/return", `reason=late order=2231 customer="Kari Nordmann"`, slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "RMA-1001") {
		t.Fatalf("open: %v %s", err, body)
	}

	responseURL := fake.ResponseURL()
	acked := make(chan string, 1)
	go func() {
		resp, body, err := client.SlashCommand("/case", "draft RMA-1001 lang=en", slackfake.SlashOpts{ResponseURL: responseURL})
		if err != nil {
			acked <- err.Error()
			return
		}
		acked <- resp.Status + " " + string(body)
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatalf("the draft never asked the model\n%s", srv.logs.String())
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The slash command is acknowledged, empty: its reply is not ready.
	select {
	case ack := <-acked:
		if ack != "200 OK " {
			t.Fatalf("the slash command was answered %q, want an empty 200", ack)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slash command was never acknowledged")
	}
	close(release)
	fake.WaitResponses(t, 15*time.Second, func([]json.RawMessage) bool {
		for _, r := range fake.ResponsesTo(responseURL) {
			if strings.Contains(string(r), "Draft 1 for RMA-1001") {
				return true
			}
		}
		return false
	})
	exited := make(chan error, 1)
	go func() { exited <- srv.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve exited with %v\n%s", err, srv.logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not exit after SIGTERM\n%s", srv.logs.String())
	}
	if resp, err := http.Get(srv.base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("serve still answers after it exited")
	}
	// The change was committed once, and answered once.
	var answers int
	for _, r := range fake.ResponsesTo(responseURL) {
		if strings.Contains(string(r), "Draft 1 for RMA-1001") {
			answers++
		}
	}
	if answers != 1 {
		t.Errorf("the reply reached response_url %d times, want once:\n%s", answers, joined(fake.ResponsesTo(responseURL)))
	}
	out, _, _ := cli(t, []string{"DATABASE_URL=" + dbURL}, "/case show RMA-1001\n", "console")
	if n := strings.Count(out, "draft: suggested a"); n != 1 {
		t.Errorf("the draft is on the timeline %d times, want once:\n%s", n, out)
	}
}
