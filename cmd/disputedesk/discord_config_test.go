package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	discordbot "github.com/disputedesk/disputedesk/bot/discord"
)

// Discord's settings are checked by the adapter's one check, before
// anything starts.
func TestLoadConfigChecksDiscord(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"DATABASE_URL": "x.db", "DISCORD_BOT_TOKEN": "t", "DISCORD_PUBLIC_KEY": "nothex", "DISCORD_API_URL": "discord.com"}))
	for _, want := range []string{"DISCORD_APP_ID is required", "DISCORD_PUBLIC_KEY must be", "DISCORD_API_URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	_, err = LoadConfig(env(map[string]string{"DATABASE_URL": "x.db", "DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "1", "DISCORD_GATEWAY": "false"}))
	if err == nil || !strings.Contains(err.Error(), "DISCORD_GATEWAY=false needs DISCORD_PUBLIC_KEY") {
		t.Errorf("HTTP-only without a key: %v", err)
	}
	cfg, err := LoadConfig(env(map[string]string{"DATABASE_URL": "x.db", "DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "1", "DISCORD_GUILD_ID": "81"}))
	if err != nil || !cfg.Discord.Gateway || cfg.Discord.GuildID != "81" {
		t.Fatalf("config %+v, %v", cfg.Discord, err)
	}
	var b strings.Builder
	cfg.Print(&b)
	if !strings.Contains(b.String(), "gateway, commands in guild 81") || strings.Contains(b.String(), "DISCORD_BOT_TOKEN") {
		t.Errorf("printed:\n%s", b.String())
	}
}

// The README's invite links grant exactly the permissions the adapter needs.
func TestREADMEInviteURL(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if url := discordbot.InviteURL("YOUR_APP_ID", discordbot.Permissions); !strings.Contains(string(readme), url) {
		t.Errorf("README.md lacks the invite link %s", url)
	}
	if tags := "permissions=" + strconv.FormatInt(discordbot.TagPermissions, 10); !strings.Contains(string(readme), tags) {
		t.Errorf("README.md lacks %s, the permissions with Manage Channels", tags)
	}
}
