package commands

import (
	"fmt"
	"slices"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// WorkspaceKey names a platform's workspace in settings, e.g. "slack:T0123"
// or "discord:81234": the keys of Deps.Channels and the form of the
// console's --workspace.
func WorkspaceKey(platform, workspace string) string { return platform + ":" + workspace }

// ParseWorkspace reads a WorkspaceKey.
func ParseWorkspace(key string) (storage.Scope, error) {
	platform, workspace, ok := strings.Cut(strings.TrimSpace(key), ":")
	switch {
	case !ok || workspace == "" && platform != bot.PlatformConsole:
		return storage.Scope{}, fmt.Errorf("workspace %q: write it as platform:id, e.g. slack:T0123 or discord:81234", key)
	case platform != bot.PlatformSlack && platform != bot.PlatformDiscord && platform != bot.PlatformConsole:
		return storage.Scope{}, fmt.Errorf("workspace %q: the platform is slack, discord or console, as in slack:T0123 or discord:81234", key)
	}
	return storage.WorkspaceScope(platform, workspace), nil
}

// scope is whose cases req may reach. A chat request reaches its own
// workspace, within the channels the team allows there; the console is the
// operator's shell on the database and reaches every workspace, or the one
// its --workspace names. A request from a channel the team does not allow
// is refused.
func (r *Router) scope(req *bot.Request) (storage.Scope, error) {
	if req.Platform == bot.PlatformConsole {
		return r.console, nil
	}
	if req.Platform == "" || req.Workspace == "" {
		return storage.Scope{}, fmt.Errorf("request %s names no platform or workspace", req.ID)
	}
	s := storage.WorkspaceScope(req.Platform, req.Workspace)
	s.Channels = r.deps.Channels[WorkspaceKey(req.Platform, req.Workspace)]
	if len(s.Channels) > 0 && !slices.Contains(s.Channels, req.Channel) {
		return storage.Scope{}, errChannelNotAllowed
	}
	return s, nil
}

// errChannelNotAllowed answers a request from a channel the team has not
// given the bot.
var errChannelNotAllowed = userErrorf("disputedesk does not work in this channel: your team has given it other channels (DISPUTEDESK_CHANNELS). Use one of those, or ask your admin to add this one.")

// workspaceLabel says where a chat platform's case lives, for the console,
// which sees every workspace: "slack T0123 #C0456".
func workspaceLabel(cs storage.Case) string {
	return fmt.Sprintf("%s %s #%s", cs.Platform, cs.Workspace, cs.Channel)
}
