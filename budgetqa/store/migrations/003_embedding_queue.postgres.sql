-- PostgreSQL: as 003_embedding_queue.sql (see there), with a random uid from md5() instead of randomblob() and
-- the store_version counter bumped by a PL/pgSQL trigger function.
ALTER TABLE chunks ADD COLUMN embed_state TEXT NOT NULL DEFAULT 'done';
CREATE INDEX chunks_embed_state ON chunks(embed_state, doc_id, ordinal);
CREATE INDEX facts_org_year ON facts(org, year);
CREATE INDEX facts_year_item ON facts(year, item);
CREATE TABLE store_version (id INTEGER PRIMARY KEY CHECK (id = 1), uid TEXT NOT NULL, version BIGINT NOT NULL);
INSERT INTO store_version VALUES (1, substr(md5(random()::text || clock_timestamp()::text), 1, 16), 0);
CREATE FUNCTION budgetqa_bump_store_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER documents_inserted AFTER INSERT ON documents FOR EACH ROW EXECUTE FUNCTION budgetqa_bump_store_version();
CREATE TRIGGER documents_deleted AFTER DELETE ON documents FOR EACH ROW EXECUTE FUNCTION budgetqa_bump_store_version();
