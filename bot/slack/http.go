package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/disputedesk/disputedesk/internal/dispatch"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/disputedesk/disputedesk/bot"
)

// HTTPRoutes registers POST /slack/commands, /slack/interactions and
// /slack/events on mux when a signing secret is configured, and nothing
// otherwise (Socket Mode only). Every request is bounded to 1 MiB (413 when
// larger) and its signature and timestamp are checked before anything in it
// is read (401 when missing, forged or older than five minutes).
func (a *Adapter) HTTPRoutes(mux *http.ServeMux, h bot.Handler) {
	if a.cfg.SigningSecret == "" {
		return
	}
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) { a.serveCommand(w, r, h) })
	mux.HandleFunc("POST /slack/interactions", func(w http.ResponseWriter, r *http.Request) { a.serveInteraction(w, r, h) })
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) { a.serveEvent(w, r, h) })
}

// verified reads the body of a request from Slack, at most maxBody bytes,
// and checks its signature. On failure it answers the request (413, 400 or
// 401) and reports false. On success the body can be read again from r.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := dispatch.ReadBody(w, r, maxBody)
	if !ok {
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		a.log.Warn("slack: request rejected", "path", r.URL.Path, "error", err)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// serveCommand answers a slash command: with the reply when the handler
// finishes within the ack budget, else with an empty 200 (the reply follows
// through the response_url).
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, h bot.Handler) {
	if _, ok := a.verified(w, r); !ok {
		return
	}
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("ssl_check") == "1" {
		// Slack checking the certificate of the command's URL.
		w.WriteHeader(http.StatusOK)
		return
	}
	if sc.Command == "" {
		http.Error(w, "no command", http.StatusBadRequest)
		return
	}
	awaitAck(w, r, func(ack ackFunc) { a.command(h, sc, ack) })
}

// awaitAck runs start, which acknowledges through the ackFunc it is given,
// and writes that acknowledgement as the response to r.
func awaitAck(w http.ResponseWriter, r *http.Request, start func(ack ackFunc)) {
	var ack httpAck
	ack.ch = make(chan any, 1)
	start(ack.send)
	select {
	case payload := <-ack.ch:
		writeAck(w, payload)
	case <-r.Context().Done():
		// Slack hung up, or the server is going away: a reply from now on
		// goes to the response_url. One already queued is written, in case
		// the connection is still there.
		if payload, queued := ack.end(); queued {
			writeAck(w, payload)
		}
	}
}

// errRequestEnded is the acknowledgement of a request that has already
// been answered (empty) because its HTTP request ended.
var errRequestEnded = errors.New("the request ended before its reply was ready")

// httpAck hands a slash command's acknowledgement to the HTTP handler that
// waits for it, and refuses it once that handler has given up, so that the
// reply is sent to the response_url rather than lost.
type httpAck struct {
	ch    chan any // buffered, 1
	mu    sync.Mutex
	ended bool
}

func (k *httpAck) send(payload any) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ended {
		return errRequestEnded
	}
	k.ch <- payload
	return nil
}

// end refuses later acknowledgements and returns one that was sent before.
func (k *httpAck) end() (payload any, queued bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ended = true
	select {
	case payload = <-k.ch:
		return payload, true
	default:
		return nil, false
	}
}

// serveInteraction answers a button press with an empty 200, then handles
// it; a form submission is answered once handled, or with
// {"response_action":"clear"} when the ack budget runs out first
// (viewSubmission).
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, h bot.Handler) {
	if _, ok := a.verified(w, r); !ok {
		return
	}
	cb, err := slack.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "malformed interaction payload", http.StatusBadRequest)
		return
	}
	awaitAck(w, r, func(ack ackFunc) { a.interaction(h, &cb, ack) })
}

// serveEvent answers the url_verification challenge, and an event_callback
// once it has been handled: 200 when the handler has answered (a message in
// a case's thread is stored by then), 503 when Slack should deliver it again
// (no worker free, the handler failed on our side or is still running when
// the ack budget runs out; a retry of an event that was stored is recognised
// by its event id).
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, h bot.Handler) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	switch outer.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, outer.Challenge)
		return
	case slackevents.CallbackEvent:
	default:
		a.log.Info("slack: event ignored", "type", outer.Type)
		w.WriteHeader(http.StatusOK)
		return
	}
	// The signature is checked; the deprecated verification token is not.
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// An inner event type slack-go does not know: nothing for us.
		a.log.Debug("slack: event not parsed", "error", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	handled := make(chan bool, 1)
	a.event(h, ev, retry, func(ok bool) { handled <- ok })
	timer := time.NewTimer(a.ackBudget)
	defer timer.Stop()
	select {
	case ok := <-handled:
		if ok {
			w.WriteHeader(http.StatusOK)
			return
		}
	case <-timer.C:
		var id string
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			id = cb.EventID
		}
		a.log.Info("slack: event still being handled at the ack budget; Slack is asked to deliver it again", "event_id", id)
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Retry-After", "5")
	http.Error(w, "not handled yet", http.StatusServiceUnavailable)
}

// writeAck writes an acknowledgement: an empty 200 for a nil payload, else
// the payload as JSON.
func writeAck(w http.ResponseWriter, payload any) {
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	b, err := json.Marshal(payload)
	if err != nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
