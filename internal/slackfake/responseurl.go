package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ResponseURL returns a fresh response_url. Posts to it are recorded (see
// Responses) and answered as Slack does: up to ResponseURLUses posts, each
// a JSON message with text or blocks.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	path := fmt.Sprintf("/response/%d-%s", s.seq, randomHex(6))
	s.respURLs[path] = 0
	return s.ts.URL + path
}

// serveResponseURL records a post to a response URL. Errors are plain-text
// 4xx answers, as on hooks.slack.com.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	s.mu.Lock()
	s.calls["response_url"]++
	s.journal = append(s.journal, Call{Method: "response_url", Body: body})
	f, faulted := s.popFaultLocked("response_url")
	uses, issued := s.respURLs[r.URL.Path]
	s.notifyLocked()
	s.mu.Unlock()
	if faulted {
		writeFault(w, f)
		return
	}
	fail := func(status int, code string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, code)
	}
	switch {
	case r.Method != http.MethodPost:
		fail(http.StatusMethodNotAllowed, "invalid_method")
		return
	case !issued:
		fail(http.StatusNotFound, "expired_url")
		return
	case uses >= ResponseURLUses:
		fail(http.StatusNotFound, "used_url")
		return
	case err != nil:
		fail(http.StatusBadRequest, "invalid_payload")
		return
	}
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		fail(http.StatusBadRequest, "invalid_payload")
		return
	}
	text, _ := msg["text"].(string)
	blocks, hasBlocks := msg["blocks"].([]any)
	if del, _ := msg["delete_original"].(bool); !del && text == "" && len(blocks) == 0 {
		fail(http.StatusBadRequest, "no_text")
		return
	}
	if hasBlocks {
		if errs := checkBlocks(blocks, "/blocks", maxMessageBlocks); len(errs) > 0 {
			fail(http.StatusBadRequest, "invalid_blocks\n"+strings.Join(errs, "\n"))
			return
		}
	}

	s.mu.Lock()
	s.respURLs[r.URL.Path]++
	s.responses = append(s.responses, response{url: s.ts.URL + r.URL.Path, body: bytes.TrimSpace(body)})
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}
