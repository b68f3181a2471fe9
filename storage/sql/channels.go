package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/disputedesk/disputedesk/storage"
)

// channelRow is a row of channel_settings (migration 00009).
type channelRow struct {
	Platform      string     `db:"platform"`
	Workspace     string     `db:"workspace"`
	Channel       string     `db:"channel"`
	Zone          string     `db:"zone"`
	SummaryAt     string     `db:"summary_at"`
	SummaryDays   string     `db:"summary_days"`
	OnCall        string     `db:"oncall"`
	SubscribedAt  *time.Time `db:"subscribed_at"`
	LastSummaryAt *time.Time `db:"last_summary_at"`
	UpdatedBy     string     `db:"updated_by"`
	UpdatedAt     time.Time  `db:"updated_at"`
}

const selectChannel = `SELECT platform, workspace, channel, zone, summary_at, summary_days, oncall,
	subscribed_at, last_summary_at, updated_by, updated_at FROM channel_settings`

func (r *channelRow) settings() storage.ChannelSettings {
	s := storage.ChannelSettings(*r)
	s.SubscribedAt, s.LastSummaryAt, s.UpdatedAt = utcPtr(r.SubscribedAt), utcPtr(r.LastSummaryAt), r.UpdatedAt.UTC()
	return s
}

// channelSettings reads one channel's row through q, ending the SELECT
// with suffix.
func channelSettings(ctx context.Context, q queryer, suffix, platform, workspace, channel string) (storage.ChannelSettings, error) {
	var r channelRow
	query := q.Rebind(selectChannel + ` WHERE platform = ? AND workspace = ? AND channel = ?` + suffix)
	switch err := sqlx.GetContext(ctx, q, &r, query, platform, workspace, channel); {
	case errors.Is(err, dbsql.ErrNoRows):
		return storage.ChannelSettings{Platform: platform, Workspace: workspace, Channel: channel}, nil
	case err != nil:
		return storage.ChannelSettings{}, fmt.Errorf("settings of channel %s: %w", channel, err)
	}
	return r.settings(), nil
}

// ChannelSettings reads a channel's settings.
func (s *Store) ChannelSettings(ctx context.Context, platform, workspace, channel string) (storage.ChannelSettings, error) {
	return channelSettings(ctx, s.db, "", platform, workspace, channel)
}

// ChannelSettings reads a channel's settings inside the transaction and
// locks its row, so that two changes of one channel's settings (a
// subscription and a summary's time, say) do not overwrite each other.
func (t *Tx) ChannelSettings(ctx context.Context, platform, workspace, channel string) (storage.ChannelSettings, error) {
	return channelSettings(ctx, t.tx, t.d.lockSuffix, platform, workspace, channel)
}

// Subscriptions lists the subscribed channels.
func (s *Store) Subscriptions(ctx context.Context) ([]storage.ChannelSettings, error) {
	var rows []channelRow
	q := selectChannel + ` WHERE summary_at <> '' ORDER BY platform, workspace, channel`
	if err := s.db.SelectContext(ctx, &rows, q); err != nil {
		return nil, fmt.Errorf("list summary subscriptions: %w", err)
	}
	list := make([]storage.ChannelSettings, len(rows))
	for i := range rows {
		list[i] = rows[i].settings()
	}
	return list, nil
}

// SaveChannelSettings upserts a channel's row.
func (t *Tx) SaveChannelSettings(ctx context.Context, s *storage.ChannelSettings) error {
	const q = `INSERT INTO channel_settings (platform, workspace, channel, zone, summary_at, summary_days, oncall,
	subscribed_at, last_summary_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, workspace, channel) DO UPDATE SET zone = excluded.zone, summary_at = excluded.summary_at,
	summary_days = excluded.summary_days, oncall = excluded.oncall, subscribed_at = excluded.subscribed_at,
	last_summary_at = excluded.last_summary_at, updated_by = excluded.updated_by, updated_at = excluded.updated_at`
	if s.Platform == "" || s.Workspace == "" || s.Channel == "" {
		return fmt.Errorf("save channel settings: platform, workspace and channel are required")
	}
	s.SubscribedAt, s.LastSummaryAt = utcPtr(s.SubscribedAt), utcPtr(s.LastSummaryAt)
	_, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), s.Platform, s.Workspace, s.Channel, s.Zone, s.SummaryAt,
		s.SummaryDays, s.OnCall, timeArg(s.SubscribedAt), timeArg(s.LastSummaryAt), s.UpdatedBy, t.now)
	if err != nil {
		return fmt.Errorf("save settings of channel %s: %w", s.Channel, err)
	}
	s.UpdatedAt = t.now
	return nil
}
