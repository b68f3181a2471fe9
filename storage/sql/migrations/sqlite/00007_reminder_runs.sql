-- Runs of scheduled jobs (deadline reminders), one row per run: the job and
-- the key of the run (a reminder: case, deadline, due time, threshold).
-- Tx.ClaimRun inserts the row in the transaction that queues the run's
-- messages in the outbox, so a run commits once however many replicas, or
-- restarts, try it. Rows are never deleted.
-- Times are TIMESTAMP holding UTC text, as in 00001_init.sql.
-- The PostgreSQL twin of this file is ../postgres/00007_reminder_runs.sql; keep them in step.

-- +goose Up
CREATE TABLE scheduled_runs (
    job     TEXT NOT NULL,
    run_key TEXT NOT NULL,
    ran_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (job, run_key)
);

-- +goose Down
DROP TABLE scheduled_runs;
