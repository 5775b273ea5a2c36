"""Roles of the items a question names: a part named inside a whole asks for the part; in a share the item
before 占 is the part; a spaced subject code ('221 02 01') is a code; an amount of money asked is never a rate."""
from __future__ import annotations

import pytest

from budgetqa.answering.item_roles import contained, share_roles
from budgetqa.answering.question import parse_question


def _pq(engine, text):
    return parse_question(text, engine.catalog())


def test_part_inside_a_whole(shared_engine):
    pq = _pq(shared_engine, "财政局2024年基本支出当中的津贴补贴决算是多少？")
    assert contained(pq) == ("基本支出", "津贴补贴")
    a = shared_engine.ask(pq.text)
    assert a.status == "answered" and [f.value for f in a.facts] == [1238.58]  # never the 基本支出 total
    assert "2,336.91" not in a.answer


@pytest.mark.parametrize("question, roles, percent", [
    ("群众工作中心2021年机关运行经费里，公务用车运行维护费占几成？", ("公务用车运行维护费", "机关运行经费"), "40.69%"),
    ("商务委2025年单位预算中人员经费占一般公共预算基本支出的百分比是多少", ("人员经费", "基本支出"), "91.38%"),
])
def test_share_is_the_part_over_the_whole(shared_engine, question, roles, percent):
    pq = _pq(shared_engine, question)
    assert pq.intent == "share" and share_roles(pq) == roles
    a = shared_engine.ask(question)
    assert a.status == "answered" and percent in a.answer


def test_a_spaced_code_is_the_code(shared_engine):
    pq = _pq(shared_engine, "普陀区财政局2024年科目221 02 01的决算数")
    assert pq.codes == ["2210201"]
    a = shared_engine.ask(pq.text)
    assert a.status == "answered" and a.facts[0].value == 187.19


def test_money_asked_is_never_answered_by_a_rate(shared_engine):
    # the document prints the fund's 合规率 (100%), not its amount
    a = shared_engine.ask("鹿泉区信访局2021年信访专项救助资金的预算金额？")
    assert a.status == "not_found" and not a.facts
    assert all("kind" in m.unmet for m in a.related if m.printed.endswith("%"))
    rate = shared_engine.ask("广阳区信访局2022年信访群众满意度目标是多少？")
    assert rate.status == "answered" and "95%" in rate.answer  # a rate asked is a rate


def test_a_balance_at_year_end_is_not_the_one_at_its_start(shared_engine):
    end = shared_engine.ask("普陀区财政局2024年年末结转和结余是多少？")
    start = shared_engine.ask("普陀区财政局2024年年初结转和结余是多少？")
    assert end.status == start.status == "answered"
    assert end.facts[0].value == 55.34 and start.facts[0].value == 49.14
    assert "年末年末" not in end.answer


def test_growth_across_measures_is_a_percentage(shared_engine):
    a = shared_engine.ask("万里街道2024年公益性岗位补贴预算比2023年执行数增长百分之多少？")
    assert a.status == "answered" and "8.12%" in a.answer and a.computed and "÷ 389.59" in a.computed


def test_difference_between_two_measures_said_as_cha_le_duoshao(shared_engine):
    a = shared_engine.ask("社会工作部2024年事业运行科目的全年预算和实际支出差了多少？")
    assert a.status == "answered" and "6.37" in a.answer
