-- Runs of scheduled jobs (deadline reminders), one row per run: the job and
-- the key of the run (a reminder: case, deadline, due time, threshold).
-- Tx.ClaimRun inserts the row in the transaction that queues the run's
-- messages in the outbox, so a run commits once however many replicas, or
-- restarts, try it. Rows are never deleted.
-- The SQLite twin of this file is ../sqlite/00007_reminder_runs.sql; keep them in step.

-- +goose Up
CREATE TABLE scheduled_runs (
    job     TEXT NOT NULL,
    run_key TEXT NOT NULL,
    ran_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job, run_key)
);

-- +goose Down
DROP TABLE scheduled_runs;
