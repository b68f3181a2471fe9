-- The outbox: messages the bot must post outside a direct reply (a case's
-- card, its thread posts and card updates, channel messages), written in the
-- transaction of the change that causes them and delivered afterwards by a
-- worker (internal/outbox). Rows are never deleted: a sent message keeps its
-- platform message id, a failed one the reason.
-- The SQLite twin of this file is ../sqlite/00003_outbox.sql; keep them in step.

-- +goose Up
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL for a channel message outside any case.
    case_id         BIGINT      REFERENCES cases (id),
    platform        TEXT        NOT NULL DEFAULT '',
    workspace       TEXT        NOT NULL DEFAULT '',
    channel         TEXT        NOT NULL DEFAULT '',
    kind            TEXT        NOT NULL CHECK (kind IN ('card', 'card_update', 'thread', 'channel')),
    payload         TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    -- A worker's lease on a claimed message; NULL or past: free to claim.
    locked_until    TIMESTAMPTZ,
    last_error      TEXT        NOT NULL DEFAULT '',
    message_id      TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    CONSTRAINT outbox_case_required CHECK (case_id IS NOT NULL OR kind = 'channel')
);

-- Claiming reads only pending messages that are due, and for each the
-- case's older pending messages: sent and failed messages, which are
-- nearly all of them, stay out of both indexes.
CREATE INDEX outbox_pending_due_idx  ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_case_pending_idx ON outbox (case_id, id) WHERE status = 'pending';
-- A case's failed messages, newest first.
CREATE INDEX outbox_case_failed_idx  ON outbox (case_id, id) WHERE status = 'failed';

-- A message in a thread finds its case by the thread or by the card the
-- thread hangs on (Store.CaseByThread).
CREATE INDEX cases_thread_idx       ON cases (platform, channel, thread);
CREATE INDEX cases_card_message_idx ON cases (platform, channel, card_message_id);

-- +goose Down
DROP INDEX cases_card_message_idx;
DROP INDEX cases_thread_idx;
DROP TABLE outbox;
