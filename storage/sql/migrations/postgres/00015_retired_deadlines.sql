-- Two things that made /case open and /case due grow with use (issue 15).
--
-- Case numbers come from a sequence per prefix (case_number_<prefix>),
-- through next_case_number, which creates a new prefix's sequence at its
-- first case: nextval never waits for another transaction, where the
-- case_numbers row was locked by each open until it committed, so opens
-- of one prefix ran one at a time. A rolled back open leaves a gap;
-- numbers stay unique and increasing. Each prefix numbered so far
-- continues where its row was; case_numbers stays for SQLite (whose
-- writers are serialised anyway) and is no longer written here.
--
-- A deadline is retired (retired_at) when its case is closed without it
-- being met, and restored when the case is reopened: the due index keeps
-- only what is still to do, so it holds the open cases' deadlines, not
-- every closed case's unmet ones. Closed cases are backfilled.
-- The twin of this file is ../sqlite/00015_retired_deadlines.sql; keep them in step.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT prefix, GREATEST(last, (SELECT COALESCE(MAX(number), 0) FROM cases c WHERE c.prefix = n.prefix)) AS last
             FROM case_numbers n LOOP
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS BIGINT START %s', 'case_number_' || lower(r.prefix), r.last + 1);
    END LOOP;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
-- next_case_number takes the next number of prefix (upper-case letters, as
-- CreateCase checks). The first case of a new prefix creates its sequence,
-- in its transaction: other first opens of the prefix wait for it to
-- commit, then find the sequence there (the unique violation of their own
-- CREATE is caught; only this rare path pays for the exception block's
-- subtransaction). Every later open only calls nextval.
CREATE FUNCTION next_case_number(prefix TEXT) RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
DECLARE seq TEXT := 'case_number_' || lower(prefix);
BEGIN
    IF to_regclass(quote_ident(seq)) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS BIGINT START 1001', seq);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- another open created it first
        END;
    END IF;
    RETURN nextval(quote_ident(seq)::regclass);
END
$$;
-- +goose StatementEnd
ALTER TABLE deadlines ADD COLUMN retired_at TIMESTAMPTZ;
UPDATE deadlines d SET retired_at = COALESCE(c.closed_at, c.updated_at)
FROM cases c WHERE c.id = d.case_id AND c.status = 'closed' AND d.met_at IS NULL;
DROP INDEX deadlines_unmet_due_idx;
CREATE INDEX deadlines_unmet_due_idx ON deadlines (due, case_id, deadline_id) WHERE met_at IS NULL AND retired_at IS NULL;

-- +goose Down
DROP INDEX deadlines_unmet_due_idx;
CREATE INDEX deadlines_unmet_due_idx ON deadlines (due, case_id, deadline_id) WHERE met_at IS NULL;
ALTER TABLE deadlines DROP COLUMN retired_at;
DROP FUNCTION next_case_number(TEXT);
-- +goose StatementBegin
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT sequencename AS name, last_value FROM pg_sequences WHERE sequencename LIKE 'case\_number\_%' LOOP
        INSERT INTO case_numbers (prefix, last) VALUES (upper(substr(r.name, 13)), COALESCE(r.last_value, 1000))
        ON CONFLICT (prefix) DO UPDATE SET last = GREATEST(case_numbers.last, excluded.last);
        EXECUTE format('DROP SEQUENCE %I', r.name);
    END LOOP;
END
$$;
-- +goose StatementEnd
