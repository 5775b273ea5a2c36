"""Ranking the candidate sentences of quoted answers: BM25 over the candidates, the optional cross-encoder."""
from __future__ import annotations

import pytest

from budgetqa.answering.catalog import Catalog
from budgetqa.answering.passages import PassageAnswerer
from budgetqa.answering.question import parse_question
from budgetqa.answering.sentences import narrative_quotes
from budgetqa.answering.unit_rank import CUE, Candidate, CandidateIndex, held_tokens, rerank
from budgetqa.core.settings import Settings
from budgetqa.store.side_store import SideStore
from tests.answering_fixtures import add_doc


def test_bm25_weighs_a_token_by_its_rarity_among_the_candidates():
    index = CandidateIndex([Candidate(["经费", "维修"]), Candidate(["经费", "水电"]), Candidate(["经费"])])
    scores = index.scores(["经费", "维修"])
    assert scores[0] > scores[1] > 0 and scores[1] == pytest.approx(scores[2], rel=0.3)
    assert index.idf("维修") > index.idf("经费")
    assert index.idf("无人机") > index.idf("维修")  # a word no candidate holds is the rarest


def test_a_marker_token_weighs_what_the_candidates_make_it_weigh():
    """A cue every candidate holds tells nothing; a cue one candidate holds decides."""
    every = CandidateIndex([Candidate(["经费"], (), [CUE]), Candidate(["经费"], (), [CUE])])
    assert every.scores(["经费", CUE])[0] == pytest.approx(every.scores(["经费", CUE])[1])
    one = CandidateIndex([Candidate(["经费"]), Candidate(["经费"], (), [CUE])])
    s = one.scores(["经费", CUE])
    assert s[1] > s[0]


def test_coverage_is_the_idf_weighted_share_of_the_question_held():
    index = CandidateIndex([Candidate(["机关", "经费"]), Candidate(["经费"]), Candidate(["经费", "用途"])])
    assert index.coverage(["机关", "经费"], {"机关", "经费"}) == pytest.approx(1.0)
    assert 0 < index.coverage(["机关", "经费"], {"经费"}) < 0.5  # the common word is the smaller part
    assert index.coverage(["无人机"], {"经费"}) == 0.0


def test_a_question_word_cut_otherwise_in_the_text_is_held_all_the_same():
    held = held_tokens("区委群工局下设3个股室，分别是办公室。", ["股室"])
    assert "股室" in held


class Reversed:
    """A stand-in cross-encoder: prefers the shortest text."""

    def __init__(self):
        self.calls = 0

    def scores(self, query: str, texts: list[str]) -> list[float]:
        self.calls += 1
        return [-len(t) for t in texts]


def test_rerank_is_off_without_a_model_and_reorders_the_head_with_one():
    texts = ["一段很长很长的句子。", "短句。", "中等的句子。"]
    assert rerank("问", texts, [0, 1, 2], Settings(embedding_model="hash")) == [0, 1, 2]
    fake = Reversed()
    settings = Settings(embedding_model="hash", reranker_model="fake", sentence_rerank_k=2)
    assert rerank("问", texts, [0, 1, 2], settings, fake) == [1, 0, 2]  # only the head of two reordered
    assert fake.calls == 1


def test_rerank_loads_the_configured_model_offline(monkeypatch):
    loaded = []

    def fake_get(name):
        loaded.append(name)
        return Reversed()

    monkeypatch.setattr("budgetqa.retrieval.rerank.get_reranker", fake_get)
    settings = Settings(embedding_model="hash", reranker_model="some/cross-encoder")
    assert rerank("问", ["长长的句子。", "短。"], [0, 1], settings) == [1, 0]
    assert loaded == ["some/cross-encoder"]


USES = [
    "三、机关运行经费安排情况",
    "机关运行经费共计安排75.77万元，比上年增加3万元。",
    "机关运行经费主要用于办公区的日常维修、办公用房水电费等日常运行支出。",
    "机关运行经费：2、《关于机关运行经费管理的通知》（廊财〔2017〕3号）。",
]


@pytest.fixture
def uses(tmp_path):
    st = SideStore(tmp_path / "u.sqlite")
    add_doc(st, "langfang2017.txt", "中共廊坊市委信访局", 2017, "部门预算", [], texts=USES)
    return st


def _quotes(store, question, reranker=None, settings=None):
    catalog = Catalog.from_store(store)
    pq = parse_question(question, catalog)
    pa = PassageAnswerer(store, catalog)
    passages = pa.candidates(pq, pa.scope(pq))
    return narrative_quotes(pq, pa.units(passages), passages, settings=settings, reranker=reranker)[0]


def test_the_sentence_saying_the_asked_kind_comes_first_and_headings_never(uses):
    quotes = _quotes(uses, "廊坊市委信访局的机关运行经费主要用于哪些方面？")
    assert quotes and "主要用于办公区" in quotes[0].text
    assert not any(q.text == USES[0] for q in quotes)
    assert not any("《" in q.text for q in quotes)  # a bare document reference follows no full answer


def test_the_cross_encoder_reorders_the_candidates_when_configured(uses):
    settings = Settings(embedding_model="hash", reranker_model="fake")
    fake = Reversed()
    _quotes(uses, "廊坊市委信访局的机关运行经费主要用于哪些方面？", reranker=fake, settings=settings)
    assert fake.calls == 1
