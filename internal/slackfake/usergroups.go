package slackfake

import (
	"net/http"
	"strings"
)

// UserGroup is a Slack user group (a "subteam") as usergroups.list reports it.
type UserGroup struct {
	ID     string // S...
	Handle string // without the @; default "group-" + lower-case ID
	Users  []string
}

// AddUserGroup adds g to what usergroups.list answers, or replaces the group
// with g's ID.
func (s *Server) AddUserGroup(g UserGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.groups {
		if s.groups[i].ID == g.ID {
			s.groups[i] = g
			return
		}
	}
	s.groups = append(s.groups, g)
}

// userGroupsList answers usergroups.list: the workspace's groups, with their
// members only when include_users=true, as Slack does.
func (s *Server) userGroupsList(w http.ResponseWriter, p params) {
	s.mu.Lock()
	list := make([]map[string]any, 0, len(s.groups))
	for _, g := range s.groups {
		handle := g.Handle
		if handle == "" {
			handle = "group-" + strings.ToLower(g.ID)
		}
		entry := map[string]any{"id": g.ID, "team_id": TeamID, "is_usergroup": true, "name": handle, "handle": handle,
			"user_count": len(g.Users), "date_create": 1700000000}
		if p["include_users"] == "true" {
			entry["users"] = append([]string{}, g.Users...)
		}
		list = append(list, entry)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "usergroups": list})
}
