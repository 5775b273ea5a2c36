"""Ingestion: files -> Document -> chunks + facts -> SQLite (one transaction) + Chroma + BM25.

Idempotent: a file whose SHA-256 is already stored is skipped. A changed file replaces its old version
(same path) atomically. On any error or Ctrl-C while a file is being written, the SQLite transaction is
rolled back and the vectors written for that file are removed, so the stores are as they were before it.
SQLite is the source of truth: readers only see chunks of documents present there.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from budgetqa.core.errors import BudgetQAError, IngestError
from budgetqa.core.records import DocMeta
from budgetqa.core.settings import Settings
from budgetqa.ingest.chunker import chunk_document
from budgetqa.ingest.facts import EXTRACTION_VERSION, extract_facts
from budgetqa.ingest.guard import check_content
from budgetqa.ingest.loader import SUPPORTED_SUFFIXES, read_file, sha256_bytes
from budgetqa.ingest.worker import parse_file
from budgetqa.store.lock import writer_lock
from budgetqa.store.side_store import SideStore, open_store

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    path: str
    status: str  # 'ingested' | 'replaced' | 'unchanged' | 'failed'
    meta: DocMeta = field(default_factory=DocMeta)
    pages: int = 0
    tables: int = 0
    chunks: int = 0
    facts: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files given directly, plus supported files found (recursively) in the given folders, sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # symbolic links are listed too: the ingest refuses them with a line naming each one
            out.extend(sorted(f for f in p.rglob("*") if (f.is_file() or f.is_symlink())
                              and f.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out


class Ingestor:
    """Owns the three stores for writing. Build once, call `ingest` with any number of paths."""

    def __init__(self, settings: Settings, store: SideStore | None = None):
        self.settings = settings
        self.store = store or open_store(settings.sqlite_path)
        self._vectors = None
        self._lexical = None

    # Indexes are created lazily: `budgetqa docs` needs neither the model nor Chroma.
    @property
    def vectors(self):
        if self._vectors is None:
            from budgetqa.retrieval.embeddings import get_embedder
            from budgetqa.retrieval.vector_store import ChromaVectorStore

            self._vectors = ChromaVectorStore(self.settings, get_embedder(self.settings))
        return self._vectors

    @property
    def lexical(self):
        if self._lexical is None:
            from budgetqa.retrieval.lexical import LexicalIndex, Tokenizer

            self._lexical = (LexicalIndex(self.settings.bm25_path), Tokenizer())
        return self._lexical

    def reconcile(self) -> None:
        """Drop vectors of documents SQLite does not hold (left by a crash between the two writes)."""
        orphans = self.vectors.doc_ids() - self.store.document_ids()
        if orphans:
            log.warning("removing vectors of %d document(s) missing from the side store", len(orphans))
            self.vectors.delete_docs(sorted(orphans))

    def ingest(self, paths: Iterable[str | Path], on_file: Callable[[FileResult], None] | None = None,
               on_wait: Callable[[str], None] | None = None) -> list[FileResult]:
        """Ingest files and folders under the store's writer lock (a second ingest waits, then gives up)."""
        results = []
        changed = False
        with writer_lock(self.settings.store, self.settings.ingest_lock_wait_s, on_wait):
            self.reconcile()
            try:
                for path in expand_paths(paths):
                    result = self.ingest_file(path)
                    changed |= result.status in ("ingested", "replaced")
                    results.append(result)
                    if on_file:
                        on_file(result)
            finally:
                if changed:
                    self.refresh_lexical()
        return results

    def refresh_lexical(self) -> None:
        index, tokenizer = self.lexical
        index.ensure_fresh(self.store, tokenizer)

    def ingest_file(self, path: Path) -> FileResult:
        import time

        t0 = time.perf_counter()
        result = FileResult(path=str(path), status="failed")
        try:
            data = read_file(path, self.settings)
            check_content(path, data, self.settings)  # magic bytes and ZIP directory, before any worker starts
            doc_id = sha256_bytes(data)
            if self.store.has_document(doc_id, EXTRACTION_VERSION):
                stored = self.store.document(doc_id)
                result.status = "unchanged"
                if stored:
                    result.meta = DocMeta(stored.org, stored.year, stored.kind)  # type: ignore[arg-type]
                    result.pages, result.tables = stored.pages, stored.tables
                    result.chunks, result.facts, result.warnings = stored.chunks, stored.facts, list(stored.warnings)
                    if Path(stored.path) != path.resolve():  # the same bytes under another name
                        result.warnings.insert(0, f"内容与已导入的 {stored.name} 相同，未重复导入")
                return result
            self._write(path, result)
        except IngestError as exc:
            result.error = str(exc)
        except BudgetQAError as exc:
            result.error = f"{path}: {exc}"
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a parser crash must not stop the other files
            log.exception("unexpected error while ingesting %s", path)
            result.error = f"{path}: 无法解析 ({type(exc).__name__}: {exc})"
        finally:
            result.seconds = time.perf_counter() - t0
        return result

    def _write(self, path: Path, result: FileResult) -> None:

        doc = parse_file(path, self.settings)  # in a worker with time and memory limits
        chunks = chunk_document(doc, self.settings)
        facts = extract_facts(doc)
        _, tokenizer = self.lexical
        old_ids = [i for i in self.store.ids_at_path(doc.path) if i != doc.id]
        meta = {"org": doc.meta.org, "year": doc.meta.year, "kind": doc.meta.kind, "name": doc.name}
        tokens = tokenizer.tokenize_chunks(chunks, meta)  # with the document header, as indexed
        try:
            self.vectors.add(chunks, meta)
            self.store.replace_document(doc, chunks, facts, tokens, extraction_version=EXTRACTION_VERSION)
        except BaseException:
            # roll back the vectors of this file; the SQLite transaction has rolled back itself
            self.vectors.delete_docs([doc.id])
            raise
        if old_ids:
            self.vectors.delete_docs(old_ids)
        result.status = "replaced" if old_ids else "ingested"
        result.meta = doc.meta
        result.pages, result.tables = len(doc.pages), len(doc.tables)
        result.chunks, result.facts, result.warnings = len(chunks), len(facts), doc.warnings
