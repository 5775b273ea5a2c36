-- Where a document's organisation, year and kind came from: {"org": "content" | "file_name" | "user", ...}.
-- Values a user set ('user', `budgetqa ingest --org/--year/--kind`, the upload page) are kept when the same
-- file is ingested again. '{}' for documents stored before this migration (their metadata came from content).
ALTER TABLE documents ADD COLUMN meta_sources TEXT NOT NULL DEFAULT '{}';
