"""`budgetqa bench-scale --sizes 100,1000,10000`: for each N, a synthetic corpus of N documents is ingested
into its own store and measured: pages/s per stage, time until the first answer, answer latency p50/p95 for
fact and passage questions (no LLM), accuracy, store size, peak memory; then the LangChain baseline on the
same questions. Corpora and stores stay in `--work` (re-running a size reuses its corpus, never its store).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from pathlib import Path

from budgetqa.benchmarks.baseline import run_baseline
from budgetqa.benchmarks.cold_start import cold_start
from budgetqa.benchmarks.measure import folder_mb, peak_rss_mb, percentile
from budgetqa.benchmarks.synthetic import correct, questions, write_corpus
from budgetqa.core.settings import Settings
from budgetqa.ingest.pipeline import Ingestor

log = logging.getLogger(__name__)

REPO_SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _shared(settings: Settings) -> Path:
    return settings.shared_dir if settings.shared_dir else REPO_SHARED


def _setup(n: int, settings: Settings, work: Path, per_kind: int):
    shared = _shared(settings)
    seeds = sorted((shared / "corpus" / "seeds").glob("*.txt"))
    corpus = work / f"corpus-{n}"
    variants = write_corpus(seeds, n, corpus)
    qs = questions(variants, sorted((shared / "eval").glob("dev*.jsonl")), per_kind)
    store = work / f"store-{n}"
    return corpus, qs, store, settings.model_copy(update={"store": store})


def build_store(n: int, settings: Settings, work: Path, per_kind: int) -> dict:
    """Write the corpus, ingest it into a new store (no vectors) and time the first answer; the figures are
    also saved beside the store (`store-N.ingest.json`) for `--reuse`."""
    corpus, qs, store, s = _setup(n, settings, work, per_kind)
    shutil.rmtree(store, ignore_errors=True)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    ingestor = Ingestor(s, embed=False)
    results = ingestor.ingest([corpus])
    ingest_s = time.perf_counter() - t0
    from budgetqa.answering.engine import Engine

    first = Engine(s).ask(next(q.text for q in qs if q.kind == "fact"))
    first_answer_s = time.perf_counter() - t0
    pages = sum(r.pages for r in results)
    times = vars(ingestor.times)
    out: dict = {
        "documents": n,
        "failed": sum(not r.ok for r in results),
        "pages": pages,
        "chunks": sum(r.chunks for r in results),
        "facts": sum(r.facts for r in results),
        "ingest_no_embed_seconds": round(ingest_s, 1),
        "pages_per_s_per_stage": {k: (round(pages / v, 1) if v else None) for k, v in times.items() if k != "embed"},
        "stage_seconds": {k: round(v, 1) for k, v in times.items() if k != "embed"},
        "first_answer": {"seconds_from_ingest_start": round(first_answer_s, 1),
                         "engine_cold_start_and_answer_s": round(first_answer_s - ingest_s, 2),
                         "status": first.status},
        "ingest_peak_memory": peak_rss_mb(),
        "load_average_1min": {"start": round(load, 2), "end": round(os.getloadavg()[0], 2)},
    }
    (work / f"store-{n}.ingest.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def bench_size(n: int, settings: Settings, work: Path, per_kind: int, baseline: bool, reuse: bool = False,
               embed_limit_s: float = 0.0) -> dict:
    corpus, qs, store, s = _setup(n, settings, work, per_kind)
    saved = work / f"store-{n}.ingest.json"
    if reuse and store.exists():  # the ingest figures of the run that built it, when that run saved them
        if saved.exists():
            out = json.loads(saved.read_text(encoding="utf-8"))
        else:
            docs = Ingestor(s, embed=False).store.list_documents()
            out = {"documents": len(docs), "pages": sum(d.pages for d in docs), "chunks": sum(d.chunks for d in docs),
                   "facts": sum(d.facts for d in docs)}
        out["reused_store"] = True
    else:
        out = build_store(n, settings, work, per_kind)
    from budgetqa.answering.engine import Engine

    ingestor = Ingestor(s, embed=False)
    stop = threading.Event()
    timer = threading.Timer(embed_limit_s, stop.set) if embed_limit_s > 0 else None
    if timer:
        timer.start()
    embed = ingestor.embed_pending(stop=stop)
    if timer:
        timer.cancel()
    out["embedding"] = {"model": s.embedding_model, "chunks": embed.chunks, "seconds": round(embed.seconds, 1),
                        "chunks_per_s": embed.chunks_per_s, "still_queued": ingestor.pending(),
                        "time_limit_s": embed_limit_s or None}
    out["cold_start_new_process"] = cold_start(s, next(q.text for q in qs if q.kind == "passage"))
    engine = Engine(s)  # cold start of an engine on the finished store (modules already imported)
    t1 = time.perf_counter()
    engine.ask(next(q.text for q in qs if q.kind == "fact"))
    out["cold_start_to_first_fact_answer_s"] = round(time.perf_counter() - t1, 2)
    engine.ask(next(q.text for q in qs if q.kind == "passage"))  # loads tokenizer, BM25, vectors
    out["cold_start_to_first_passage_answer_s"] = round(time.perf_counter() - t1, 2)
    for kind in ("fact", "passage"):
        kq = [q for q in qs if q.kind == kind]
        timings, cpu, right = [], [], 0
        load = os.getloadavg()[0]
        for q in kq:
            t, c = time.perf_counter(), time.process_time()
            a = engine.ask(q.text)
            timings.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)  # this process's CPU: the work, without waiting for a core
            right += correct(q, a.answer)
        out[kind] = {"n": len(kq), "accuracy": round(right / len(kq), 3) if kq else None,
                     "p50_ms": percentile(timings, 50), "p95_ms": percentile(timings, 95),
                     "cpu_p50_ms": percentile(cpu, 50), "cpu_p95_ms": percentile(cpu, 95),
                     "load_average_1min": round((load + os.getloadavg()[0]) / 2, 2)}
    out["store_mb"] = folder_mb(store)
    out["peak_memory"] = peak_rss_mb()
    if baseline:
        from budgetqa.retrieval.embeddings import get_embedder

        base_dir = work / f"baseline-{n}"
        shutil.rmtree(base_dir, ignore_errors=True)
        out["langchain_baseline"] = run_baseline(sorted(corpus.glob("*.txt")), get_embedder(s), qs, base_dir)
        out["langchain_baseline"]["store_mb"] = folder_mb(base_dir)
    log.info("bench-scale %d: %s", n, out)
    return out


def bench_scale(sizes: list[int], settings: Settings, work: Path, per_kind: int, baseline: bool,
                reuse: bool = False, embed_limit_s: float = 0.0) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    return {"embedding_model": settings.embedding_model,
            "sizes": [bench_size(n, settings, work, per_kind, baseline, reuse, embed_limit_s) for n in sizes]}
