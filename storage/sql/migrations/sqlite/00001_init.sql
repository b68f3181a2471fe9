-- Cases, their append-only timeline, and the record of processed requests.
-- The PostgreSQL twin of this file is ../postgres/00001_init.sql; keep them in step.
-- Time columns are declared TIMESTAMP so that modernc.org/sqlite parses them
-- back into time.Time; they hold UTC text ("2006-01-02 15:04:05.999999999+00:00"),
-- which sorts in time order. JSON columns are TEXT checked with json_valid.

-- +goose Up
CREATE TABLE cases (
    id                   INTEGER   PRIMARY KEY,
    prefix               TEXT      NOT NULL,
    number               INTEGER   NOT NULL,
    playbook             TEXT      NOT NULL,
    status               TEXT      NOT NULL,
    fields               TEXT      NOT NULL DEFAULT '{}' CHECK (json_valid(fields)),
    -- Money in minor units; NULL amount means the case has none.
    amount_minor         INTEGER,
    currency             TEXT      NOT NULL DEFAULT '',
    platform             TEXT      NOT NULL DEFAULT '',
    workspace            TEXT      NOT NULL DEFAULT '',
    channel              TEXT      NOT NULL DEFAULT '',
    thread               TEXT      NOT NULL DEFAULT '',
    card_message_id      TEXT      NOT NULL DEFAULT '',
    opened_by            TEXT      NOT NULL DEFAULT '',
    assignee             TEXT      NOT NULL DEFAULT '',
    outcome              TEXT      NOT NULL DEFAULT '',
    outcome_amount_minor INTEGER,
    outcome_currency     TEXT      NOT NULL DEFAULT '',
    opened_at            TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    closed_at            TIMESTAMP,
    reopened_at          TIMESTAMP,
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
    last   INTEGER NOT NULL
);

CREATE TABLE case_events (
    id      INTEGER   PRIMARY KEY,
    case_id INTEGER   NOT NULL REFERENCES cases (id),
    at      TIMESTAMP NOT NULL,
    actor   TEXT      NOT NULL DEFAULT '',
    kind    TEXT      NOT NULL,
    body    TEXT      NOT NULL DEFAULT '',
    data    TEXT      NOT NULL DEFAULT '{}' CHECK (json_valid(data))
);

CREATE INDEX case_events_case_at_idx ON case_events (case_id, at, id);

-- The timeline is evidence: once written, an event is never changed or removed.
-- +goose StatementBegin
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- One row per platform request that changed something, with the response it
-- got, so a retried request gets the same answer and changes nothing.
CREATE TABLE processed_requests (
    platform   TEXT      NOT NULL,
    request_id TEXT      NOT NULL,
    response   TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (platform, request_id)
);

-- +goose Down
DROP TABLE processed_requests;
DROP TABLE case_events;
DROP TABLE case_numbers;
DROP TABLE cases;
