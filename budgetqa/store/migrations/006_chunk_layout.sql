-- The layout facts answering needs, measured once at ingest and stored with each chunk: the text width of
-- its page in CJK character widths (budgetqa.ingest.layout). NULL: unpaged text, or a chunk stored before
-- this migration (answering then joins only long lines - re-ingest the document to measure it).
ALTER TABLE chunks ADD COLUMN text_width REAL;
