package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxBody bounds what the fake reads from one request; Slack's own limits
// are far below it.
const maxBody = 4 << 20

// maxTextLen is the longest message text chat.postMessage accepts.
const maxTextLen = 40000

type params map[string]string

// serveAPI answers one Web API call: count it, apply an injected failure,
// parse form or JSON parameters, check the token, then run the method.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	var p params
	if err == nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		p, err = readParams(r)
		r.Body = io.NopCloser(bytes.NewReader(body)) // for a Handle override
	}
	token := p["token"]
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = strings.TrimSpace(h)
	}
	delete(p, "token")
	s.mu.Lock()
	s.calls[method]++
	s.journal = append(s.journal, Call{Method: method, Params: p, Body: body})
	f, faulted := s.popFaultLocked(method)
	override, refused := s.handlers[method], s.refused[token]
	s.notifyLocked()
	s.mu.Unlock()
	switch {
	case faulted:
		writeFault(w, f)
		return
	case override != nil:
		override(w, r)
		return
	case err != nil:
		writeSlackError(w, "invalid_form_data", err.Error())
		return
	case refused:
		writeSlackError(w, "invalid_auth")
		return
	}

	var handle func(http.ResponseWriter, params)
	switch method {
	case "auth.test":
		handle = s.authTest
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		handle = func(w http.ResponseWriter, p params) { s.chat(w, method, p) }
	case "views.open":
		handle = s.viewsOpen
	case "conversations.info":
		handle = s.conversationsInfo
	case "users.info":
		handle = s.usersInfo
	case "usergroups.list":
		handle = s.userGroupsList
	case "apps.connections.open":
		handle = s.appsConnectionsOpen
	case "files.getUploadURLExternal":
		handle = s.getUploadURLExternal
	case "files.completeUploadExternal":
		handle = s.completeUploadExternal
	default:
		s.t.Logf("slackfake: the bot called %s, which the fake does not implement", method)
		writeSlackError(w, "unknown_method")
		return
	}
	if code := checkToken(method, token); code != "" {
		writeSlackError(w, code)
		return
	}
	handle(w, p)
}

// checkToken returns the Slack error code for a token that may not call
// method, or "" if it may. Socket Mode's apps.connections.open takes the
// app-level token; every other method here takes the bot token.
func checkToken(method, token string) string {
	want, other := "xoxb-", "xapp-"
	if method == "apps.connections.open" {
		want, other = other, want
	}
	switch {
	case token == "":
		return "not_authed"
	case strings.HasPrefix(token, want):
		return ""
	case strings.HasPrefix(token, other), strings.HasPrefix(token, "xoxp-"):
		return "not_allowed_token_type"
	default:
		return "invalid_auth"
	}
}

// popFaultLocked returns the failure a call of method gets: the next one
// FailNext queued, or the outage FailFor set for now. s.mu must be held.
func (s *Server) popFaultLocked(method string) (fault, bool) {
	if q := s.faults[method]; len(q) > 0 {
		s.faults[method] = q[1:]
		return q[0], true
	}
	now := time.Now()
	q := s.outages[method]
	for len(q) > 0 && !q[0].until.After(now) {
		q = q[1:]
	}
	s.outages[method] = q
	if len(q) > 0 && !q[0].from.After(now) {
		return q[0].fault, true
	}
	return fault{}, false
}

func writeFault(w http.ResponseWriter, f fault) {
	switch {
	case f.code != "":
		writeSlackError(w, f.code)
	case f.status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
	default:
		// Slack answers 5xx with an HTML page, which slack-go does not parse.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.status)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.status, http.StatusText(f.status))
	}
}

// readParams flattens a form (query, urlencoded or multipart) or a JSON
// object body into name -> value. JSON strings are unquoted; other JSON
// values keep their JSON text, as if sent as a form field.
func readParams(r *http.Request) (params, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		var obj map[string]json.RawMessage
		// apps.connections.open comes as a JSON POST with no body at all.
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &obj); err != nil {
				return nil, fmt.Errorf("decode JSON body: %w", err)
			}
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				p[k] = str
			} else {
				p[k] = string(raw)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	}
	return p, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeSlackError answers HTTP 200 {"ok":false,"error":code} as Slack does,
// with detail lines in response_metadata.messages.
func writeSlackError(w http.ResponseWriter, code string, details ...string) {
	body := map[string]any{"ok": false, "error": code}
	if len(details) > 0 {
		msgs := make([]string, len(details))
		for i, d := range details {
			msgs[i] = "[ERROR] " + d
		}
		body["response_metadata"] = map[string]any{"messages": msgs}
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) authTest(w http.ResponseWriter, _ params) {
	writeJSON(w, http.StatusOK, map[string]any{
		"ok":                    true,
		"url":                   "https://" + TeamDomain + ".slack.com/",
		"team":                  "Disputedesk Test",
		"user":                  "disputedesk",
		"team_id":               TeamID,
		"user_id":               BotUserID,
		"bot_id":                BotID,
		"is_enterprise_install": false,
	})
}

// chat serves chat.postMessage, chat.postEphemeral and chat.update.
func (s *Server) chat(w http.ResponseWriter, method string, p params) {
	channel, text, rawBlocks := p["channel"], p["text"], p["blocks"]
	if channel == "" {
		writeSlackError(w, "channel_not_found")
		return
	}
	if text == "" && rawBlocks == "" && p["attachments"] == "" {
		writeSlackError(w, "no_text")
		return
	}
	if utf8.RuneCountInString(text) > maxTextLen {
		writeSlackError(w, "msg_too_long")
		return
	}
	var blocks json.RawMessage
	if rawBlocks != "" {
		var list []any
		if err := json.Unmarshal([]byte(rawBlocks), &list); err != nil {
			writeSlackError(w, "invalid_blocks_format", "blocks must be a JSON array: "+err.Error())
			return
		}
		if errs := checkBlocks(list, "/blocks", maxMessageBlocks); len(errs) > 0 {
			writeSlackError(w, "invalid_blocks", errs...)
			return
		}
		blocks = json.RawMessage(rawBlocks)
	}
	if method == "chat.postEphemeral" && p["user"] == "" {
		writeSlackError(w, "user_not_found")
		return
	}

	// A post to a user ID lands in the app's DM with that user, and Slack
	// answers with the DM channel's ID.
	if method != "chat.update" && (strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W")) {
		channel = "D" + channel[1:]
	}

	m := Message{Method: method, Channel: channel, ThreadTS: p["thread_ts"], Text: text, Blocks: blocks, Params: p}
	if code := s.record(&m, p["ts"]); code != "" {
		writeSlackError(w, code)
		return
	}
	if method == "chat.postEphemeral" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "message_ts": m.TS})
		return
	}
	msg := map[string]any{
		"type": "message", "text": text, "user": BotUserID, "bot_id": BotID,
		"app_id": AppID, "team": TeamID, "ts": m.TS,
	}
	if m.ThreadTS != "" {
		msg["thread_ts"] = m.ThreadTS
	}
	if blocks != nil {
		msg["blocks"] = blocks
	}
	resp := map[string]any{"ok": true, "channel": channel, "ts": m.TS, "message": msg}
	if method == "chat.update" {
		resp["text"] = text
	}
	writeJSON(w, http.StatusOK, resp)
}

// record stores an accepted chat message, giving it its ts, or returns the
// Slack error code that refuses it. updateTS is the ts chat.update edits.
func (s *Server) record(m *Message, updateTS string) (code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channelLocked(m.Channel); c.IsArchived {
		return "is_archived"
	}
	switch m.Method {
	case "chat.update":
		orig, ok := s.posted[m.Channel+"/"+updateTS]
		if !ok {
			return "message_not_found"
		}
		m.TS, m.ThreadTS = orig.TS, orig.ThreadTS
		*orig = *m
	case "chat.postEphemeral":
		m.TS, m.User = s.newTSLocked(), m.Params["user"]
	default:
		m.TS = s.newTSLocked()
		stored := *m
		s.posted[m.Channel+"/"+m.TS] = &stored
	}
	s.messages = append(s.messages, *m)
	s.notifyLocked()
	return ""
}

func (s *Server) viewsOpen(w http.ResponseWriter, p params) {
	trigger := p["trigger_id"]
	if trigger == "" {
		writeSlackError(w, "invalid_trigger_id")
		return
	}
	if issued, ok := triggerIssued(trigger); ok && time.Since(issued) > TriggerTTL {
		writeSlackError(w, "expired_trigger_id",
			fmt.Sprintf("trigger_id was issued %v ago; Slack accepts it for %v", time.Since(issued).Round(time.Millisecond), TriggerTTL))
		return
	}
	var view map[string]any
	if err := json.Unmarshal([]byte(p["view"]), &view); err != nil {
		writeSlackError(w, "invalid_arguments", "view must be a JSON object [json-pointer:/view]")
		return
	}
	if errs := checkModal(view); len(errs) > 0 {
		writeSlackError(w, "invalid_arguments", errs...)
		return
	}

	s.mu.Lock()
	exchanged := s.triggers[trigger]
	var id string
	if !exchanged {
		s.triggers[trigger] = true
		s.views = append(s.views, json.RawMessage(p["view"]))
		s.seq++
		id = fmt.Sprintf("V%08d", s.seq)
		s.notifyLocked()
	}
	s.mu.Unlock()
	if exchanged {
		writeSlackError(w, "exchanged_trigger_id")
		return
	}

	view["id"] = id
	view["team_id"] = TeamID
	view["app_id"] = AppID
	view["bot_id"] = BotID
	view["root_view_id"] = id
	view["previous_view_id"] = nil
	view["app_installed_team_id"] = TeamID
	view["hash"] = fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(4))
	view["state"] = map[string]any{"values": map[string]any{}}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "view": view})
}

func (s *Server) conversationsInfo(w http.ResponseWriter, p params) {
	if p["channel"] == "" {
		writeSlackError(w, "channel_not_found")
		return
	}
	s.mu.Lock()
	c := s.channelLocked(p["channel"])
	s.mu.Unlock()
	isIM := strings.HasPrefix(c.ID, "D")
	ch := map[string]any{
		"id": c.ID, "name": c.Name, "is_channel": !isIM && !c.IsPrivate, "is_group": c.IsPrivate,
		"is_im": isIM, "is_mpim": false, "is_private": c.IsPrivate || isIM, "is_archived": c.IsArchived,
		"is_member": true, "is_general": false, "created": 1700000000, "creator": UserID,
		"context_team_id": TeamID, "name_normalized": c.Name,
		"topic":   map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose": map[string]any{"value": "", "creator": "", "last_set": 0},
	}
	if isIM {
		ch["user"] = UserID
		delete(ch, "name")
	}
	if p["include_locale"] == "true" {
		ch["locale"] = "en-US"
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": ch})
}

// channelLocked returns the channel added with AddChannel, or defaults.
func (s *Server) channelLocked(id string) Channel {
	c, ok := s.channels[id]
	if !ok {
		c = Channel{ID: id, IsPrivate: strings.HasPrefix(id, "G")}
	}
	if c.Name == "" {
		c.Name = channelName(id)
	}
	return c
}

func (s *Server) usersInfo(w http.ResponseWriter, p params) {
	id := p["user"]
	if id == "" {
		writeSlackError(w, "user_not_found")
		return
	}
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		u = User{ID: id, IsBot: id == BotUserID}
	}
	if u.Name == "" {
		u.Name = userName(id)
	}
	if u.RealName == "" {
		u.RealName = u.Name
	}
	if u.Locale == "" {
		u.Locale = "en-US"
	}
	if u.TZ == "" {
		u.TZ = "UTC"
	}
	offset := 0
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		_, offset = time.Now().In(loc).Zone()
	}
	user := map[string]any{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "real_name": u.RealName, "deleted": false,
		"tz": u.TZ, "tz_label": u.TZ, "tz_offset": offset, "is_bot": u.IsBot, "is_admin": false,
		"is_app_user": false, "updated": 1700000000,
		"profile": map[string]any{"real_name": u.RealName, "display_name": u.Name, "team": TeamID},
	}
	if p["include_locale"] == "true" {
		user["locale"] = u.Locale
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": user})
}

func (s *Server) appsConnectionsOpen(w http.ResponseWriter, _ params) {
	ticket := randomHex(16)
	s.mu.Lock()
	s.tickets[ticket] = true
	s.mu.Unlock()
	url := "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/socket?ticket=" + ticket + "&app_id=" + AppID
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": url})
}
