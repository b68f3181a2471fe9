package discordfake

import (
	"net/http"
)

// putCommands is the bulk overwrite of an application's global or guild
// commands: the list replaces the scope's commands; a command keeps its ID
// across overwrites while its name and type stay, as on Discord. Another
// application's commands, or a guild the bot is not in, answer 50001.
func (s *Server) putCommands(w http.ResponseWriter, r *http.Request, body []byte) {
	guild := r.PathValue("guild_id")
	route := RouteGlobalCommands
	if guild != "" {
		route = RouteGuildCommands
	}
	serveBody(s, w, r, body, func(list *[]Command, _ []File) (any, *Fault) {
		cmds := *list
		if _, ok := s.guilds[guild]; r.PathValue("application_id") != AppID || (guild != "" && !ok) {
			return nil, fault(50001)
		}
		for i := range cmds {
			if cmds[i].Type == 0 {
				cmds[i].Type = 1
			}
		}
		ck := &checker{route: route}
		ck.commands(cmds)
		if f := s.violatedLocked(ck); f != nil {
			return nil, f
		}
		old := s.commands[guild]
		for i := range cmds {
			c := &cmds[i]
			c.ID = s.newIDLocked()
			for _, o := range old {
				if o.Name == c.Name && o.Type == c.Type {
					c.ID = o.ID
				}
			}
			c.ApplicationID, c.GuildID, c.Version = AppID, guild, s.newIDLocked()
		}
		s.commands[guild] = cmds
		return nonNil(cmds), nil
	})
}
