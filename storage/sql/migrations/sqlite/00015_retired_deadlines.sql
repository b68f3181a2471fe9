-- A deadline is retired (retired_at) when its case is closed without it
-- being met, and restored when the case is reopened: the due index keeps
-- only what is still to do, so it holds the open cases' deadlines, not
-- every closed case's unmet ones. Closed cases are backfilled (issue 15).
-- SQLite keeps numbering cases from case_numbers: its write transactions
-- are serialised at BEGIN anyway, so the row's lock costs no waiting;
-- PostgreSQL moves to a sequence per prefix.
-- The twin of this file is ../postgres/00015_retired_deadlines.sql; keep them in step.

-- +goose Up
ALTER TABLE deadlines ADD COLUMN retired_at TIMESTAMP;
UPDATE deadlines SET retired_at = (SELECT COALESCE(c.closed_at, c.updated_at) FROM cases c WHERE c.id = deadlines.case_id)
WHERE met_at IS NULL AND case_id IN (SELECT id FROM cases WHERE status = 'closed');
DROP INDEX deadlines_unmet_due_idx;
CREATE INDEX deadlines_unmet_due_idx ON deadlines (due, case_id, deadline_id) WHERE met_at IS NULL AND retired_at IS NULL;

-- +goose Down
DROP INDEX deadlines_unmet_due_idx;
CREATE INDEX deadlines_unmet_due_idx ON deadlines (due, case_id, deadline_id) WHERE met_at IS NULL;
ALTER TABLE deadlines DROP COLUMN retired_at;
