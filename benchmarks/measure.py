"""Small measuring helpers shared by the benchmarks: percentiles, peak memory, folder size."""
from __future__ import annotations

import math
import resource
from pathlib import Path


def percentile(values_ms: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the values; 0 for none."""
    if not values_ms:
        return 0.0
    ordered = sorted(values_ms)
    idx = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return round(ordered[idx], 2)


def peak_rss_mb() -> dict:
    """Peak resident memory of this process and of its (waited-for) children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(own, 1), "children_max_mb": round(children, 1)}


def folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1048576, 2)
