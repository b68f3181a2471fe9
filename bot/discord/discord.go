// Package discord connects disputedesk to Discord: native application
// commands with typed options and autocomplete, buttons, selects and modals,
// a thread or forum post per case, and listening in those threads, received
// over the gateway (DISCORD_BOT_TOKEN) or the HTTP interactions endpoint
// (DISCORD_PUBLIC_KEY). It is the only package that imports discordgo.
//
// Every interaction is answered within Discord's three seconds: with the
// reply when the handler finishes within Config.AckBudget, else deferred
// (type 5 for a command or a form, type 6 for a button) and completed by
// editing the original response or by a follow-up. Handler work runs on
// internal/dispatch's bounded pool, which Run drains on shutdown. REST calls
// go through discordgo with its own retries off, so that a 429 or a 5xx
// reaches the outbox as a *bot.DeliveryError instead of being slept through.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
)

// Defaults and bounds.
const (
	// defaultAckBudget leaves half a second of Discord's three for the
	// answer to travel.
	defaultAckBudget = 2500 * time.Millisecond
	// maxBody bounds an interaction's body; Discord's are a few KiB.
	maxBody = 1 << 20
	// maxSignatureAge is how old a signed timestamp may be.
	maxSignatureAge = 5 * time.Minute
	// drainTimeout is how long Run waits for running work on shutdown.
	drainTimeout = 20 * time.Second
)

// Config configures the Discord adapter.
type Config struct {
	BotToken  string // DISCORD_BOT_TOKEN: REST calls, and the gateway
	AppID     string // DISCORD_APP_ID: commands and interaction webhooks
	PublicKey string // DISCORD_PUBLIC_KEY, hex: the HTTP interactions endpoint
	GuildID   string // DISCORD_GUILD_ID: register commands there; else globally
	// APIURL replaces https://discord.com for every REST call (a REST
	// proxy, a fake in tests); "" is Discord's.
	APIURL string
	// Gateway connects to the gateway to receive interactions and
	// messages; without it only the HTTP endpoint receives interactions
	// and messages in case threads are not heard.
	Gateway bool
	// Specs are the commands registered on start; Completer answers
	// their autocomplete.
	Specs     []bot.CommandSpec
	Completer bot.Completer
	Logger    *slog.Logger
	// HTTPClient makes REST calls; nil means one with a 30s timeout.
	HTTPClient *http.Client
	// AckBudget is how long the handler may run before an interaction is
	// deferred; 0 means 2.5s.
	AckBudget time.Duration
	// ProgressEvery bounds how often a draft being written edits its
	// message; 0 means every 1.5s.
	ProgressEvery time.Duration
	// Workers bounds how many requests are handled at once; 0 means 64.
	Workers int
	// Now stamps requests and checks signatures' age; nil means time.Now.
	Now func() time.Time
}

// Validate checks the settings Discord needs, each problem naming the
// variable to set: a bot token and an application id are always needed
// (REST calls, registration), a public key is hex of 32 bytes, and the
// API URL is an http(s) URL.
func (c Config) Validate() error {
	var errs []error
	if c.BotToken == "" {
		errs = append(errs, errors.New("DISCORD_BOT_TOKEN is required: the bot's token, from the Developer Portal's Bot page"))
	}
	if c.AppID == "" {
		errs = append(errs, errors.New("DISCORD_APP_ID is required: the Application ID, from the Developer Portal's General Information page"))
	}
	if c.PublicKey != "" {
		if k, err := hex.DecodeString(c.PublicKey); err != nil || len(k) != ed25519.PublicKeySize {
			errs = append(errs, errors.New("DISCORD_PUBLIC_KEY must be the application's public key: 64 hex digits, from General Information"))
		}
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("DISCORD_API_URL=%q must be an http(s) URL such as http://nirn-proxy:8080", c.APIURL))
		}
	}
	return errors.Join(errs...)
}

// Adapter serves Discord. Create it with New.
type Adapter struct {
	cfg       Config
	publicKey ed25519.PublicKey
	session   *discordgo.Session
	rest      restAPI
	log       *slog.Logger
	now       func() time.Time
	ackBudget time.Duration
	progress  time.Duration
	kit       *dispatch.Dispatcher
	// botID is the bot's user id, from READY or from the first
	// interaction, to tell its own messages and mentions apart.
	botMu sync.Mutex
	botID string
	// channels caches channels' types, threads' parents and forums' tags.
	channels channels
}

var (
	_ bot.HTTPAdapter = (*Adapter)(nil)
	_ bot.Notifier    = (*Adapter)(nil)
)

// restAPI is the part of discordgo's REST client the adapter calls, so a
// test can fake what httptest cannot easily show.
type restAPI interface {
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageEditComplex(m *discordgo.MessageEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, data *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ForumThreadStartComplex(channelID string, thread *discordgo.ThreadStart, message *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	Channel(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ChannelEditComplex(channelID string, data *discordgo.ChannelEdit, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

// New checks cfg (Validate) and returns an adapter. New makes no network call.
func New(cfg Config) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Adapter{cfg: cfg, log: cfg.Logger, now: cfg.Now, ackBudget: cfg.AckBudget, progress: cfg.ProgressEvery}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.ackBudget <= 0 {
		a.ackBudget = defaultAckBudget
	}
	if a.progress <= 0 {
		a.progress = 1500 * time.Millisecond
	}
	if cfg.PublicKey != "" {
		a.publicKey, _ = hex.DecodeString(cfg.PublicKey) // checked by Validate
	}
	s, err := discordgo.New("Bot " + strings.TrimPrefix(cfg.BotToken, "Bot "))
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.APIURL != "" {
		target, _ := url.Parse(cfg.APIURL) // checked by Validate
		c := *client
		c.Transport = rewrite{target: target, next: transportOf(client)}
		client = &c
	}
	s.Client = client
	// The outbox schedules retries from the *bot.DeliveryError Post
	// returns: discordgo must neither sleep through a 429 nor retry a 502.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	// Run reconnects itself, to see the close code that says a token or
	// the intents were refused (discordgo v0.29.0 retries those forever).
	s.ShouldReconnectOnError = false
	s.StateEnabled = true
	s.Identify.Intents = Intents
	s.LogLevel = -1 // discordgo logs through the standard logger; errors reach us as values
	a.session, a.rest = s, s
	a.kit = dispatch.New(dispatch.Config{Workers: cfg.Workers, Logger: a.log})
	return a, nil
}

// Run registers the commands, then serves the gateway when Config.Gateway
// is set, else waits for ctx (the HTTP endpoint is served by HTTPRoutes).
// Either way it then drains the requests still being handled. It returns
// nil on shutdown, and an error when Discord refuses the token or the
// intents, or the commands cannot be registered.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	err := a.Register(ctx)
	if err == nil {
		if a.cfg.Gateway {
			err = a.runGateway(ctx, h)
		} else {
			<-ctx.Done()
		}
	}
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := a.kit.Close(dctx); err != nil {
		a.log.Warn("discord: shutdown cancelled requests still running")
	}
	return err
}

// self returns the bot's user id, "" while unknown.
func (a *Adapter) self() string {
	a.botMu.Lock()
	defer a.botMu.Unlock()
	return a.botID
}

func (a *Adapter) setSelf(id string) {
	if id == "" {
		return
	}
	a.botMu.Lock()
	a.botID = id
	a.botMu.Unlock()
}

// rewrite sends every request to target, keeping its path below target's
// (a REST proxy mounted under a path keeps working), so that discordgo's
// fixed https://discord.com endpoints reach DISCORD_API_URL without
// changing discordgo's package-level endpoint variables.
type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.target.Scheme, rt.target.Host, rt.target.Host
	prefix := strings.TrimSuffix(strings.TrimSuffix(rt.target.Path, "/"), "/api/v"+discordgo.APIVersion)
	r.URL.Path = prefix + r.URL.Path
	if r.URL.RawPath != "" {
		r.URL.RawPath = prefix + r.URL.RawPath
	}
	return rt.next.RoundTrip(r)
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}
