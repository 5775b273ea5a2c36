-- PostgreSQL: as 006_chunk_layout.sql (see there); DOUBLE PRECISION is SQLite's 8-byte REAL (PostgreSQL's REAL is 4 bytes).
ALTER TABLE chunks ADD COLUMN text_width DOUBLE PRECISION;
