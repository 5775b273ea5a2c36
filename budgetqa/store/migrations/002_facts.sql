-- One row per disclosed figure, with cell-level provenance. value/value_yuan are exact decimals as text.
CREATE TABLE facts (
    id           INTEGER PRIMARY KEY,
    doc_id       TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    org          TEXT,
    year         INTEGER,
    doc_kind     TEXT,
    statement    TEXT NOT NULL,
    item         TEXT,
    row_label    TEXT NOT NULL,
    column_label TEXT NOT NULL DEFAULT '',
    code         TEXT,
    value_text   TEXT NOT NULL,
    value        TEXT NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    value_yuan   TEXT,
    page         INTEGER,
    table_index  INTEGER,
    row_index    INTEGER,
    col_index    INTEGER,
    quote        TEXT NOT NULL,
    locator      TEXT NOT NULL,
    period       TEXT NOT NULL DEFAULT 'current'
);
CREATE INDEX facts_doc ON facts(doc_id);
CREATE INDEX facts_item ON facts(item, year);
CREATE INDEX facts_code ON facts(code);
