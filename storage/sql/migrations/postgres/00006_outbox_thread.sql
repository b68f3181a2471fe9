-- What the outbox knows of a case's own thread. thread_id is the thread a
-- posted message lives in, as the platform answered: on Slack a card's
-- thread is its own ts, on Discord a thread started from the card or a
-- forum post, so it is never derived from message_id. thread_name and tags
-- name that thread and label it (a Discord forum post's tags follow the
-- case), written by the commands with the card; tags is a JSON array.
-- The SQLite twin of this file is ../sqlite/00006_outbox_thread.sql; keep them in step.

-- +goose Up
ALTER TABLE outbox ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN thread_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE outbox DROP COLUMN tags;
ALTER TABLE outbox DROP COLUMN thread_name;
ALTER TABLE outbox DROP COLUMN thread_id;
