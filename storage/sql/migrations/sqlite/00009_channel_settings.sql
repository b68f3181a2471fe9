-- A chat channel's own settings: the time zone its times are shown in,
-- its daily summary subscription (local time and days) and the on-call
-- user group reminders of unassigned cases mention. last_summary_at is
-- when the channel's last scheduled summary was queued, in the transaction
-- that claimed its run (scheduled_runs), so the next summary covers
-- everything since it. One row per channel; no row is no settings.
-- The PostgreSQL twin of this file is ../postgres/00009_channel_settings.sql; keep them in step.

-- +goose Up
CREATE TABLE channel_settings (
    platform        TEXT NOT NULL,
    workspace       TEXT NOT NULL,
    channel         TEXT NOT NULL,
    zone            TEXT NOT NULL DEFAULT '',
    summary_at      TEXT NOT NULL DEFAULT '',
    summary_days    TEXT NOT NULL DEFAULT '',
    oncall          TEXT NOT NULL DEFAULT '',
    subscribed_at   TIMESTAMP,
    last_summary_at TIMESTAMP,
    updated_by      TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (platform, workspace, channel)
);

-- The scheduler lists the subscribed channels every minute.
CREATE INDEX channel_settings_subscribed_idx ON channel_settings (platform, workspace, channel) WHERE summary_at <> '';

-- +goose Down
DROP TABLE channel_settings;
