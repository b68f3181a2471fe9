-- /case find and the filters of /case list match a case's search text:
-- its reference, field values, notes and evidence references, lower-cased
-- with accents folded (Søren = soren) by the storage layer in Go, in the
-- transaction of every change to what it covers (storage/sql/search.go).
-- search_notes is the part that only grows (notes, evidence), kept apart
-- so that a change of fields rebuilds search without reading the timeline.
-- An FTS5 table with the trigram tokenizer indexes search; its content is
-- the cases table itself (no second copy), kept in step by the triggers,
-- so a phrase query of three characters or more is an index read.
-- Rows migrated from before this file have search = '' until Migrate
-- fills them in (the partial index finds them at once).
-- The PostgreSQL twin of this file is ../postgres/00011_case_search.sql; keep them in step.

-- +goose Up
ALTER TABLE cases ADD COLUMN search TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN search_notes TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_search_missing_idx ON cases (id) WHERE search = '';
CREATE VIRTUAL TABLE cases_fts USING fts5(search, content='cases', content_rowid='id', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
	INSERT INTO cases_fts (rowid, search) VALUES (new.id, new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search ON cases BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search) VALUES ('delete', old.id, old.search);
	INSERT INTO cases_fts (rowid, search) VALUES (new.id, new.search);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER cases_fts_delete;
DROP TRIGGER cases_fts_update;
DROP TRIGGER cases_fts_insert;
DROP TABLE cases_fts;
DROP INDEX cases_search_missing_idx;
ALTER TABLE cases DROP COLUMN search_notes;
ALTER TABLE cases DROP COLUMN search;
