"""`budgetqa check [--repair]`: finds what a crash or a bad copy breaks, and rebuilds what is derivable."""
from __future__ import annotations

import json
import sqlite3

import pytest

from budgetqa.answering.engine import Engine
from budgetqa.cli import main
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.retrieval.embeddings import get_embedder
from budgetqa.retrieval.integrity import check_store
from budgetqa.retrieval.vector_store import ChromaVectorStore
from tests.conftest import REPO, backend_env

SAMPLES = REPO / "samples" / "corpus"
Q_FUND = "2021年示例区信访局信访专项经费是多少？"


@pytest.fixture
def settings(backend_settings):
    """The checks on both side-store backends (SQLite file, PostgreSQL database)."""
    return backend_settings


def _ingested(settings):
    results = Ingestor(settings).ingest([SAMPLES])
    assert all(r.ok for r in results), [r.error for r in results]
    return settings


@pytest.fixture
def sample_store(settings):
    return _ingested(settings)


@pytest.fixture
def sqlite_store(sqlite_settings):
    """The sample store in a SQLite file (tests that damage the file itself)."""
    return _ingested(sqlite_settings)


def _cli_store(settings) -> list[str]:
    return ["check", "--store", str(settings.store), "--embedding-model", "hash"]


def _codes(report) -> set[str]:
    return {p.code for p in report.problems if p.error}


def test_fresh_store_passes(sample_store, capsys, monkeypatch):
    report = check_store(sample_store)
    assert report.ok and report.problems == [], report.problems
    assert report.counts["chunks"] == report.counts["vectors"] > 0
    for name, value in backend_env(sample_store).items():
        monkeypatch.setenv(name, value)
    assert main(_cli_store(sample_store)) == 0
    assert "检查通过" in capsys.readouterr().out


def test_missing_vector_found_and_re_embedded(sample_store):
    vectors = ChromaVectorStore(sample_store, get_embedder(sample_store))
    victim = sorted(vectors.chunk_ids())[0]
    vectors.delete_ids([victim])
    assert _codes(check_store(sample_store)) == {"missing_vectors"}
    repaired = check_store(sample_store, repair=True)
    assert repaired.ok and repaired.repaired, repaired
    assert victim in ChromaVectorStore(sample_store, get_embedder(sample_store)).chunk_ids()


def _foreign_writer_inserts_an_orphan_fact(settings) -> None:
    """A writer that does not enforce the foreign keys (SQLite: off by default; PostgreSQL: replica role)."""
    sql = ("INSERT INTO facts (doc_id, statement, row_label, value_text, value, quote, locator) "
           "VALUES ('no-such-doc', 's', 'r', '1', '1', 'q', 'l')")
    if settings.database_url:
        import psycopg

        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute(sql)
        return
    conn = sqlite3.connect(settings.sqlite_path)
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_orphan_facts_found_and_removed(sample_store):
    _foreign_writer_inserts_an_orphan_fact(sample_store)
    assert _codes(check_store(sample_store)) == {"orphan_facts"}
    assert check_store(sample_store, repair=True).ok


def test_bm25_that_does_not_match_its_chunks(sample_store):
    meta_file = sample_store.bm25_path / "meta.json"
    meta = json.loads(meta_file.read_text())
    segment = meta["segments"][0]
    ids = json.loads((sample_store.bm25_path / segment / "ids.json").read_text())
    meta["deleted"] = {segment: ids[-1:]}  # claims to be fresh, but one chunk is missing from it
    meta_file.write_text(json.dumps(meta))
    assert _codes(check_store(sample_store)) == {"bm25_mismatch"}
    assert check_store(sample_store, repair=True).ok
    assert "80万元" in Engine(sample_store).ask(Q_FUND).answer


def test_stale_bm25_and_extra_vectors_are_notes(sample_store):
    """What an interrupted ingest leaves: the store is usable (and heals itself), so the check passes."""
    import shutil

    shutil.rmtree(sample_store.bm25_path)
    vectors = ChromaVectorStore(sample_store, get_embedder(sample_store))
    from budgetqa.core.records import Chunk

    vectors.add([Chunk(doc_id="crashed-doc", ordinal=0, text="残留", page=None, section="", char_start=0,
                       char_end=2)], {})
    report = check_store(sample_store)
    assert report.ok and {p.code for p in report.problems} == {"bm25_missing", "extra_vectors"}
    assert check_store(sample_store, repair=True).problems == []


def test_damaged_sqlite_fails_the_check(sqlite_store, capsys):
    sample_store = sqlite_store
    path = sample_store.sqlite_path
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for offset in range(2 * page_size + 8, min(len(data), 6 * page_size), 97):  # scribble over table pages
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    code = main(["check", "--store", str(sample_store.store), "--embedding-model", "hash"])
    out = capsys.readouterr()
    assert code != 0
    assert "检查未通过" in out.out or "错误" in out.err
