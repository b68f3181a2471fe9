-- When an outbox message first failed to post and will be tried again: the
-- worker gives up on a message that has kept failing for a bounded time
-- (internal/outbox Worker.RetryFor), counted from here rather than from its
-- creation, so that time spent waiting for its case's card or honouring a
-- platform's rate limit does not use it up. NULL: no failed attempt yet.
-- The SQLite twin of this file is ../sqlite/00005_outbox_failing_since.sql; keep them in step.

-- +goose Up
ALTER TABLE outbox ADD COLUMN failing_since TIMESTAMPTZ;

-- +goose Down
ALTER TABLE outbox DROP COLUMN failing_since;
