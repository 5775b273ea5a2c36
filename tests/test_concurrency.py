"""Two ingests on one store, the app answering while an ingest writes, and `kill -9` of an ingest at several
points: the store always opens, passes `budgetqa check` and answers as before."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budgetqa.answering.engine import Engine
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.retrieval.integrity import check_store
from budgetqa.store.lock import store_writer_lock
from budgetqa.store.side_store import open_store
from tests import fixtures_hostile as hx
from tests.conftest import REPO, SEEDS, backend_env, pdf

SAMPLES = REPO / "samples" / "corpus"
Q_FUND = "2021年示例区信访局信访专项经费是多少？"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def settings(backend_settings):
    """Every test here on both side-store backends: the SQLite file and PostgreSQL (advisory writer lock)."""
    return backend_settings


def _cli_ingest(settings, *paths: Path, env: dict | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "budgetqa.cli", "ingest", "-q", "--store", str(settings.store),
           "--embedding-model", settings.embedding_model, *map(str, paths)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **backend_env(settings), **(env or {})}, cwd=REPO)


def test_second_ingest_is_refused_while_the_lock_is_held(settings):
    Ingestor(settings).ingest([SAMPLES / "示例区信访局2020年部门预算.txt"])
    before = hx.store_snapshot(settings)
    with store_writer_lock(settings.model_copy(update={"ingest_lock_wait_s": 0})):
        proc = _cli_ingest(settings, SEED_FILES[0], env={"BUDGETQA_INGEST_LOCK_WAIT_S": "1"})
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out, err)
    assert "另一个导入正在写入该资料库" in err and "等待" in err, err
    assert hx.store_snapshot(settings) == before


def test_two_ingests_at_once_and_the_app_keeps_answering(settings):
    Ingestor(settings).ingest([SAMPLES])
    engine = Engine(settings)
    assert "80万元" in engine.ask(Q_FUND).answer
    first = _cli_ingest(settings, pdf("财政局2024年度部门决算"), *SEED_FILES[:3])
    time.sleep(1.0)
    second = _cli_ingest(settings, *SEED_FILES[2:])
    latencies = []
    while first.poll() is None:  # the app keeps answering while the ingest writes
        t0 = time.monotonic()
        answer = engine.ask(Q_FUND)
        latencies.append(time.monotonic() - t0)
        assert "80万元" in answer.answer, answer.answer
        time.sleep(0.2)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "等待其完成" in err2, err2
    assert latencies and max(latencies) < 10, latencies
    report = check_store(settings)
    assert report.ok, report.problems
    assert len(open_store(settings).list_documents()) == 3 + 1 + len(SEED_FILES)


def _until(condition, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


@pytest.mark.parametrize("point", ["vectors_opened", "first_file_written", "mid_ingest"])
def test_kill_9_during_an_ingest(settings, point):
    files = [*SEED_FILES, SAMPLES]
    proc = _cli_ingest(settings, *files)
    if point == "vectors_opened":  # Chroma created: the first file's vectors are being written
        _until(lambda: (settings.chroma_path / "chroma.sqlite3").exists(), proc)
    else:
        line = proc.stdout.readline()  # one result line: the first file is committed
        assert line, proc.stderr.read()
        if point == "mid_ingest":
            time.sleep(0.7)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert killed or point == "mid_ingest", f"the ingest ended before {point}"

    report = check_store(settings)
    assert report.ok, report.problems
    results = Ingestor(settings).ingest(files)  # resumes: what was committed is 'unchanged'
    assert all(r.ok for r in results), [r.error for r in results]
    assert "80万元" in Engine(settings).ask(Q_FUND).answer
    after = check_store(settings)
    assert after.ok and not [p for p in after.problems if p.code != "extra_vectors"], after.problems
