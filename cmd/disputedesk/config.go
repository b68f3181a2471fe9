package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	discordbot "github.com/disputedesk/disputedesk/bot/discord"
	slackbot "github.com/disputedesk/disputedesk/bot/slack"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/playbooks/holiday"
	"github.com/disputedesk/disputedesk/prompts"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

// Config is disputedesk's configuration, read from the environment.
type Config struct {
	DatabaseURL     string // postgres://... or a SQLite file path
	DataDir         string
	Addr            string
	DefaultCurrency string
	PlaybooksDir    string
	LogLevel        slog.Level
	AutoMigrate     bool

	Slack   SlackConfig
	Discord DiscordConfig
	Model   ModelConfig
	// Language is the team's language for reply drafts.
	Language string
	// Signature is the shop's name under every reply draft.
	Signature string
	// Country is the team's default country for public holidays, for
	// cases whose country nothing else says (ISO 3166-1, upper case).
	Country string
	// Holidays are the team's own non-working and working days, added to
	// and removed from every country's calendar.
	Holidays holiday.Changes
	// Channels limits the bot to some channels in the workspaces it names
	// (see commands.Deps.Channels).
	Channels map[string][]string
	// Leads may do the steps and outcomes playbooks give a lead or finance
	// (DISPUTEDESK_LEADS); empty, everyone may do everything.
	Leads []commands.Lead
	Clock ClockConfig
	// Stripe receives Stripe's dispute webhooks; off without a secret.
	Stripe StripeConfig
}

// StripeConfig connects Stripe's dispute webhooks (POST /webhooks/stripe).
type StripeConfig struct {
	// Secrets are the endpoint's signing secrets, several while one rolls.
	Secrets []string
	// Target is where cases from Stripe open; the console when unset.
	Target   commands.DisputeTarget
	OrderKey string
	// APIKey is a restricted key for /case stripe stage; webhooks work without it.
	APIKey string
	// APIBase replaces https://api.stripe.com: a proxy, or a local fake in tests.
	APIBase string
}

// ModelConfig reaches an OpenAI-compatible model for reply drafts; empty
// means offline drafts only.
type ModelConfig struct {
	APIKey, BaseURL, Model string
	LogPrompts             bool
}

// Enabled reports whether a model is configured (Ollama and llama.cpp need
// no key, only a base URL).
func (m ModelConfig) Enabled() bool { return m.APIKey != "" || m.BaseURL != "" }

// SlackConfig connects the bot to Slack; empty when Slack is not used.
type SlackConfig struct {
	BotToken, SigningSecret, AppToken string
	APIURL                            string
	// UserGroups looks up users' groups, for leads named by a group.
	UserGroups bool
}

// Enabled reports whether any Slack setting is given.
func (s SlackConfig) Enabled() bool {
	return s.BotToken != "" || s.SigningSecret != "" || s.AppToken != ""
}

// adapter is the Slack adapter's configuration, which checks the settings
// (slackbot.Config.Validate) for LoadConfig and serve alike.
func (s SlackConfig) adapter() slackbot.Config {
	return slackbot.Config{BotToken: s.BotToken, SigningSecret: s.SigningSecret, AppToken: s.AppToken, APIURL: s.APIURL,
		UserGroups: s.UserGroups}
}

// DiscordConfig connects the bot to Discord; empty when Discord is not used.
type DiscordConfig struct {
	BotToken, AppID, PublicKey, GuildID, APIURL string
	// Gateway connects to the gateway (interactions and thread messages);
	// off, only the HTTP endpoint receives interactions.
	Gateway bool
}

// Enabled reports whether any Discord setting is given.
func (d DiscordConfig) Enabled() bool {
	return d.BotToken != "" || d.AppID != "" || d.PublicKey != ""
}

// adapter is the Discord adapter's configuration, which checks the
// settings (discordbot.Config.Validate) for LoadConfig and serve alike.
func (d DiscordConfig) adapter() discordbot.Config {
	return discordbot.Config{BotToken: d.BotToken, AppID: d.AppID, PublicKey: d.PublicKey, GuildID: d.GuildID, APIURL: d.APIURL, Gateway: d.Gateway}
}

// setting documents one environment variable; help and the README table are
// written from this list.
type setting struct {
	name, def, doc string
	secret         bool // also read from NAME_FILE
}

var settings = []setting{
	{name: "DATABASE_URL", def: "SQLite file in the data directory", secret: true,
		doc: "postgres://user:pass@host/db?sslmode=... for PostgreSQL; anything else is a SQLite file path (sqlite: and file: prefixes accepted)"},
	{name: "DISPUTEDESK_DATA", def: "$XDG_DATA_HOME/disputedesk or ~/.local/share/disputedesk",
		doc: "where the default SQLite database lives"},
	{name: "DISPUTEDESK_ADDR", def: ":8080", doc: "HTTP listen address of serve (/healthz, /readyz, /metrics)"},
	{name: "DISPUTEDESK_CURRENCY", def: "none", doc: "ISO 4217 currency for amounts typed without one, in every playbook (it fills a required currency= too), e.g. EUR; 49,90 kr is read in it when it is NOK, DKK or SEK"},
	{name: "DISPUTEDESK_PLAYBOOKS", def: "none", doc: "a directory of playbook YAML files that add to or replace the built-in ones (checked at start)"},
	{name: "DISPUTEDESK_MIGRATE", def: "true", doc: "apply database migrations at start; false to run `disputedesk migrate` yourself"},
	{name: "DISPUTEDESK_LOG_LEVEL", def: "info", doc: "debug, info, warn or error"},
	{name: "DISPUTEDESK_COUNTRY", def: "none", doc: "ISO 3166-1 country whose public holidays working-day deadlines skip when neither the rule's law, the case's country= nor its time zone says: NO, DK, SE, DE or US"},
	{name: "DISPUTEDESK_HOLIDAYS", def: "none", doc: "the team's own days off that working-day deadlines skip in every country's calendar, as dates; a leading - makes a holiday a working day: 2026-12-24,-2026-12-31"},
	{name: "DISPUTEDESK_CHANNELS", def: "every channel the bot is in", doc: "limit the bot in a workspace to some channels, as platform:workspace/channel: slack:T0123/C0456,slack:T0123/C0789; elsewhere in that workspace it refuses commands and finds no cases"},
	{name: "DISPUTEDESK_LEADS", def: "none: everyone may do everything", doc: "who may do what a playbook marks owner: lead or finance (closing a chargeback as accepted, the fight-or-accept step, a refund above approval_above), as platform:id: slack:U0123,discord:123456789012345678,discord:role:234567890123456789 (a Discord role); others are told whom to ask"},
	{name: "DISPUTEDESK_LANGUAGE", def: "en", doc: "the team's language for reply drafts when the customer's is unknown: en, nb, da, de or sv"},
	{name: "DISPUTEDESK_SIGNATURE", def: "none", doc: "the shop's name, signed under the agent's name in every reply draft: Nordic Cups AS"},
	{name: "OPENAI_API_KEY", def: "none", secret: true, doc: "key of an OpenAI-compatible model for reply drafts; without a model, drafts come from offline templates"},
	{name: "OPENAI_BASE_URL", def: "https://api.openai.com/v1", doc: "the model's API base: Azure, Ollama (http://localhost:11434/v1), vLLM, llama.cpp"},
	{name: "OPENAI_MODEL", def: "gpt-4o-mini", doc: "the model name"},
	{name: "DISPUTEDESK_LOG_PROMPTS", def: "false", doc: "log prompts sent to the model, with e-mails, phones, cards and addresses masked"},
	{name: "SLACK_BOT_TOKEN", def: "none", secret: true, doc: "the Slack app's bot token (xoxb-...): turns Slack on"},
	{name: "SLACK_SIGNING_SECRET", def: "none", secret: true, doc: "the Slack app's signing secret, for HTTP mode (/slack/commands, /slack/interactions, /slack/events)"},
	{name: "SLACK_APP_TOKEN", def: "none", secret: true, doc: "an app-level token (xapp-...) with connections:write: Socket Mode, no public URL needed"},
	{name: "SLACK_API_URL", def: "https://slack.com/api/", doc: "the Slack Web API base URL (GovSlack: https://slack-gov.com/api/)"},
	{name: "DISCORD_BOT_TOKEN", def: "none", secret: true, doc: "the Discord bot's token: turns Discord on (REST calls, and the gateway)"},
	{name: "DISCORD_APP_ID", def: "none", doc: "the Discord application's id: its commands are registered on start"},
	{name: "DISCORD_PUBLIC_KEY", def: "none", doc: "the application's public key (hex): serves POST /discord/interactions, for replicas behind a load balancer"},
	{name: "DISCORD_GUILD_ID", def: "none (global commands)", doc: "register the commands in this server only: they appear at once, where global ones take up to an hour"},
	{name: "DISCORD_GATEWAY", def: "true", doc: "connect to the gateway for interactions and case-thread messages; false on replicas that only serve /discord/interactions"},
	{name: "DISCORD_API_URL", def: "https://discord.com", doc: "where Discord REST calls go: a shared REST proxy such as nirn-proxy at scale"},
	{name: "STRIPE_WEBHOOK_SECRET", def: "none", secret: true, doc: "the Stripe webhook endpoint's signing secret (whsec_...), several comma-separated while one is rolled: serves POST /webhooks/stripe"},
	{name: "DISPUTEDESK_STRIPE_CHANNEL", def: "the console", doc: "where cases from Stripe's disputes open and their cards are posted, as platform:workspace/channel: slack:T0123/C0456 or discord:GUILD/CHANNEL"},
	{name: "STRIPE_API_KEY", def: "none", secret: true, doc: "a restricted Stripe key that may read charges and write disputes, for /case stripe stage and submit (evidence to Stripe), unseen disputes read from Stripe and early fraud warnings; the webhook works without it, early fraud warnings excepted"},
	{name: "STRIPE_API_BASE", def: "https://api.stripe.com", doc: "the base URL of Stripe's API, for a proxy or a local fake in tests"},
	{name: "DISPUTEDESK_STRIPE_ORDER_KEY", def: "order_id", doc: "the metadata key of the payment's order number on Stripe's dispute (or its expanded charge or payment intent)"},
}

// LoadConfig reads and checks the configuration. Every problem is reported
// at once, each saying how to fix it.
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{Addr: ":8080", AutoMigrate: true}
	var errs []error
	var err error
	if cfg.DatabaseURL, err = secret(getenv, "DATABASE_URL"); err != nil {
		errs = append(errs, err)
	}
	cfg.DataDir = getenv("DISPUTEDESK_DATA")
	if cfg.DatabaseURL == "" {
		if cfg.DataDir == "" {
			cfg.DataDir, err = defaultDataDir(getenv)
			errs = append(errs, err)
		}
		if cfg.DataDir != "" {
			cfg.DatabaseURL = filepath.Join(cfg.DataDir, "disputedesk.db")
		}
	}
	if v := getenv("DISPUTEDESK_ADDR"); v != "" {
		cfg.Addr = v
	}
	if v := getenv("DISPUTEDESK_CURRENCY"); v != "" {
		if cfg.DefaultCurrency, _, err = money.Currency(v); err != nil {
			errs = append(errs, fmt.Errorf("DISPUTEDESK_CURRENCY: %w", err))
		}
	}
	cfg.PlaybooksDir = getenv("DISPUTEDESK_PLAYBOOKS")
	switch v := strings.ToLower(getenv("DISPUTEDESK_MIGRATE")); v {
	case "", "true", "1", "yes":
	case "false", "0", "no":
		cfg.AutoMigrate = false
	default:
		errs = append(errs, fmt.Errorf("DISPUTEDESK_MIGRATE=%q: use true or false", v))
	}
	if v := getenv("DISPUTEDESK_LOG_LEVEL"); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("DISPUTEDESK_LOG_LEVEL=%q: use debug, info, warn or error", v))
		}
	}
	for name, dst := range map[string]*string{"SLACK_BOT_TOKEN": &cfg.Slack.BotToken, "SLACK_SIGNING_SECRET": &cfg.Slack.SigningSecret, "SLACK_APP_TOKEN": &cfg.Slack.AppToken} {
		if *dst, err = secret(getenv, name); err != nil {
			errs = append(errs, err)
		}
	}
	cfg.Slack.APIURL = getenv("SLACK_API_URL")
	if cfg.Discord.BotToken, err = secret(getenv, "DISCORD_BOT_TOKEN"); err != nil {
		errs = append(errs, err)
	}
	cfg.Discord.AppID, cfg.Discord.PublicKey = getenv("DISCORD_APP_ID"), getenv("DISCORD_PUBLIC_KEY")
	cfg.Discord.GuildID, cfg.Discord.APIURL = getenv("DISCORD_GUILD_ID"), getenv("DISCORD_API_URL")
	switch v := strings.ToLower(getenv("DISCORD_GATEWAY")); v {
	case "", "true", "1", "yes":
		cfg.Discord.Gateway = true
	case "false", "0", "no":
	default:
		errs = append(errs, fmt.Errorf("DISCORD_GATEWAY=%q: use true or false", v))
	}
	if cfg.Model.APIKey, err = secret(getenv, "OPENAI_API_KEY"); err != nil {
		errs = append(errs, err)
	}
	cfg.Model.BaseURL, cfg.Model.Model = getenv("OPENAI_BASE_URL"), cmp.Or(getenv("OPENAI_MODEL"), "gpt-4o-mini")
	switch v := strings.ToLower(getenv("DISPUTEDESK_LOG_PROMPTS")); v {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		cfg.Model.LogPrompts = true
	default:
		errs = append(errs, fmt.Errorf("DISPUTEDESK_LOG_PROMPTS=%q: use 1 or 0", v))
	}
	if cfg.Holidays, err = holiday.ParseChanges(getenv("DISPUTEDESK_HOLIDAYS")); err != nil {
		errs = append(errs, fmt.Errorf("DISPUTEDESK_HOLIDAYS: %w", err))
	}
	if v := strings.ToUpper(strings.TrimSpace(getenv("DISPUTEDESK_COUNTRY"))); v != "" {
		if _, ok := holiday.ForCountry(v); !ok {
			errs = append(errs, fmt.Errorf("DISPUTEDESK_COUNTRY=%q has no holiday calendar: use one of %s", v, strings.Join(holiday.Countries(), ", ")))
		}
		cfg.Country = v
	}
	if v := getenv("DISPUTEDESK_CHANNELS"); v != "" {
		cfg.Channels, err = parseChannels(v)
		errs = append(errs, err)
	}
	if cfg.Leads, err = commands.ParseLeads(getenv("DISPUTEDESK_LEADS")); err != nil {
		errs = append(errs, err)
	}
	cfg.Slack.UserGroups = commands.NeedsSlackGroups(cfg.Leads)
	if cfg.Clock, err = loadClock(getenv); err != nil {
		errs = append(errs, err)
	}
	cfg.Signature = strings.TrimSpace(getenv("DISPUTEDESK_SIGNATURE"))
	cfg.Language = "en"
	if v := getenv("DISPUTEDESK_LANGUAGE"); v != "" {
		if cfg.Language, err = prompts.ParseLanguage(v); err != nil {
			errs = append(errs, fmt.Errorf("DISPUTEDESK_LANGUAGE: %w", err))
		}
	}
	if cfg.Stripe, err = loadStripe(getenv, cfg); err != nil {
		errs = append(errs, err)
	}
	if cfg.Slack.Enabled() {
		errs = append(errs, cfg.Slack.adapter().Validate())
	}
	if cfg.Discord.Enabled() {
		errs = append(errs, cfg.Discord.adapter().Validate())
		if !cfg.Discord.Gateway && cfg.Discord.PublicKey == "" {
			errs = append(errs, errors.New("DISCORD_GATEWAY=false needs DISCORD_PUBLIC_KEY: without the gateway, interactions come only to /discord/interactions"))
		}
	}
	return cfg, errors.Join(errs...)
}

// secret reads NAME, or the file named by NAME_FILE (for Docker and
// Kubernetes secrets), but not both.
func secret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	switch {
	case file == "":
		return v, nil
	case v != "":
		return "", fmt.Errorf("%s and %s_FILE are both set: keep one", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func defaultDataDir(getenv func(string) string) (string, error) {
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "disputedesk"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "disputedesk"), nil
	}
	return "", errors.New("no data directory: set DISPUTEDESK_DATA, or DATABASE_URL")
}

// Print writes the configuration with secrets redacted.
func (c Config) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  database\t%s\n", sqlstore.Describe(c.DatabaseURL))
	fmt.Fprintf(tw, "  listen\t%s\n", c.Addr)
	fmt.Fprintf(tw, "  currency\t%s\n", cmp.Or(c.DefaultCurrency, "none (amounts need currency=)"))
	fmt.Fprintf(tw, "  playbooks\t%s\n", cmp.Or(c.PlaybooksDir, "built-in"))
	fmt.Fprintf(tw, "  holidays\t%s; team adds %d dates, removes %d\n", holiday.Choice{Country: c.Country, Why: "DISPUTEDESK_COUNTRY"}.Note(), len(c.Holidays.Add), len(c.Holidays.Remove))
	if len(c.Channels) > 0 {
		fmt.Fprintf(tw, "  channels\tlimited in %d workspace(s)\n", len(c.Channels))
	}
	fmt.Fprintf(tw, "  leads\t%s\n", c.leadsNote())
	fmt.Fprintf(tw, "  migrate at start\t%t\n", c.AutoMigrate)
	fmt.Fprintf(tw, "  schedule\tevery %s\n", c.Clock.Every)
	if !c.Clock.Start.IsZero() {
		fmt.Fprintf(tw, "  clock\tstarts at %s (DISPUTEDESK_CLOCK_START: a drill, not production)\n", c.Clock.Start.Format(time.RFC3339))
	}
	slack := "off"
	switch {
	case c.Slack.AppToken != "":
		slack = "Socket Mode"
	case c.Slack.Enabled():
		slack = "HTTP (/slack/commands, /slack/interactions, /slack/events)"
	}
	fmt.Fprintf(tw, "  slack\t%s\n", slack)
	discord := "off"
	if d := c.Discord; d.Enabled() {
		var ways []string
		if d.Gateway {
			ways = append(ways, "gateway")
		}
		if d.PublicKey != "" {
			ways = append(ways, "HTTP (/discord/interactions)")
		}
		where := "global"
		if d.GuildID != "" {
			where = "in guild " + d.GuildID
		}
		discord = strings.Join(ways, " and ") + ", commands " + where
	}
	fmt.Fprintf(tw, "  discord\t%s\n", discord)
	drafts := "offline templates"
	if c.Model.Enabled() {
		drafts = fmt.Sprintf("model %s at %s, offline as fallback", c.Model.Model, cmp.Or(c.Model.BaseURL, "https://api.openai.com/v1"))
	}
	stripe := "off"
	if len(c.Stripe.Secrets) > 0 {
		t := c.Stripe.Target
		stripe = fmt.Sprintf("POST /webhooks/stripe (%d secret(s)), cases open in %s", len(c.Stripe.Secrets), commands.WorkspaceKey(t.Platform, t.Workspace)+"/"+t.Channel)
	}
	if c.Stripe.APIKey != "" {
		stripe += "; evidence via the API (STRIPE_API_KEY)"
	}
	fmt.Fprintf(tw, "  stripe\t%s\n", stripe)
	fmt.Fprintf(tw, "  reply drafts\t%s (team language %s, signed %s)\n", drafts, c.Language, cmp.Or(c.Signature, "by the agent alone"))
	tw.Flush()
}

// leadsNote says who may do what playbooks give a lead or finance.
func (c Config) leadsNote() string {
	if len(c.Leads) == 0 {
		return "none (DISPUTEDESK_LEADS unset: everyone may do what playbooks give a lead or finance)"
	}
	names := make([]string, len(c.Leads))
	for i, l := range c.Leads {
		names[i] = l.String()
	}
	return strings.Join(names, ", ")
}

// parseChannels reads DISPUTEDESK_CHANNELS into channels by workspace key.
func parseChannels(v string) (map[string][]string, error) {
	channels := map[string][]string{}
	var errs []error
	for _, entry := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		ws, channel, ok := strings.Cut(entry, "/")
		scope, err := commands.ParseWorkspace(ws)
		if err != nil || !ok || channel == "" || scope.Platform == bot.PlatformConsole {
			errs = append(errs, fmt.Errorf("DISPUTEDESK_CHANNELS: %q is not a channel: write platform:workspace/channel, e.g. slack:T0123/C0456", entry))
			continue
		}
		key := commands.WorkspaceKey(scope.Platform, scope.Workspace)
		channels[key] = append(channels[key], channel)
	}
	return channels, errors.Join(errs...)
}

// loadStripe reads the Stripe settings; a channel on a platform that is not
// configured is refused, as its cards could never be posted.
func loadStripe(getenv func(string) string, cfg Config) (StripeConfig, error) {
	sc := StripeConfig{OrderKey: strings.TrimSpace(getenv("DISPUTEDESK_STRIPE_ORDER_KEY")), APIBase: strings.TrimSpace(getenv("STRIPE_API_BASE")),
		Target: commands.DisputeTarget{Platform: bot.PlatformConsole, Workspace: bot.PlatformConsole, Channel: bot.PlatformConsole}}
	v, err := secret(getenv, "STRIPE_WEBHOOK_SECRET")
	if err != nil {
		return sc, err
	}
	if sc.APIKey, err = secret(getenv, "STRIPE_API_KEY"); err != nil {
		return sc, err
	}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			sc.Secrets = append(sc.Secrets, s)
		}
	}
	ch := strings.TrimSpace(getenv("DISPUTEDESK_STRIPE_CHANNEL"))
	if ch == "" {
		return sc, nil
	}
	ws, channel, ok := strings.Cut(ch, "/")
	scope, err := commands.ParseWorkspace(ws)
	if err != nil || !ok || channel == "" || scope.Platform == bot.PlatformConsole {
		return sc, fmt.Errorf("DISPUTEDESK_STRIPE_CHANNEL=%q is not a channel: write platform:workspace/channel, e.g. slack:T0123/C0456", ch)
	}
	if scope.Platform == bot.PlatformSlack && !cfg.Slack.Enabled() || scope.Platform == bot.PlatformDiscord && !cfg.Discord.Enabled() {
		return sc, fmt.Errorf("DISPUTEDESK_STRIPE_CHANNEL names a %s channel, but %s is not configured", scope.Platform, scope.Platform)
	}
	sc.Target = commands.DisputeTarget{Platform: scope.Platform, Workspace: scope.Workspace, Channel: channel}
	return sc, nil
}
