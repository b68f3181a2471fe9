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
	// Each component that meets the outage says so once: the commands for
	// every request refused, and the outbox or scheduler when one of their
	// passes came within the outage.
	var errs []string
	byComponent := map[string]int{}
	for _, line := range strings.Split(srv.logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			errs = append(errs, line)
			_, c, _ := strings.Cut(line, "component=")
			c, _, _ = strings.Cut(c, " ")
			byComponent[c]++
		}
	}
	commandErrs := 0
	for _, line := range errs {
		if strings.Contains(line, "component=commands") && strings.Contains(line, "database unavailable; refusing requests") {
			commandErrs++
		}
	}
	if commandErrs != 1 || byComponent["commands"] != 1 {
		t.Errorf("%d requests refused made %d ERROR lines of the commands, want 1 saying the database is unavailable:\n%s", requests, byComponent["commands"], strings.Join(errs, "\n"))
	}
	for c, n := range byComponent {
		if n > 1 {
			t.Errorf("component %q logged %d ERROR lines for one outage, want 1:\n%s", c, n, strings.Join(errs, "\n"))
		}
	}
}
