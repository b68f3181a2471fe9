-- Opening a case looks for open cases of its playbook with the same order,
-- dispute or claim id (Store.OpenCasesWith), which read every open case of
-- the workspace before. These indexes hold the open cases only, so the
-- check reads the few that match however many cases there are. Each index
-- has every column the query's branch for its field compares, the
-- expression as OpenCasesWith writes it.
-- The twin of this file is ../sqlite/00016_open_duplicates.sql; keep them in step.

-- +goose Up
CREATE INDEX cases_open_order_idx ON cases (platform, workspace, playbook, lower((fields->>'order'))) WHERE status = 'open';
CREATE INDEX cases_open_dispute_id_idx ON cases (platform, workspace, playbook, lower((fields->>'dispute_id'))) WHERE status = 'open';
CREATE INDEX cases_open_claim_id_idx ON cases (platform, workspace, playbook, lower((fields->>'claim_id'))) WHERE status = 'open';

-- +goose Down
DROP INDEX cases_open_claim_id_idx;
DROP INDEX cases_open_dispute_id_idx;
DROP INDEX cases_open_order_idx;
