// Package slack connects disputedesk to Slack: slash commands, interactions
// (buttons and modals) and Events API messages, received over HTTP (signed
// requests) or Socket Mode, and Block Kit rendering of replies. It is the only
// package that imports slack-go.
//
// Every request is answered within Slack's three seconds: a slash command
// gets its reply in the acknowledgement when the handler finishes within
// Config.AckBudget, and through its response_url afterwards otherwise;
// interactions are acknowledged at once and answered later; an Events API
// event is acknowledged once the handler has taken it (a message in a
// case's thread is stored), and otherwise left for Slack to deliver again.
// Handler work runs on a bounded pool that Run drains on shutdown.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
)

// Defaults and bounds.
const (
	defaultAckBudget = 2500 * time.Millisecond
	// maxBody bounds every request body Slack sends us.
	maxBody = 1 << 20
	// drainTimeout is how long Run waits for running work on shutdown
	// before cancelling it.
	drainTimeout = 20 * time.Second
	// authTestRetry is how long to wait before asking auth.test again after
	// it failed.
	authTestRetry = time.Minute
)

// Config configures the Slack adapter.
type Config struct {
	BotToken      string // SLACK_BOT_TOKEN, xoxb-
	SigningSecret string // SLACK_SIGNING_SECRET: HTTP mode
	AppToken      string // SLACK_APP_TOKEN, xapp-: Socket Mode when set
	// APIURL overrides the Web API base (GovSlack, tests); "" is Slack's.
	APIURL     string
	Logger     *slog.Logger
	HTTPClient *http.Client // optional
	// AckBudget is how long to wait for the handler before acknowledging a
	// slash command and finishing through its response_url; 0 means 2.5s.
	AckBudget time.Duration
	// Workers bounds how many requests are handled at once; 0 means 64.
	Workers int
	// Now stamps requests; nil means time.Now.
	Now func() time.Time
	// UserGroups looks up the user groups of each user who sends a request
	// (usergroups.list, the usergroups:read scope) and gives them as the
	// request's Roles: set when DISPUTEDESK_LEADS names a Slack user group.
	UserGroups bool
}

// Adapter serves Slack. Create it with New.
type Adapter struct {
	cfg        Config
	apiURL     string
	api        webAPI
	httpClient *http.Client
	log        *slog.Logger
	now        func() time.Time
	ackBudget  time.Duration
	// kit runs handler work on a bounded pool, one delivery of a request
	// id at a time (a response_url stays valid for 30 minutes, longer
	// than the kit's task timeout).
	kit *dispatch.Dispatcher

	selfMu   sync.Mutex
	self     identity
	selfOK   bool
	selfNext time.Time

	profiles profiles
	groups   groups
}

// profileTTL is how long a user's locale and zone from users.info are trusted.
const profileTTL = time.Hour

// profiles caches what users.info says of users that a request does not:
// their language, which reply drafts want, and their time zone, which
// times are shown in when neither the case nor the channel has one.
type profiles struct {
	mu sync.Mutex
	m  map[string]profile
}

type profile struct {
	locale, zone string
	until        time.Time
}

// profile returns user's locale (e.g. "nb-NO") and IANA zone from
// users.info, cached; empty when Slack does not say or cannot be asked.
func (a *Adapter) profile(ctx context.Context, user string) profile {
	now := a.now()
	a.profiles.mu.Lock()
	p, ok := a.profiles.m[user]
	a.profiles.mu.Unlock()
	if ok && now.Before(p.until) {
		return p
	}
	info, err := a.api.GetUserInfoContext(ctx, user)
	if err != nil {
		a.log.Debug("slack: users.info", "user", user, "error", err)
		return profile{}
	}
	p = profile{locale: info.Locale, zone: info.TZ, until: now.Add(profileTTL)}
	a.profiles.mu.Lock()
	defer a.profiles.mu.Unlock()
	if a.profiles.m == nil || len(a.profiles.m) > 10000 { // bounded: a big workspace just asks again
		a.profiles.m = map[string]profile{}
	}
	a.profiles.m[user] = p
	return p
}

var (
	_ bot.HTTPAdapter = (*Adapter)(nil)
	_ bot.Notifier    = (*Adapter)(nil)
)

// webAPI is the part of slack-go's Web API client the adapter calls.
type webAPI interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
	GetUserGroupsContext(ctx context.Context, options ...slack.GetUserGroupsOption) ([]slack.UserGroup, error)
}

// identity is who the bot is in its workspace, from auth.test.
type identity struct {
	userID string
	url    string // https://team.slack.com/
}

// Validate checks the settings Slack needs, the one check of them: it
// returns every problem at once, each naming the environment variable to
// set, when the bot token is missing, when neither a signing secret nor an
// app token is given, or when a token or the API URL has the wrong form.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.BotToken == "":
		errs = append(errs, errors.New("SLACK_BOT_TOKEN is required: the app's bot token (xoxb-...), from OAuth & Permissions"))
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		errs = append(errs, errors.New("SLACK_BOT_TOKEN must be a bot token, starting xoxb-"))
	}
	if c.SigningSecret == "" && c.AppToken == "" {
		errs = append(errs, errors.New("SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required"))
	}
	if c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-") {
		errs = append(errs, errors.New("SLACK_APP_TOKEN must be an app-level token, starting xapp-"))
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("SLACK_API_URL=%q must be an http(s) URL such as https://slack.com/api/", c.APIURL))
		}
	}
	return errors.Join(errs...)
}

// New checks cfg (Validate) and returns an adapter. New makes no network call.
func New(cfg Config) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	apiURL := slack.APIURL
	if cfg.APIURL != "" {
		// slack-go appends the method name to the base URL as it is.
		apiURL = strings.TrimSuffix(cfg.APIURL, "/") + "/"
	}
	a := &Adapter{
		cfg:        cfg,
		apiURL:     apiURL,
		httpClient: cfg.HTTPClient,
		log:        cfg.Logger,
		now:        cfg.Now,
		ackBudget:  cfg.AckBudget,
	}
	if a.httpClient == nil {
		a.httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.ackBudget <= 0 {
		a.ackBudget = defaultAckBudget
	}
	a.kit = dispatch.New(dispatch.Config{Workers: cfg.Workers, Logger: a.log})
	// No slack-go retry option: the outbox schedules retries from the
	// *bot.DeliveryError that Post returns.
	a.api = slack.New(cfg.BotToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(a.httpClient))
	return a, nil
}

// Run serves Socket Mode until ctx is done when an app token is configured,
// and otherwise (HTTP mode, served by HTTPRoutes) waits for ctx. Either way it
// then drains the requests still being handled. It returns nil on shutdown,
// and an error when Slack refuses the app token.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	var err error
	if a.cfg.AppToken != "" {
		err = a.runSocket(ctx, h)
	} else {
		<-ctx.Done()
	}
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := a.kit.Close(dctx); err != nil {
		a.log.Warn("slack: shutdown cancelled requests still running")
	}
	return err
}

// whoami returns the bot's identity, asking auth.test the first time and
// again at most once a minute while it fails. It returns the zero identity
// while Slack cannot tell.
func (a *Adapter) whoami(ctx context.Context) identity {
	a.selfMu.Lock()
	defer a.selfMu.Unlock()
	if a.selfOK || a.now().Before(a.selfNext) {
		return a.self
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := a.api.AuthTestContext(ctx)
	if err != nil {
		a.selfNext = a.now().Add(authTestRetry)
		a.log.Warn("slack: auth.test failed; own messages are told apart by bot_id only", "error", err)
		return a.self
	}
	a.self = identity{userID: res.UserID, url: res.URL}
	a.selfOK = true
	return a.self
}
