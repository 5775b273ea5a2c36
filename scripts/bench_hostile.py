"""Benchmark: the hostile-file set against a real `budgetqa ingest`, one process per file, on a copy of a
store holding the sample corpus. Prints, per file: outcome, seconds, peak memory of the ingest and its
workers, the line printed, and whether `budgetqa check` passes afterwards.

    .venv/bin/python scripts/bench_hostile.py [--embedding-model hash]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import fixtures_bad as fx  # noqa: E402 - the same generators as the tests
from tests import fixtures_hostile as hx  # noqa: E402


def hostile_files(folder: Path) -> dict[str, Path]:
    template = fx.simple_docx(folder / "template.docx")
    png_as_pdf = folder / "scan-image.pdf"
    png_as_pdf.write_bytes(fx._png())
    return {
        "DOCX zip bomb (1 GiB document.xml)": hx.zip_bomb(folder / "bomb.docx", template=template),
        "PDF of 5,000 pages": hx.many_pages_pdf(folder / "pages5000.pdf", 5000),
        "PNG named .pdf": png_as_pdf,
        "PDF named .docx": fx.text_pdf(folder / "report.docx", ["2024年部门预算 文字文字文字"]),
        "hidden-text PDF": hx.hidden_text_pdf(folder / "测试局2024年部门预算.pdf"),
    }


# Runs a command and reports the peak resident memory of it and all its descendants (ru_maxrss, KiB).
_MEASURE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(r.returncode)")


def budgetqa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "budgetqa.cli", *args],
                          capture_output=True, text=True, cwd=REPO)


def peak_mb(result: subprocess.CompletedProcess) -> float:
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith("MAXRSS "))
    return round(int(line.split()[1]) / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding-model", default="hash")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bqa-hostile-"))
    base = work / "base"
    r = budgetqa("ingest", "-q", "--store", str(base), "--embedding-model", args.embedding_model,
                 str(REPO / "samples" / "corpus"))
    assert r.returncode == 0, r.stderr
    rows = []
    files = hostile_files(work)
    files["baseline: an already stored file (process start, stores opened)"] = \
        REPO / "samples" / "corpus" / "示例区信访局2021年部门预算.txt"
    for label, path in files.items():
        store = work / f"store-{len(rows)}"
        shutil.copytree(base, store)
        t0 = time.monotonic()
        r = budgetqa("ingest", "-q", "--store", str(store), "--embedding-model", args.embedding_model, str(path))
        seconds = time.monotonic() - t0
        line = next((ln for ln in (r.stderr + r.stdout).splitlines() if path.name in ln), "")
        check = budgetqa("check", "--store", str(store), "--embedding-model", args.embedding_model)
        rows.append({"file": label, "exit": r.returncode, "seconds": round(seconds, 2),
                     "peak_rss_mb": peak_mb(r),
                     "check": "passed" if check.returncode == 0 else "FAILED", "line": line.strip()[:160]})
    shutil.rmtree(work, ignore_errors=True)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
