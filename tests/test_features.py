"""The ranking features of a (question, candidate fact) pair, the hard gates before them, and the weights file
that scores them."""
from __future__ import annotations

import dataclasses

import pytest

from budgetqa.answering.features import FEATURE_NAMES, Features, candidate
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.select import rank, score_fact, using_weights
from budgetqa.core.errors import ConfigError
from budgetqa.core.ranking_weights import Margins, RankingWeights, get_ranking_weights, parse_ranking_weights
from tests.answering_fixtures import fact

DOC = "d" * 64


def on(features: Features) -> set[str]:
    """The names of the features that are not zero."""
    return {k for k, v in dataclasses.asdict(features).items() if v}


def test_a_plain_item_match_in_a_department_budget():
    f = fact(DOC, "公务接待费", "1.20", item="公务接待费", statement="三公经费表")
    pq = ParsedQuestion(text="公务接待费是多少", items=["公务接待费"], topic="公务接待费")
    c = candidate(f, pq, kind="部门预算")
    assert c is not None and c.item_hits == 1
    assert c.features.item_hits == 1 and c.features.label_sim == 1.0
    assert on(c.features) == {"item_hits", "label_sim", "department_doc"}
    assert len(c.features.vector()) == len(FEATURE_NAMES)


def test_previous_year_count_and_kind_features():
    prev = fact(DOC, "车辆（台、辆）", "3", unit="辆", item="车辆", period="previous", col="数量")
    asks_count = ParsedQuestion(text="单位决算里有几辆车", items=["车辆"], topic="车", count_unit="辆",
                                kind_hint="单位决算")
    c = candidate(prev, asks_count, kind="部门决算")
    assert c is not None
    assert {"previous_unasked", "count_match", "kind_hint_mismatch"} <= on(c.features)
    assert "count_mismatch" not in on(c.features)
    asks_previous = dataclasses.replace(asks_count, period="previous", kind_hint=None)
    c2 = candidate(prev, asks_previous, kind="部门决算")
    assert {"previous_match", "count_match", "department_doc"} <= on(c2.features)
    assert "previous_unasked" not in on(c2.features)


def test_named_column_change_clause_and_percent_features():
    col = fact(DOC, "一般公共服务支出", "5.00", item="一般公共服务支出", col="项目支出")
    pq = ParsedQuestion(text="一般公共服务支出多少", items=["一般公共服务支出"], topic="一般公共服务支出")
    assert "column_unasked" in on(candidate(col, pq).features)
    change = fact(DOC, "人员经费", "14.07", item="人员经费", table_index=None,
                  quote="主要是增加人员经费14.07万元。")
    pq2 = ParsedQuestion(text="人员经费多少", items=["人员经费"], topic="人员经费")
    assert "change_clause" in on(candidate(change, pq2).features)
    pct = fact(DOC, "人员经费", "12.5", unit="%", item="人员经费")
    assert "percent_unasked" in on(candidate(pct, pq2).features)


def test_hard_gates_return_no_candidate():
    pq = ParsedQuestion(text="人员经费多少", items=["人员经费"], topic="人员经费")
    stated_change = fact(DOC, "人员经费", "3.00", item="人员经费", period="change")
    assert candidate(stated_change, pq) is None  # a stated change answers only a change question
    other_code = fact(DOC, "行政运行", "9.00", item="行政运行", code="2010101")
    assert candidate(other_code, ParsedQuestion(text="2011301", codes=["2011301"])) is None
    unrelated = fact(DOC, "取暖费", "2.00", item="取暖费")
    assert candidate(unrelated, pq) is None  # no item hit and the label resembles the question too little


def test_the_score_is_the_weights_dot_the_features():
    f = fact(DOC, "公务接待费", "1.20", item="公务接待费", statement="三公经费表", period="previous")
    pq = ParsedQuestion(text="公务接待费是多少", items=["公务接待费"], topic="公务接待费")
    c = candidate(f, pq, kind="部门预算")
    rw = get_ranking_weights()
    expected = sum(rw.weights[n] * v for n, v in zip(FEATURE_NAMES, c.features.vector()))
    assert score_fact(f, pq, kind="部门预算").score == pytest.approx(expected)
    doubled = RankingWeights({k: 2 * v for k, v in rw.weights.items()}, rw.margins)
    with using_weights(doubled):
        assert score_fact(f, pq, kind="部门预算").score == pytest.approx(2 * expected)


def test_weights_decide_the_order_and_ties_go_to_the_table():
    current = fact(DOC, "公务接待费", "1.20", item="公务接待费", page=3)
    previous = fact(DOC, "公务接待费", "0.90", item="公务接待费", period="previous", page=2)
    sentence = fact(DOC, "公务接待费", "1.20", item="公务接待费", table_index=None, page=1)
    pq = ParsedQuestion(text="公务接待费是多少", items=["公务接待费"], topic="公务接待费")
    margins = Margins(0.3, 1.5, 3.0)
    penalise = RankingWeights({"item_hits": 1.0, "previous_unasked": -1.0}, margins)
    with using_weights(penalise):
        assert [s.fact for s in rank([previous, sentence, current], pq, {})] == [current, sentence, previous]
    reward = RankingWeights({"item_hits": 1.0, "previous_unasked": 1.0}, margins)
    with using_weights(reward):
        assert rank([previous, sentence, current], pq, {})[0].fact is previous


def test_the_packaged_weights_name_every_feature_and_only_those():
    rw = get_ranking_weights()
    assert set(rw.weights) == set(FEATURE_NAMES)
    assert rw.margins.conflict < rw.margins.promote < rw.margins.corroborate
    assert not any("heldout" in s for s in rw.info.get("sets", []))


@pytest.mark.parametrize("text, problem", [
    ("weights: [1, 2]\nmargins: {}", "needs the mappings"),
    ("weights: {item_hits: x}\nmargins: {conflict: 1, promote: 2, corroborate: 3}", "not a number"),
    ("weights: {item_hits: 1}\nmargins: {conflict: 1}", "missing"),
    ("weights: {a: [", "not valid YAML"),
])
def test_a_bad_weights_file_names_the_file_and_the_problem(text, problem):
    with pytest.raises(ConfigError, match=problem) as err:
        parse_ranking_weights(text, "some/ranking_weights.yaml")
    assert "some/ranking_weights.yaml" in str(err.value)


def test_a_weight_for_an_unknown_feature_is_refused():
    pq = ParsedQuestion(text="公务接待费是多少", items=["公务接待费"], topic="公务接待费")
    f = fact(DOC, "公务接待费", "1.20", item="公务接待费")
    with using_weights(RankingWeights({"item_hit": 1.0}, Margins(0.3, 1.5, 3.0))):
        with pytest.raises(ConfigError, match="unknown features"):
            rank([f], pq, {})
