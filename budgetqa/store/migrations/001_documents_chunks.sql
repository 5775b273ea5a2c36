-- Documents, their pages and chunks. Document id = SHA-256 of the file.
CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    path        TEXT NOT NULL,
    format      TEXT NOT NULL,
    org         TEXT,
    year        INTEGER,
    kind        TEXT,
    pages       INTEGER NOT NULL,
    tables      INTEGER NOT NULL DEFAULT 0,
    warnings    TEXT NOT NULL DEFAULT '[]',
    paged       INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_path ON documents(path);

CREATE TABLE pages (
    doc_id    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number    INTEGER NOT NULL,
    text      TEXT NOT NULL,
    needs_ocr INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, number)
);

CREATE TABLE chunks (
    id          TEXT PRIMARY KEY,
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    page        INTEGER,
    section     TEXT NOT NULL DEFAULT '',
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'text',
    table_index INTEGER,
    tokens      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX chunks_doc ON chunks(doc_id, ordinal);
