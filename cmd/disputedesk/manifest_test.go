package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/disputedesk/disputedesk/playbooks"
)

// The Slack manifest declares every command root the bot answers, each
// pointing at /slack/commands, and subscribes to what the adapter reads.
func TestSlackManifestMatchesCommands(t *testing.T) {
	b, err := os.ReadFile("../../bot/slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			Slash []struct {
				Command string `yaml:"command"`
				URL     string `yaml:"url"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		Settings struct {
			Events struct {
				URL    string   `yaml:"request_url"`
				Events []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				URL string `yaml:"request_url"`
			} `yaml:"interactivity"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	catalog, err := playbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	roots := []string{"/case"}
	for _, pb := range catalog.All() {
		root, _, _ := strings.Cut(pb.Shorthand, " ")
		if !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
	}
	var declared []string
	for _, c := range m.Features.Slash {
		declared = append(declared, c.Command)
		if c.URL != "https://YOUR-HOST/slack/commands" {
			t.Errorf("%s points at %s", c.Command, c.URL)
		}
	}
	slices.Sort(roots)
	slices.Sort(declared)
	if !slices.Equal(roots, declared) {
		t.Errorf("manifest declares %v, the bot answers %v", declared, roots)
	}
	if m.Settings.Events.URL != "https://YOUR-HOST/slack/events" || m.Settings.Interactivity.URL != "https://YOUR-HOST/slack/interactions" {
		t.Errorf("event or interactivity URL is wrong: %+v", m.Settings)
	}
	for _, ev := range []string{"app_mention", "message.channels"} {
		if !slices.Contains(m.Settings.Events.Events, ev) {
			t.Errorf("manifest does not subscribe to %s", ev)
		}
	}
}
