package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// While the database is down, requests are refused with a reply that says
// so, /readyz answers 503, and the log says so once rather than once per
// request.
func TestDatabaseOutageIsLoggedOnce(t *testing.T) {
	fake := slackfake.New(t)
	dbURL := pgtest.URL(t)
	srv := serve(t, slackEnv(fake, dbURL)...)
	client := fake.Client(srv.base, slackfake.SigningSecret)
	dropDatabase(t, dbURL)
	const requests = 40
	for i := range requests {
		resp, body, err := client.SlashCommand("/return", "reason=late order=7", slackfake.SlashOpts{})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %v %v %s", i, err, resp, body)
		}
		if !strings.Contains(string(body), "cannot reach its database") {
			t.Errorf("request %d: the reply does not say the database is unavailable: %s", i, body)
		}
	}
	if code, _ := get(t, srv.base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz without a database = %d, want 503", code)
	}
	srv.stop()
	var errs []string
	for _, line := range strings.Split(srv.logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			errs = append(errs, line)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "database unavailable; refusing requests") {
		t.Errorf("%d requests refused made %d ERROR lines, want 1 saying the database is unavailable:\n%s", requests, len(errs), strings.Join(errs, "\n"))
	}
}
