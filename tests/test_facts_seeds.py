"""Golden tests of fact extraction on the five seed disclosures (tables and sentences)."""
from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache

import pytest

from budgetqa.core.records import DocMeta, Fact
from budgetqa.core.settings import Settings
from budgetqa.ingest.facts import extract_facts
from budgetqa.ingest.loader import load_document
from budgetqa.core.numbers import parse_number
from tests.conftest import DEV_SET, seed

# metadata pinned here so that these tests exercise extraction only (ingest/metadata.py has its own tests)
META = {
    "000": DocMeta("高新区群众工作中心", 2021, "部门预算"),
    "001": DocMeta("中共广元市昭化区委群众工作局", 2020, "部门预算"),
    "002": DocMeta("廊坊市广阳区信访局", 2022, "部门预算"),
    "003": DocMeta("石家庄市鹿泉区信访局本级", 2021, "单位预算"),
    "004": DocMeta("中共廊坊市委信访局", 2017, "部门预算"),
}


@lru_cache(maxsize=None)
def _doc_and_facts(prefix: str):
    doc = load_document(seed(prefix), Settings(embedding_model="hash"))
    doc.meta = META[prefix]
    return doc, tuple(extract_facts(doc))


def facts(prefix: str) -> list[Fact]:
    return list(_doc_and_facts(prefix)[1])


def find(prefix: str, value: str, unit: str, **where) -> list[Fact]:
    out = []
    for f in facts(prefix):
        if f.value != Decimal(value) or f.unit != unit:
            continue
        if all((v in getattr(f, k)) if k in ("row_label", "quote", "locator", "column_label") and v is not None
               else getattr(f, k) == v for k, v in where.items()):
            out.append(f)
    return out


def one(prefix: str, value: str, unit: str, **where) -> Fact:
    hits = find(prefix, value, unit, **where)
    assert hits, f"{prefix}: no fact {value} {unit} {where}"
    return hits[0]


# --- the dev set -----------------------------------------------------------------------------------

def _dev_lookups():
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if (r.get("doc") or "").endswith(".txt") and "value" in r["gold"]]


@pytest.mark.parametrize("case", _dev_lookups(), ids=lambda r: r["id"])
def test_dev_figures_are_facts(case):
    prefix = case["doc"][:3]
    gold = case["gold"]
    hits = [f for f in facts(prefix)
            if abs(f.value) == Decimal(str(gold["value"])) and f.unit == gold["unit"]]
    assert hits, f"{case['id']}: {gold} not among the facts of {case['doc']}"


# --- tables ----------------------------------------------------------------------------------------

def test_every_figure_of_the_003_statements_is_a_fact():
    """Every printed figure of 003's budget statements (収支/收入/支出/财政拨款/基本支出/三公) is a fact at its cell."""
    doc, fs = _doc_and_facts("003")
    at = {(f.table_index, f.row_index, f.col_index): f for f in fs if f.table_index is not None}
    checked = 0
    for table in doc.tables:
        if table.unit != "万元" or not table.title:
            continue
        body = False
        for r, row in enumerate(table.rows):
            if row[0] in ("栏次", "档次"):
                body = True
                continue
            if not body:
                continue
            for c, cell in enumerate(row[2:], start=2):  # 0: 序号, 1: code or label
                if parse_number(cell) is None:
                    continue
                fact = at.get((table.index, r, c))
                assert fact is not None, f"table {table.index} {table.title} row {r} col {c}: {cell!r}"
                assert fact.value_text == cell and fact.unit == "万元"
                assert fact.value_yuan == fact.value * 10000
                assert cell in fact.quote and table.title in fact.locator
                assert fact.page is None and fact.doc_kind == "预算" and fact.year == 2021
                checked += 1
    assert checked >= 200


def test_split_code_is_repaired():
    f = one("003", "12.38", "万元", code="2101101", statement="收入总表", column_label="合计")
    assert f.row_label == "行政单位医疗" and f.item == "行政单位医疗"
    assert "210110 1" in f.quote
    g = one("003", "16.8", "万元", code="2210201", statement="支出总表", column_label="基本支出")
    assert g.item == "住房公积金"


def test_side_by_side_halves_have_their_own_labels():
    income = one("003", "451.83", "万元", statement="收支总表", row_label="一、一般公共预算拨款收入")
    assert income.item == "一般公共预算拨款" and income.column_label == "收入/预算数"
    spend = one("003", "358.81", "万元", statement="收支总表", row_label="一、一般公共服务支出")
    assert spend.code == "201" and spend.column_label == "支出/预算数"
    assert spend.locator == "单位预算收支总表 / 第1行 一、一般公共服务支出 / 列 支出/预算数"
    assert spend.quote == "1 | 一、一般公共预算拨款收入 | 451.83 | 一、一般公共服务支出 | 358.81"
    total = one("003", "451.83", "万元", statement="财政拨款收支总表", row_label="支出总计", column_label="支出/合计")
    assert total.item == "支出总计"


def test_header_paths_and_statement_types():
    basic = one("003", "7.09", "万元", row_label="取暖费", column_label="一般公共预算基本支出/公用经费")
    assert basic.code == "30208" and basic.statement == "基本支出表"
    assert basic.locator.startswith("单位预算一般公共预算财政拨款基本支出表 / 第14行 取暖费")
    row = one("003", "279.12", "万元", statement="支出总表", row_label="合计", column_label="基本支出")
    assert row.item == "基本支出"
    fin = one("003", "451.83", "万元", statement="收入总表", column_label="本年收入/财政拨款收入")
    assert fin.item == "财政拨款收入"
    sangong = one("003", "3.7", "万元", statement="三公经费表", column_label="资金性质/合计")
    assert sangong.item == "三公经费"
    car = one("003", "2.7", "万元", statement="三公经费表", row_label="二、公务用车购置及运维费")
    assert car.item == "公务用车购置及运行维护费"


def test_empty_and_dash_cells_are_no_facts():
    fs = facts("003")
    # 三公表 row '一、因公出国（境）费' is printed empty; 固定资产 '资产总额 | --- | 77.11'
    assert not [f for f in fs if f.statement == "三公经费表" and "因公出国" in f.row_label]
    assets = [f for f in fs if f.statement == "固定资产表" and f.row_label == "资产总额"]
    assert [(f.value, f.unit) for f in assets] == [(Decimal("77.11"), "万元")]


def test_zero_is_a_fact():
    f = one("003", "0", "万元", item="公务用车购置费", statement="narrative")
    assert f.value_text == "0万元"


def test_fixed_assets_counts_and_as_of_year():
    total = one("000", "305", "件", statement="固定资产表", row_label="合计")
    assert total.column_label == "数量" and total.value_yuan is None and total.item == "固定资产"
    assert total.year == 2019 and total.period == "previous"  # 截止时间：2019年12月31日
    value = one("000", "79.0554", "万元", statement="固定资产表", row_label="合计")
    assert value.value_yuan == Decimal("790554")
    assert one("000", "1.00", "辆", row_label="其中：汽车").item == "车辆"
    assert one("002", "1", "辆", row_label="2、车辆（台、辆）").value_text == "1辆"
    # 003: '截止时间：2020-12-31' stands above the table, outside it
    f = one("003", "77.11", "万元", statement="固定资产表")
    assert (f.year, f.period) == (2020, "previous")
    cont = one("003", "10.62", "万元", row_label="2、车辆（台、辆）")  # continuation table without header
    assert cont.column_label == "价值（金额单位：万元）" and cont.year == 2020
    old = one("004", "2469.92", "万元", statement="固定资产表")
    assert (old.year, old.period, old.item) == (2016, "previous", "固定资产")


def test_performance_targets():
    sat = one("002", "95", "%", row_label="信访群众满意度")
    assert sat.statement == "绩效目标表" and sat.item == "满意度"
    assert one("002", "2000", "件", row_label="信访事项受理数量")
    t = one("003", "150", "件", row_label="免费提供法律咨询案件受理数")
    assert t.value_text == "≥150 件" and t.column_label == "指标值"
    assert one("003", "95", "%", row_label="信访群众满意度", statement="绩效目标表")
    assert one("000", "90", "%", row_label="受理率")


def test_table_without_unit_takes_the_documents_unit_and_says_so():
    f = one("004", "130.00", "万元", row_label="处置非访、突发性及群体性事件")
    assert "按本文件通用单位万元" in f.locator and f.value_yuan == Decimal("1300000")


# --- sentences ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "prefix, value, unit, item, label",
    [
        ("000", "279.61", "万元", "支出总计", "预算支出"),
        ("000", "188.55", "万元", "人员经费", "人员经费支出"),
        ("000", "11.06", "万元", "公用经费", "正常公用经费支出"),
        ("000", "80", "万元", None, "信访专项经费支出"),
        ("000", "11.06", "万元", "机关运行经费", "机关运行经费"),
        ("000", "1.65", "万元", "办公费", "办公费"),
        ("000", "1.5", "万元", "邮电费", "邮电费"),
        ("000", "0.3", "万元", "维修（护）费", "维修（护）费"),
        ("000", "0.11", "万元", None, "其他"),
        ("000", "1.7", "万元", "工会经费", "工会经费"),
        ("000", "4.5", "万元", "公务用车运行维护费", "公务用车运行维护经费"),
        ("000", "0", "万元", "公务接待费", "公务接待费"),
        ("000", "0", "万元", "因公出国（境）费", "因公出国（境）费"),
        ("001", "2.6", "万元", "项目支出", "项目支出"),
        ("001", "9.1", "万元", "住房保障支出", "住房保障支出"),
        ("001", "3", "万元", "三公经费", "“三公”经费财政拨款预算数"),
        ("001", "3", "万元", "公务接待费", "公务接待费"),
        ("001", "64.2", "万元", "机关运行经费", "行政机关运行经费财政拨款"),
        ("002", "28.47", "万元", "机关运行经费", "机关运行经费"),
        ("002", "28.47", "万元", "公用经费", "运转类公用项目经费"),
        ("002", "2.19", "万元", "三公经费", "财政拨款“三公”经费"),
        ("002", "2.19", "万元", "公务用车运行维护费", "公务用车运维费"),
        ("003", "451.83", "万元", "收支总额", "预算收支"),
        ("003", "68.71", "万元", "机关运行经费", "机关运行经费"),
        ("003", "3.7", "万元", "三公经费", "财政拨款“三公”经费"),
        ("003", "1", "万元", "公务接待费", "公务接待费"),
        ("004", "468.03", "万元", "基本支出", "基本支出"),
        ("004", "75.77", "万元", "机关运行经费", "机关运行经费"),
        ("004", "32.78", "万元", "三公经费", "“三公”经费"),
        ("004", "38.28", "万元", "公务用车运行维护费", "公务用车运行费"),
    ],
)
def test_sentence_figures(prefix, value, unit, item, label):
    f = one(prefix, value, unit, statement="narrative", row_label=label, item=item)
    assert f.period == "current" and f.column_label == "" and f.page is None
    assert f.value_text in f.quote.replace(" ", "") and " / 第" in f.locator


def test_sentence_year_is_its_own():
    assert one("000", "11.06", "万元", item="机关运行经费", statement="narrative").year == 2021
    assert one("000", "4.5", "万元", item="三公经费", statement="narrative").year == 2019  # '2019年我部门“三公”经费…'


def test_changes_keep_their_direction():
    f = one("003", "-53.49", "万元", period="change")
    assert f.item == "收支总额" and f.value_text == "53.49万元" and "减少" in f.row_label
    assert f.value_yuan == Decimal("-534900") and f.year == 2021
    assert one("003", "-28.03", "万元", period="change", item="基本支出")
    up = one("001", "14.07", "万元", period="change", item="收支总额")
    assert "增加" in up.row_label
    pct = one("001", "-3.7", "%", period="change_pct")
    assert pct.item == "机关运行经费"


def test_shares():
    f = one("001", "1.5", "%", item="项目支出", statement="narrative")
    assert f.row_label == "项目支出占比" and f.period == "current"
    assert one("001", "98.5", "%", item="基本支出").row_label == "基本支出占比"


def test_previous_year_end_assets():
    f = one("002", "87.22", "万元", statement="narrative")
    assert (f.item, f.period, f.year) == ("固定资产", "previous", 2021)
    g = one("004", "2469.92", "万元", statement="narrative")
    assert (g.period, g.year) == ("previous", 2016)


def test_class_item_paths_give_codes():
    f = one("001", "149", "万元", code="2013101")
    assert f.item == "行政运行" and "（类）" in f.row_label
    assert one("001", "5.6", "万元", code="2101101").item == "行政单位医疗"
    assert one("001", "9.1", "万元", code="2210201").item == "住房公积金"


def test_qualifier_in_parentheses_stays_with_its_label():
    """000: '收入预算：我部门2021年预算收入（一般预算拨款）279.61万元' is the budget income, qualified."""
    f = one("000", "279.61", "万元", statement="narrative", row_label="预算收入（一般预算拨款）")
    assert f.item == "收入总计" and f.period == "current" and f.year == 2021
    pct = one("000", "0.003", "%", statement="narrative", period="change_pct")  # '对比2020年增加0.003%'
    assert pct.item == "机关运行经费" and pct.year == 2021 and pct.value_text == "0.003%"


def test_sections_in_locators():
    f = one("000", "1.7", "万元", item="工会经费", statement="narrative")
    assert f.locator.startswith("三、机关运行经费情况及增减变化说明 / 第")


def test_no_duplicate_facts():
    for prefix in META:
        keys = [(f.statement, f.table_index, f.row_index, f.col_index, f.row_label, f.period, f.value, f.quote,
                 f.locator)
                for f in facts(prefix)]
        assert len(keys) == len(set(keys)), prefix


# --- building blocks -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [("210110 1", "2101101"), ("301 2", "30102"), ("2010 1", "20101"),
                                        ("20101 1", "2010101"), ("301", None), ("2021 12", None)])
def test_split_codes_are_repaired_whatever_their_form(text, code):
    from budgetqa.ingest.table_facts import repair_code

    assert repair_code(text) == code


@pytest.mark.parametrize("title, statement", [
    ("财政拨款收入支出决算总表", "财政拨款收支总表"), ("2024年部门财政拨款收支预算总表", "财政拨款收支总表"),
    ("单位预算财政拨款收支总表", "财政拨款收支总表"), ("收入支出决算总表", "收支总表"),
    ("一般公共预算财政拨款收入支出决算表", "一般公共预算支出表"), ("一般公共预算财政拨款支出决算表", "一般公共预算支出表"),
    ("一般公共预算财政拨款基本支出决算表", "基本支出表"), ("政府性基金预算财政拨款收入支出决算表", "政府性基金支出表"),
    ("国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算支出表"), ("收入决算表", "收入总表"),
    ("支出决算表", "支出总表"), ("财政拨款“三公”经费支出决算表", "三公经费表"),
])
def test_statement_names(title, statement):
    from budgetqa.ingest.table_layout import statement_name

    assert statement_name(title, []) == statement


@pytest.mark.parametrize("column, item", [
    ("“三公”经费预算数/公务用车购置及运行费/购置费", "公务用车购置费"),
    ("“三公”经费预算数/公务用车购置及运行费/运行费", "公务用车运行维护费"),
    ("“三公”经费预算数/公务用车购置及运行费/小计", "公务用车购置及运行维护费"),
    ("“三公”经费预算数/公务用车购置及运维费/运维费", "公务用车运行维护费"),
])
def test_multi_row_headers_name_the_sub_item(column, item):
    from budgetqa.ingest.table_facts import _column_item
    from budgetqa.core.vocabulary import get_vocabulary

    assert _column_item(get_vocabulary(), column, "三公经费表").name == item


def test_a_code_in_the_code_position_is_never_a_value():
    """A blank form: '205 | 教育支出 | | ' rows, and the '合计' row right under the header."""
    from budgetqa.core.records import DocMeta, Document, Page, Table
    from budgetqa.ingest.facts import extract_facts

    rows = [["项目", "", "本年收入合计", "财政拨款收入"], ["功能分类科目编码", "科目名称", "", ""],
            ["合计", "", "", ""], ["205", "教育支出", "", ""], ["20502", "普通教育", "", ""],
            ["2050205", "高等教育", "", "3.00"]]
    table = Table(index=0, rows=rows, unit="万元", title="收入决算表", page=None)
    doc = Document(path="t.txt", name="t.txt", sha256="t", format="txt", paged=False,
                   pages=[Page(number=1, text="", tables=[table])], meta=DocMeta("测试局", 2024, "部门决算"))
    [fact] = extract_facts(doc)
    assert (fact.value, fact.code, fact.item, fact.column_label) == (Decimal("3.00"), "2050205", "高等教育", "财政拨款收入")
