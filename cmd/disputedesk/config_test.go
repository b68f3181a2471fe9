package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfig(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(secretFile, []byte("postgres://u:p@db/x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"defaults", map[string]string{"HOME": "/home/kari"}, func(t *testing.T, c Config) {
			if c.DatabaseURL != "/home/kari/.local/share/disputedesk/disputedesk.db" || c.Addr != ":8080" || !c.AutoMigrate || c.LogLevel != slog.LevelInfo {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{"XDG data home", map[string]string{"HOME": "/home/kari", "XDG_DATA_HOME": "/data"}, func(t *testing.T, c Config) {
			if c.DatabaseURL != "/data/disputedesk/disputedesk.db" {
				t.Errorf("DatabaseURL = %q", c.DatabaseURL)
			}
		}},
		{"data dir", map[string]string{"DISPUTEDESK_DATA": "/srv/dd"}, func(t *testing.T, c Config) {
			if c.DatabaseURL != "/srv/dd/disputedesk.db" {
				t.Errorf("DatabaseURL = %q", c.DatabaseURL)
			}
		}},
		{"secret from file", map[string]string{"DATABASE_URL_FILE": secretFile}, func(t *testing.T, c Config) {
			if c.DatabaseURL != "postgres://u:p@db/x" {
				t.Errorf("DatabaseURL = %q", c.DatabaseURL)
			}
		}},
		{"holidays", map[string]string{"DATABASE_URL": "x.db", "DISPUTEDESK_HOLIDAYS": "2026-12-24, 2026-12-25;-2026-12-26"}, func(t *testing.T, c Config) {
			if len(c.Holidays.Add) != 2 || !c.Holidays.Add["2026-12-25"] || !c.Holidays.Remove["2026-12-26"] {
				t.Errorf("Holidays = %+v, want 24 and 25 December added, 26 removed", c.Holidays)
			}
		}},
		{"country", map[string]string{"DATABASE_URL": "x.db", "DISPUTEDESK_COUNTRY": " no"}, func(t *testing.T, c Config) {
			if c.Country != "NO" {
				t.Errorf("Country = %q, want NO", c.Country)
			}
		}},
		{"channels", map[string]string{"DATABASE_URL": "x.db", "DISPUTEDESK_CHANNELS": "slack:T1/C1, slack:T1/C2;discord:81/90"}, func(t *testing.T, c Config) {
			if got := fmt.Sprint(c.Channels); got != "map[discord:81:[90] slack:T1:[C1 C2]]" {
				t.Errorf("Channels = %s", got)
			}
		}},
		{"everything set", map[string]string{"DATABASE_URL": "x.db", "DISPUTEDESK_ADDR": "127.0.0.1:9", "DISPUTEDESK_CURRENCY": "nok",
			"DISPUTEDESK_MIGRATE": "false", "DISPUTEDESK_LOG_LEVEL": "debug"}, func(t *testing.T, c Config) {
			if c.DatabaseURL != "x.db" || c.Addr != "127.0.0.1:9" || c.DefaultCurrency != "NOK" || c.AutoMigrate || c.LogLevel != slog.LevelDebug {
				t.Errorf("config: %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{
		"DATABASE_URL": "a", "DATABASE_URL_FILE": "b", "DISPUTEDESK_CURRENCY": "EURO",
		"DISPUTEDESK_MIGRATE": "maybe", "DISPUTEDESK_LOG_LEVEL": "loud", "HOME": "/h", "DISPUTEDESK_HOLIDAYS": "25.12.2026", "DISPUTEDESK_COUNTRY": "XX",
		"DISPUTEDESK_CHANNELS": "slack:T1/C1,T1/C2,slack:T1,console:/x", "DISPUTEDESK_LEADS": "U0123,slack:@leads",
	}))
	if err == nil {
		t.Fatal("LoadConfig accepted a broken environment")
	}
	for _, want := range []string{"both set", "DISPUTEDESK_CURRENCY", `DISPUTEDESK_MIGRATE="maybe"`, `DISPUTEDESK_LOG_LEVEL="loud"`, `"25.12.2026" is not a date`, `DISPUTEDESK_COUNTRY="XX" has no holiday calendar`,
		`"T1/C2" is not a channel`, `"slack:T1" is not a channel`, `"console:/x" is not a channel`,
		`DISPUTEDESK_LEADS: "U0123" names no platform: write slack:U0123`, `"slack:@leads" is not a Slack user group id`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestPrintRedactsPassword(t *testing.T) {
	var b strings.Builder
	Config{DatabaseURL: "postgres://dd:hunter2@db.internal/dd?sslmode=require", Addr: ":8080"}.Print(&b)
	if !strings.Contains(b.String(), "DISPUTEDESK_LEADS unset: everyone may") {
		t.Errorf("Print does not say everyone may do everything:\n%s", b.String())
	}
	if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "db.internal") {
		t.Errorf("Print:\n%s", b.String())
	}
}

// The README's configuration table names every setting the binary reads.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(readme), "| `"+s.name+"`") {
			t.Errorf("README.md's configuration table lacks %s", s.name)
		}
	}
}

// Slack's settings are checked by the adapter's one check, before anything
// starts.
func TestLoadConfigChecksSlack(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{
		"DATABASE_URL": "x.db", "SLACK_BOT_TOKEN": "xoxp-user", "SLACK_APP_TOKEN": "xoxb-bot", "SLACK_API_URL": "slack.com/api",
	}))
	for _, want := range []string{"SLACK_BOT_TOKEN must be a bot token", "SLACK_APP_TOKEN must be an app-level token", "SLACK_API_URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := LoadConfig(env(map[string]string{"DATABASE_URL": "x.db", "SLACK_SIGNING_SECRET": "s"})); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN is required") {
		t.Errorf("no bot token: %v", err)
	}
}

// A Slack user group among the leads turns on the Slack adapter's group
// lookup; users alone leave it off.
func TestSlackGroupLeadsLookUpGroups(t *testing.T) {
	for leads, want := range map[string]bool{"slack:S0456,slack:U0123": true, "slack:U0123,discord:role:123456789012": false} {
		cfg, err := LoadConfig(env(map[string]string{"HOME": t.TempDir(), "DISPUTEDESK_LEADS": leads}))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Slack.adapter().UserGroups != want {
			t.Errorf("DISPUTEDESK_LEADS=%s: UserGroups = %v, want %v", leads, !want, want)
		}
	}
}
