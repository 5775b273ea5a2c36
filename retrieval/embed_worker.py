"""Draining the embedding queue: pending chunks -> vectors in the vector store -> marked done.

Used by `budgetqa embed`, by `budgetqa ingest` (after the fast part) and by the app's background worker.
Each step embeds one batch, upserts it, then marks it done in one transaction: a crash or Ctrl-C loses at
most the batch in flight, which the next run embeds again.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from budgetqa.store import embed_queue

log = logging.getLogger(__name__)


@dataclass
class EmbedReport:
    chunks: int = 0
    seconds: float = 0.0
    remaining: int = 0
    stopped: bool = False  # True when stopped by the caller before the queue was empty

    @property
    def chunks_per_s(self) -> float | None:
        return round(self.chunks / self.seconds, 2) if self.seconds > 0 else None


def reconcile(store, vectors) -> int:
    """Drop vectors of documents the side store does not hold (left by a crash or a replaced version)."""
    orphans = vectors.doc_ids() - store.document_ids()
    if orphans:
        log.warning("removing vectors of %d document(s) missing from the side store", len(orphans))
        vectors.delete_docs(sorted(orphans))
    return len(orphans)


def drain(
    store,
    vectors,
    batch: int,
    on_batch: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    max_chunks: int | None = None,
) -> EmbedReport:
    """Embed pending chunks until the queue is empty, `stop` is set or `max_chunks` were embedded.

    `on_batch(done_now, remaining)` is called after every batch.
    """
    report = EmbedReport()
    t0 = time.perf_counter()
    while not (stop is not None and stop.is_set()):
        limit = batch if max_chunks is None else min(batch, max_chunks - report.chunks)
        if limit <= 0:
            break
        queued = embed_queue.next_batch(store, limit)
        if not queued:
            break
        # longest first within the batch: the model pads each of its own batches to its longest text
        items = sorted(((q.chunk, q.doc_meta) for q in queued), key=lambda cm: -len(cm[0].text))
        vectors.upsert(items)
        embed_queue.mark(store, [c.id for c, _ in items])
        report.chunks += len(items)
        if on_batch is not None:
            on_batch(len(items), embed_queue.pending_count(store))
    report.seconds = time.perf_counter() - t0
    report.remaining = embed_queue.pending_count(store)
    report.stopped = report.remaining > 0
    log.info("embedded %d chunks in %.1f s (%d pending)", report.chunks, report.seconds, report.remaining)
    return report
