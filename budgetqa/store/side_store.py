"""The side store: documents, pages, chunks and facts, with numbered migrations (`budgetqa.store.migrate`),
in an embedded SQLite file (WAL) or, with BUDGETQA_DATABASE_URL, a PostgreSQL database."""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from budgetqa.core.meta_override import USER, MetaOverride
from budgetqa.core.records import Chunk, Document, Fact, StoredDocument
from budgetqa.store import migrate
from budgetqa.store.backend import backend_for

if TYPE_CHECKING:
    from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

_FACT_COLUMNS = (
    "doc_id org year doc_kind statement item row_label column_label code value_text value unit "
    "value_yuan page table_index row_index col_index quote locator period measure blank"
).split()


def latest_schema_version() -> int:
    """The schema version this code writes (the number of its last migration)."""
    return migrate.latest_schema_version()


class SideStore:
    """Documents, chunks and facts in one SQLite file or PostgreSQL database (`backend_for`).

    Writes of one document happen in one transaction. `conn` takes the same `?`-placeholder SQL on both.
    """

    def __init__(self, target: "Path | str | Settings"):
        self.backend = backend_for(target)
        self.location = self.backend.location  # for messages and cache keys (a URL without its password)
        self.path = getattr(self.backend, "path", None)  # the SQLite file; None on PostgreSQL
        self.conn = self.backend.connect()
        try:
            migrate.apply_migrations(self)
        except BaseException:
            self.conn.close()
            raise

    # --- schema ------------------------------------------------------------------------
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(number) FROM _migrations").fetchone()
        return row[0] or 0

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        self.conn.execute(self.backend.begin)
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def integrity_problems(self) -> list[str]:
        """What the database engine reports as damaged in its own files (empty: nothing)."""
        return self.backend.integrity_problems(self.conn)

    def close(self) -> None:
        self.conn.close()

    # --- documents ---------------------------------------------------------------------
    def has_document(self, doc_id: str, extraction_version: int = 0) -> bool:
        """The document is stored, read by an extractor at least as new as `extraction_version`."""
        row = self.conn.execute("SELECT extraction_version FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row is not None and row[0] >= extraction_version

    def document_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM documents")}

    def ids_at_path(self, path: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents WHERE path = ?", (path,))]

    def replace_document(
        self,
        doc: Document,
        chunks: list[Chunk],
        facts: list[Fact],
        tokens: list[list[str]] | None = None,
        extraction_version: int = 0,
        embed_states: list[str] | None = None,
    ) -> list[str]:
        """Store a document with its chunks and facts, replacing older versions of the same path.

        Everything happens in one transaction: on any error (or Ctrl-C) the store is as before.
        `embed_states` ('pending' | 'skip' | 'done' per chunk, default 'pending') queue the dense vectors.
        Returns the ids of the replaced versions.
        """
        tokens = tokens or [[] for _ in chunks]
        embed_states = embed_states or ["pending"] * len(chunks)
        with self.transaction() as c:
            old = [i for i in self.ids_at_path(doc.path) if i != doc.id]
            for old_id in old:
                c.execute("DELETE FROM documents WHERE id = ?", (old_id,))
            c.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
            c.execute(
                "INSERT INTO documents (id, name, path, format, org, year, kind, pages, tables, warnings, paged, ingested_at,"
                " extraction_version, aliases, meta_sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id, doc.name, doc.path, doc.format, doc.meta.org, doc.meta.year, doc.meta.kind,
                    len(doc.pages), len(doc.tables), json.dumps(doc.warnings, ensure_ascii=False),
                    int(doc.paged), _now(), extraction_version, json.dumps(doc.meta.aliases, ensure_ascii=False),
                    json.dumps(doc.meta.sources, ensure_ascii=False),
                ),
            )
            c.executemany(
                "INSERT INTO pages (doc_id, number, text, needs_ocr) VALUES (?, ?, ?, ?)",
                [(doc.id, p.number, p.text, int(p.needs_ocr)) for p in doc.pages],
            )
            c.executemany(
                "INSERT INTO chunks (id, doc_id, ordinal, text, page, section, char_start, char_end, kind, table_index,"
                " tokens, text_width, embed_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (ch.id, ch.doc_id, ch.ordinal, ch.text, ch.page, ch.section, ch.char_start, ch.char_end,
                     ch.kind, ch.table_index, " ".join(tok), ch.text_width, state)
                    for ch, tok, state in zip(chunks, tokens, embed_states)
                ],
            )
            c.executemany(
                f"INSERT INTO facts ({', '.join(_FACT_COLUMNS)}) VALUES ({', '.join('?' * len(_FACT_COLUMNS))})",
                [_fact_row(f) for f in facts],
            )
        return old

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def list_documents(self, doc_id: str | None = None) -> list[StoredDocument]:
        """Every stored document (or just `doc_id`), with its chunk and fact counts."""
        sql = """SELECT d.*, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id) AS n_chunks,
                        (SELECT COUNT(*) FROM facts f WHERE f.doc_id = d.id) AS n_facts FROM documents d"""
        if doc_id is None:
            rows = self.conn.execute(sql).fetchall()
        else:
            rows = self.conn.execute(sql + " WHERE d.id = ?", (doc_id,)).fetchall()
        rows.sort(key=_document_order)
        return [
            StoredDocument(
                id=r["id"], name=r["name"], path=r["path"], format=r["format"], org=r["org"], year=r["year"],
                kind=r["kind"], pages=r["pages"], tables=r["tables"], chunks=r["n_chunks"], facts=r["n_facts"],
                warnings=json.loads(r["warnings"]), ingested_at=r["ingested_at"], aliases=json.loads(r["aliases"]),
                meta_sources=json.loads(r["meta_sources"]),
            )
            for r in rows
        ]

    def document(self, doc_id: str) -> StoredDocument | None:
        return next(iter(self.list_documents(doc_id)), None)

    def meta_override(self, doc_id: str) -> MetaOverride:
        """The organisation, year and kind a user set for a stored document (empty when none or not stored)."""
        row = self.conn.execute("SELECT org, year, kind, meta_sources FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return MetaOverride()
        sources = json.loads(row["meta_sources"])
        return MetaOverride(**{f: row[f] for f in ("org", "year", "kind") if sources.get(f) == USER})

    def page_text(self, doc_id: str, number: int) -> str | None:
        row = self.conn.execute("SELECT text FROM pages WHERE doc_id = ? AND number = ?", (doc_id, number)).fetchone()
        return row[0] if row else None

    def ocr_pages(self, doc_id: str) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT number FROM pages WHERE doc_id = ? AND needs_ocr = 1 ORDER BY number", (doc_id,))]

    # --- chunks ------------------------------------------------------------------------
    def chunks(self, ids: Iterable[str] | None = None, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        sql, args = "SELECT * FROM chunks", []
        if ids is not None:
            ids = list(ids)
            if not ids:
                return []
            sql += f" WHERE id IN ({','.join('?' * len(ids))})"
            args = ids
        elif doc_ids is not None:
            doc_ids = list(doc_ids)
            if not doc_ids:
                return []
            sql += f" WHERE doc_id IN ({','.join('?' * len(doc_ids))})"
            args = doc_ids
        rows = self.conn.execute(sql + " ORDER BY doc_id, ordinal", args).fetchall()
        return [_chunk(r) for r in rows]

    def chunk_tokens(self) -> list[tuple[str, list[str]]]:
        """(chunk id, tokens) of every chunk, in a stable order, for the lexical index."""
        rows = self.conn.execute("SELECT id, tokens FROM chunks ORDER BY doc_id, ordinal")
        return [(r[0], r[1].split(" ") if r[1] else []) for r in rows]

    def fingerprint(self) -> str:
        """Changes whenever a document is added or removed (used to know when indexes are stale).

        One row read (a counter kept by triggers, migration 003), so it can be checked on every question.
        """
        uid, version = self.conn.execute("SELECT uid, version FROM store_version WHERE id = 1").fetchone()
        return f"{uid}-{version}"

    # --- facts -------------------------------------------------------------------------
    def facts(
        self,
        org: str | None = None,
        year: int | None = None,
        item: str | None = None,
        code: str | None = None,
        doc_ids: Iterable[str] | None = None,
        statement: str | None = None,
        include_blank: bool = False,
    ) -> list[Fact]:
        """Stored facts, filtered; blank cells (nothing disclosed) only with `include_blank`."""
        where, args = [], []
        if not include_blank:
            where.append("blank = 0")
        if org:
            where.append("org LIKE ?")
            args.append(f"%{org}%")
        if year is not None:
            where.append("year = ?")
            args.append(year)
        if item:
            where.append("item = ?")
            args.append(item)
        if code:
            where.append("code LIKE ?")
            args.append(f"{code}%")
        if statement:
            where.append("statement = ?")
            args.append(statement)
        if doc_ids is not None:
            doc_ids = list(doc_ids)
            if not doc_ids:
                return []
            where.append(f"doc_id IN ({','.join('?' * len(doc_ids))})")
            args.extend(doc_ids)
        sql = "SELECT * FROM facts" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return [_fact(r) for r in self.conn.execute(sql, args)]

    def facts_by_id(self, fact_ids: Iterable[int]) -> list[Fact]:
        ids = list(fact_ids)
        if not ids:
            return []
        rows = self.conn.execute(f"SELECT * FROM facts WHERE id IN ({','.join('?' * len(ids))})", ids)
        return [_fact(r) for r in rows]

    def doc_names(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, name FROM documents")}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _document_order(r) -> tuple:
    """ORDER BY org, year, name with NULLs first and code-point order, whatever the database's collation."""
    return (r["org"] is not None, r["org"] or "", r["year"] is not None, r["year"] or 0, r["name"])


def _fact_row(f: Fact) -> tuple:
    values = []
    for col in _FACT_COLUMNS:
        v = getattr(f, col)
        if isinstance(v, bool):
            v = int(v)
        elif isinstance(v, Decimal):
            v = str(v)
        values.append(v)
    return tuple(values)


def _fact(r) -> Fact:
    d = {col: r[col] for col in _FACT_COLUMNS}
    d["value"] = Decimal(d["value"])
    d["value_yuan"] = Decimal(d["value_yuan"]) if d["value_yuan"] is not None else None
    d["blank"] = bool(d["blank"])
    return Fact(**d, fact_id=r["id"])


def _chunk(r) -> Chunk:
    return Chunk(
        doc_id=r["doc_id"], ordinal=r["ordinal"], text=r["text"], page=r["page"], section=r["section"],
        char_start=r["char_start"], char_end=r["char_end"], kind=r["kind"], table_index=r["table_index"],
        text_width=r["text_width"],
    )


def open_store(target: "Path | str | Settings") -> SideStore:
    """The side store of `target`: Settings (PostgreSQL when `database_url` is set), a URL or a SQLite file."""
    backend = backend_for(target)
    try:
        return SideStore(target)
    except Exception as exc:
        error = backend.open_error(exc)
        if error is None:
            raise
        raise error from exc
