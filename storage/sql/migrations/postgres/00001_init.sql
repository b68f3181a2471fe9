-- Cases, their append-only timeline, and the record of processed requests.
-- The SQLite twin of this file is ../sqlite/00001_init.sql; keep them in step.

-- +goose Up
CREATE TABLE cases (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefix               TEXT        NOT NULL,
    number               BIGINT      NOT NULL,
    playbook             TEXT        NOT NULL,
    status               TEXT        NOT NULL,
    fields               JSONB       NOT NULL DEFAULT '{}',
    -- Money in minor units; NULL amount means the case has none.
    amount_minor         BIGINT,
    currency             TEXT        NOT NULL DEFAULT '',
    platform             TEXT        NOT NULL DEFAULT '',
    workspace            TEXT        NOT NULL DEFAULT '',
    channel              TEXT        NOT NULL DEFAULT '',
    thread               TEXT        NOT NULL DEFAULT '',
    card_message_id      TEXT        NOT NULL DEFAULT '',
    opened_by            TEXT        NOT NULL DEFAULT '',
    assignee             TEXT        NOT NULL DEFAULT '',
    outcome              TEXT        NOT NULL DEFAULT '',
    outcome_amount_minor BIGINT,
    outcome_currency     TEXT        NOT NULL DEFAULT '',
    opened_at            TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    closed_at            TIMESTAMPTZ,
    reopened_at          TIMESTAMPTZ,
    CONSTRAINT cases_prefix_number_key UNIQUE (prefix, number)
);

-- Lists, newest first: by status, by assignee, and "mine" for cases
-- opened by someone and not assigned to anyone.
CREATE INDEX cases_status_opened_idx   ON cases (status, opened_at DESC, id DESC);
CREATE INDEX cases_assignee_opened_idx ON cases (assignee, opened_at DESC, id DESC);
CREATE INDEX cases_unassigned_opened_by_idx ON cases (opened_by, opened_at DESC, id DESC) WHERE assignee = '';

-- The last number given to a case per reference prefix. Taking a number
-- updates this row, so concurrent opens of one prefix queue on its lock
-- instead of racing for the same number.
CREATE TABLE case_numbers (
    prefix TEXT   PRIMARY KEY,
    last   BIGINT NOT NULL
);

CREATE TABLE case_events (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT      NOT NULL REFERENCES cases (id),
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT        NOT NULL DEFAULT '',
    kind    TEXT        NOT NULL,
    body    TEXT        NOT NULL DEFAULT '',
    data    JSONB       NOT NULL DEFAULT '{}'
);

CREATE INDEX case_events_case_at_idx ON case_events (case_id, at, id);

-- The timeline is evidence: once written, an event is never changed or removed.
-- +goose StatementBegin
CREATE FUNCTION case_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER case_events_no_update_delete
    BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TRIGGER case_events_no_truncate
    BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- One row per platform request that changed something, with the response it
-- got, so a retried request gets the same answer and changes nothing.
CREATE TABLE processed_requests (
    platform   TEXT        NOT NULL,
    request_id TEXT        NOT NULL,
    response   TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, request_id)
);

-- +goose Down
DROP TABLE processed_requests;
DROP TABLE case_events;
DROP FUNCTION case_events_append_only();
DROP TABLE case_numbers;
DROP TABLE cases;
