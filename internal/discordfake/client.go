package discordfake

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// InteractionsPath is the bot's HTTP interactions endpoint, relative to
// Client.BaseURL.
const InteractionsPath = "/discord/interactions"

// Client calls the bot's HTTP interactions endpoint as Discord does: the
// interaction as JSON, signed with the application's Ed25519 key
// (X-Signature-Ed25519: hex signature of timestamp + body,
// X-Signature-Timestamp: unix seconds), with Discord's User-Agent.
type Client struct {
	BaseURL string // root of the bot's HTTP server, e.g. "http://127.0.0.1:8080"
	Key     ed25519.PrivateKey
	// HTTP sends the requests. Nil means a client that gives up after
	// CallbackDeadline, as Discord does.
	HTTP *http.Client
	// Now is the clock behind X-Signature-Timestamp; nil means time.Now.
	Now func() time.Time
	srv *Server
}

// SignOpts change how a request is signed.
type SignOpts struct {
	Unsigned  bool      // send no signature headers
	Forged    bool      // a signature of the right length that does not verify
	WrongKey  bool      // sign with another application's key
	Timestamp time.Time // signing time instead of Now(); 10 minutes ago makes a stale request
}

// Client returns a Client for the bot at baseURL that signs with the fake's
// key (PublicKey is its public half). Interactions it sends are registered
// with the fake, so their callbacks and webhooks are accepted, and the bot's
// HTTP answers are checked and recorded in InteractionResponses.
func (s *Server) Client(baseURL string) *Client {
	return &Client{BaseURL: baseURL, Key: s.key, srv: s}
}

// Send posts interaction p (from Ping, SlashCommand, ...; a json.RawMessage
// or []byte is sent as it is) to InteractionsPath and returns the answer
// with its body already read; err is set only if no answer arrived. A 200
// answer of a registered interaction counts as its callback.
func (c *Client) Send(p any, opt SignOpts) (*http.Response, []byte, error) {
	var in *interaction
	if m, ok := p.(map[string]any); ok && c.srv != nil {
		in = c.srv.register(m) // before marshalling: it may fill in the component's message
	}
	var body []byte
	switch v := p.(type) {
	case json.RawMessage:
		body = v
	case []byte:
		body = v
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return nil, nil, fmt.Errorf("discordfake: marshal interaction: %w", err)
		}
		body = b
	}
	if in == nil && c.srv != nil {
		in = c.srv.register(toObject(body))
	}
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+InteractionsPath, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("discordfake: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	if err := c.sign(req, body, opt); err != nil {
		return nil, nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: CallbackDeadline}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("discordfake: post interaction: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return resp, b, fmt.Errorf("discordfake: read answer: %w", err)
	}
	if in != nil && resp.StatusCode == http.StatusOK {
		c.srv.recordHTTPAnswer(in, b)
	}
	return resp, b, nil
}

func (c *Client) sign(req *http.Request, body []byte, opt SignOpts) error {
	if opt.Unsigned {
		return nil
	}
	if c.Key == nil {
		return errors.New("discordfake: Client.Key is empty (set SignOpts.Unsigned to send unsigned requests)")
	}
	ts := opt.Timestamp
	if ts.IsZero() {
		ts = time.Now()
		if c.Now != nil {
			ts = c.Now()
		}
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	key := c.Key
	if opt.WrongKey {
		_, other, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return fmt.Errorf("discordfake: %w", err)
		}
		key = other
	}
	sig := ed25519.Sign(key, append([]byte(stamp), body...))
	if opt.Forged {
		sig[0] ^= 0xff
	}
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", stamp)
	return nil
}

func (s *Server) register(p map[string]any) *interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	return s.registerLocked(p)
}

// recordHTTPAnswer takes the bot's 200 answer to an HTTP interaction as its
// callback. Discord shows "This interaction failed" rather than an error for
// an answer it refuses, so a violation is only recorded.
func (s *Server) recordHTTPAnswer(in *interaction, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cb callbackBody
	if json.Unmarshal(body, &cb) != nil || in.acked {
		s.t.Logf("discordfake: the bot's answer to interaction %s is not an interaction response: %s", in.id, clip(string(body), 300))
		return
	}
	if f := s.respondLocked("http response", "http", in, cb, nil, body); f != nil {
		s.t.Logf("discordfake: Discord would refuse the bot's answer to interaction %s: %d %s", in.id, f.Code, f.Message)
	}
	s.notifyLocked()
}
