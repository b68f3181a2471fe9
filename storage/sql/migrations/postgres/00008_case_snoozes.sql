-- Snoozed reminders: until when a case's deadline reminders are silenced
-- (/case snooze). One row per case, replaced by a later snooze; the snooze
-- and its timeline event are written in one transaction.
-- The SQLite twin of this file is ../sqlite/00008_case_snoozes.sql; keep them in step.

-- +goose Up
CREATE TABLE case_snoozes (
    case_id BIGINT NOT NULL PRIMARY KEY REFERENCES cases (id),
    until   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE case_snoozes;
