"""Organisation / year / kind set by a user at ingest: stored with the document, followed by its facts, chunks
and vectors, kept by later ingests, replaced by new values; the CLI validates them and `docs` shows them."""
from __future__ import annotations

import json

import pytest

from budgetqa.cli import main
from budgetqa.core.meta_override import MetaOverride
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.store.side_store import open_store
from tests.test_metadata_general import EXPENSE_ROWS, HEALTH_TITLE, _xlsx


@pytest.fixture
def health(tmp_path):
    return _xlsx(tmp_path / "health.xlsx", [[HEALTH_TITLE], ["单位：万元"], *EXPENSE_ROWS])


def _fact_meta(store) -> set:
    return {(f.org, f.year, f.doc_kind) for f in store.facts(include_blank=True)}


def _vector_meta(ingestor, doc_id) -> set:
    got = ingestor.vectors._col.get(where={"doc_id": doc_id}, include=["metadatas"])
    return {(m.get("org"), m.get("year"), m.get("doc_kind")) for m in got["metadatas"]}


def test_user_values_are_stored_and_followed_by_facts_and_vectors(settings, health):
    ingestor = Ingestor(settings)
    [first] = ingestor.ingest([health])
    assert (first.meta.org, first.meta.year, first.meta.kind) == ("示范县卫生健康局", 2024, "部门预算")
    assert _fact_meta(ingestor.store) == {("示范县卫生健康局", 2024, "预算")}
    before = ingestor.store.fingerprint()

    [again] = ingestor.ingest([health], meta=MetaOverride(org="示范县卫生健康委员会", year=2025, kind="部门决算"))
    assert again.status != "unchanged"
    [doc] = ingestor.store.list_documents()
    assert (doc.org, doc.year, doc.kind) == ("示范县卫生健康委员会", 2025, "部门决算")
    assert doc.meta_sources == {"org": "user", "year": "user", "kind": "user"}
    assert _fact_meta(ingestor.store) == {("示范县卫生健康委员会", 2025, "决算")}
    assert _vector_meta(ingestor, doc.id) == {("示范县卫生健康委员会", 2025, "部门决算")}
    assert ingestor.store.fingerprint() != before  # the indexes know the store changed

    [same] = ingestor.ingest([health], meta=MetaOverride(year=2025))
    assert same.status == "unchanged"
    [kept] = ingestor.ingest([health])  # no values given: the user's values stay
    assert kept.status == "unchanged" and kept.meta.org == "示范县卫生健康委员会" and kept.meta.sources["org"] == "user"

    [changed] = ingestor.ingest([health], meta=MetaOverride(year=2023))  # one field: the others stay the user's
    assert changed.status != "unchanged"
    [doc] = ingestor.store.list_documents()
    assert (doc.org, doc.year, doc.kind) == ("示范县卫生健康委员会", 2023, "部门决算")
    assert _fact_meta(ingestor.store) == {("示范县卫生健康委员会", 2023, "决算")}
    assert ingestor.store.meta_override(doc.id) == MetaOverride("示范县卫生健康委员会", 2023, "部门决算")

    [cleared] = ingestor.ingest([health], clear_meta=True)  # the user's values forgotten: the content's again
    assert cleared.status != "unchanged"
    [doc] = ingestor.store.list_documents()
    assert (doc.org, doc.year, doc.kind) == ("示范县卫生健康局", 2024, "部门预算")
    assert ingestor.store.meta_override(doc.id) == MetaOverride()
    assert _fact_meta(ingestor.store) == {("示范县卫生健康局", 2024, "预算")}
    assert ingestor.ingest([health], clear_meta=True)[0].status == "unchanged"  # nothing left to forget


def test_cli_validates_sets_and_lists_user_values(settings, health, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDING_MODEL", "hash")
    store = str(settings.store)
    assert main(["--store", store, "ingest", "-q", "--no-embed", "--year", "24", str(health)]) == 2
    err = capsys.readouterr().err
    assert "年度“24”无效" in err and "4-digit year" in err
    assert main(["--store", store, "ingest", "-q", "--no-embed", "--kind", "决算", str(health)]) == 2
    assert "部门决算" in capsys.readouterr().err
    assert open_store(settings.sqlite_path).list_documents() == []  # nothing ingested with a bad value

    assert main(["--store", store, "ingest", "-q", "--no-embed", "--org", "示范县卫健委", "--kind", "部门决算",
                 str(health)]) == 0
    out = capsys.readouterr().out
    assert "示范县卫健委 2024 部门决算" in out and "机构、类型用户指定" in out
    assert main(["--store", store, "docs", "--json"]) == 0
    [doc] = json.loads(capsys.readouterr().out)
    assert (doc["org"], doc["year"], doc["kind"]) == ("示范县卫健委", 2024, "部门决算")
    assert doc["meta_sources"] == {"org": "user", "year": "content", "kind": "user"}
    assert main(["--store", store, "docs"]) == 0
    assert "用户指定" in capsys.readouterr().out


def test_answers_use_the_user_values(settings, health):
    from budgetqa.answering.engine import Engine

    Ingestor(settings).ingest([health], meta=MetaOverride(org="示范县卫生健康委员会", year=2025))
    answer = Engine(settings).ask("示范县卫生健康委员会2025年卫生健康支出是多少？")
    assert answer.status == "answered" and "1200.5" in answer.answer, answer.answer
