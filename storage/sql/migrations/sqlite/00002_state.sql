-- The playbook engine's state of a case: steps done or skipped, checklist
-- ticks, evidence and computed deadlines. Every row is written together with
-- a timeline event (storage.Tx) and none is ever deleted: an unticked item
-- is a row with checked false, a met deadline keeps its row with met_at.
-- The PostgreSQL twin of this file is ../postgres/00002_state.sql; keep them in step.
-- Times are TIMESTAMP holding UTC text, as in 00001_init.sql; booleans are
-- INTEGER 0 or 1.

-- +goose Up
-- A step with no row is pending.
CREATE TABLE case_steps (
    case_id INTEGER   NOT NULL REFERENCES cases (id),
    step_id TEXT      NOT NULL CHECK (step_id <> ''),
    status  TEXT      NOT NULL CHECK (status IN ('done', 'skipped')),
    actor   TEXT      NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL,
    note    TEXT      NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, step_id)
);

-- The primary key is also State's order: by step, then item.
CREATE TABLE case_checks (
    case_id INTEGER   NOT NULL REFERENCES cases (id),
    step_id TEXT      NOT NULL CHECK (step_id <> ''),
    item    INTEGER   NOT NULL CHECK (item >= 1),
    checked INTEGER   NOT NULL CHECK (checked IN (0, 1)),
    actor   TEXT      NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, step_id, item)
);

CREATE TABLE case_evidence (
    id      INTEGER   PRIMARY KEY,
    case_id INTEGER   NOT NULL REFERENCES cases (id),
    kind    TEXT      NOT NULL DEFAULT '',
    ref     TEXT      NOT NULL DEFAULT '',
    note    TEXT      NOT NULL DEFAULT '',
    actor   TEXT      NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL
);

CREATE INDEX case_evidence_case_at_idx ON case_evidence (case_id, at, id);

-- deadline_id is the playbook's name for it: "evidence_due", "step:acknowledge".
CREATE TABLE deadlines (
    case_id     INTEGER   NOT NULL REFERENCES cases (id),
    deadline_id TEXT      NOT NULL CHECK (deadline_id <> ''),
    title       TEXT      NOT NULL DEFAULT '',
    due         TIMESTAMP NOT NULL,
    rule        TEXT      NOT NULL DEFAULT '',
    basis       TEXT      NOT NULL DEFAULT '',
    source      TEXT      NOT NULL DEFAULT '',
    met_at      TIMESTAMP,
    PRIMARY KEY (case_id, deadline_id)
);

-- What is due, soonest first (/case due, reminders): only unmet deadlines,
-- in Store.Deadlines' order, so the list is an index scan that stops at
-- its limit. Met deadlines, most of them in time, stay out of the index.
CREATE INDEX deadlines_unmet_due_idx ON deadlines (due, case_id, deadline_id) WHERE met_at IS NULL;

-- +goose Down
DROP TABLE deadlines;
DROP TABLE case_evidence;
DROP TABLE case_checks;
DROP TABLE case_steps;
