-- Drafts are numbered per case (drafts.number: 1, 2, 3 within a case), as
-- agents name them in /case approve, edit and redraft; id stays the row's key.
-- Drafts saved before this migration keep their id as their number: a
-- button posted with "draft 37" still means the same draft. A case's new
-- drafts count on from its highest number, so a new case starts at 1.
-- The twin of this file is ../sqlite/00013_draft_numbers.sql; keep them in step.

-- +goose Up
ALTER TABLE drafts ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE drafts SET number = id;
CREATE UNIQUE INDEX drafts_case_number_idx ON drafts (case_id, number);

-- +goose Down
DROP INDEX drafts_case_number_idx;
ALTER TABLE drafts DROP COLUMN number;
