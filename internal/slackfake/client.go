package slackfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Paths of the bot's Slack endpoints, relative to Client.BaseURL.
const (
	CommandsPath     = "/slack/commands"
	InteractionsPath = "/slack/interactions"
	EventsPath       = "/slack/events"
)

// Client calls the bot's HTTP endpoints as Slack does: form-encoded slash
// commands and interactions, JSON events, each signed with the signing
// secret (X-Slack-Signature: v0=HMAC-SHA256 of "v0:timestamp:body",
// X-Slack-Request-Timestamp) and sent with Slack's User-Agent.
type Client struct {
	BaseURL       string // root of the bot's HTTP server, e.g. "http://127.0.0.1:8080"
	SigningSecret string
	// HTTP sends the requests. Nil means a client that gives up after
	// AckDeadline, as Slack does; a slower bot fails with a timeout error.
	HTTP *http.Client
	// Now is the clock behind X-Slack-Request-Timestamp; nil means time.Now.
	Now func() time.Time
	// NewResponseURL, if set, supplies the response_url of slash commands
	// that do not give one.
	NewResponseURL func() string
}

// SignOpts change how a request is signed.
type SignOpts struct {
	// RetryNum > 0 marks the request as Slack's retry number RetryNum
	// (X-Slack-Retry-Num, X-Slack-Retry-Reason: http_timeout). Slack
	// retries events; it never retries slash commands or interactions.
	RetryNum  int
	Unsigned  bool      // send no signature headers
	Forged    bool      // sign with a wrong secret
	Timestamp time.Time // signing time instead of Now(); 10 minutes ago makes a stale request
}

// Client returns a Client for the bot at baseURL whose slash commands get
// fresh response URLs of s.
func (s *Server) Client(baseURL, signingSecret string) *Client {
	return &Client{BaseURL: baseURL, SigningSecret: signingSecret, NewResponseURL: s.ResponseURL}
}

// SlashCommand posts the SlashPayload of cmd and text to CommandsPath. It
// returns the response with its body already read (and also left readable
// in resp.Body); err is set only if no response arrived.
func (c *Client) SlashCommand(cmd, text string, opt SlashOpts) (*http.Response, []byte, error) {
	if opt.ResponseURL == "" && c.NewResponseURL != nil {
		opt.ResponseURL = c.NewResponseURL()
	}
	form := url.Values{}
	for k, v := range SlashPayload(cmd, text, opt) {
		form.Set(k, v)
	}
	sign := SignOpts{RetryNum: opt.RetryNum, Unsigned: opt.Unsigned, Forged: opt.Forged, Timestamp: opt.Timestamp}
	return c.post(CommandsPath, "application/x-www-form-urlencoded", []byte(form.Encode()), sign)
}

// Interaction posts payload (block_actions, view_submission, ...) to
// InteractionsPath as the form field payload=<json>. payload is marshalled
// to JSON unless it is a json.RawMessage or []byte.
func (c *Client) Interaction(payload any, opt SignOpts) (*http.Response, []byte, error) {
	raw, err := rawJSON(payload)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal interaction: %w", err)
	}
	body := url.Values{"payload": {string(raw)}}.Encode()
	return c.post(InteractionsPath, "application/x-www-form-urlencoded", []byte(body), opt)
}

// Event posts event (event_callback or url_verification) to EventsPath as
// JSON. event is marshalled unless it is a json.RawMessage or []byte.
func (c *Client) Event(event any, opt SignOpts) (*http.Response, []byte, error) {
	raw, err := rawJSON(event)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal event: %w", err)
	}
	return c.post(EventsPath, "application/json", raw, opt)
}

func (c *Client) post(path, contentType string, body []byte, opt SignOpts) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("slackfake: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if !opt.Unsigned {
		if c.SigningSecret == "" {
			return nil, nil, errors.New("slackfake: Client.SigningSecret is empty (set SignOpts.Unsigned to send unsigned requests)")
		}
		ts := opt.Timestamp
		if ts.IsZero() {
			ts = time.Now()
			if c.Now != nil {
				ts = c.Now()
			}
		}
		secret := c.SigningSecret
		if opt.Forged {
			secret = "forged-" + secret
		}
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
	}
	if opt.RetryNum > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(opt.RetryNum))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: AckDeadline}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("slackfake: post %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return resp, b, fmt.Errorf("slackfake: read answer to %s: %w", path, err)
	}
	return resp, b, nil
}

// Sign returns Slack's X-Slack-Signature for body sent at ts:
// "v0=" + hex(HMAC-SHA256(secret, "v0:<unix ts>:<body>")).
func Sign(secret string, ts time.Time, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%d:", ts.Unix())
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}
