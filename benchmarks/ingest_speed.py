"""`budgetqa bench-ingest PATH…`: ingest speed measured side by side with pdfplumber alone, in one run.

1. pdfplumber alone: `extract_text` + `extract_tables` on every page of the PDFs (the floor for parsing);
2. `ingest --no-embed` into a fresh store (parallel parse, facts, BM25, one transaction per file), then the
   first fact answer from a fresh engine;
3. dense embedding of the same sample of queued chunks two ways: as ingest did before the queue (document
   order, one document at a time) and by draining the queue (`budgetqa embed`), both with the configured
   embedder, so the chunks/s figures are comparable on the same machine in the same minute.
"""
from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from budgetqa.core.settings import Settings
from budgetqa.ingest.pipeline import Ingestor, expand_paths
from budgetqa.store import embed_queue

log = logging.getLogger(__name__)


def pdfplumber_alone(files: list[Path]) -> dict:
    import pdfplumber

    pages = 0
    t0 = time.perf_counter()
    for f in files:
        if f.suffix.lower() != ".pdf":
            continue
        with pdfplumber.open(str(f)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                pages += 1
    seconds = time.perf_counter() - t0
    return {"pages": pages, "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 2) if seconds else None}


def _embed_sample(settings: Settings, sample: int) -> dict:
    """chunks/s of the old per-document path and of the queue, on the same `sample` pending chunks."""
    from budgetqa.retrieval.embed_worker import drain

    ingestor = Ingestor(settings, embed=False)
    queued = embed_queue.next_batch(ingestor.store, sample)
    if not queued:
        return {}
    vectors = ingestor.vectors  # model loaded here, not timed
    vectors.embedder.embed_documents(["预热"])
    by_doc: dict[str, list] = {}
    for q in queued:
        by_doc.setdefault(q.chunk.doc_id, []).append(q)
    t0 = time.perf_counter()
    for items in by_doc.values():  # the pre-queue path: ChromaVectorStore.add per document
        vectors.add([q.chunk for q in items], items[0].doc_meta)
    before = time.perf_counter() - t0
    report = drain(ingestor.store, vectors, settings.embed_queue_batch, max_chunks=len(queued))
    return {
        "model": vectors.embedder.name,
        "chunks": len(queued),
        "per_document_chunks_per_s": round(len(queued) / before, 2),
        "queue_chunks_per_s": report.chunks_per_s,
    }


def bench_ingest(paths: list[str], settings: Settings, question: str | None, embed_sample: int) -> dict:
    files = expand_paths(paths)
    plumber = pdfplumber_alone(files)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        s = settings.model_copy(update={"store": Path(tmp) / "store"})
        t0 = time.perf_counter()
        ingestor = Ingestor(s, embed=False)
        results = ingestor.ingest(files)
        ingest_s = time.perf_counter() - t0
        first = None
        if question:
            from budgetqa.answering.engine import Engine

            answer = Engine(s).ask(question)
            first = {"question": question, "status": answer.status, "answer": answer.answer.splitlines()[0],
                     "seconds_after_ingest_start": round(time.perf_counter() - t0, 2)}
        pages = sum(r.pages for r in results)
        out = {
            "files": len(files),
            "failed": [r.error for r in results if not r.ok],
            "pdfplumber_alone": plumber,
            "ingest_no_embed": {
                "pages": pages,
                "chunks": sum(r.chunks for r in results),
                "facts": sum(r.facts for r in results),
                "seconds": round(ingest_s, 2),
                "pages_per_s": round(pages / ingest_s, 2),
                "workers": s.ingest_workers or "auto",
                "stage_seconds_summed_over_workers": {k: round(v, 2) for k, v in vars(ingestor.times).items()},
                "ratio_to_pdfplumber": round(ingest_s / plumber["seconds"], 2) if plumber["seconds"] else None,
            },
            "first_answer": first,
            "queue": vars(embed_queue.status(ingestor.store)),
        }
        if embed_sample:
            out["embedding"] = _embed_sample(s, embed_sample)
    return out
