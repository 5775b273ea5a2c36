"""Ingest at parse speed (issue 12): facts, chunks and BM25 first, dense vectors as a resumable queue."""
from __future__ import annotations

import sqlite3
import time

import pytest

from budgetqa.answering.engine import INDEX_BUILDING, Engine
from budgetqa.cli import main
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.retrieval import embed_worker
from budgetqa.retrieval.vector_store import ChromaVectorStore
from budgetqa.store import embed_queue
from budgetqa.store.side_store import SideStore
from tests.conftest import SEEDS, backend_env


@pytest.fixture
def settings(backend_settings):
    """Every queue test on both side-store backends (SQLite file, PostgreSQL database)."""
    return backend_settings

FACT_Q = "鹿泉区信访局2021年取暖费预算是多少？"
PASSAGE_Q = "高新区群众工作中心下设哪些处室？"


def test_no_embed_leaves_vectors_queued_and_answers_from_facts_and_bm25(settings, corpus):
    ingestor = Ingestor(settings, embed=False)
    results = ingestor.ingest([corpus])
    assert [r.status for r in results] == ["ingested", "ingested"]
    st = embed_queue.status(ingestor.store)
    assert st.pending == sum(r.chunks for r in results) and st.done == 0
    assert not settings.chroma_path.exists()  # the vector store was not even opened

    engine = Engine(settings)
    fact = engine.ask(FACT_Q)
    assert fact.status == "answered" and fact.facts and INDEX_BUILDING not in fact.answer
    quoted = engine.ask(PASSAGE_Q)
    assert quoted.status == "answered" and INDEX_BUILDING in quoted.notices

    report = ingestor.embed_pending()
    assert report.chunks == st.pending and report.remaining == 0
    assert ingestor.vectors.count() == st.pending
    assert INDEX_BUILDING not in engine.ask(PASSAGE_Q).notices


class _Crashing:
    """A vector store that dies (Ctrl-C) on its n-th upsert, after writing nothing of that batch."""

    def __init__(self, real: ChromaVectorStore, crash_at: int):
        self.real, self.crash_at, self.calls = real, crash_at, 0

    def upsert(self, items):
        self.calls += 1
        if self.calls == self.crash_at:
            raise KeyboardInterrupt
        self.real.upsert(items)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_embedding_resumes_after_ctrl_c_without_duplicates(settings, corpus):
    settings = settings.model_copy(update={"embed_queue_batch": 16})
    ingestor = Ingestor(settings, embed=False)
    ingestor.ingest([corpus])
    total = embed_queue.pending_count(ingestor.store)
    assert total > 3 * 16
    crashing = _Crashing(ingestor.vectors, crash_at=3)
    with pytest.raises(KeyboardInterrupt):
        embed_worker.drain(ingestor.store, crashing, batch=16)
    assert embed_queue.pending_count(ingestor.store) == total - 2 * 16  # two batches made it
    assert ingestor.vectors.count() == 2 * 16

    report = Ingestor(settings).embed_pending()  # a new process, resuming
    assert report.chunks == total - 2 * 16 and report.remaining == 0
    assert ingestor.vectors.count() == total


def test_parallel_parse_stores_the_same_as_serial(tmp_path, sqlite_settings):
    def content(workers: int, folder: str):  # two stores side by side: SQLite files (one database per URL)
        s = sqlite_settings.model_copy(update={"store": tmp_path / folder, "ingest_workers": workers})
        ing = Ingestor(s, embed=False)
        results = ing.ingest([SEEDS])
        assert all(r.ok for r in results), [r.error for r in results]
        return ([r.status for r in results],
                sorted((d.name, d.chunks, d.facts) for d in ing.store.list_documents()),
                [(c.id, c.text) for c in ing.store.chunks()],
                ing.store.chunk_tokens())

    assert content(1, "serial") == content(2, "parallel")


def test_a_file_failing_in_a_worker_is_reported_and_the_others_stored(settings, corpus):
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    settings = settings.model_copy(update={"ingest_workers": 2})
    results = Ingestor(settings, embed=False).ingest([corpus])
    failed = [r for r in results if r.status == "failed"]
    assert len(failed) == 1 and "broken.pdf" in failed[0].error
    assert sum(r.status == "ingested" for r in results) == 2


def test_text_policy_leaves_table_chunks_to_bm25_and_facts(settings, corpus):
    settings = settings.model_copy(update={"dense_chunks": "text"})
    ingestor = Ingestor(settings)
    ingestor.ingest([corpus])
    chunks = ingestor.store.chunks()
    tables = sum(c.kind == "table" for c in chunks)
    st = embed_queue.status(ingestor.store)
    assert tables > 0 and st.skipped == tables and st.pending == 0
    assert ingestor.vectors.count() == len(chunks) - tables


def test_stores_made_before_the_queue_count_their_chunks_as_embedded(tmp_path):
    path = tmp_path / "old.sqlite"
    SideStore(path).close()
    conn = sqlite3.connect(path)  # take the store back to schema version 2, as made before the queue
    conn.executescript(
        "DROP INDEX chunks_embed_state; ALTER TABLE chunks DROP COLUMN embed_state;"
        "DROP INDEX facts_org_year; DROP INDEX facts_year_item; DROP TRIGGER documents_inserted; DROP TRIGGER documents_deleted; DROP TABLE store_version;"
        "DELETE FROM _migrations WHERE number = 3;"
        "INSERT INTO documents (id, name, path, format, pages, ingested_at) VALUES ('d', 'd', 'd', 'txt', 1, 'x');"
        "INSERT INTO chunks (id, doc_id, ordinal, text, char_start, char_end) VALUES ('c', 'd', 0, 't', 0, 1);"
    )
    conn.close()
    store = SideStore(path)
    assert store.schema_version() >= 3
    assert embed_queue.status(store) == embed_queue.EmbedStatus(pending=0, done=1, skipped=0)


def test_cli_no_embed_then_embed(settings, corpus, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDING_MODEL", "hash")
    for name, value in backend_env(settings).items():
        monkeypatch.setenv(name, value)
    store = ["--store", str(settings.store)]
    assert main([*store, "ingest", "-q", "--no-embed", str(corpus)]) == 0
    assert "budgetqa embed" in capsys.readouterr().err
    assert main([*store, "embed", "--status"]) == 0
    assert capsys.readouterr().out.startswith("待生成 ")
    assert main([*store, "embed", "-q"]) == 0
    assert "语义索引已完整" in capsys.readouterr().err
    assert main([*store, "embed", "--status"]) == 0
    assert capsys.readouterr().out.startswith("待生成 0，")


def test_the_app_worker_drains_the_queue_in_the_background(settings, corpus):
    from budgetqa.ingest.background import EmbedWorker

    settings = settings.model_copy(update={"embed_worker_poll_s": 0.2})
    ingestor = Ingestor(settings, embed=False)
    ingestor.ingest([corpus])
    assert embed_queue.pending_count(ingestor.store) > 0
    worker = EmbedWorker(settings).start()
    try:
        deadline = time.monotonic() + 60
        while embed_queue.pending_count(ingestor.store) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.stop(timeout=30)
    assert embed_queue.pending_count(ingestor.store) == 0
    assert ingestor.vectors.count() == len(ingestor.store.chunks())
