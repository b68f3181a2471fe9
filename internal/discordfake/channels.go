package discordfake

import (
	"cmp"
	"net/http"
	"slices"
	"time"
)

// serveBody decodes the body into a fresh T (answering 50109 if it cannot)
// and answers fn's result, which runs under s.mu, as locked does.
func serveBody[T any](s *Server, w http.ResponseWriter, r *http.Request, body []byte, fn func(v *T, files []File) (any, *Fault)) {
	var v T
	files, ok := decode(w, r, body, &v)
	if !ok {
		return
	}
	s.locked(w, func() (any, *Fault) { return fn(&v, files) })
}

// locked runs fn under s.mu and answers its result: the fault, 204 for a
// nil body, else 200 with the body as JSON.
func (s *Server) locked(w http.ResponseWriter, fn func() (any, *Fault)) {
	s.mu.Lock()
	out, f := fn()
	s.notifyLocked()
	s.mu.Unlock()
	switch {
	case f != nil:
		writeFault(w, *f)
	case out == nil:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func fault(code int) *Fault { f := APIError(code); return &f }

// channelLocked finds a channel or thread the bot may use: 10003 if the
// fake does not know it, 50001 if it (or a thread's parent) is Hidden, and,
// when write is set, 50013 if it is ReadOnly. s.mu must be held.
func (s *Server) channelLocked(id string, write bool) (*channel, *Fault) {
	c, ok := s.channels[id]
	if !ok {
		return nil, fault(10003)
	}
	access := c
	if c.thread {
		access = s.channels[c.parentID]
	}
	switch {
	case access.Hidden:
		return nil, fault(50001)
	case write && access.ReadOnly:
		return nil, fault(50013)
	}
	return c, nil
}

// threadStart is the body of both thread routes; Message is a forum post's
// first message.
type threadStart struct {
	Name                string       `json:"name"`
	AutoArchiveDuration int          `json:"auto_archive_duration"`
	Type                *int         `json:"type"`
	AppliedTags         []string     `json:"applied_tags"`
	Message             *wireMessage `json:"message"`
}

func (c *checker) autoArchive(path string, minutes int) {
	if minutes != 0 && !slices.Contains([]int{60, 1440, 4320, 10080}, minutes) {
		c.count(path, ruleAutoArchive, 1)
	}
}

// newThreadLocked adds a thread of parent with the given ID. s.mu must be
// held.
func (s *Server) newThreadLocked(id string, parent *channel, ts threadStart, typ int) *channel {
	th := &channel{
		Channel:     Channel{ID: id, GuildID: parent.GuildID, Name: ts.Name, Type: typ},
		parentID:    parent.ID,
		thread:      true,
		autoArchive: cmp.Or(ts.AutoArchiveDuration, 1440),
		applied:     slices.Clone(ts.AppliedTags),
	}
	s.channels[id] = th
	s.threads = append(s.threads, id)
	return th
}

// threadFromMessage is POST /channels/{c}/messages/{m}/threads: the thread
// takes the message's ID, as on Discord.
func (s *Server) threadFromMessage(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(ts *threadStart, _ []File) (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), true)
		if f != nil {
			return nil, f
		}
		mid := r.PathValue("message_id")
		if c.thread || c.Type != ChannelText {
			return nil, fault(50024)
		}
		if !s.messageInLocked(mid, c.ID) {
			return nil, fault(10008)
		}
		if _, exists := s.channels[mid]; exists {
			return nil, fault(160004)
		}
		ck := &checker{route: RouteThreadFromMessage}
		ck.text("name", ruleThreadName, ts.Name)
		ck.autoArchive("auto_archive_duration", ts.AutoArchiveDuration)
		if f := s.violatedLocked(ck); f != nil {
			return nil, f
		}
		th := s.newThreadLocked(mid, c, *ts, PublicThread)
		th.starter = mid
		return s.channelObjectLocked(th), nil
	})
}

// startThread is POST /channels/{c}/threads: a forum post (with its first
// message) in a forum, else a thread without a starter message, private
// unless the body says type 11, as the v9 API defaults.
func (s *Server) startThread(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(ts *threadStart, files []File) (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), true)
		if f != nil {
			return nil, f
		}
		if c.thread {
			return nil, fault(50024)
		}
		forum := c.Type == ChannelForum
		ck := &checker{route: RouteStartThread}
		ck.text("name", ruleThreadName, ts.Name)
		ck.autoArchive("auto_archive_duration", ts.AutoArchiveDuration)
		if forum {
			if ts.Message == nil {
				f := APIError(50035)
				f.Errors = map[string]any{"message": map[string]any{"_errors": []any{
					map[string]any{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}}}}
				return nil, &f
			}
			ck.applied("applied_tags", ts.AppliedTags, c.Tags)
			ck.message("message", ts.Message)
		}
		if f := s.violatedLocked(ck); f != nil {
			return nil, f
		}
		if forum {
			if f := s.filesLocked(RouteStartThread, "message", ts.Message, files, nil); f != nil {
				return nil, f
			}
		}
		if forum && ts.Message.empty(len(files)) {
			return nil, fault(50006)
		}
		typ := PrivateThread
		if ts.Type != nil {
			typ = *ts.Type
		}
		if forum {
			typ = PublicThread
		}
		th := s.newThreadLocked(s.newIDLocked(), c, *ts, typ)
		out := s.channelObjectLocked(th)
		if forum {
			// A forum post's first message has the post's ID.
			m := s.newMessageLocked(th.ID, th.ID, ts.Message, files, body)
			th.starter = m.ID
			s.recordLocked(m)
			out["message"] = s.messageObjectLocked(m)
		}
		return out, nil
	})
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.locked(w, func() (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), false)
		if f != nil {
			return nil, f
		}
		return s.channelObjectLocked(c), nil
	})
}

// channelEdit is the body of PATCH /channels/{id}, the fields the fake acts on.
type channelEdit struct {
	Name                *string   `json:"name"`
	Archived            *bool     `json:"archived"`
	Locked              *bool     `json:"locked"`
	AutoArchiveDuration *int      `json:"auto_archive_duration"`
	AppliedTags         *[]string `json:"applied_tags"`
	AvailableTags       *[]Tag    `json:"available_tags"`
}

// modifyChannel is PATCH /channels/{id}: rename, archive, lock and tag a
// thread, or set a forum's available tags. An archived thread takes nothing
// but being unarchived (archived: false, with any other change) and answers
// 50083 otherwise.
func (s *Server) modifyChannel(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(e *channelEdit, _ []File) (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), true)
		if f != nil {
			return nil, f
		}
		unarchive := e.Archived != nil && !*e.Archived
		others := e.Name != nil || e.Locked != nil || e.AppliedTags != nil || e.AutoArchiveDuration != nil
		if c.thread && c.archived && !unarchive && others {
			return nil, fault(50083)
		}
		ck := &checker{route: RouteModifyChannel}
		if e.Name != nil {
			ck.text("name", ruleThreadName, *e.Name)
		}
		if e.AutoArchiveDuration != nil {
			ck.autoArchive("auto_archive_duration", *e.AutoArchiveDuration)
		}
		var parent *channel
		if c.thread {
			parent = s.channels[c.parentID]
		}
		if e.AppliedTags != nil {
			if parent == nil || parent.Type != ChannelForum {
				return nil, fault(50024)
			}
			ck.applied("applied_tags", *e.AppliedTags, parent.Tags)
		}
		if e.AvailableTags != nil {
			if c.Type != ChannelForum {
				return nil, fault(50024)
			}
			ck.tags("available_tags", *e.AvailableTags)
		}
		if f := s.violatedLocked(ck); f != nil {
			return nil, f
		}
		if e.Name != nil {
			c.Name = *e.Name
		}
		if e.Archived != nil && c.thread {
			c.archived = *e.Archived
		}
		if e.Locked != nil && c.thread {
			c.locked = *e.Locked
		}
		if e.AutoArchiveDuration != nil {
			c.autoArchive = *e.AutoArchiveDuration
		}
		if e.AppliedTags != nil {
			c.applied = slices.Clone(*e.AppliedTags)
		}
		if e.AvailableTags != nil {
			tags := slices.Clone(*e.AvailableTags)
			for i := range tags {
				if tags[i].ID == "" {
					tags[i].ID = s.newIDLocked()
				}
			}
			c.Tags = tags
		}
		return s.channelObjectLocked(c), nil
	})
}

// channelObjectLocked is the channel object Discord answers. s.mu must be
// held.
func (s *Server) channelObjectLocked(c *channel) map[string]any {
	out := map[string]any{
		"id": c.ID, "type": c.Type, "guild_id": c.GuildID, "name": c.Name,
		"flags": 0, "parent_id": nil, "nsfw": false, "rate_limit_per_user": 0,
	}
	if c.Type == ChannelForum {
		out["available_tags"] = nonNil(c.Tags)
		out["default_auto_archive_duration"] = 1440
	}
	if c.thread {
		out["parent_id"] = c.parentID
		out["owner_id"] = BotUserID
		out["applied_tags"] = nonNil(c.applied)
		out["message_count"], out["member_count"] = 0, 1
		out["thread_metadata"] = map[string]any{
			"archived": c.archived, "locked": c.locked, "auto_archive_duration": c.autoArchive,
			"archive_timestamp": time.Now().UTC().Format(time.RFC3339Nano), "invitable": false,
		}
	}
	return out
}
