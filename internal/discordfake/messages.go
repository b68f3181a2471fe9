package discordfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// newMessageLocked makes the bot's message id in channelID from m, placed
// in its thread and parent when channelID is a thread. It is not recorded
// yet. s.mu must be held.
func (s *Server) newMessageLocked(id, channelID string, m *wireMessage, files []File, body []byte) *Message {
	msg := &Message{Op: "create", ID: id, ChannelID: channelID, Files: files, Body: rawBody(body), Timestamp: time.Now().UTC()}
	if c, ok := s.channels[channelID]; ok {
		msg.GuildID = c.GuildID
		if c.thread {
			msg.ThreadID, msg.ParentID = c.ID, c.parentID
		}
	}
	m.apply(msg)
	return msg
}

// rawBody keeps the JSON of a body, or nil for a multipart one (whose JSON
// part was decoded).
func rawBody(body []byte) json.RawMessage {
	if json.Valid(body) {
		return slices.Clone(body)
	}
	return nil
}

// recordLocked stores msg as the message's current state, journals it, and
// echoes a bot's new channel message on the gateway as MESSAGE_CREATE, as
// Discord does (the bot must ignore its own messages). s.mu must be held.
func (s *Server) recordLocked(msg *Message) {
	cur := *msg
	s.messages[msg.ID] = &cur
	s.posted = append(s.posted, *msg)
	if msg.Op == "create" && !msg.Ephemeral {
		s.dispatchLocked("MESSAGE_CREATE", s.messageObjectLocked(msg))
	}
}

// messageInLocked reports whether the message id, the bot's or one a test
// dispatched, is in channel. s.mu must be held.
func (s *Server) messageInLocked(id, channel string) bool {
	if m, ok := s.messages[id]; ok {
		return m.ChannelID == channel
	}
	return s.userMessages[id] == channel
}

// writableThreadLocked applies Discord's rule for a post into a thread: an
// archived thread is unarchived by the post unless it is locked, which
// answers 50083. s.mu must be held.
func writableThreadLocked(c *channel) *Fault {
	if !c.thread || !c.archived {
		return nil
	}
	if c.locked {
		return fault(50083)
	}
	c.archived = false
	return nil
}

// createMessage is POST /channels/{c}/messages.
func (s *Server) createMessage(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(m *wireMessage, files []File) (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), true)
		if f != nil {
			return nil, f
		}
		if c.Type == ChannelForum {
			return nil, fault(50008)
		}
		msg, f := s.postLocked(RouteCreateMessage, c.ID, "", m, files, body)
		if f != nil {
			return nil, f
		}
		return s.messageObjectLocked(msg), nil
	})
}

// postLocked posts the bot's new message m into channelID, for a REST post
// or an interaction's follow-up: the limits, 50006 for an empty message, and
// the archived thread rule, then the message is recorded. s.mu must be
// held.
func (s *Server) postLocked(route, channelID, interactionID string, m *wireMessage, files []File, body []byte) (*Message, *Fault) {
	ck := &checker{route: route}
	ck.message("", m)
	if f := s.violatedLocked(ck); f != nil {
		return nil, f
	}
	if f := s.filesLocked(route, "", m, files, nil); f != nil {
		return nil, f
	}
	if m.empty(len(files)) {
		return nil, fault(50006)
	}
	if c, ok := s.channels[channelID]; ok {
		if f := writableThreadLocked(c); f != nil {
			return nil, f
		}
	}
	msg := s.newMessageLocked(s.newIDLocked(), channelID, m, files, body)
	msg.InteractionID = interactionID
	s.recordLocked(msg)
	return msg, nil
}

// editMessage is PATCH /channels/{c}/messages/{m}. A message in an archived
// thread takes no edit (50083); another user's message answers 50005.
func (s *Server) editMessage(w http.ResponseWriter, r *http.Request, body []byte) {
	serveBody(s, w, r, body, func(m *wireMessage, files []File) (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), false)
		if f != nil {
			return nil, f
		}
		id := r.PathValue("message_id")
		if !s.messageInLocked(id, c.ID) {
			return nil, fault(10008)
		}
		cur, mine := s.messages[id]
		if !mine {
			return nil, fault(50005)
		}
		return s.editLocked(RouteEditMessage, c, cur, m, files, body)
	})
}

// editLocked applies an edit to cur, the bot's message in c (nil if the
// fake does not know the channel), after the archive and limit checks, and
// answers the message object. s.mu must be held.
func (s *Server) editLocked(route string, c *channel, cur *Message, m *wireMessage, files []File, body []byte) (any, *Fault) {
	if c != nil && c.thread && c.archived {
		return nil, fault(50083)
	}
	ck := &checker{route: route}
	ck.message("", m)
	if f := s.violatedLocked(ck); f != nil {
		return nil, f
	}
	if f := s.filesLocked(route, "", m, files, cur.Files); f != nil {
		return nil, f
	}
	next := *cur
	next.Op, next.Body, next.Files = "edit", rawBody(body), files
	m.apply(&next)
	s.recordLocked(&next)
	return s.messageObjectLocked(&next), nil
}

// getMessage is GET /channels/{c}/messages/{m}, for the bot's messages.
func (s *Server) getMessage(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.locked(w, func() (any, *Fault) {
		c, f := s.channelLocked(r.PathValue("channel_id"), false)
		if f != nil {
			return nil, f
		}
		m, ok := s.messages[r.PathValue("message_id")]
		if !ok || m.ChannelID != c.ID {
			return nil, fault(10008)
		}
		return s.messageObjectLocked(m), nil
	})
}
