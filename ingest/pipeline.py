"""Ingestion: files -> Document -> chunks + facts + BM25 tokens -> SQLite (one transaction) -> BM25, then Chroma.

Files are parsed in parallel processes (ingest/parallel.py) and written one transaction per file, with
every chunk queued for its dense vector ('pending' in the side store). Facts, chunks and BM25 are answerable
as soon as the files are written; the vectors follow by draining the queue (`embed=True`, the default, does
it at the end of `ingest`; `budgetqa ingest --no-embed` leaves it to `budgetqa embed`).

Idempotent: a file whose SHA-256 is already stored is skipped, unless the organisation, year or kind a user
sets (`meta`) differ from the ones stored with it: then it is read again with them, and its facts, chunks and
vectors follow in the same replacing transaction. Values a user set are kept by later ingests of the same
bytes that set none (a changed file's metadata is read from its new content). A changed file replaces its old version
(same path) atomically. On any error or Ctrl-C while a file is being written, the SQLite transaction is
rolled back, so the store is as it was before it. SQLite is the source of truth: readers only see chunks
of documents present there, and vectors of documents it does not hold are removed before embedding.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from budgetqa.core.errors import BudgetQAError, IngestError
from budgetqa.core.meta_override import MetaOverride
from budgetqa.core.records import DocMeta
from budgetqa.core.settings import Settings
from budgetqa.ingest.facts import EXTRACTION_VERSION
from budgetqa.ingest.guard import check_content
from budgetqa.ingest.loader import SUPPORTED_SUFFIXES, read_file, sha256_bytes
from budgetqa.ingest.parallel import ParsedFile, StageTimes, parse_files, set_tokenizer
from budgetqa.store.side_store import SideStore, open_store
from budgetqa.store.lock import store_writer_lock

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
    times: StageTimes = field(default_factory=StageTimes)

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
    """Owns the stores for writing. Build once, call `ingest` with any number of paths.

    `embed=False`: stop after facts, chunks and BM25; the vectors stay queued for `embed_pending()`.
    `times` sums the seconds per stage over every call (the benchmark reads it).
    """

    def __init__(self, settings: Settings, store: SideStore | None = None, embed: bool = True):
        self.settings = settings
        self.store = store or open_store(settings)
        self.embed = embed
        self.times = StageTimes()
        self._vectors = None
        self._lexical = None
        self._batch: dict[str, Path] = {}  # document id -> the file of this ingest holding those bytes
        self._added = None  # BM25 segment of this ingest's chunks (SegmentBuilder), None: rebuild if stale
        self._removed: list[str] = []  # documents replaced by this ingest
        self._overrides: dict[Path, MetaOverride] = {}  # file -> the metadata a user set for it (this ingest)
        self._clear_meta = False  # this ingest forgets the metadata users set before

    # Indexes are created lazily: `budgetqa docs` and `ingest --no-embed` need neither the model nor Chroma.
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
            from budgetqa.retrieval.lexical import LexicalIndex, shared_tokenizer

            self._lexical = (LexicalIndex(self.settings.bm25_path), shared_tokenizer())
        return self._lexical

    def reconcile(self) -> None:
        """Drop vectors of documents SQLite does not hold (left by a crash or by a replaced version)."""
        from budgetqa.retrieval.embed_worker import reconcile

        reconcile(self.store, self.vectors)

    def ingest(self, paths: Iterable[str | Path], on_file: Callable[[FileResult], None] | None = None,
               on_wait: Callable[[str], None] | None = None, meta: MetaOverride | None = None,
               clear_meta: bool = False) -> list[FileResult]:
        """Ingest files and folders under the store's writer lock (a second ingest waits, then gives up).
        `meta`: organisation / year / kind a user sets for every file of this call (validated: parse_override);
        `clear_meta`: forget the values a user set before (the content, else the file name, says them again)."""
        self._clear_meta = clear_meta
        with store_writer_lock(self.settings, on_wait):
            return self._ingest(paths, on_file, meta)

    def _ingest(self, paths: Iterable[str | Path], on_file: Callable[[FileResult], None] | None,
                meta: MetaOverride | None = None) -> list[FileResult]:
        results: list[FileResult] = []
        self._batch, self._overrides = {}, {}
        files = expand_paths(paths)
        changed = False
        self._start_lexical()

        def done(result: FileResult) -> None:
            nonlocal changed
            changed |= result.status in ("ingested", "replaced")
            results.append(result)
            if on_file:
                on_file(result)

        try:
            todo = []
            for path in files:
                result = self._check(path, meta)
                if result is None:
                    todo.append(path)
                else:
                    done(result)
            if todo:
                set_tokenizer(self.lexical[1])  # the parse workers inherit it
                for parsed in parse_files(todo, self.settings, self._overrides):
                    done(self._store_parsed(parsed))
        finally:
            if changed or results:
                self.refresh_lexical()  # also after a crashed ingest whose files were committed before BM25
        position = {str(p): i for i, p in enumerate(files)}
        results.sort(key=lambda r: position.get(r.path, len(position)))  # input order, whatever parsed first
        if self.embed and (changed or self.pending()):
            self.embed_pending()
        return results

    def ingest_file(self, path: Path, meta: MetaOverride | None = None) -> FileResult:
        """One file (facts, chunks, queued vectors); the caller refreshes BM25 and drains the queue."""
        self._overrides = {}
        result = self._check(path, meta)
        if result is not None:
            return result
        set_tokenizer(self.lexical[1])
        single = self.settings.model_copy(update={"ingest_workers": 1})
        return self._store_parsed(next(parse_files([path], single, self._overrides)))

    def _start_lexical(self) -> None:
        """When the saved BM25 index matches the store, this ingest's chunks will be added to it as one
        segment; otherwise `refresh_lexical` rebuilds it from the stored tokens."""
        from budgetqa.retrieval.bm25_segments import SegmentBuilder

        index, _ = self.lexical
        fp = self.store.fingerprint()
        fresh = index.fingerprint == fp or (index.load() and index.fingerprint == fp)
        self._added, self._removed = (SegmentBuilder() if fresh else None), []

    def refresh_lexical(self) -> None:
        t0 = time.perf_counter()
        index, tokenizer = self.lexical
        if self._added is not None and index.fingerprint != self.store.fingerprint():
            index.add(self._added, self._removed, self.store.fingerprint())
            self._added = None
        else:
            index.ensure_fresh(self.store, tokenizer)
        self.times.bm25 += time.perf_counter() - t0

    def pending(self) -> int:
        from budgetqa.store.embed_queue import pending_count

        return pending_count(self.store)

    def embed_pending(self, on_batch=None, stop=None):
        """Drain the embedding queue (see retrieval/embed_worker.py); returns its EmbedReport."""
        from budgetqa.retrieval.embed_worker import drain

        t0 = time.perf_counter()
        self.reconcile()
        report = drain(self.store, self.vectors, self.settings.embed_queue_batch, on_batch=on_batch, stop=stop)
        self.times.embed += time.perf_counter() - t0
        return report

    def _check(self, path: Path, meta: MetaOverride | None = None) -> FileResult | None:
        """The result of a file that needs no parsing (unchanged, or unreadable); None when it must be parsed
        (new bytes, an older extraction, or user metadata other than the stored one: kept in self._overrides)."""
        result = FileResult(path=str(path), status="failed")
        try:
            data = read_file(path, self.settings)
            check_content(path, data, self.settings)  # magic bytes and ZIP directory, before any worker starts
            doc_id = sha256_bytes(data)
        except IngestError as exc:
            result.error = str(exc)
            return result
        except BudgetQAError as exc:
            result.error = f"{path}: {exc}"
            return result
        first = self._batch.get(doc_id)
        if first is not None and first != Path(path).resolve():  # the same bytes twice in one ingest
            result.status = "unchanged"
            result.warnings = [f"内容与本次导入的 {first.name} 相同，未重复导入"]
            return result
        stored_override = self.store.meta_override(doc_id)
        wanted = (MetaOverride() if self._clear_meta else stored_override).merged(meta)
        if not self.store.has_document(doc_id, EXTRACTION_VERSION) or wanted != stored_override:
            self._batch[doc_id] = Path(path).resolve()
            if not wanted.is_empty():
                self._overrides[path] = wanted
            return None
        stored = self.store.document(doc_id)
        result.status = "unchanged"
        if stored:
            result.meta = DocMeta(stored.org, stored.year, stored.kind,  # type: ignore[arg-type]
                                  aliases=stored.aliases, sources=stored.meta_sources)
            result.pages, result.tables = stored.pages, stored.tables
            result.chunks, result.facts, result.warnings = stored.chunks, stored.facts, list(stored.warnings)
            if Path(stored.path) != Path(path).resolve():  # the same bytes under another name
                result.warnings.insert(0, f"内容与已导入的 {stored.name} 相同，未重复导入")
        return result

    def _store_parsed(self, parsed: ParsedFile) -> FileResult:
        result = FileResult(path=str(parsed.path), status="failed", times=parsed.times)
        t0 = time.perf_counter()
        try:
            if parsed.error is not None:
                result.error = parsed.error
                return result
            self._write(parsed, result)
        except BudgetQAError as exc:
            result.error = f"{parsed.path}: {exc}"
        except Exception as exc:  # e.g. a full disk: this file fails, the transaction rolled back, the rest go on
            log.exception("unexpected error while writing %s", parsed.path)
            result.error = f"{parsed.path}: 无法写入 ({type(exc).__name__}: {exc})"
        finally:
            result.times.write = time.perf_counter() - t0
            result.seconds = sum(vars(result.times).values())
            self.times.add(result.times)
        return result

    def _write(self, parsed: ParsedFile, result: FileResult) -> None:
        doc = parsed.doc
        assert doc is not None
        old_ids = self.store.replace_document(doc, parsed.chunks, parsed.facts, parsed.tokens,
                                              extraction_version=EXTRACTION_VERSION, embed_states=parsed.embed_states)
        if self._added is not None:
            self._added.add([c.id for c in parsed.chunks], parsed.tokens)
            self._removed.extend(old_ids)
        if old_ids and self._vectors is not None:
            self.vectors.delete_docs(old_ids)  # else removed by reconcile() before the next embedding
        result.status = "replaced" if old_ids else "ingested"
        result.meta = doc.meta
        result.pages, result.tables = len(doc.pages), len(doc.tables)
        result.chunks, result.facts, result.warnings = len(parsed.chunks), len(parsed.facts), doc.warnings
