"""Figure answers on hand-built facts: lookup, unit conversion, zero, computed intents, not_found, ambiguity."""
from __future__ import annotations

import pytest

from budgetqa.answering.catalog import Catalog
from budgetqa.answering.figures import FigureAnswerer
from budgetqa.answering.question import parse_question
from tests.answering_fixtures import build_store


@pytest.fixture
def fa(tmp_path):
    store = build_store(tmp_path / "x.sqlite")
    return FigureAnswerer(store, Catalog.from_store(store))


def ask(fa, q):
    return fa.answer(parse_question(q, fa.catalog))


def test_lookup_cites_the_cell(fa):
    a = ask(fa, "鹿泉区信访局2021年取暖费预算是多少？")
    assert a.status == "answered"
    assert "7.09万元" in a.answer and "石家庄市鹿泉区信访局本级" in a.answer and "2021年" in a.answer
    f = a.facts[0]
    assert (f.value, f.unit, f.value_wan, f.year) == (7.09, "万元", 7.09, 2021)
    assert f.citation.doc == "luquan2021.txt" and "合计" in f.citation.locator  # the 合计 column
    assert a.citations[0].doc == "luquan2021.txt"
    assert a.interpretation.startswith("理解为：石家庄市鹿泉区信访局本级 2021年 取暖费")


def test_unit_as_disclosed_and_converted_on_request(fa):
    a = ask(fa, "普陀区商务委2025年科学技术支出预算多少元？")
    assert "17,200,000.00元" in a.answer and a.citations[0].page == 9
    a = ask(fa, "普陀区商务委2025年科学技术支出预算多少万元？")
    assert "1,720万元" in a.answer and "原文为17,200,000.00元" in a.answer
    assert a.facts[0].value_wan == 1720


def test_table_leads_narrative_corroborates(fa):
    a = ask(fa, "普陀区商务委2025年收入预算是多少？")
    assert a.citations[0].page == 9  # the table cell
    assert any(c.page == 7 for c in a.citations[1:])  # the sentence saying 37,151.47万元
    assert "shangwu2025_unit.pdf" not in {c.doc for c in a.citations}  # 部门预算 before 单位预算


def test_unit_budget_when_asked(fa):
    a = ask(fa, "普陀区商务委2025年单位预算收入总计是多少？")
    assert a.citations[0].doc == "shangwu2025_unit.pdf"


def test_disclosed_zero_is_an_answer(fa):
    a = ask(fa, "鹿泉区信访局2021年公务用车购置费是多少")
    assert a.status == "answered" and a.facts[0].value == 0
    assert "0万元" in a.answer and "零" in a.answer


def test_stated_change_answers_directly(fa):
    a = ask(fa, "鹿泉区信访局2021年预算比上年减少了多少？")
    assert a.status == "answered" and "减少53.49万元" in a.answer and "文件直接披露" in a.answer
    assert a.computed is None


def test_difference_between_orgs_shows_operands(fa):
    a = ask(fa, "鹿泉区信访局和广阳区信访局的三公经费相差多少")
    assert a.status == "answered" and a.computed
    assert "（计算结果）" in a.answer and "3.7 − 2.19 = 1.51" in a.computed
    assert [f.value for f in a.facts] == [3.7, 2.19]
    assert [c.doc for c in a.citations] == ["luquan2021.txt", "guangyang2022.txt"]
    assert "2022年" in a.answer  # each operand keeps its own year


def test_share_computed(fa):
    a = ask(fa, "鹿泉区信访局2021年三公经费占支出预算的比重")
    assert "0.82%" in a.answer and a.computed and len(a.citations) == 2


def test_ranking_across_orgs(fa):
    a = ask(fa, "哪个单位三公经费最多")
    assert a.status == "answered" and a.computed
    lines = [line for line in a.answer.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert "石家庄市鹿泉区信访局本级" in lines[0] and "廊坊市广阳区信访局" in lines[1] and "商务委员会" in lines[2]
    assert len(a.citations) == 3


def test_sum_of_two_orgs(fa):
    a = ask(fa, "鹿泉区信访局和广阳区信访局的三公经费合计是多少")
    assert "5.89万元" in a.answer and "3.7 + 2.19 = 5.89" in a.computed


def test_year_not_covered_is_not_found_with_coverage(fa):
    a = ask(fa, "广阳区信访局2019年预算是多少？")
    assert a.status == "not_found"
    assert "2022年部门预算" in a.answer and a.facts == [] and a.citations == []


def test_item_not_disclosed_names_who_has_it(fa):
    a = ask(fa, "商务委2025年机关运行经费是多少")
    assert a.status == "not_found"
    assert "石家庄市鹿泉区信访局本级（2021年）" in a.answer and "廊坊市广阳区信访局（2022年）" in a.answer


def test_unknown_org_is_not_answered_from_another(fa):
    a = ask(fa, "上海市信访办2022年公务接待费多少？")
    assert a.status == "not_found" and "上海市信访办" in a.answer and not a.facts


def test_ambiguous_org(fa):
    a = ask(fa, "信访局的三公经费是多少")
    assert a.status == "ambiguous"
    assert "廊坊市广阳区信访局" in a.answer and "石家庄市鹿泉区信访局本级" in a.answer


def test_previous_year_end_balance(fa):
    a = ask(fa, "广阳区信访局上年末固定资产总额")
    assert a.status == "answered" and "87.22万元" in a.answer and "2021年末" in a.answer
    assert a.facts[0].year == 2021


def test_text_questions_are_left_to_passages(fa):
    assert ask(fa, "鹿泉区信访局有哪些科室") is None



def test_a_count_question_is_never_answered_with_money():
    """'因公出国多少人次' must not be answered with the 因公出国（境）费 0.00万元 (a money fact)."""
    from budgetqa.answering.question import ParsedQuestion
    from budgetqa.answering.select import rank
    from tests.answering_fixtures import fact

    money = fact("d" * 64, "因公出国（境）费", "0.00", item="因公出国（境）费", statement="三公经费表")
    as_money = ParsedQuestion(text="因公出国（境）费多少", items=["因公出国（境）费"])
    assert [s.fact for s in rank([money], as_money, {})] == [money]
    as_count = ParsedQuestion(text="因公出国（境）多少人次", items=["因公出国（境）费"], count_unit="人次")
    assert rank([money], as_count, {}) == []
