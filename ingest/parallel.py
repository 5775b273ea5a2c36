"""Parsing files in parallel processes: load, chunk, extract facts and tokenize, with timings per stage.

The parse of one file is pure (no store is touched), so it runs in a pool of forked worker processes; the
parent writes each parsed file in one transaction, in input order. Workers are forked after the parent
built its tokenizer, so they inherit jieba's dictionary instead of loading it again. A file that fails
becomes a `ParsedFile` with `error` set (the message names the file), never an exception in the pool.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from budgetqa.core.errors import BudgetQAError, IngestError
from budgetqa.core.meta_override import MetaOverride
from budgetqa.core.records import Chunk, Document, Fact
from budgetqa.core.settings import Settings
from budgetqa.ingest.chunker import chunk_document
from budgetqa.ingest.worker import parse_file as parse_bounded
from budgetqa.store.embed_queue import PENDING, SKIP

log = logging.getLogger(__name__)

_tokenizer = None  # the process's tokenizer: set by the parent before forking, or built on first use


@dataclass
class StageTimes:
    """Seconds spent per ingest stage (summed over files when aggregated)."""

    parse: float = 0.0  # reading the file: text, tables, metadata
    chunk: float = 0.0
    facts: float = 0.0
    bm25: float = 0.0  # tokenizing chunks for BM25 (+ the index rebuild, when aggregated by the pipeline)
    write: float = 0.0  # the SQLite transaction
    embed: float = 0.0  # dense vectors

    def add(self, other: "StageTimes") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ParsedFile:
    path: Path
    doc: Document | None = None
    chunks: list[Chunk] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    tokens: list[list[str]] = field(default_factory=list)
    embed_states: list[str] = field(default_factory=list)
    error: str | None = None
    times: StageTimes = field(default_factory=StageTimes)


def set_tokenizer(tokenizer) -> None:
    global _tokenizer
    _tokenizer = tokenizer


def _get_tokenizer():
    global _tokenizer
    if _tokenizer is None:
        from budgetqa.retrieval.lexical import shared_tokenizer

        _tokenizer = shared_tokenizer()
    return _tokenizer


def embed_state(chunk: Chunk, settings: Settings) -> str:
    """'pending' when the chunk gets a dense vector under settings.dense_chunks, else 'skip'."""
    if settings.dense_chunks == "text" and chunk.kind == "table":
        return SKIP
    return PENDING


def warm() -> None:
    """Import and build now what preparing any file needs: the fact extractors, the measure table, the
    vocabulary and the tokenizer (the parse workers' forkserver does, so its children inherit them)."""
    import budgetqa.ingest.facts  # noqa: F401 - imported for its side effect of being loaded
    from budgetqa.core.measures import table
    from budgetqa.core.vocabulary import get_vocabulary

    table()
    get_vocabulary()
    _get_tokenizer()


def prepare(doc: Document, settings: Settings) -> ParsedFile:
    """Chunks, facts and BM25 tokens of a parsed document (run in the parse worker, after the parse)."""
    from budgetqa.ingest.facts import extract_facts

    t1 = time.perf_counter()
    chunks = chunk_document(doc, settings)
    t2 = time.perf_counter()
    facts = extract_facts(doc)
    t3 = time.perf_counter()
    meta = {"org": doc.meta.org, "year": doc.meta.year, "kind": doc.meta.kind, "name": doc.name}
    tokens = _get_tokenizer().tokenize_chunks(chunks, meta)  # with the document header, as indexed
    t4 = time.perf_counter()
    return ParsedFile(path=Path(doc.path), doc=doc, chunks=chunks, facts=facts, tokens=tokens,
                      embed_states=[embed_state(c, settings) for c in chunks],
                      times=StageTimes(chunk=t2 - t1, facts=t3 - t2, bm25=t4 - t3))


def parse_file(path: Path, settings: Settings, override: MetaOverride | None = None) -> ParsedFile:
    """Everything of one file that needs no store (`override`: metadata the user set). Errors are returned, not
    raised (Ctrl-C excepted)."""
    out = ParsedFile(path=Path(path))
    try:
        t0 = time.perf_counter()
        out = parse_bounded(path, settings, override, then=prepare)  # in a worker with time and memory limits
        out.path = Path(path)
        times = out.times
        times.parse = max(0.0, time.perf_counter() - t0 - times.chunk - times.facts - times.bm25)
    except IngestError as exc:
        out.error = str(exc)
    except BudgetQAError as exc:
        out.error = f"{path}: {exc}"
    except Exception as exc:  # a parser crash must not stop the other files
        log.exception("unexpected error while ingesting %s", path)
        out.error = f"{path}: 无法解析 ({type(exc).__name__}: {exc})"
    return out


def worker_count(settings: Settings, n_files: int) -> int:
    wanted = settings.ingest_workers or (os.cpu_count() or 1)
    return max(1, min(wanted, n_files))


def _die_with_parent() -> None:
    """A parse worker ends with the ingest that started it (Linux): a killed ingest leaves no worker holding
    the store's writer lock it inherited."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        log.debug("parse workers cannot be tied to their parent on this system")


def parse_files(paths: Sequence[Path], settings: Settings,
                overrides: Mapping[Path, MetaOverride] | None = None) -> Iterator[ParsedFile]:
    """Parsed files in input order; in a process pool when more than one worker is useful. `overrides`: the
    metadata a user set, per path."""
    overrides = overrides or {}
    workers = worker_count(settings, len(paths))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        for p in paths:
            yield parse_file(p, settings, overrides.get(p))
        return
    _get_tokenizer()  # built once here, inherited by the forked workers
    if settings.parse_in_subprocess:
        # each file is parsed in its own bounded worker process (ingest/worker.py); threads only wait on them
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="budgetqa-parse")
    else:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent)
    window = workers * settings.ingest_queue_per_worker  # parsed files held at most: memory stays bounded
    try:
        pending: deque = deque()
        todo = iter(paths)
        for p in todo:
            pending.append(pool.submit(parse_file, p, settings, overrides.get(p)))
            if len(pending) >= window:
                break
        while pending:
            parsed = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(parse_file, nxt, settings, overrides.get(nxt)))
            yield parsed
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
