"""Extraction speed: load + chunk + fact extraction over files, reported as pages/s and facts/s."""
from __future__ import annotations

import time
from pathlib import Path

from budgetqa.core.errors import IngestError
from budgetqa.core.settings import Settings
from budgetqa.ingest.chunker import chunk_document
from budgetqa.ingest.loader import load_document
from budgetqa.ingest.pipeline import expand_paths


def bench_extraction(paths: list[str | Path], settings: Settings) -> dict:
    from budgetqa.ingest.facts import extract_facts

    files = expand_paths(paths)
    pages = facts = chunks = 0
    load_s = extract_s = 0.0
    failed = []
    for f in files:
        t0 = time.perf_counter()
        try:
            doc = load_document(f, settings)
        except IngestError as exc:
            failed.append(str(exc))
            continue
        t1 = time.perf_counter()
        chunks += len(chunk_document(doc, settings))
        facts += len(extract_facts(doc))
        t2 = time.perf_counter()
        pages += len(doc.pages)
        load_s += t1 - t0
        extract_s += t2 - t1
    total = load_s + extract_s
    return {
        "files": len(files) - len(failed),
        "failed": failed,
        "pages": pages,
        "chunks": chunks,
        "facts": facts,
        "load_seconds": round(load_s, 3),
        "chunk_and_extract_seconds": round(extract_s, 3),
        "pages_per_s": round(pages / total, 1) if total else None,
        "facts_per_s_extraction": round(facts / extract_s, 1) if extract_s else None,
        "facts_per_s_end_to_end": round(facts / total, 1) if total else None,
    }
