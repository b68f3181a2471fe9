package discordfake

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Routes of the REST API the fake serves, as FailNext, FailFor, Handle,
// Calls and NextCall name them: the method and the path after /api/v{9,10}.
// FailNext and FailFor also take AnyRoute.
const (
	RouteGateway           = "GET /gateway"
	RouteGatewayBot        = "GET /gateway/bot"
	RouteCurrentUser       = "GET /users/@me"
	RouteGetChannel        = "GET /channels/{channel_id}"
	RouteModifyChannel     = "PATCH /channels/{channel_id}"
	RouteTyping            = "POST /channels/{channel_id}/typing"
	RouteCreateMessage     = "POST /channels/{channel_id}/messages"
	RouteGetMessage        = "GET /channels/{channel_id}/messages/{message_id}"
	RouteEditMessage       = "PATCH /channels/{channel_id}/messages/{message_id}"
	RouteThreadFromMessage = "POST /channels/{channel_id}/messages/{message_id}/threads"
	RouteStartThread       = "POST /channels/{channel_id}/threads" // a forum post when the channel is a forum
	RouteGlobalCommands    = "PUT /applications/{application_id}/commands"
	RouteGuildCommands     = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
	RouteCallback          = "POST /interactions/{interaction_id}/{interaction_token}/callback"
	RouteFollowup          = "POST /webhooks/{application_id}/{interaction_token}"
	RouteEditOriginal      = "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original"
	RouteEditFollowup      = "PATCH /webhooks/{application_id}/{interaction_token}/messages/{message_id}"

	// AnyRoute makes FailNext and FailFor fail whichever route comes next,
	// as during an outage of Discord.
	AnyRoute = "*"
)

// maxBody bounds what the fake reads from one request: Discord's upload
// limit for a bot without boosts.
const maxBody = 25 << 20

// Fault is an error answer as Discord gives it: HTTP Status with the JSON
// body {"message": Message, "code": Code} (and "errors" for Invalid Form
// Body), or, for 429, a rate limit.
type Fault struct {
	Status  int
	Code    int            // Discord's JSON error code; 0 for plain HTTP errors
	Message string         // default: Discord's message for Code, else "<status>: <status text>"
	Errors  map[string]any // the "errors" object of 50035 Invalid Form Body
	// RetryAfter and Global apply to 429 only. RetryAfter defaults to 1 s;
	// Global marks the global rate limit (X-RateLimit-Global), which blocks
	// every route in discordgo.
	RetryAfter time.Duration
	Global     bool
}

// RateLimit is the 429 Discord answers when a bucket is exhausted.
func RateLimit(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// APIError returns Discord's error with a JSON code the fake knows (10003
// Unknown Channel, 50001 Missing Access, 50013 Missing Permissions, 50083
// Thread is archived, ...), with its HTTP status and message; an unknown code
// gets 400.
func APIError(code int) Fault {
	e, ok := knownErrors[code]
	if !ok {
		return Fault{Status: http.StatusBadRequest, Code: code}
	}
	return Fault{Status: e.status, Code: code, Message: e.message}
}

// knownErrors are the JSON error codes the fake answers, with the status and
// message Discord gives them
// (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
var knownErrors = map[int]struct {
	status  int
	message string
}{
	10003:  {404, "Unknown Channel"},
	10004:  {404, "Unknown Guild"},
	10008:  {404, "Unknown Message"},
	10015:  {404, "Unknown Webhook"},
	10062:  {404, "Unknown interaction"},
	40060:  {400, "Interaction has already been acknowledged."},
	50001:  {403, "Missing Access"},
	50005:  {403, "Cannot edit a message authored by another user"},
	50006:  {400, "Cannot send an empty message"},
	50008:  {400, "Cannot send messages in a non-text channel"},
	50013:  {403, "Missing Permissions"},
	50024:  {400, "Cannot execute action on this channel type"},
	50027:  {401, "Invalid Webhook Token"},
	50035:  {400, "Invalid Form Body"},
	50041:  {400, "Invalid API version provided."},
	50083:  {400, "Thread is archived"},
	50109:  {400, "The request body contains invalid JSON."},
	160004: {400, "A thread has already been created for this message"},
}

// outage is a time during which every call of a route fails.
type outage struct {
	Fault
	from, until time.Time
}

// routes serves the REST API under /api/v9/ and /api/v10/, the gateway and,
// for anything else, Discord's 404.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	rest := []struct {
		route string
		auth  bool // needs "Authorization: Bot <token>"; interaction webhooks are authorised by their token
		h     func(w http.ResponseWriter, r *http.Request, body []byte)
	}{
		{RouteGateway, false, s.getGateway},
		{RouteGatewayBot, true, s.getGateway},
		{RouteCurrentUser, true, s.currentUser},
		{RouteGetChannel, true, s.getChannel},
		{RouteModifyChannel, true, s.modifyChannel},
		{RouteTyping, true, s.typing},
		{RouteCreateMessage, true, s.createMessage},
		{RouteGetMessage, true, s.getMessage},
		{RouteEditMessage, true, s.editMessage},
		{RouteThreadFromMessage, true, s.threadFromMessage},
		{RouteStartThread, true, s.startThread},
		{RouteGlobalCommands, true, s.putCommands},
		{RouteGuildCommands, true, s.putCommands},
		{RouteCallback, false, s.callback},
		{RouteFollowup, false, s.followup},
		{RouteEditOriginal, false, s.editWebhookMessage},
		{RouteEditFollowup, false, s.editWebhookMessage},
	}
	for _, e := range rest {
		method, path, _ := strings.Cut(e.route, " ")
		mux.HandleFunc(method+" /api/{version}"+path, s.serveREST(e.route, e.auth, e.h))
	}
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.t.Logf("discordfake: %s %s, which the fake does not implement", r.Method, r.URL.Path)
		writeFault(w, Fault{Status: http.StatusNotFound})
	})
	return mux
}

// statusWriter remembers the status a handler answered, for the journal.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// serveREST wraps a route's handler: check the API version, read the body,
// journal the call, apply an injected fault or override, check the token.
func (s *Server) serveREST(route string, auth bool, h func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		w := &statusWriter{ResponseWriter: rw}
		body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.calls[route]++
		i := len(s.journal)
		s.journal = append(s.journal, Call{Route: route, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body})
		f, faulted := s.popFaultLocked(route)
		override := s.handlers[route]
		authorized := !auth || (strings.HasPrefix(r.Header.Get("Authorization"), "Bot ") && s.validTokenLocked(r.Header.Get("Authorization")))
		s.notifyLocked()
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.journal[i].Status = w.status
			s.notifyLocked()
			s.mu.Unlock()
		}()
		switch v := r.PathValue("version"); {
		case v != "v9" && v != "v10":
			writeFault(w, APIError(50041))
		case err != nil:
			writeFault(w, Fault{Status: http.StatusRequestEntityTooLarge, Code: 40005, Message: "Request entity too large"})
		case faulted:
			writeFault(w, f)
		case override != nil:
			override(w, r)
		case !authorized:
			writeFault(w, Fault{Status: http.StatusUnauthorized})
		default:
			setRateLimitHeaders(w.Header(), route, 5, 4, time.Second)
			h(w, r, body)
		}
	}
}

// popFaultLocked returns the failure a call of route gets: the next one
// FailNext queued for it or for AnyRoute, or the outage FailFor set for now.
// s.mu must be held.
func (s *Server) popFaultLocked(route string) (Fault, bool) {
	for _, key := range []string{route, AnyRoute} {
		if q := s.faults[key]; len(q) > 0 {
			s.faults[key] = q[1:]
			return q[0], true
		}
	}
	now := time.Now()
	for _, key := range []string{route, AnyRoute} {
		q := s.outages[key]
		for len(q) > 0 && !q[0].until.After(now) {
			q = q[1:]
		}
		s.outages[key] = q
		if len(q) > 0 && !q[0].from.After(now) {
			return q[0].Fault, true
		}
	}
	return Fault{}, false
}

// setRateLimitHeaders sets the X-RateLimit-* headers Discord sends on every
// REST answer; discordgo's rate limiter reads Remaining and Reset-After.
func setRateLimitHeaders(h http.Header, route string, limit, remaining int, resetAfter time.Duration) {
	secs := resetAfter.Seconds()
	reset := float64(time.Now().Add(resetAfter).UnixMilli()) / 1000
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%08x", fnv32(route)))
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// writeFault answers f as Discord does.
func writeFault(w http.ResponseWriter, f Fault) {
	if f.Status == http.StatusTooManyRequests {
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		h := w.Header()
		setRateLimitHeaders(h, "rate-limited", 5, 0, ra)
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(ra.Seconds()))))
		h.Set("X-RateLimit-Scope", "user")
		if f.Global {
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
		}
		writeJSON(w, f.Status, map[string]any{
			"message":     cmp.Or(f.Message, "You are being rate limited."),
			"retry_after": ra.Seconds(),
			"global":      f.Global,
		})
		return
	}
	if f.Message == "" {
		if e, ok := knownErrors[f.Code]; ok && f.Code != 0 {
			f.Message = e.message
		} else {
			f.Message = fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status))
		}
	}
	body := map[string]any{"message": f.Message, "code": f.Code}
	if f.Errors != nil {
		body["errors"] = f.Errors
	}
	writeJSON(w, f.Status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// File is an attachment sent as multipart files[n].
type File struct {
	Field       string // "files[0]", ...
	Name        string
	ContentType string
	Data        []byte
	// Description is the alt text payload_json's attachments gave the file.
	Description string
}

// errInvalidJSON is what decodeBody returns for a body Discord would refuse
// with 50109.
var errInvalidJSON = errors.New("invalid JSON")

// decodeBody decodes a JSON body, or a multipart one (payload_json plus
// files[n], as discordgo sends attachments), into v. An empty body leaves v
// as it is.
func decodeBody(r *http.Request, body []byte, v any) ([]File, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, nil
		}
		if json.Unmarshal(body, v) != nil {
			return nil, errInvalidJSON
		}
		return nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var files []File
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, errInvalidJSON
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, errInvalidJSON
		}
		switch name := p.FormName(); {
		case name == "payload_json":
			if json.Unmarshal(data, v) != nil {
				return nil, errInvalidJSON
			}
		case strings.HasPrefix(name, "files["), name == "file":
			files = append(files, File{Field: name, Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
	}
}

// decode is decodeBody that answers Discord's 50109 itself; ok is false
// when it did.
func decode(w http.ResponseWriter, r *http.Request, body []byte, v any) ([]File, bool) {
	files, err := decodeBody(r, body, v)
	if err != nil {
		writeFault(w, APIError(50109))
		return nil, false
	}
	return files, true
}

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request, _ []byte) {
	out := map[string]any{"url": s.GatewayURL()}
	if strings.HasSuffix(r.URL.Path, "/bot") {
		out["shards"] = 1
		out["session_start_limit"] = map[string]any{"total": 1000, "remaining": 999, "reset_after": 86400000, "max_concurrency": 1}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) currentUser(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, http.StatusOK, botUser())
}

func botUser() map[string]any {
	return map[string]any{"id": BotUserID, "username": BotName, "discriminator": "0", "global_name": nil, "avatar": nil, "bot": true}
}

func (s *Server) typing(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	_, f := s.channelLocked(r.PathValue("channel_id"), false)
	s.mu.Unlock()
	if f != nil {
		writeFault(w, *f)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
