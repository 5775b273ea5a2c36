"""Assert only full matches: each cited fact is checked against every constraint of the question (the
`ask --json` 'match' object); a figure meeting them all is the answer, the closest others are listed under
'相关数字' with citations and the constraints they miss, never as the answer. Organisation rules: the longest
mention names the organisation; a specific organisation absent from the corpus is refused as such."""
from __future__ import annotations

from decimal import Decimal

import pytest

from budgetqa.answering.match import check_fact
from budgetqa.answering.question import parse_question
from budgetqa.core.measures import disclosed_by
from budgetqa.core.records import Citation, Fact

CITE = Citation(doc="x.pdf", page=3, locator="表", quote="q")


def _fact(**kw) -> Fact:
    base = dict(doc_id="d", org="上海市普陀区财政局", year=2024, doc_kind="决算", statement="基本支出决算表",
                item=None, row_label="差旅费", column_label="决算数", code=None, value_text="1.20",
                value=Decimal("1.20"), unit="万元", value_yuan=Decimal("12000"), page=16, table_index=3,
                row_index=11, col_index=4, quote="", locator="", period="current", measure="决算数", blank=False)
    base.update(kw)
    return Fact(**base)


def _checks(shared_engine, question: str, fact: Fact, doc_kind: str = "部门决算", year: int = 2024):
    pq = parse_question(question, shared_engine.catalog())
    m = check_fact(fact, pq, pq.org, year, doc_kind, CITE)
    return {c.name: c.met for c in m.checks}, m


def test_a_fact_meeting_every_constraint_is_a_full_match(shared_engine):
    met, m = _checks(shared_engine, "普陀区财政局2024年差旅费实际花了多少？", _fact())
    assert m.full and met["org"] and met["year"] and met["item"] and met["measure"]


def test_each_kind_of_miss_is_named(shared_engine):
    budget = _fact(column_label="预算数", measure="预算数")
    met, m = _checks(shared_engine, "普陀区财政局2024年差旅费实际花了多少？", budget)
    assert met["measure"] is False and m.unmet == ["measure"]
    met, _ = _checks(shared_engine, "普陀区财政局2023年差旅费实际花了多少？", _fact())
    assert met["year"] is False
    met, _ = _checks(shared_engine, "普陀区财政局2024年会议费实际花了多少？", _fact())
    assert met["item"] is False
    met, _ = _checks(shared_engine, "普陀区财政局2024年科目2010601的决算数", _fact(code="2010602"))
    assert met["item"] is False
    met, _ = _checks(shared_engine, "普陀区财政局2024年差旅费实际支出多少元", _fact(unit="人次", value_yuan=None))
    assert met["kind"] is False


def test_answered_figures_carry_a_full_match(shared_engine):
    a = shared_engine.ask("普陀区财政局2024年差旅费是多少？")
    assert a.status == "answered" and a.match and all(m.full for m in a.match)
    assert a.to_json()["match"]["full"] is True


def test_a_measure_no_document_prints_is_not_found_with_related_figures(shared_engine):
    # the 2025 documents of 商务委 are budgets: no 决算数 exists, the budget's 0万元 is only related
    a = shared_engine.ask("区商务委2025年公务用车运行维护费决算数是多少？")
    assert a.status == "not_found" and not a.facts
    assert "相关数字" in a.answer and a.related
    for m in a.related:
        assert not m.full and "measure" in m.unmet and m.citation.doc.endswith(".pdf") and m.citation.page
    data = a.to_json()
    assert data["related"] and all(r["full"] is False for r in data["related"])


def test_ambiguous_organisation_lists_each_candidates_figure(shared_engine):
    a = shared_engine.ask("信访局2021年三公经费是多少？")
    assert a.status == "ambiguous" and a.related
    assert all(m.org and m.citation.doc for m in a.related)
    assert "单位待确认" in a.answer


def test_disclosed_by_is_data():
    assert disclosed_by("决算数") == ("决算",)
    assert disclosed_by("预算数") == ()


@pytest.mark.parametrize("question, unknown", [
    ("上海市普陀区人民政府石泉路街道办事处2024年预算收支总额是多少？", "石泉路街道办事处"),  # full name, other street
    ("普陀区长征镇2024年三公经费是多少？", "普陀区长征镇"),  # a place of the district with no organisation here
    ("普陀区委2024年三公经费是多少？", "普陀区委"),  # the district committee is not its 社会工作部
    ("普陀区教育局2024年三公经费是多少？", "普陀区教育局"),
])
def test_an_organisation_absent_from_the_corpus_is_refused_as_such(shared_engine, question, unknown):
    pq = parse_question(question, shared_engine.catalog())
    assert not pq.orgs and pq.unknown_org and unknown in pq.unknown_org
    a = shared_engine.ask(question)
    assert a.status == "not_found" and "语料中没有该单位" in a.answer and not a.related


@pytest.mark.parametrize("question", ["万里街道2024年三公经费是多少？", "万里街道办2024年三公经费是多少？",
                                      "上海市普陀区人民政府万里街道办事处2024年三公经费是多少？",
                                      "普陀区万里街道2024年三公经费是多少？"])
def test_short_and_full_names_of_a_known_organisation_resolve(shared_engine, question):
    pq = parse_question(question, shared_engine.catalog())
    assert pq.orgs == ["上海市普陀区人民政府万里街道办事处"]


def test_a_weak_resemblance_is_not_the_item():
    from budgetqa.answering.match import topic_coverage

    assert topic_coverage("总收入", "八、其他收入收入/决算数") < 0.75  # 总 is not printed: not the total
    assert topic_coverage("处置非访突发性及群体性事件", "处置非访、突发性及群体性事件") == 1.0
    assert topic_coverage("信访专项经费实际花了多少", "信访专项经费支出") == 1.0  # measure and question words left out


def test_total_income_is_the_total_row(shared_engine):
    a = shared_engine.ask("普陀区财政局2024年总收入是多少？")
    assert a.status == "answered" and a.match[0].label.startswith("收入总计") or "总计" in a.match[0].citation.locator
    assert "其他收入" not in a.answer.split("\n")[1]
