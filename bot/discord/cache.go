package discord

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// cacheTTL is how long a channel's type, a thread's parent and a forum's
// tags are trusted; types and parents never change, tags rarely do.
const cacheTTL = 10 * time.Minute

// maxCached bounds each cache: a big server just asks again.
const maxCached = 10000

// channels caches what the adapter asks of channels: their type and
// parent, and a forum's tags.
type channels struct {
	mu sync.Mutex
	m  map[string]cachedChannel
}

type cachedChannel struct {
	ch    *discordgo.Channel
	until time.Time
}

func (c *channels) get(id string, now time.Time) (*discordgo.Channel, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.After(e.until) {
		return nil, false
	}
	return e.ch, true
}

func (c *channels) put(ch *discordgo.Channel, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[string]cachedChannel{}
	}
	c.m[ch.ID] = cachedChannel{ch: ch, until: now.Add(cacheTTL)}
}

// channel returns a channel, from the cache or REST.
func (a *Adapter) channel(ctx context.Context, id string) (*discordgo.Channel, error) {
	if ch, ok := a.channels.get(id, a.now()); ok {
		return ch, nil
	}
	ch, err := a.rest.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	a.channels.put(ch, a.now())
	return ch, nil
}

// forumTagIDs returns the ids of a forum's tags named names (ignoring
// case), at most five. A name the forum lacks is added to it when there is
// room for it (20 tags) and the bot may manage the channel; otherwise it is
// left out, and a post is tagged with the names that match.
func (a *Adapter) forumTagIDs(ctx context.Context, forumID string, names []string) []string {
	if len(names) == 0 {
		return nil
	}
	forum, err := a.channel(ctx, forumID)
	if err != nil {
		a.log.Warn("discord: forum tags not read", "channel", forumID, "error", err)
		return nil
	}
	ids, missing := matchTags(forum.AvailableTags, names)
	if len(missing) > 0 && len(forum.AvailableTags)+len(missing) <= maxForumTags {
		tags := append([]discordgo.ForumTag(nil), forum.AvailableTags...)
		for _, n := range missing {
			tags = append(tags, discordgo.ForumTag{Name: truncate(n, 20)})
		}
		updated, err := a.rest.ChannelEditComplex(forumID, &discordgo.ChannelEdit{AvailableTags: &tags}, discordgo.WithContext(ctx))
		if err != nil {
			a.log.Info("discord: forum tags not created; posts are tagged with those that exist", "channel", forumID, "missing", missing, "error", err)
		} else {
			a.channels.put(updated, a.now())
			ids, _ = matchTags(updated.AvailableTags, names)
		}
	}
	return ids[:min(len(ids), maxAppliedTags)]
}

// matchTags returns the ids of the tags named names, in names' order, and
// the names that have none.
func matchTags(tags []discordgo.ForumTag, names []string) (ids, missing []string) {
	ids = []string{}
	for _, n := range names {
		found := false
		for _, t := range tags {
			if strings.EqualFold(t.Name, n) && t.ID != "" {
				ids, found = append(ids, t.ID), true
				break
			}
		}
		if !found && n != "" {
			missing = append(missing, n)
		}
	}
	return ids, missing
}
