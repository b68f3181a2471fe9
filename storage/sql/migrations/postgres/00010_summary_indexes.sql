-- The reads behind a channel's daily summary (Store.SummaryCases, and
-- Store.Deadlines scoped to a channel with a Before bound) follow the
-- channel's open cases and the cases of the period, not its history nor
-- the other workspaces: each part of them is a range of one of these
-- indexes, led by the scope's columns.
-- The SQLite twin of this file is ../sqlite/00010_summary_indexes.sql; keep them in step.

-- +goose Up
-- Cases opened, and cases closed, in a channel from a time on.
CREATE INDEX cases_channel_opened_idx ON cases (platform, workspace, channel, opened_at);
CREATE INDEX cases_channel_closed_idx ON cases (platform, workspace, channel, closed_at);
-- A channel's open cases, however long ago they were opened: few, and the
-- start of both the summary and the channel's deadlines. Queries must say
-- status = 'open' as a literal for the index to apply.
CREATE INDEX cases_channel_open_idx ON cases (platform, workspace, channel, opened_at) WHERE status = 'open';

-- +goose Down
DROP INDEX cases_channel_open_idx;
DROP INDEX cases_channel_closed_idx;
DROP INDEX cases_channel_opened_idx;
