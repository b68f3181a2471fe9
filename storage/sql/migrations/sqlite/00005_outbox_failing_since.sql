-- When an outbox message first failed to post and will be tried again: the
-- worker gives up on a message that has kept failing for a bounded time
-- (internal/outbox Worker.RetryFor), counted from here rather than from its
-- creation, so that time spent waiting for its case's card or honouring a
-- platform's rate limit does not use it up. NULL: no failed attempt yet.
-- The PostgreSQL twin of this file is ../postgres/00005_outbox_failing_since.sql; keep them in step.
-- Times are TIMESTAMP holding UTC text, as in 00001_init.sql.

-- +goose Up
ALTER TABLE outbox ADD COLUMN failing_since TIMESTAMP;

-- +goose Down
ALTER TABLE outbox DROP COLUMN failing_since;
