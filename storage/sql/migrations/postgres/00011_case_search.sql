-- /case find and the filters of /case list match a case's search text:
-- its reference, field values, notes and evidence references, lower-cased
-- with accents folded (Søren = soren) by the storage layer in Go, in the
-- transaction of every change to what it covers (storage/sql/search.go).
-- search_notes is the part that only grows (notes, evidence), kept apart
-- so that a change of fields rebuilds search without reading the timeline.
-- A trigram index (pg_trgm, a contrib extension shipped with PostgreSQL)
-- serves LIKE '%word%' for words of three characters or more.
-- Rows migrated from before this file have search = '' until Migrate
-- fills them in (the partial index finds them at once).
-- The SQLite twin of this file is ../sqlite/00011_case_search.sql; keep them in step.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE cases ADD COLUMN search TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN search_notes TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_search_trgm_idx ON cases USING gin (search gin_trgm_ops);
CREATE INDEX cases_search_missing_idx ON cases (id) WHERE search = '';

-- +goose Down
DROP INDEX cases_search_missing_idx;
DROP INDEX cases_search_trgm_idx;
ALTER TABLE cases DROP COLUMN search_notes;
ALTER TABLE cases DROP COLUMN search;
