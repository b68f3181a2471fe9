package deadline

import (
	"strings"
	"time"
)

// Where a shown time's zone came from (see Shown).
const (
	ZoneOfCase    = "case"
	ZoneOfChannel = "channel"
	ZoneOfUser    = "user"
	ZoneDefault   = "default"
)

// Shown picks the zone a time is shown in, and says whose it is: the
// case's (its timezone field), else the channel's, else the user's as the
// platform reports it, else UTC. Every time the bot writes follows it, so
// a card, a list, /case due and a reminder agree. A name that does not
// load is passed over rather than refused: the case's and the channel's
// were checked when they were set, and the user's comes from the platform.
func Shown(caseTZ, channelTZ, userTZ string) (*time.Location, string) {
	for _, z := range [...]struct{ name, from string }{
		{caseTZ, ZoneOfCase}, {channelTZ, ZoneOfChannel}, {userTZ, ZoneOfUser},
	} {
		if name := strings.TrimSpace(z.name); name != "" {
			if loc, err := loadZone(name); err == nil {
				return loc, z.from
			}
		}
	}
	return time.UTC, ZoneDefault
}

// When writes a time for people in loc, naming the zone: "2026-11-22 10:30 CET".
func When(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02 15:04 MST") }
