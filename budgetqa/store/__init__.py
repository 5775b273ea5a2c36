"""Storage: the SQLite side store (documents, pages, chunks, facts) with numbered migrations."""
