package discordfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// Interaction types
// (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type).
const (
	InteractionPing         = 1
	InteractionCommand      = 2
	InteractionComponent    = 3
	InteractionAutocomplete = 4
	InteractionModalSubmit  = 5
)

// Timing rules Discord enforces that the fake enforces too.
const (
	// CallbackDeadline is how long after it was sent an interaction takes
	// its callback; later ones answer 404 10062 Unknown interaction.
	CallbackDeadline = 3 * time.Second
	// TokenTTL is how long an interaction's token serves follow-ups and
	// edits of the original response; later ones answer 401 50027.
	TokenTTL = 15 * time.Minute
)

// allowedResponses are the callback types each interaction type takes.
var allowedResponses = map[int][]int{
	InteractionPing:         {1},
	InteractionCommand:      {4, 5, 9},
	InteractionComponent:    {4, 5, 6, 7, 9},
	InteractionAutocomplete: {8},
	InteractionModalSubmit:  {4, 5, 6, 7},
}

// Response is one answer to an interaction, in the order the fake got them.
type Response struct {
	InteractionID string
	// Kind is "callback" (POST /interactions/{id}/{token}/callback), "http"
	// (the bot's answer to a signed HTTP interaction), "edit_original",
	// "followup" or "edit_followup".
	Kind string
	// Type is the callback type: 1 pong, 4 message, 5 deferred message,
	// 6 deferred update, 7 update message, 8 autocomplete, 9 modal; 0 for
	// webhooks.
	Type    int
	Body    json.RawMessage // as sent (payload_json when multipart)
	Message *Message        // the message it created or edited, if any
	Choices []Choice        // type 8
	Modal   *Modal          // type 9
}

// Modal is the modal a type 9 callback opened.
type Modal struct {
	Title, CustomID string
	Components      []Component // action rows of text inputs
}

// interaction is an interaction the fake sent, by HTTP or the gateway.
type interaction struct {
	id, token, channelID, guildID string
	typ                           int
	messageID                     string // the message a component was on
	sent                          time.Time
	acked                         bool
	original                      string   // message ID of @original, once there is one
	followups                     []string // message IDs
}

// registerLocked remembers an interaction payload the fake is about to send,
// so that its callback and webhooks are accepted. s.mu must be held.
func (s *Server) registerLocked(p map[string]any) *interaction {
	str := func(v any) string { s, _ := v.(string); return s }
	in := &interaction{id: str(p["id"]), token: str(p["token"]), channelID: str(p["channel_id"]), guildID: str(p["guild_id"]), sent: time.Now()}
	switch t := p["type"].(type) {
	case int:
		in.typ = t
	case float64:
		in.typ = int(t)
	}
	if m, ok := p["message"].(map[string]any); ok {
		in.messageID = str(m["id"])
		// A component on one of the bot's messages carries that message.
		if known, ok := s.messages[in.messageID]; ok {
			p["message"] = s.messageObjectLocked(known)
		}
	}
	s.interactions[in.id] = in
	s.tokens[in.token] = in
	return in
}

// callbackBody is what POST .../callback and an HTTP interaction's answer
// carry.
type callbackBody struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
}

// callback is POST /interactions/{id}/{token}/callback.
func (s *Server) callback(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(cb *callbackBody, files []File) (any, *Fault) {
		in, known := s.interactions[r.PathValue("interaction_id")]
		switch {
		case !known || in.token != r.PathValue("interaction_token") || time.Since(in.sent) > CallbackDeadline:
			return nil, fault(10062)
		case in.acked:
			return nil, fault(40060)
		}
		return nil, s.respondLocked(RouteCallback, "callback", in, *cb, files, body)
	})
}

// respondLocked applies an interaction's first answer, a callback or the
// answer to an HTTP POST. s.mu must be held.
func (s *Server) respondLocked(route, kind string, in *interaction, cb callbackBody, files []File, body []byte) *Fault {
	var m wireMessage
	if len(cb.Data) > 0 && json.Unmarshal(cb.Data, &m) != nil {
		return fault(50109)
	}
	ck := &checker{route: route}
	if !slices.Contains(allowedResponses[in.typ], cb.Type) {
		ck.count("type", ruleResponseType, 1)
	}
	switch cb.Type {
	case 4, 7:
		ck.message("data", &m)
	case 8:
		if m.Choices != nil {
			ck.choices("data.choices", ruleChoices, *m.Choices)
		}
	case 9:
		ck.modal("data", &m)
	}
	if f := s.violatedLocked(ck); f != nil {
		return f
	}
	if cb.Type == 4 || cb.Type == 7 {
		var kept []File
		if cur, ok := s.messages[in.messageID]; ok && cb.Type == 7 {
			kept = cur.Files
		}
		if f := s.filesLocked(route, "data", &m, files, kept); f != nil {
			return f
		}
	}
	if cb.Type == 4 && m.empty(len(files)) {
		return fault(50006)
	}
	resp := Response{InteractionID: in.id, Kind: kind, Type: cb.Type, Body: rawBody(body)}
	switch cb.Type {
	case 4:
		msg := s.newMessageLocked(s.newIDLocked(), in.channelID, &m, files, body)
		msg.InteractionID = in.id
		in.original = msg.ID
		s.recordLocked(msg)
		resp.Message = msg
	case 5:
		// The "thinking" placeholder: edited into the answer later.
		msg := s.newMessageLocked(s.newIDLocked(), in.channelID, &m, nil, body)
		msg.InteractionID = in.id
		in.original = msg.ID
		s.messages[msg.ID] = msg
	case 6:
		in.original = in.messageID
	case 7:
		cur, ok := s.messages[in.messageID]
		if !ok {
			cur = &Message{ID: in.messageID, ChannelID: in.channelID, GuildID: in.guildID}
		}
		next := *cur
		next.Op, next.Body, next.Files = "edit", rawBody(body), files
		m.apply(&next)
		s.recordLocked(&next)
		in.original = next.ID
		resp.Message = &next
	case 8:
		if m.Choices != nil {
			resp.Choices = *m.Choices
		}
	case 9:
		resp.Modal = &Modal{Title: m.Title, CustomID: m.CustomID}
		if m.Components != nil {
			resp.Modal.Components = *m.Components
		}
	}
	in.acked = true
	s.responses = append(s.responses, resp)
	return nil
}

// webhookLocked finds the interaction of an interaction webhook: the
// application must be AppID (10015) and the token one the fake handed out
// within TokenTTL (50027). s.mu must be held.
func (s *Server) webhookLocked(r *http.Request) (*interaction, *Fault) {
	if r.PathValue("application_id") != AppID {
		return nil, fault(10015)
	}
	in, ok := s.tokens[r.PathValue("interaction_token")]
	if !ok || time.Since(in.sent) > TokenTTL {
		return nil, fault(50027)
	}
	return in, nil
}

// followup is POST /webhooks/{app}/{token}: a follow-up message, answered
// with the message when ?wait=true and 204 otherwise. An interaction that
// has not been answered yet has no webhook (10015).
func (s *Server) followup(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(m *wireMessage, files []File) (any, *Fault) {
		in, f := s.webhookLocked(r)
		if f != nil {
			return nil, f
		}
		if !in.acked {
			return nil, fault(10015)
		}
		msg, f := s.postLocked(RouteFollowup, in.channelID, in.id, m, files, body)
		if f != nil {
			return nil, f
		}
		in.followups = append(in.followups, msg.ID)
		s.responses = append(s.responses, Response{InteractionID: in.id, Kind: "followup", Body: rawBody(body), Message: msg})
		if r.URL.Query().Get("wait") != "true" {
			return nil, nil
		}
		return s.messageObjectLocked(msg), nil
	})
}

// editWebhookMessage is PATCH /webhooks/{app}/{token}/messages/@original
// or /{message_id} (a follow-up).
func (s *Server) editWebhookMessage(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(m *wireMessage, files []File) (any, *Fault) {
		in, f := s.webhookLocked(r)
		if f != nil {
			return nil, f
		}
		id, kind, route := in.original, "edit_original", RouteEditOriginal
		if mid := r.PathValue("message_id"); mid != "" {
			id, kind, route = mid, "edit_followup", RouteEditFollowup
			if !slices.Contains(in.followups, mid) {
				id = ""
			}
		}
		cur, ok := s.messages[id]
		if id == "" || !ok {
			return nil, fault(10008)
		}
		out, f := s.editLocked(route, s.channels[cur.ChannelID], cur, m, files, body)
		if f != nil {
			return nil, f
		}
		edited := s.posted[len(s.posted)-1]
		edited.InteractionID = in.id
		s.responses = append(s.responses, Response{InteractionID: in.id, Kind: kind, Body: rawBody(body), Message: &edited})
		return out, nil
	})
}
