"""Query latency of the retriever per method (for `budgetqa bench`)."""
from __future__ import annotations

import logging
import math
import statistics
import time
from typing import Sequence

log = logging.getLogger(__name__)


def _percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return 0.0
    idx = max(0, min(len(sorted_ms) - 1, math.ceil(q / 100 * len(sorted_ms)) - 1))
    return sorted_ms[idx]


def bench_queries(
    retriever,
    questions: Sequence[str],
    repeats: int = 3,
    methods: Sequence[str] = ("bm25", "dense", "hybrid"),
    k: int | None = None,
) -> dict[str, dict[str, float]]:
    """{method: {"n", "p50_ms", "p95_ms", "mean_ms", "max_ms"}} over `repeats` passes of the questions.

    One untimed warm-up query per method first, so model loading and index building are not counted.
    """
    out: dict[str, dict[str, float]] = {}
    if not questions:
        return out
    for method in methods:
        retriever.search(questions[0], k=k, method=method)  # warm-up
        timings: list[float] = []
        for _ in range(max(1, repeats)):
            for q in questions:
                start = time.perf_counter()
                retriever.search(q, k=k, method=method)
                timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        out[method] = {
            "n": len(timings),
            "p50_ms": round(_percentile(timings, 50), 2),
            "p95_ms": round(_percentile(timings, 95), 2),
            "mean_ms": round(statistics.fmean(timings), 2),
            "max_ms": round(timings[-1], 2),
        }
        log.info("bench %s: %s", method, out[method])
    return out


def format_bench(results: dict[str, dict[str, float]]) -> str:
    lines = [f"{'method':<8} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9}"]
    for method, r in results.items():
        lines.append(f"{method:<8} {int(r['n']):>5} {r['p50_ms']:>9.1f} {r['p95_ms']:>9.1f} {r['mean_ms']:>9.1f}")
    return "\n".join(lines)
