"""Ingestion pipeline: idempotence, replacement, and stores left exactly as before on failure or Ctrl-C."""
from __future__ import annotations


import pytest

from budgetqa.cli import main
from budgetqa.ingest import pipeline as pipeline_mod
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.store.side_store import SideStore
from tests.conftest import SEEDS, backend_env


@pytest.fixture
def settings(backend_settings):
    """Every test here on both side-store backends (SQLite file, PostgreSQL database)."""
    return backend_settings


def snapshot(ingestor: Ingestor) -> dict:
    """Everything a reader could see in the three stores."""
    store = ingestor.store
    return {
        "docs": sorted((d.id, d.name, d.chunks, d.facts) for d in store.list_documents()),
        "chunks": len(store.chunks()),
        "facts": len(store.facts()),
        "vectors": sorted(ingestor.vectors.doc_ids()),
    }


def test_reingesting_the_same_files_changes_nothing(settings, corpus):
    ingestor = Ingestor(settings)
    first = ingestor.ingest([corpus])
    assert [r.status for r in first] == ["ingested", "ingested"]
    assert all(r.chunks > 0 and r.facts > 0 for r in first)
    before = snapshot(ingestor)
    second = Ingestor(settings).ingest([corpus])
    assert [r.status for r in second] == ["unchanged", "unchanged"]
    assert snapshot(ingestor) == before


def test_changed_file_replaces_its_old_version(settings, corpus):
    ingestor = Ingestor(settings)
    ingestor.ingest([corpus])
    target = next(corpus.glob("000_*"))
    old_id = next(d.id for d in ingestor.store.list_documents() if d.name == target.name)
    target.write_text(target.read_text(encoding="utf-8") + "\n十、补充说明\n2021年新增说明一条。\n", encoding="utf-8")
    [result] = ingestor.ingest([target])
    assert result.status == "replaced"
    docs = [d for d in ingestor.store.list_documents() if d.name == target.name]
    assert len(docs) == 1 and docs[0].id != old_id
    assert old_id not in ingestor.vectors.doc_ids()
    assert any("新增说明" in c.text for c in ingestor.store.chunks(doc_ids=[docs[0].id]))


def test_a_failure_while_writing_leaves_the_stores_as_before(settings, corpus, monkeypatch):
    ingestor = Ingestor(settings)
    ingestor.ingest([next(corpus.glob("000_*"))])
    before = snapshot(ingestor)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SideStore, "replace_document", broken)
    [result] = ingestor.ingest([next(corpus.glob("003_*"))])
    assert result.status == "failed" and "003_" in result.error
    assert snapshot(ingestor) == before


def test_ctrl_c_mid_file_leaves_the_stores_as_before(settings, corpus, monkeypatch):
    ingestor = Ingestor(settings)
    ingestor.ingest([next(corpus.glob("000_*"))])
    before = snapshot(ingestor)
    real_replace = SideStore.replace_document

    def interrupted(self, doc, chunks, facts, tokens=None, **kwargs):
        # the SQLite transaction is open and half-written when the user presses Ctrl-C
        with self.transaction() as c:
            c.execute("INSERT INTO documents (id, name, path, format, pages, ingested_at) VALUES ('x', 'x', 'x', 'txt', 1, 'now')")
            raise KeyboardInterrupt

    monkeypatch.setattr(SideStore, "replace_document", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest([next(corpus.glob("003_*"))])
    monkeypatch.setattr(SideStore, "replace_document", real_replace)
    assert snapshot(ingestor) == before


def test_a_file_that_disappears_mid_ingest_fails_alone(settings, corpus, monkeypatch):
    files = sorted(corpus.iterdir())
    real_read = pipeline_mod.read_file

    def vanish_then_read(path, s):
        if path == files[0]:
            path.unlink()
        return real_read(path, s)

    monkeypatch.setattr(pipeline_mod, "read_file", vanish_then_read)
    results = Ingestor(settings).ingest(files)
    assert results[0].status == "failed"
    assert files[0].name in results[0].error and "not found" in results[0].error
    assert results[1].status == "ingested"


def test_cli_ingest_reports_each_file_and_fails_when_one_fails(settings, corpus, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDING_MODEL", "hash")
    for name, value in backend_env(settings).items():
        monkeypatch.setenv(name, value)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    code = main(["--store", str(settings.store), "ingest", "-q", str(corpus)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "broken.pdf" in err
    assert out.count("ingested") == 2
    assert "石家庄市鹿泉区信访局本级 2021 单位预算" in out
    code = main(["--store", str(settings.store), "docs", "--json"])
    assert code == 0
    assert len(__import__("json").loads(capsys.readouterr().out)) == 2


def test_all_seed_files_ingest(settings):
    results = Ingestor(settings).ingest([SEEDS])
    assert [r.status for r in results] == ["ingested"] * 5, [r.error for r in results]
