"""`budgetqa bench-backends`: question latency with the side store in SQLite vs PostgreSQL, same corpus, same
process. The two engines are asked in turn, question by question, so load on the machine weighs on both alike;
the answers of the two are compared too (they must be the same)."""
from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from budgetqa.answering.engine import Engine
from budgetqa.benchmarks.measure import percentile
from budgetqa.core.errors import ConfigError
from budgetqa.core.settings import Settings
from budgetqa.ingest.pipeline import Ingestor

log = logging.getLogger(__name__)


def _engine(settings: Settings, corpus: list[Path]) -> tuple[Engine, float]:
    t0 = time.perf_counter()
    results = Ingestor(settings).ingest(corpus)
    failed = [r.error for r in results if not r.ok]
    if failed:
        log.warning("%d files failed to ingest: %s", len(failed), failed[:3])
    return Engine(settings), round(time.perf_counter() - t0, 1)


def bench_backends(questions: list[str], corpus: list[Path], settings: Settings, work: Path,
                   repeats: int = 3) -> dict:
    """Ingest `corpus` into a fresh SQLite store under `work` and into the database of `settings.database_url`
    (which should be empty: ingested files already there are 'unchanged'), then time Engine.ask on both."""
    if not settings.database_url:
        raise ConfigError("bench-backends 需要 BUDGETQA_DATABASE_URL（一个空的 PostgreSQL 数据库）")
    if not questions:
        raise ConfigError("bench-backends: 问题文件中没有问题")
    shutil.rmtree(work, ignore_errors=True)
    backends = {
        "sqlite": settings.model_copy(update={"store": work / "sqlite", "database_url": None}),
        "postgres": settings.model_copy(update={"store": work / "postgres"}),
    }
    engines, out = {}, {}
    for name, s in backends.items():
        engines[name], seconds = _engine(s, corpus)
        out[name] = {"ingest_s": seconds}
    for engine in engines.values():
        for q in questions:  # warm-up: indexes, caches and prepared statements
            engine.ask(q)
    timings: dict[str, list[float]] = {name: [] for name in engines}
    differ = set()
    for _ in range(max(1, repeats)):
        for q in questions:
            answers = {}
            for name, engine in engines.items():
                t0 = time.perf_counter()
                answers[name] = engine.ask(q).to_json()
                timings[name].append((time.perf_counter() - t0) * 1000)
            if answers["sqlite"] != answers["postgres"]:
                differ.add(q)
    for name, values in timings.items():
        out[name].update(n=len(values), p50_ms=percentile(values, 50), p95_ms=percentile(values, 95),
                         mean_ms=round(sum(values) / len(values), 2))
    out["questions"] = len(questions)
    out["answers_differ"] = sorted(differ)
    return out
