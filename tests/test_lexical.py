"""Tokenizer (vocabulary-aware jieba), query normalisation and the persisted bm25s index."""
from __future__ import annotations

import pytest

from budgetqa.core.records import Chunk, DocMeta, Document, Page
from budgetqa.retrieval.lexical import LexicalIndex, Tokenizer, store_fingerprint
from budgetqa.retrieval.normalize import chunk_index_text, expand_query, normalize_text, unquote_terms
from budgetqa.store.side_store import SideStore


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def make_doc(doc_id: str, texts: list[str], org: str = "鹿泉区信访局") -> tuple[Document, list[Chunk]]:
    doc = Document(path=f"/corpus/{doc_id[:4]}.txt", name=f"{doc_id[:4]}.txt", sha256=doc_id, format="txt",
                   pages=[Page(1, "\n".join(texts))], meta=DocMeta(org, 2021, "部门预算"))
    chunks = [Chunk(doc_id=doc_id, ordinal=i, text=t, page=None, section="", char_start=0, char_end=len(t))
              for i, t in enumerate(texts)]
    return doc, chunks


# --- normalisation -------------------------------------------------------------------------

def test_normalize_text():
    assert normalize_text("機關運行經費　２０２１年  支出１２．５万元") == "机关运行经费 2021年 支出12.5万元"
    assert normalize_text("⼀般公共预算（类）：合计，“三公”经费。") == "一般公共预算（类）：合计，“三公”经费。"
    assert normalize_text("") == ""
    assert unquote_terms("“三公”经费") == "三公经费"


def test_simplified_text_skips_the_converter_with_the_same_result():
    from budgetqa.retrieval.normalize import _t2s, to_simplified
    from tests.conftest import SEEDS

    lines = [line for f in sorted(SEEDS.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()]
    samples = lines + ["機關運行經費２０２１年", "沈默的沈船", "一般公共預算財政撥款", "预算 沈阳市", ""]
    for text in samples:
        assert to_simplified(text) == _t2s().convert(text), text


def test_expand_query_only_bridges_forms_the_index_lacks():
    text = normalize_text("鹿泉区机关运行费是多少")
    expanded = expand_query(text, known=lambda t: t == "机关运行经费")
    assert expanded.startswith(text) and "机关运行经费" in expanded
    assert expand_query("鹿泉区机关运行经费是多少", known=lambda t: True) == "鹿泉区机关运行经费是多少"


def test_chunk_index_text_carries_the_document_header():
    _, (chunk,) = make_doc("a" * 64, ["取暖费7.09万元"])
    chunk.section = "二、支出说明"
    text = chunk_index_text(chunk, {"org": "鹿泉区信访局", "year": 2021, "kind": "部门预算", "name": "x.txt"})
    assert text == "鹿泉区信访局 2021年 部门预算 | 二、支出说明 取暖费7.09万元"
    assert chunk_index_text(chunk, None).endswith("取暖费7.09万元")


# --- tokenizer -----------------------------------------------------------------------------

def test_budget_terms_stay_whole(tokenizer: Tokenizer):
    precise = Tokenizer(search_mode=False)
    for term in ("机关运行经费", "三公经费", "信访事务"):
        assert precise.tokenize(term) == [term]
        assert tokenizer.tokenize(term)[0] == term  # search mode: the whole term first, then sub-words
    assert "机关运行经费" in tokenizer.tokenize("鹿泉区信访局2021年机关运行经费是多少？")
    assert "三公经费" in tokenizer.tokenize("“三公”经费支出")
    assert "机关运行经费" in tokenizer.tokenize("機關運行經費")  # traditional script


def test_tokens_keep_numbers_and_drop_punctuation(tokenizer: Tokenizer):
    tokens = tokenizer.tokenize("收入合计：371,514,655.00元（２０２１年）。")
    assert "371514655.00" in tokens and "2021" in tokens
    assert not any(t in tokens for t in ("：", "（", "）", "。", ",", "(", ")"))
    assert "多少" not in tokenizer.tokenize("取暖费是多少？")  # question words are stop words


def test_tokenize_chunks_includes_the_header(tokenizer: Tokenizer):
    _, chunks = make_doc("a" * 64, ["取暖费7.09万元"])
    (tokens,) = tokenizer.tokenize_chunks(chunks, {"org": "鹿泉区信访局", "year": 2021})
    assert "鹿泉" in tokens and "取暖费" in tokens and " " not in "".join(tokens)


# --- index ---------------------------------------------------------------------------------

def test_build_search_persist_reload(tmp_path, tokenizer: Tokenizer):
    texts = {"c1": "机关运行经费28.47万元", "c2": "三公经费支出为0", "c3": "取暖费7.09万元", "c4": ""}
    index = LexicalIndex(tmp_path / "bm25")
    index.build([(cid, tokenizer.tokenize(t)) for cid, t in texts.items()], fingerprint="fp")
    hits = index.search(tokenizer.tokenize("机关运行经费多少"), k=5)
    assert hits[0][0] == "c1" and all(score > 0 for _, score in hits)
    assert index.search(tokenizer.tokenize("取暖费"), k=5, allowed_ids={"c1", "c2"}) == []
    assert index.search(tokenizer.tokenize("取暖费"), k=5, allowed_ids={"c3", "zz"})[0][0] == "c3"
    assert index.search(["未出现的词"], k=5) == []
    assert index.search([], k=5) == []

    reloaded = LexicalIndex(tmp_path / "bm25")
    assert reloaded.load() and reloaded.fingerprint == "fp" and len(reloaded) == 4
    assert reloaded.search(tokenizer.tokenize("机关运行经费多少"), k=5) == hits
    assert not LexicalIndex(tmp_path / "nothing").load()


def test_empty_index(tmp_path):
    index = LexicalIndex(tmp_path / "bm25")
    index.build([], fingerprint="empty")
    assert index.search(["取暖费"], k=5) == []
    assert LexicalIndex(tmp_path / "bm25").load()


def test_ensure_fresh_rebuilds_only_when_documents_change(tmp_path, tokenizer: Tokenizer):
    store = SideStore(tmp_path / "budget.sqlite")
    doc, chunks = make_doc("a" * 64, ["取暖费7.09万元", "另一段"])
    # stored tokens are what the index uses (no re-tokenizing): a marker token proves it
    store.replace_document(doc, chunks, [], tokens=[["zzmarker"], ["另一段"]])
    index = LexicalIndex(tmp_path / "bm25")
    assert index.ensure_fresh(store) is True
    assert index.search(["zzmarker"], k=3)[0][0] == chunks[0].id
    assert index.ensure_fresh(store) is False

    again = LexicalIndex(tmp_path / "bm25")  # another process: loads from disk, no rebuild
    assert again.ensure_fresh(store) is False and len(again) == 2
    assert again.fingerprint == store_fingerprint(store)

    doc2, chunks2 = make_doc("b" * 64, ["广阳区取暖费5万元"], org="广阳区信访局")
    store.replace_document(doc2, chunks2, [])  # stored without tokens: tokenized from text on rebuild
    assert again.ensure_fresh(store, tokenizer) is True
    assert again.search(tokenizer.tokenize("广阳区取暖费"), k=3)[0][0] == chunks2[0].id
    store.close()


def test_changed_bm25_parameters_force_a_rebuild(tmp_path):
    LexicalIndex(tmp_path / "bm25").build([("c1", ["取暖费"])], fingerprint="fp")
    assert not LexicalIndex(tmp_path / "bm25", k1=1.2, b=0.75).load()
