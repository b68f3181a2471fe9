-- Corrections and links (issue 12). A step undone is a row with status
-- 'pending' (who undid it, when), not a deleted row: nothing the playbook
-- state writes is ever deleted. Two cases are linked both ways, one row per
-- direction, and only within one workspace (Tx.LinkCases checks it).
-- The SQLite twin of this file is ../sqlite/00012_corrections.sql; keep them in step.

-- +goose Up
ALTER TABLE case_steps DROP CONSTRAINT case_steps_status_check;
ALTER TABLE case_steps ADD CONSTRAINT case_steps_status_check CHECK (status IN ('done', 'skipped', 'pending'));

-- The primary key is also State's read of a case's links.
CREATE TABLE case_links (
    case_id  BIGINT      NOT NULL REFERENCES cases (id),
    other_id BIGINT      NOT NULL REFERENCES cases (id),
    kind     TEXT        NOT NULL CHECK (kind IN ('duplicate', 'related', 'supplier')),
    actor    TEXT        NOT NULL DEFAULT '',
    at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, other_id),
    CHECK (case_id <> other_id)
);

-- +goose Down
DROP TABLE case_links;
DELETE FROM case_steps WHERE status = 'pending';
ALTER TABLE case_steps DROP CONSTRAINT case_steps_status_check;
ALTER TABLE case_steps ADD CONSTRAINT case_steps_status_check CHECK (status IN ('done', 'skipped'));
