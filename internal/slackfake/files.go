package slackfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Slack's external upload, as slack-go's UploadFileContext runs it:
// files.getUploadURLExternal hands out an upload URL and a file id, the
// file's bytes are POSTed to that URL, and files.completeUploadExternal
// shares the file, in a channel (and thread) with blocks or an
// initial_comment, or keeps it private when no channel is given. The upload
// URL is on the fake's own host because slack-go sends the token only to
// an https Slack host or the API URL's host.

// maxAltText is the most characters files.getUploadURLExternal takes in
// alt_txt (https://docs.slack.dev/reference/methods/files.getUploadURLExternal).
const maxAltText = 1000

// File is an uploaded file, as files.getUploadURLExternal, the upload and
// files.completeUploadExternal left it.
type File struct {
	ID    string
	Name  string // filename given to files.getUploadURLExternal
	Title string // title given to files.completeUploadExternal
	Alt   string // alt_txt given to files.getUploadURLExternal
	Data  []byte // the bytes uploaded
	// Channel and ThreadTS are where it was shared; Private is set when it
	// was completed without a channel, which shares it with no one.
	Channel, ThreadTS string
	Private           bool
}

// upload is a file between files.getUploadURLExternal and its completion.
type upload struct {
	File
	length    int
	uploaded  bool
	completed bool
}

// Files returns every completed upload, shared or private, in the order
// files.completeUploadExternal accepted them.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, id := range s.uploadOrder {
		if u := s.uploads[id]; u.completed {
			f := u.File
			f.Data = slices.Clone(f.Data)
			out = append(out, f)
		}
	}
	return out
}

// getUploadURLExternal serves files.getUploadURLExternal: a filename, a
// length in bytes and an optional alt_txt.
func (s *Server) getUploadURLExternal(w http.ResponseWriter, p params) {
	length, err := strconv.Atoi(p["length"])
	switch {
	case p["filename"] == "":
		writeSlackError(w, "invalid_arguments", "missing required field: filename")
		return
	case err != nil || length <= 0:
		writeSlackError(w, "invalid_arguments", "length must be a positive integer")
		return
	case utf8.RuneCountInString(p["alt_txt"]) > maxAltText:
		writeSlackError(w, "invalid_arguments", fmt.Sprintf("alt_txt must be at most %d characters", maxAltText))
		return
	}
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("F%08d", s.seq)
	s.uploads[id] = &upload{File: File{ID: id, Name: p["filename"], Alt: p["alt_txt"]}, length: length}
	s.uploadOrder = append(s.uploadOrder, id)
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "upload_url": s.ts.URL + "/upload/" + id, "file_id": id})
}

// serveUpload takes a file's bytes at the URL files.getUploadURLExternal
// handed out, as a multipart "file" part (slack-go) or as the raw body.
// It is journaled and faulted as "upload_url". Slack does not document its
// answer to a wrong length; the fake refuses it with 400, so that a bot that
// declares one size and sends another is caught.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	s.mu.Lock()
	s.calls["upload_url"]++
	s.journal = append(s.journal, Call{Method: "upload_url", Params: params{"file_id": id}, Body: body})
	f, faulted := s.popFaultLocked("upload_url")
	u := s.uploads[id]
	s.notifyLocked()
	s.mu.Unlock()
	fail := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, msg)
	}
	var data []byte
	if err == nil {
		data, err = uploadedBytes(r.Header.Get("Content-Type"), body)
	}
	switch {
	case faulted:
		writeFault(w, f)
		return
	case r.Method != http.MethodPost:
		fail(http.StatusMethodNotAllowed, "method not allowed")
		return
	case u == nil:
		fail(http.StatusNotFound, "no such upload")
		return
	case err != nil:
		fail(http.StatusBadRequest, "bad upload: "+err.Error())
		return
	case len(data) != u.length:
		fail(http.StatusBadRequest, fmt.Sprintf("uploaded %d bytes, declared %d", len(data), u.length))
		return
	}
	s.mu.Lock()
	u.Data, u.uploaded = data, true
	s.notifyLocked()
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK - %d", len(data))
}

// uploadedBytes is the file in an upload body: its multipart "file" part,
// or the body itself.
func uploadedBytes(contentType string, body []byte) ([]byte, error) {
	ct, ps, _ := mime.ParseMediaType(contentType)
	if ct != "multipart/form-data" {
		return body, nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), ps["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errors.New(`no "file" part`)
		}
		if err != nil {
			return nil, err
		}
		if part.FormName() == "file" {
			return io.ReadAll(part)
		}
	}
}

// completeUploadExternal serves files.completeUploadExternal: files
// (JSON [{id,title}]), and channel_id, thread_ts, blocks or
// initial_comment. A share in a channel is journaled as a Message of this
// method carrying the files, the one message Slack shows.
func (s *Server) completeUploadExternal(w http.ResponseWriter, p params) {
	var list []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(p["files"]), &list); err != nil || len(list) == 0 {
		writeSlackError(w, "invalid_arguments", "files must be a non-empty JSON array of {id, title}")
		return
	}
	channel, thread, comment := p["channel_id"], p["thread_ts"], p["initial_comment"]
	if channel == "" && p["channels"] != "" {
		channel, _, _ = strings.Cut(p["channels"], ",")
	}
	if channel == "" && (thread != "" || comment != "" || p["blocks"] != "") {
		writeSlackError(w, "invalid_arguments", "thread_ts, initial_comment and blocks need a channel")
		return
	}
	if comment != "" && p["blocks"] != "" {
		writeSlackError(w, "invalid_arguments", "initial_comment and blocks are exclusive")
		return
	}
	var blocks json.RawMessage
	if raw := p["blocks"]; raw != "" {
		var bl []any
		if err := json.Unmarshal([]byte(raw), &bl); err != nil {
			writeSlackError(w, "invalid_blocks_format", "blocks must be a JSON array: "+err.Error())
			return
		}
		if errs := checkBlocks(bl, "/blocks", maxMessageBlocks); len(errs) > 0 {
			writeSlackError(w, "invalid_blocks", errs...)
			return
		}
		blocks = json.RawMessage(raw)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if channel != "" && s.channelLocked(channel).IsArchived {
		writeSlackError(w, "is_archived")
		return
	}
	var files []File
	for _, f := range list {
		u := s.uploads[f.ID]
		if u == nil || !u.uploaded || u.completed {
			writeSlackError(w, "file_not_found", "no uploaded, uncompleted file "+f.ID)
			return
		}
		files = append(files, u.File)
	}
	answer := make([]map[string]any, len(list))
	for i, f := range list {
		u := s.uploads[f.ID]
		u.completed, u.Title = true, f.Title
		u.Channel, u.ThreadTS, u.Private = channel, thread, channel == ""
		files[i] = u.File
		files[i].Data = slices.Clone(u.Data)
		answer[i] = map[string]any{"id": f.ID, "title": f.Title}
	}
	if channel != "" {
		m := Message{Method: "files.completeUploadExternal", Channel: channel, TS: s.newTSLocked(), ThreadTS: thread,
			Text: comment, Blocks: blocks, Files: files, Params: p}
		s.messages = append(s.messages, m)
	}
	s.notifyLocked()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "files": answer})
}
