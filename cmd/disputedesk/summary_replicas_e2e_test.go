package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// TestSummaryReplicas: three serve replicas on one PostgreSQL database,
// their clocks started at the same instant (so apart by their start-up
// skew) and looking every second, cross 09:00: the channel gets one
// summary.
func TestSummaryReplicas(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	env := append(slackEnv(fake, pgtest.URL(t)), clockEnv("08:59:48")...)
	var replicas []*server
	for range 3 {
		replicas = append(replicas, serve(t, env...))
	}
	openAndSubscribe(t, fake.Client(replicas[2].base, slackfake.SigningSecret))
	waitOneSlackSummary(t, fake, 25*time.Second, 3*time.Second)
	for _, r := range replicas {
		r.stop()
	}
	if n := fake.Calls("files.getUploadURLExternal"); n != 1 {
		t.Errorf("%d uploads started, want 1: only one replica may post the summary", n)
	}
}

// TestSummaryLate: no replica runs at 09:00; one whose clock starts at
// 09:20 posts the day's summary at once, saying it is 20 minutes late,
// and neither it nor one started at 09:25 posts it again.
func TestSummaryLate(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	early := serve(t, append(slackEnv(fake, dbURL), clockEnv("08:50:00")...)...)
	openAndSubscribe(t, fake.Client(early.base, slackfake.SigningSecret))
	early.stop()

	serve(t, append(slackEnv(fake, dbURL), clockEnv("09:20:00")...)...)
	sum := waitOneSlackSummary(t, fake, 10*time.Second, 2*time.Second)
	text := blockTexts(sum.Blocks)
	if want := "(posted 20 min late: no replica was running at 09:00)"; !strings.Contains(text, want) {
		t.Errorf("the late summary does not say %q:\n%s", want, text)
	}
	if !strings.Contains(text, "Daily summary · Tue 10 Nov") || !strings.Contains(text, "Opened 2: chargeback 1, return 1") {
		t.Errorf("the late summary is not the day's:\n%s", text)
	}
	serve(t, append(slackEnv(fake, dbURL), clockEnv("09:25:00")...)...)
	time.Sleep(3 * time.Second)
	if got := slackSummaries(slackfake.ChannelID, fake.Messages()); len(got) != 1 {
		t.Errorf("%d summaries after a second replica came up, want 1\n%s", len(got), fake.Dump())
	}
}

// TestSummaryDelivery: the platform fails the summary's upload and its
// completion; the channel still gets it once. A replica killed while the
// platform fails, the summary queued, leaves it to the next one, which
// delivers it once, and does not post the day again when its own clock
// crosses 09:00.
func TestSummaryDelivery(t *testing.T) {
	t.Parallel()
	t.Run("retries", func(t *testing.T) {
		t.Parallel()
		fake := slackfake.New(t)
		srv := serve(t, append(slackEnv(fake, filepath.Join(t.TempDir(), "cases.db")), clockEnv("08:59:52")...)...)
		openAndSubscribe(t, fake.Client(srv.base, slackfake.SigningSecret))
		fake.FailNext("upload_url", 500)
		fake.FailNext("files.completeUploadExternal", 500)
		sum := waitOneSlackSummary(t, fake, 30*time.Second, 2*time.Second)
		checkPNG(t, "the chart", sum.Files[0].Data)
		srv.stop()
		if up, done := fake.Calls("upload_url"), fake.Calls("files.completeUploadExternal"); up != 3 || done != 2 {
			t.Errorf("%d uploads and %d completions, want 3 and 2: a failed upload, a failed completion, then both", up, done)
		}
		if n := len(fake.Files()); n != 1 {
			t.Errorf("%d files completed, want 1", n)
		}
	})
	t.Run("restart", func(t *testing.T) {
		t.Parallel()
		fake := slackfake.New(t)
		dbURL := filepath.Join(t.TempDir(), "cases.db")
		srv := serve(t, append(slackEnv(fake, dbURL), clockEnv("08:59:52")...)...)
		openAndSubscribe(t, fake.Client(srv.base, slackfake.SigningSecret))
		fake.FailNext("upload_url", 500, 500, 500)
		// Killed once the failed attempt is recorded: killed before,
		// the summary stays leased to the dead replica for the lease's
		// 2 minutes (a case this test does not wait out). The record
		// follows the log line by one write.
		deadline := time.Now().Add(20 * time.Second)
		for fake.Calls("upload_url") == 0 || !strings.Contains(srv.logs.String(), "will retry") {
			if time.Now().After(deadline) {
				t.Fatalf("the summary was never tried\n%s", srv.logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		if err := srv.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = srv.cmd.Wait()
		if n := len(slackSummaries(slackfake.ChannelID, fake.Messages())); n != 0 {
			t.Fatalf("%d summaries delivered while the upload failed", n)
		}

		// The new replica's clock starts just before 09:00: past its 09:00,
		// the day is claimed and nothing more is posted.
		restarted := time.Now()
		again := serve(t, append(slackEnv(fake, dbURL), clockEnv("08:59:58")...)...)
		waitOneSlackSummary(t, fake, 30*time.Second, 0)
		time.Sleep(time.Until(restarted.Add(5 * time.Second)))
		again.stop()
		if got := slackSummaries(slackfake.ChannelID, fake.Messages()); len(got) != 1 {
			t.Errorf("%d summaries after the restart, want 1\n%s", len(got), fake.Dump())
		}
		if n := fake.Calls("upload_url"); n < 4 {
			t.Errorf("%d uploads, want at least 4: three failed, then the one delivered", n)
		}
	})
}
