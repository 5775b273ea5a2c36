-- Dense embedding runs as a resumable queue after the fast part of ingest (issue 12).
-- embed_state: 'done' = the chunk's vector is in the vector store; 'pending' = waiting for `budgetqa embed`;
-- 'skip' = not embedded by the configured policy (still in BM25, and its figures in the fact store).
-- Chunks of stores made before this migration were embedded at ingest: they start as 'done'.
ALTER TABLE chunks ADD COLUMN embed_state TEXT NOT NULL DEFAULT 'done';
CREATE INDEX chunks_embed_state ON chunks(embed_state, doc_id, ordinal);
-- Fact lookups by organisation and year, and by year alone (the questions that matter at scale).
CREATE INDEX facts_org_year ON facts(org, year);
CREATE INDEX facts_year_item ON facts(year, item);
-- A counter bumped by every document insert or delete: the store's fingerprint is one row read instead of
-- a digest of every document id (indexes and caches compare it on each question).
CREATE TABLE store_version (id INTEGER PRIMARY KEY CHECK (id = 1), uid TEXT NOT NULL, version INTEGER NOT NULL);
INSERT INTO store_version VALUES (1, lower(hex(randomblob(8))), 0);
CREATE TRIGGER documents_inserted AFTER INSERT ON documents BEGIN
    UPDATE store_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER documents_deleted AFTER DELETE ON documents BEGIN
    UPDATE store_version SET version = version + 1 WHERE id = 1;
END;
