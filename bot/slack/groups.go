package slack

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// groupsTTL is how long one usergroups.list answer is trusted. A user added
// to a lead group becomes a lead within it; one call serves every user.
const groupsTTL = time.Minute

// groups caches which Slack user groups each user is in. Slack sends no
// groups with a command or an action, and DISPUTEDESK_LEADS may name a
// group (slack:S0123), so the adapter looks them up: one usergroups.list
// with its members for the whole workspace, at most once a groupsTTL.
type groups struct {
	mu     sync.Mutex
	byUser map[string][]string
	until  time.Time
}

// userGroups returns the ids of the user groups user is in. When Slack
// cannot be asked (no usergroups:read scope, an outage) it returns what it
// knew last, and nothing when it never knew: a user is then not a lead by
// a group, and is told whom to ask.
func (a *Adapter) userGroups(ctx context.Context, user string) []string {
	now := a.now()
	a.groups.mu.Lock()
	defer a.groups.mu.Unlock()
	if now.Before(a.groups.until) {
		return a.groups.byUser[user]
	}
	// Held across the call: concurrent requests wait for one answer
	// rather than each asking Slack.
	list, err := a.api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
	if err != nil {
		a.log.Warn("slack: usergroups.list failed; leads named by a user group are not recognised until it works (the app needs the usergroups:read scope)", "error", err)
		a.groups.until = now.Add(groupsTTL / 4)
		return a.groups.byUser[user]
	}
	byUser := map[string][]string{}
	for _, g := range list {
		for _, u := range g.Users {
			byUser[u] = append(byUser[u], g.ID)
		}
	}
	a.groups.byUser, a.groups.until = byUser, now.Add(groupsTTL)
	return byUser[user]
}
