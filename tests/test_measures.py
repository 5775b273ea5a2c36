"""Facts carry their measure; questions name measures; an answer never crosses measures silently.
Also: blank cells, codes as the only identifier, declared aliases, figures derived from stated changes,
execution rates and differences across measures (issue 10's examples on the shared PDFs)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from budgetqa.answering.engine import Engine
from budgetqa.core.measures import accepts, measure_of_fact, measures_in_question
from budgetqa.core.settings import Settings
from tests.conftest import PDFS, SEEDS


@pytest.mark.parametrize("question, measures", [
    ("财政局2024年三公经费决算数", ["决算数"]),
    ("信息化建设经费2024年实际花了多少？", ["决算数"]),
    ("一般公共预算财政拨款支出，比年初预算少花了多少？", ["年初预算数", "决算数"]),  # 一般公共预算 is a fund
    ("完成了年初预算的百分之几？", ["执行率"]),
    ("区商务委2024年财政拨款收入的预算执行数是多少？", ["执行数"]),
    ("事业单位医疗的支出决算数占全年预算数的百分之几？", ["执行率"]),
    ("三公经费是多少", []),
])
def test_question_measures(question, measures):
    assert measures_in_question(question) == measures


@pytest.mark.parametrize("column, head, period, kind, measure", [
    ("财政拨款“三公”经费/合计/预算数", "", "current", "部门决算", "预算数"),
    ("财政拨款“三公”经费/合计/决算数", "", "current", "部门决算", "决算数"),
    ("一般公共预算财政拨款/基本支出", "", "current", "部门决算", "决算数"),  # a fund, not a measure
    ("合计", "", "current", "部门预算", "预算数"),
    ("2024年执行数", "", "previous", "部门预算", "上年执行数"),
    ("全年预算数", "", "current", "部门决算", "调整预算数"),
    ("", "完成年初预算的", "current", "部门决算", "执行率"),
    ("增减额", "", "change", "部门预算", "增减额"),
])
def test_fact_measures(column, head, period, kind, measure):
    assert measure_of_fact(column, head, period, kind) == measure


def test_measure_acceptance():
    assert accepts("预算数", "年初预算数") and accepts("预算数", "上年预算数")
    assert not accepts("决算数", "预算数") and not accepts("预算数", "决算数")
    assert not accepts("决算数", "上年执行数")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from budgetqa.ingest.pipeline import Ingestor

    settings = Settings(store=tmp_path_factory.mktemp("measures") / "store", embedding_model="hash")
    files = [*sorted(PDFS.glob("*财政局*.pdf")), *sorted(PDFS.glob("*商务委员会25年*.pdf")),
             *sorted(PDFS.glob("*社会工作部*.pdf")), *sorted(SEEDS.glob("00[24]_*.txt"))]
    assert all(r.ok for r in Ingestor(settings).ingest(files))
    return Engine(settings)


def _values(answer) -> list[Decimal]:
    return [Decimal(str(f.value)) for f in answer.facts if f.value is not None]


def test_actual_spending_over_blank_cells_is_the_final_account_not_the_budget(engine):
    a = engine.ask("财政局2024年三公经费决算数")
    assert a.status == "answered"
    assert Decimal("0.95") not in _values(a), a.answer  # 0.95 is the 预算数 column
    assert "0.00万元" in a.answer or "为空" in a.answer


def test_blank_cells_are_stored_with_their_citation(engine):
    blanks = [f for f in engine.store.facts(include_blank=True) if f.blank]
    assert blanks and all(f.value_text == "" and f.table_index is not None and "空白单元格" in f.locator for f in blanks)
    assert not any(f.blank for f in engine.store.facts())  # plain queries see disclosed figures only


def test_difference_against_the_initial_budget(engine):
    a = engine.ask("普陀区财政局2024年一般公共预算财政拨款支出比年初预算少多少")
    assert a.status == "answered" and "53.87" in a.answer, a.answer


def test_execution_rate_is_not_answered_with_an_amount(engine):
    a = engine.ask("普陀区财政局2024年一般公共预算财政拨款支出完成了年初预算的百分之几？")
    assert a.status == "answered" and "98.2" in a.answer.split("\n")[0], a.answer


def test_a_code_alone_identifies_its_row(engine):
    a = engine.ask("区商务委2025年预算里，2150899这一项有多少钱？")
    assert a.status == "answered" and "29,381" in a.answer.replace("29381", "29,381"), a.answer
    assert all(f.citation.quote.find("2150899") >= 0 or "215" in f.citation.quote for f in a.facts)


def test_an_alias_the_document_declares_finds_the_organisation(engine):
    a = engine.ask("普陀区经委2025年“三公”经费预算是多少？")
    assert a.status == "answered" and "上海市普陀区商务委员会" in a.answer, a.answer


def test_a_previous_year_figure_derived_from_the_stated_change(engine):
    a = engine.ask("广阳区信访局2021年的预算收支总额是多少？")
    assert a.status == "answered" and "259.94" in a.answer and len(a.citations) == 2, a.answer


def test_chinese_numerals_in_relative_years_do_not_crash(engine):
    a = engine.ask("鹿泉区信访局近十年的三公经费")
    assert a.status in ("answered", "not_found", "ambiguous")


def test_unit_names_follow_the_intro_line():
    from budgetqa.answering.unit_lists import unit_names

    text = ("纳入示例局2024年度部门决算编制范围的单位包括：\n序号 单位名称 备注\n示例局（本级）\n1\n"
            "示例区财政所 预算不单列，并入本级\n2\n示例区核算中心\n3\n三、收入支出决算总体情况说明")
    assert unit_names(text) == ["示例局（本级）", "示例区财政所", "示例区核算中心"]
    assert unit_names("本部门共有3家单位。\n一、部门职责") == []


def test_sub_units_are_listed_by_name(engine):
    a = engine.ask("普陀区财政局2024年度部门决算包含哪几个单位？")
    assert a.status == "answered" and "财政所" in a.answer and "国库收付中心" in a.answer, a.answer
    assert a.citations[0].page == 5


def test_rate_of_one_item_against_its_full_year_budget(engine):
    a = engine.ask("中共普陀区委社会工作部2024年事业单位医疗的支出决算数占全年预算数的百分之几？")
    assert a.status == "answered" and a.answer.split("\n")[0].count("21.4") == 1, a.answer
