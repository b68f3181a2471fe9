-- Corrections and links (issue 12). A step undone is a row with status
-- 'pending' (who undid it, when), not a deleted row: nothing the playbook
-- state writes is ever deleted. Two cases are linked both ways, one row per
-- direction, and only within one workspace (Tx.LinkCases checks it).
-- The PostgreSQL twin of this file is ../postgres/00012_corrections.sql; keep them in step.
-- SQLite cannot change a CHECK constraint, so case_steps is rebuilt with
-- the new one; no table references it.

-- +goose Up
CREATE TABLE case_steps_new (
    case_id INTEGER   NOT NULL REFERENCES cases (id),
    step_id TEXT      NOT NULL CHECK (step_id <> ''),
    status  TEXT      NOT NULL CHECK (status IN ('done', 'skipped', 'pending')),
    actor   TEXT      NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL,
    note    TEXT      NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, step_id)
);
INSERT INTO case_steps_new (case_id, step_id, status, actor, at, note)
    SELECT case_id, step_id, status, actor, at, note FROM case_steps;
DROP TABLE case_steps;
ALTER TABLE case_steps_new RENAME TO case_steps;

-- The primary key is also State's read of a case's links.
CREATE TABLE case_links (
    case_id  INTEGER   NOT NULL REFERENCES cases (id),
    other_id INTEGER   NOT NULL REFERENCES cases (id),
    kind     TEXT      NOT NULL CHECK (kind IN ('duplicate', 'related', 'supplier')),
    actor    TEXT      NOT NULL DEFAULT '',
    at       TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, other_id),
    CHECK (case_id <> other_id)
);

-- +goose Down
DROP TABLE case_links;
CREATE TABLE case_steps_old (
    case_id INTEGER   NOT NULL REFERENCES cases (id),
    step_id TEXT      NOT NULL CHECK (step_id <> ''),
    status  TEXT      NOT NULL CHECK (status IN ('done', 'skipped')),
    actor   TEXT      NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL,
    note    TEXT      NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, step_id)
);
INSERT INTO case_steps_old (case_id, step_id, status, actor, at, note)
    SELECT case_id, step_id, status, actor, at, note FROM case_steps WHERE status <> 'pending';
DROP TABLE case_steps;
ALTER TABLE case_steps_old RENAME TO case_steps;
