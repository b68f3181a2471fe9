package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/internal/dispatch"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// HTTPRoutes registers POST /discord/interactions on mux when a public key
// is configured, and nothing otherwise (gateway only). A request is bounded
// to 1 MiB (413 when larger), and its Ed25519 signature over timestamp and
// body and the timestamp's age (at most five minutes) are checked before
// anything in it is read (401 when missing, forged or stale): discordgo's
// VerifyInteraction checks neither the age nor the size.
func (a *Adapter) HTTPRoutes(mux *http.ServeMux, h bot.Handler) {
	if a.publicKey == nil {
		return
	}
	mux.HandleFunc("POST /discord/interactions", func(w http.ResponseWriter, r *http.Request) { a.serveInteraction(w, r, h) })
}

// verified reads a request's body and checks its signature. On failure it
// answers the request and reports false.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := dispatch.ReadBody(w, r, maxBody)
	if !ok {
		return nil, false
	}
	if err := a.checkSignature(r.Header, body); err != nil {
		a.log.Warn("discord: interaction rejected", "error", err)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// checkSignature checks the X-Signature-Ed25519 over X-Signature-Timestamp
// and body, and that the timestamp is within five minutes of now.
func (a *Adapter) checkSignature(hdr http.Header, body []byte) error {
	ts, sigHex := hdr.Get("X-Signature-Timestamp"), hdr.Get("X-Signature-Ed25519")
	if ts == "" || sigHex == "" {
		return errors.New("unsigned request")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("malformed timestamp")
	}
	if age := a.now().Sub(time.Unix(sec, 0)); age > maxSignatureAge || age < -maxSignatureAge {
		return errors.New("timestamp older than five minutes, or in the future")
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("malformed signature")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(a.publicKey, msg, sig) {
		return errors.New("signature does not match")
	}
	return nil
}

// serveInteraction answers a signed interaction with its callback in the
// response's body: at once for a ping or an autocomplete, with the reply
// when the handler finishes within the ack budget, else deferred.
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, h bot.Handler) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	// Discord sends the interaction's channel (its type, a thread's parent),
	// which discordgo v0.29.0 does not read: remember it, so that telling a
	// thread from a channel costs no call.
	var with struct {
		Channel *discordgo.Channel `json:"channel"`
	}
	if json.Unmarshal(body, &with) == nil && with.Channel != nil && with.Channel.ID == i.ChannelID {
		a.channels.put(with.Channel, a.now())
	}
	k := &httpAck{ch: make(chan *discordgo.InteractionResponse, 1)}
	a.interaction(h, &i, k.send)
	select {
	case resp := <-k.ch:
		writeJSON(w, resp)
	case <-r.Context().Done():
		if resp, queued := k.end(); queued {
			writeJSON(w, resp)
		}
	}
}

// errRequestEnded is the callback of an interaction whose HTTP request
// has ended.
var errRequestEnded = errors.New("the interaction's request ended before its callback")

// httpAck hands a callback to the HTTP handler waiting for it, and
// refuses it once that handler has given up.
type httpAck struct {
	ch    chan *discordgo.InteractionResponse // buffered, 1
	mu    sync.Mutex
	ended bool
	sent  bool
}

func (k *httpAck) send(resp *discordgo.InteractionResponse) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ended || k.sent {
		return errRequestEnded
	}
	k.sent = true
	k.ch <- resp
	return nil
}

// end refuses later callbacks and returns one sent before.
func (k *httpAck) end() (*discordgo.InteractionResponse, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ended = true
	select {
	case resp := <-k.ch:
		return resp, true
	default:
		return nil, false
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
