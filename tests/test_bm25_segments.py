"""Segmented BM25: several segments score exactly like one index over the same chunks (and like bm25s);
removed chunks vanish from results and statistics; merges and reloads keep the scores; an ingest adds a
segment instead of rebuilding."""
import random

import bm25s
import numpy as np
import pytest

from budgetqa.retrieval.bm25_segments import SegmentBuilder
from budgetqa.retrieval.lexical import BM25_B, BM25_K1, MAX_SEGMENTS, LexicalIndex

WORDS = [f"w{i}" for i in range(60)]


def _corpus(n: int, seed: int, prefix: str = "d") -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    return [(f"{prefix}{i // 5:015d}-{i % 5:05d}", [rng.choice(WORDS[: 10 + i % 50]) for _ in range(rng.randint(0, 30))])
            for i in range(n)]


def _builder(items) -> SegmentBuilder:
    b = SegmentBuilder()
    b.add([cid for cid, _ in items], [toks for _, toks in items])
    return b


def _scores(index: LexicalIndex, query: list[str]) -> dict[str, float]:
    return dict(index.search(query, k=10_000))


QUERIES = [["w1"], ["w3", "w7", "w7"], ["w0", "w25", "w49", "nope"], ["w55"], []]


def test_one_segment_scores_like_bm25s(tmp_path):
    items = _corpus(120, 1)
    index = LexicalIndex(tmp_path / "bm25")
    index.build(items, fingerprint="fp")
    ref = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    ref.index([toks for _, toks in items], show_progress=False)
    for query in QUERIES:
        ids = ref.get_tokens_ids(list(dict.fromkeys(query)))
        expected = ref.get_scores_from_ids(ids) if ids else np.zeros(len(items))
        got = _scores(index, query)
        for (cid, _), score in zip(items, expected):
            assert got.get(cid, 0.0) == pytest.approx(float(score), rel=1e-5, abs=1e-6)


def test_segments_score_like_one_index_and_survive_reload(tmp_path):
    items = _corpus(150, 2)
    whole = LexicalIndex(tmp_path / "whole")
    whole.build(items, fingerprint="fp")
    parts = LexicalIndex(tmp_path / "parts")
    parts.build(items[:40], fingerprint="a")
    parts.add(_builder(items[40:100]), [], "b")
    parts.add(_builder(items[100:]), [], "c")
    assert parts.segment_count == 3 and len(parts) == len(whole) == 150
    reloaded = LexicalIndex(tmp_path / "parts")
    assert reloaded.load() and reloaded.fingerprint == "c"
    for query in QUERIES:
        expected = _scores(whole, query)
        for index in (parts, reloaded):
            got = _scores(index, query)
            assert got.keys() == expected.keys()
            assert all(got[c] == pytest.approx(expected[c], rel=1e-5) for c in expected)


def test_removed_documents_vanish_from_results_and_statistics(tmp_path):
    keep, gone = _corpus(60, 3, "k"), _corpus(30, 4, "g")
    index = LexicalIndex(tmp_path / "bm25")
    index.build(keep + gone, fingerprint="a")
    removed_docs = {cid.split("-")[0] + "x" * 48 for cid, _ in gone}  # document ids: chunk prefix + more
    readded = _corpus(10, 5, "g")  # same bytes again later: same chunk ids, in a new segment, must stay live
    index.add(_builder(readded), removed_docs, "b")
    clean = LexicalIndex(tmp_path / "clean")
    clean.build(keep + readded, fingerprint="b")
    assert sorted(index.chunk_ids) == sorted(clean.chunk_ids)
    again = LexicalIndex(tmp_path / "bm25")
    assert again.load()
    for query in QUERIES:
        expected = _scores(clean, query)
        for idx in (index, again):
            got = _scores(idx, query)
            assert got.keys() == expected.keys()
            assert all(got[c] == pytest.approx(expected[c], rel=1e-5) for c in expected)


def test_many_adds_merge_small_segments_without_changing_scores(tmp_path):
    items = _corpus(200, 6)
    index = LexicalIndex(tmp_path / "bm25")
    index.build(items[:100], fingerprint="0")
    for i, start in enumerate(range(100, 200, 10)):
        index.add(_builder(items[start : start + 10]), [items[start - 1][0].split("-")[0] + "y" * 48] if i == 3
                  else [], str(i + 1))
    assert index.segment_count <= MAX_SEGMENTS
    removed_prefix = items[129][0].split("-")[0] + "-"
    whole = LexicalIndex(tmp_path / "whole")
    whole.build([it for it in items if not it[0].startswith(removed_prefix)], fingerprint="x")
    for query in QUERIES:
        expected = _scores(whole, query)
        got = _scores(index, query)
        assert got.keys() == expected.keys()
        assert all(got[c] == pytest.approx(expected[c], rel=1e-5) for c in expected)
    assert LexicalIndex(tmp_path / "bm25").load()
    assert sorted(p.name for p in (tmp_path / "bm25").iterdir()) == sorted(
        [s.name for s in index._segments] + ["meta.json"])  # merged-away folders removed


def test_ingest_adds_a_segment_and_replacing_a_file_masks_its_chunks(settings, corpus, monkeypatch):
    import shutil

    from budgetqa.ingest.pipeline import Ingestor
    from tests.conftest import seed

    Ingestor(settings, embed=False).ingest([corpus])
    monkeypatch.setattr(LexicalIndex, "build", lambda *a, **k: pytest.fail("the whole index was rebuilt"))
    shutil.copy(seed("001"), corpus)
    (corpus / seed("000").name).write_text(seed("000").read_text(encoding="utf-8") + "\n附注：补充说明。\n",
                                            encoding="utf-8")  # a changed file replaces its old version
    ingestor = Ingestor(settings, embed=False)
    results = ingestor.ingest([corpus])
    assert sorted(r.status for r in results) == ["ingested", "replaced", "unchanged"]
    index = ingestor.lexical[0]
    assert index.segment_count == 2 and index.fingerprint == ingestor.store.fingerprint()
    monkeypatch.undo()
    rebuilt = LexicalIndex(settings.store / "rebuilt")
    rebuilt.build(ingestor.store.chunk_tokens(), fingerprint="x")
    assert sorted(index.chunk_ids) == sorted(rebuilt.chunk_ids)
    tokenizer = ingestor.lexical[1]
    for question in ("鹿泉区信访局取暖费", "附注 补充说明", "三公经费 公务接待费"):
        tokens = tokenizer.tokenize(question)
        expected = dict(rebuilt.search(tokens, k=50))
        got = dict(index.search(tokens, k=50))
        assert got.keys() == expected.keys()
        assert all(got[c] == pytest.approx(expected[c], rel=1e-5) for c in expected)


def test_search_scoped_to_documents_equals_scoped_to_their_chunk_ids(tmp_path):
    items = _corpus(100, 7)
    index = LexicalIndex(tmp_path / "bm25")
    index.build(items[:50], fingerprint="a")
    index.add(_builder(items[50:]), [], "b")
    docs = {items[3][0].split("-")[0] + "z" * 48, items[77][0].split("-")[0] + "z" * 48}
    prefixes = {d[:16] + "-" for d in docs}
    chunk_ids = {cid for cid, _ in items if cid[:17] in prefixes}
    for query in QUERIES:
        assert index.search(query, k=7, allowed_docs=docs) == index.search(query, k=7, allowed_ids=chunk_ids)
    assert index.search(["w1"], k=5, allowed_docs={"f" * 64}) == []
