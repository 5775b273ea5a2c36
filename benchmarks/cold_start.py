"""Cold start, measured honestly: a new Python process opens the store, builds the engine (catalog, BM25,
embedding model, vectors as the first question needs them) and answers one question; the parent times the
whole process from spawn to answer. `python -m budgetqa.benchmarks.cold_start SETTINGS_JSON QUESTION` is the
child; it prints one JSON line with its own split (imports, engine, answer)."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from budgetqa.core.settings import Settings


def cold_start(settings: Settings, question: str) -> dict:
    """Wall seconds from starting a new process to its first answer, with the child's own split."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "budgetqa.benchmarks.cold_start", settings.model_dump_json(),
                           question], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]}
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"process_to_first_answer_s": round(wall, 2), **child}


def _child(settings_json: str, question: str) -> dict:
    t0 = time.perf_counter()
    from budgetqa.answering.engine import Engine

    t1 = time.perf_counter()
    engine = Engine(Settings.model_validate_json(settings_json))
    t2 = time.perf_counter()
    answer = engine.ask(question)
    t3 = time.perf_counter()
    return {"imports_s": round(t1 - t0, 2), "engine_s": round(t2 - t1, 2), "first_answer_s": round(t3 - t2, 2),
            "status": answer.status}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2]), ensure_ascii=False))
