package storage

import "time"

// Summary days: when a channel's daily summary is posted.
const (
	SummaryDaily    = "daily"
	SummaryWeekdays = "weekdays" // Monday to Friday, in the channel's zone
)

// ChannelSettings are one chat channel's own settings. A channel with none
// has the zero value (with its Platform, Workspace and Channel set).
type ChannelSettings struct {
	Platform, Workspace, Channel string
	// Zone is the IANA time zone the channel's times are shown in and its
	// summary is scheduled in; empty is UTC.
	Zone string
	// SummaryAt is the local time of day ("09:00") of the channel's daily
	// summary; empty when the channel is not subscribed.
	SummaryAt string
	// SummaryDays is SummaryDaily or SummaryWeekdays.
	SummaryDays string
	// OnCall is the user group that reminders of the channel's unassigned
	// cases mention; empty for none.
	OnCall string
	// SubscribedAt is when the subscription began: no summary is due for
	// a time before it.
	SubscribedAt *time.Time
	// LastSummaryAt is when the channel's last scheduled summary was
	// queued; the next one covers everything since.
	LastSummaryAt *time.Time
	UpdatedBy     string
	UpdatedAt     time.Time
}

// Subscribed reports whether the channel gets a daily summary.
func (s ChannelSettings) Subscribed() bool { return s.SummaryAt != "" }
