"""`budgetqa backup` / `restore`, and stores of an older (or newer) schema."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from budgetqa.answering.engine import Engine
from budgetqa.cli import main
from budgetqa.core.errors import StoreError
from budgetqa.core.settings import Settings
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.retrieval.integrity import check_store
from budgetqa.store.backup import backup, restore
from budgetqa.store.lock import AppLock
from budgetqa.store.side_store import latest_schema_version, open_store
from tests import fixtures_hostile as hx
from tests.conftest import REPO, seed

SAMPLES = REPO / "samples" / "corpus"
Q_FUND = "2021年示例区信访局信访专项经费是多少？"
# Written by the schema of migrations 001-002 (before any later migration) from 示例区信访局2021年部门预算.txt.
SCHEMA2_STORE = REPO / "tests" / "data" / "store_schema2" / "budget.sqlite"


def _names(settings) -> list[str]:
    return sorted(d.name for d in open_store(settings.sqlite_path).list_documents())


@pytest.fixture
def sample_store(settings):
    assert all(r.ok for r in Ingestor(settings).ingest([SAMPLES]))
    return settings


def _cli(settings, *args) -> int:
    return main([*args, "--store", str(settings.store), "--embedding-model", settings.embedding_model])


def test_backup_then_restore_brings_the_store_back(sample_store, tmp_path, capsys):
    target = tmp_path / "backup1"
    assert _cli(sample_store, "backup", str(target)) == 0
    assert (target / "manifest.json").exists() and (target / "budget.sqlite").exists()
    before = _names(sample_store)
    assert Ingestor(sample_store).ingest([seed("000")])[0].status == "ingested"
    assert len(_names(sample_store)) == len(before) + 1
    assert _cli(sample_store, "restore", str(target)) == 0
    out = capsys.readouterr().out
    assert "校验和全部一致" in out and "原资料库保留在" in out
    assert _names(sample_store) == before
    assert check_store(sample_store).ok
    assert "80万元" in Engine(sample_store).ask(Q_FUND).answer


def test_restore_refuses_a_tampered_backup(sample_store, tmp_path):
    target = tmp_path / "backup2"
    backup(sample_store, target)
    Ingestor(sample_store).ingest([seed("000")])
    before = hx.store_snapshot(sample_store)
    sqlite = target / "budget.sqlite"
    data = bytearray(sqlite.read_bytes())
    data[len(data) // 2] ^= 0x01
    sqlite.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="校验和不符"):
        restore(sample_store, target)
    (target / "manifest.json").unlink()
    with pytest.raises(StoreError, match="manifest.json"):
        restore(sample_store, target)
    assert hx.store_snapshot(sample_store) == before


def test_restore_into_a_running_app_is_refused(sample_store, tmp_path):
    target = tmp_path / "backup3"
    backup(sample_store, target)
    lock = AppLock(sample_store.store)  # what a running app holds
    try:
        with pytest.raises(StoreError, match="正被运行中的问答应用使用"):
            restore(sample_store, target)
    finally:
        lock.release()
    restore(sample_store, target)


def test_backup_refuses_a_used_or_inner_target(sample_store, tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    with pytest.raises(StoreError, match="不为空"):
        backup(sample_store, used)
    with pytest.raises(StoreError, match="之内"):
        backup(sample_store, sample_store.store / "inner")


def test_previous_schema_store_opens_and_upgrades(tmp_path):
    settings = Settings(store=tmp_path / "old", embedding_model="hash")
    settings.store.mkdir()
    shutil.copy(SCHEMA2_STORE, settings.sqlite_path)
    store = open_store(settings.sqlite_path)
    assert store.schema_version() == latest_schema_version()
    [doc] = store.list_documents()
    assert doc.name == "示例区信访局2021年部门预算.txt" and doc.facts > 0
    store.close()
    assert "80万元" in Engine(settings).ask(Q_FUND).answer
    report = check_store(settings, repair=True)  # vectors were not part of the old store: re-embedded
    assert report.ok, report.problems
    assert Ingestor(settings).ingest([seed("000")])[0].status == "ingested"


def test_a_store_of_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new" / "budget.sqlite"
    path.parent.mkdir()
    shutil.copy(SCHEMA2_STORE, path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES (999, '999_future.sql', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer budgetqa"):
        open_store(path)
