"""Retriever over a SideStore + Chroma (hash embedder) + BM25: fusion, scoping, methods, eval, bench."""
from __future__ import annotations

import pytest

from budgetqa.core.errors import ConfigError
from budgetqa.core.records import Chunk, DocMeta, Document, Page
from budgetqa.core.settings import Settings
from budgetqa.retrieval.bench import bench_queries
from budgetqa.retrieval.embeddings import get_embedder
from budgetqa.retrieval.evaluate import EvalItem, evaluate_retrieval, format_report
from budgetqa.retrieval.hybrid import Retriever, rrf_fuse
from budgetqa.retrieval.lexical import LexicalIndex, Tokenizer
from budgetqa.store.side_store import SideStore
from budgetqa.retrieval.vector_store import ChromaVectorStore

LUQUAN, GUANGYANG, SHANGWU = "1" * 64, "2" * 64, "3" * 64
DOCS = {
    LUQUAN: ("鹿泉区信访局2021年预算.txt", "石家庄市鹿泉区信访局", 2021, None, [
        "机关运行经费28.47万元，比上年减少2万元。",
        "取暖费7.09万元。",
        "“三公”经费支出为0。",
    ]),
    GUANGYANG: ("广阳区信访局2022年预算.txt", "廊坊市广阳区信访局", 2022, None, [
        "机关运行经费30.00万元。",
        "信访专项经费支出80万元，用于处置信访事项。",
    ]),
    SHANGWU: ("普陀区商务委员会25年预算.pdf", "上海市普陀区商务委员会", 2025, 7, [
        "收入预算37151.47万元。",
        "科学技术支出1720万元。",
    ]),
}


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture
def retriever(settings: Settings, tokenizer: Tokenizer) -> Retriever:
    side = SideStore(settings.sqlite_path)
    vectors = ChromaVectorStore(settings, get_embedder(settings))
    for doc_id, (name, org, year, page, texts) in DOCS.items():
        doc = Document(path=f"/corpus/{name}", name=name, sha256=doc_id, format=name.rsplit(".", 1)[1],
                       pages=[Page(page or 1, "\n".join(texts))], meta=DocMeta(org, year, "部门预算"),
                       paged=page is not None)
        chunks = [Chunk(doc_id=doc_id, ordinal=i, text=t, page=page, section="", char_start=0, char_end=len(t))
                  for i, t in enumerate(texts)]
        meta = {"org": org, "year": year, "kind": "部门预算", "name": name}
        side.replace_document(doc, chunks, [], tokens=tokenizer.tokenize_chunks(chunks, meta))
        vectors.add(chunks, meta)
    r = Retriever(settings, side, vectors, LexicalIndex(settings.bm25_path), tokenizer)
    yield r
    side.close()


def test_rrf_ranks_an_id_found_by_both_first():
    fused = rrf_fuse([["a", "b", "c"], ["d", "b", "e"]], k=60)
    assert fused[0][0] == "b"
    assert [cid for cid, _ in fused][1:3] == ["a", "d"]  # tie at rank 1: id order
    assert rrf_fuse([["a"], ["b"]], k=60, weights=[1.0, 0.5])[0][0] == "a"
    assert rrf_fuse([[], []]) == []


@pytest.mark.parametrize("method", ["hybrid", "bm25", "dense"])
def test_search_returns_passages_with_document_metadata(retriever: Retriever, method: str):
    passages = retriever.search("鹿泉区信访局2021年取暖费是多少？", k=3, method=method)
    assert 0 < len(passages) <= 3
    top = passages[0]
    assert top.chunk.text == "取暖费7.09万元。"
    assert (top.doc_name, top.org, top.year, top.kind) == ("鹿泉区信访局2021年预算.txt", "石家庄市鹿泉区信访局", 2021, "部门预算")
    assert top.citation().doc == top.doc_name
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_default_k_and_method_come_from_settings(retriever: Retriever):
    assert len(retriever.search("经费")) <= retriever.settings.top_k
    retriever.settings = retriever.settings.model_copy(update={"retrieval_method": "bm25", "top_k": 1})
    assert len(retriever.search("经费")) == 1


@pytest.mark.parametrize("method", ["hybrid", "bm25", "dense"])
def test_scoped_search_never_leaves_the_scope(retriever: Retriever, method: str):
    passages = retriever.search("鹿泉区机关运行经费28.47万元", k=10, doc_ids=[GUANGYANG], method=method)
    assert passages and {p.chunk.doc_id for p in passages} == {GUANGYANG}
    assert retriever.search("机关运行经费", doc_ids=[], method=method) == []


def test_bad_method_and_empty_query(retriever: Retriever):
    with pytest.raises(ConfigError):
        retriever.search("经费", method="magic")
    assert retriever.search("   ") == []


def test_deleted_document_is_not_returned_even_if_its_vectors_remain(retriever: Retriever):
    retriever.side_store.delete_document(LUQUAN)  # vectors deliberately left behind
    for method in ("hybrid", "bm25", "dense"):
        passages = retriever.search("鹿泉区取暖费", k=10, method=method)
        assert all(p.chunk.doc_id != LUQUAN for p in passages)


def test_reranker_reorders_candidates(retriever: Retriever):
    class LongestFirst:
        def scores(self, query, texts):
            return [float(len(t)) for t in texts]

    retriever.settings = retriever.settings.model_copy(update={"reranker_model": "fake"})
    retriever._reranker = LongestFirst()
    passages = retriever.search("信访专项经费", k=2, doc_ids=[GUANGYANG])
    assert passages[0].chunk.text.startswith("信访专项经费支出80万元")
    assert passages[0].score == float(len(passages[0].chunk.text))


def test_evaluate_and_format(retriever: Retriever):
    items = [
        EvalItem(id="q1", question="鹿泉区信访局2021年取暖费是多少？", doc="鹿泉区信访局2021年预算.txt"),
        {"id": "q2", "question": "普陀区商务委2025年科学技术支出", "doc": "普陀区商务委员会25年预算.pdf", "pages": [7]},
        {"id": "q3", "question": "上海市信访办2022年公务接待费", "doc": None},
        {"id": "q4", "question": "别的文件", "doc": "不存在.pdf"},
    ]
    report = evaluate_retrieval(retriever, items, methods=["bm25", "hybrid"])
    assert report.skipped_no_doc == 1 and report.skipped_missing == ["不存在.pdf"]
    bm25 = report.methods["bm25"]
    assert bm25.n == 2 and bm25.recall_at_1 == 1.0 and bm25.mrr == 1.0
    assert bm25.page_n == 1 and bm25.page_recall_at_1 == 1.0
    table = format_report(report)
    assert "bm25" in table and "hybrid" in table and "R@5" in table and "不存在.pdf" in table


def test_bench_reports_percentiles(retriever: Retriever):
    result = bench_queries(retriever, ["取暖费", "机关运行经费"], repeats=2, methods=["bm25", "dense"])
    assert set(result) == {"bm25", "dense"}
    for stats in result.values():
        assert stats["n"] == 4 and 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["max_ms"]


def test_reranker_that_is_not_available_offline_is_a_config_error(retriever: Retriever):
    retriever.settings = retriever.settings.model_copy(update={"reranker_model": "no-such-org/no-such-reranker"})
    with pytest.raises(ConfigError, match="not available offline"):
        retriever.search("取暖费")
