-- Reply drafts the bot suggested to agents. A draft is never sent to a
-- customer by the bot; approving it records who approved which text.
-- The twin of this file for the other dialect must stay in step.

-- +goose Up
CREATE TABLE drafts (
    id               INTEGER   PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases (id),
    language         TEXT NOT NULL DEFAULT '',
    tone             TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    source           TEXT NOT NULL DEFAULT '',
    customer_message TEXT NOT NULL DEFAULT '',
    actor            TEXT NOT NULL DEFAULT '',
    at               TIMESTAMP NOT NULL,
    approved_by      TEXT NOT NULL DEFAULT '',
    approved_at      TIMESTAMP
);

CREATE INDEX drafts_case_idx ON drafts (case_id, id);

-- +goose Down
DROP TABLE drafts;
