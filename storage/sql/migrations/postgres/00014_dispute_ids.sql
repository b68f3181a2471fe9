-- A processor's dispute is found by its id (fields.dispute_id), so that a
-- Stripe webhook updates the case that follows it, whether the webhook or an
-- agent opened it (Tx.CaseByField). The expression is the one CaseByField
-- writes for dispute_id, character for character, or the index is not used.
-- The twin of this file is ../sqlite/00014_dispute_ids.sql; keep them in step.

-- +goose Up
CREATE INDEX cases_dispute_id_idx ON cases ((fields->>'dispute_id'));

-- +goose Down
DROP INDEX cases_dispute_id_idx;
