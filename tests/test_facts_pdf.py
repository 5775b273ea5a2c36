"""Fact extraction on real PDFs, loaded through budgetqa.ingest.loader.load_document (pdfplumber)."""
from __future__ import annotations

import json
import time
from decimal import Decimal
from functools import lru_cache

import pytest

from budgetqa.core.records import Fact
from budgetqa.core.settings import Settings
from budgetqa.ingest.facts import extract_facts
from budgetqa.ingest.loader import load_document
from tests.conftest import DEV_SET, PDFS, pdf

pytest.importorskip("pdfplumber")
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="shared PDFs not available")


@lru_cache(maxsize=None)
def _load_path(path):
    doc = load_document(path, Settings(embedding_model="hash"))
    return doc, tuple(extract_facts(doc))


def _load(name_part: str):
    return _load_path(pdf(name_part))


def facts(name_part: str) -> list[Fact]:
    return list(_load(name_part)[1])


def one(name_part: str, **where) -> Fact:
    hits = [f for f in facts(name_part) if all(getattr(f, k) == v for k, v in where.items())]
    assert hits, f"no fact {where}"
    return hits[0]


SWW = "商务委员会25年预算"


def test_income_total_on_page_9():
    f = one(SWW, page=9, statement="收支总表", row_label="一、财政拨款收入")
    assert f.value_text == "371,514,655.00" and f.unit == "元"
    assert f.value_yuan == Decimal("371514655") and f.value_wan == Decimal("37151.4655")
    assert f.item == "财政拨款收入" and f.column_label == "本年收入/预算数"
    assert f.locator.startswith("2025年部门财务收支预算总表 / 第")
    assert "371,514,655.00" in f.quote
    assert f.doc_kind == "预算"


def test_science_on_page_9():
    f = one(SWW, page=9, statement="收支总表", item="科学技术支出")
    assert f.value_text == "17,200,000.00" and f.value_yuan == Decimal("17200000") and f.code == "206"


def test_class_item_codes_on_page_10():
    f = one(SWW, page=10, code="2011301", column_label="收入预算/合计")
    assert f.row_label == "行政运行" and f.item == "行政运行"
    assert f.value_text == "9,389,913.00" and f.value_yuan == Decimal("9389913")
    assert one(SWW, page=10, code="20113", column_label="收入预算/合计").row_label == "商贸事务"
    assert one(SWW, page=10, code="201", column_label="收入预算/合计").row_label == "一般公共服务支出"


def test_narrative_on_page_7():
    f = one(SWW, page=7, statement="narrative", code="2011301")
    assert f.value_text == "938.99万元" and f.unit == "万元" and f.value_yuan == Decimal("9389900")
    assert f.item == "行政运行"
    assert "商贸事务（款）行政运行（项）" in f.row_label and "938.99万元" in f.quote


def test_wide_sangong_table():
    sangong = one(SWW, statement="三公经费表", item="三公经费")
    assert sangong.value == Decimal("1.00") and sangong.unit == "万元"
    assert one(SWW, statement="三公经费表", item="机关运行经费").value == Decimal("171.01")
    wl = "万里街道办事处24年预算"
    buy = one(wl, statement="三公经费表", item="公务用车购置费")
    assert buy.value == Decimal("25")


def test_continued_tables_keep_header_and_title():
    f = one(SWW, page=11, code="2101101", column_label="收入预算/合计")
    assert f.statement == "收入总表" and f.value_yuan == Decimal("631941")


def test_final_accounts():
    name = "财政局2024年度部门决算"
    f = one(name, statement="收支总表", row_label="一、一般公共服务支出", column_label="支出/决算数")
    assert f.doc_kind == "决算" and f.unit == "万元" and f.value == Decimal("2106.66")
    assert one(name, statement="基本支出表", code="30201").value == Decimal("21.21")  # side-by-side economic table
    # page 22 sets its figures a few points below their words; the loader puts them back on their lines
    assert len([f for f in facts(name) if f.statement == "narrative" and f.page == 22]) == 22


def test_dev_pdf_figures_are_facts():
    rows = [json.loads(x) for x in DEV_SET.read_text(encoding="utf-8").splitlines() if x.strip()]
    for case in rows:
        if not (case.get("doc") or "").endswith(".pdf") or "value" not in case["gold"]:
            continue
        doc, fs = _load(case["doc"].removesuffix(".pdf").removeprefix("上海市普陀区"))
        wan = Decimal(str(case["gold"]["value_wan"]))
        hits = [f for f in fs if f.value_wan == wan and f.page in case.get("pages", [f.page])]
        assert hits, case["id"]


def test_extraction_is_fast():
    for p in sorted(PDFS.glob("*.pdf")):
        doc, _ = _load_path(p)
        t0 = time.perf_counter()
        extract_facts(doc)
        assert time.perf_counter() - t0 < 2.0, p.name


# --- regressions found by the answer engine and the audit -------------------------------------------------

WL = "万里街道办事处24年预算"
CZJ = "财政局2024年度部门决算"
SHG = "社会工作部2024年度部门决算"


def test_economic_codes_printed_without_their_leading_zero_are_codes_not_values():
    """万里街道 p.29: the 款 cells of 津贴补贴/绩效工资 print '2' / '7' (for 02 / 07)."""
    assert one(WL, page=29, row_label="津贴补贴", column_label="一般公共预算基本支出/合计").code == "30102"
    f = one(WL, page=29, row_label="绩效工资", column_label="一般公共预算基本支出/人员经费")
    assert f.code == "30107" and f.item == "绩效工资" and f.value_text == "11,447,100"
    economic = [f for f in facts(WL) if f.statement == "基本支出表"]
    assert not [f for f in economic if f.column_label.split("/")[-1] in ("类", "款") or f.item is None]
    assert all(f.code and len(f.code) in (3, 5) for f in economic if f.row_label != "合计")


def test_a_blank_template_has_no_money_facts():
    """部门决算模板: subject codes (205, 20502, 2050205, …) in the 科目编码 column are never values."""
    fs = facts("部门决算模板")
    assert not [f for f in fs if f.table_index is not None]
    assert len([f for f in fs if f.value_yuan is not None]) <= 1


def test_sangong_vehicle_sub_columns_are_purchase_and_running_costs():
    """'公务用车购置及运行费' over '小计 | 购置费 | 运行费' (万里街道 p.31)."""
    by_item = {f.item: f.value for f in facts(WL) if f.statement == "三公经费表"}
    assert by_item["公务用车运行维护费"] == Decimal("21.56")
    assert by_item["公务用车购置费"] == Decimal("25")
    assert by_item["公务用车购置及运行维护费"] == Decimal("46.56")
    assert by_item["三公经费"] == Decimal("47.91") and by_item["机关运行经费"] == Decimal("443.18")


def test_final_account_sentences_give_budget_and_outturn_of_the_subject_line():
    """'“一般公共服务支出（类）财政事务（款）行政运行（项）”…年初预算为X万元，支出决算为Y万元'."""
    budget = one(CZJ, page=22, statement="narrative", code="2010601", column_label="年初预算数")
    actual = one(CZJ, page=22, statement="narrative", code="2010601", column_label="决算数")
    assert (budget.item, budget.value, actual.item, actual.value) == (
        "行政运行", Decimal("1560.05"), "行政运行", Decimal("1511.89"))
    assert "年初预算为1560.05万元" in budget.quote and budget.period == actual.period == "current"
    assert one(CZJ, page=22, statement="narrative", code="2010608", column_label="决算数").value == Decimal("449.52")
    line = [f for f in facts(SHG) if f.statement == "narrative" and f.code == "2013901"]
    assert {(f.column_label, f.value) for f in line} == {("全年预算数", Decimal("52.00")), ("决算数", Decimal("51.32"))}
    assert {f.item for f in line} == {"行政运行"}
    # '一般公共预算财政拨款支出年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元': one subject
    whole = {f.column_label: f for f in facts(SHG) if f.statement == "narrative" and f.page == 18
             and f.item == "一般公共预算拨款" and f.period == "current" and f.column_label}
    assert whole["全年预算数"].value == Decimal("321.02") and whole["决算数"].value == Decimal("307.82")
    # a sentence never gets an item it only mentions in passing ('人员经费', '支出总计')
    p22 = [f for f in facts(CZJ) if f.statement == "narrative" and f.page == 22]
    assert {f.item for f in p22} <= {"行政运行", "一般行政管理事务", "信息化建设", "财政委托业务支出", "行政单位离退休",
                                     "机关事业单位基本养老保险缴费支出", "机关事业单位职业年金缴费支出",
                                     "其他行政事业单位养老支出", "行政单位医疗", "住房公积金", "购房补贴"}
    assert all(f.code and len(f.code) == 7 for f in p22)


def test_a_subject_line_split_by_a_page_break_names_the_figures_after_it():
    """社会工作部 p.18-19: '3、一般公共服务支出（类）社会工作事务（款）其他社会工作' / '事务支出（项）。…202.24万元'."""
    hits = [f for f in facts(SHG) if f.statement == "narrative" and f.page == 19 and f.value == Decimal("202.24")]
    assert len(hits) == 2
    assert {(f.item, f.code) for f in hits} == {("其他社会工作事务支出", "2013999")}
    assert {f.column_label for f in hits} == {"全年预算数", "决算数"}
    assert {f.quote for f in hits} == {"全年预算为 202.24 万元，支出决算为 202.24 万元。"}  # quoted on its own page


def test_fiscal_appropriation_summary_of_final_accounts_is_its_own_statement():
    for name, page in ((CZJ, 12), (SHG, 10)):
        fs = [f for f in facts(name) if f.page == page and f.table_index is not None]
        assert fs and {f.statement for f in fs} == {"财政拨款收支总表"}
        assert "财政拨款收入支出决算总表" in fs[0].locator
    assert one(CZJ, page=6, row_label="一、一般公共服务支出").statement == "收支总表"  # 收入支出决算总表


def test_personnel_and_public_expense_total_rows():
    for name, people, office in ((CZJ, "2152.26", "184.65"), (SHG, "95.36", "10.23")):
        assert one(name, statement="基本支出表", row_label="人员经费合计").item == "人员经费"
        assert one(name, statement="基本支出表", row_label="人员经费合计").value == Decimal(people)
        assert one(name, statement="基本支出表", row_label="公用经费合计").item == "公用经费"
        assert one(name, statement="基本支出表", row_label="公用经费合计").value == Decimal(office)


def test_sentence_locators_follow_the_headings_in_force():
    """万里街道: the 名词解释 items ('（二）事业收入：指…') and the list of duties ('九、承办…事项。') are not
    sections; '2024年部门预算编制说明' is the section of pages 6-9."""
    narrative = [f for f in facts(WL) if f.statement == "narrative"]
    assert not [f for f in narrative if "事业收入" in f.locator or "九、承办" in f.locator]
    assert {f.locator.split(" / ")[0] for f in narrative if f.page in (6, 7, 8, 9)} == {"2024年部门预算编制说明"}
    assert {f.locator.split(" / ")[0] for f in narrative if f.page == 4} == {"上海市普陀区人民政府万里街道办事处（部门）机构设置"}


def test_stock_as_of_a_date_belongs_to_that_year():
    """万里 p.32: '截至2023年8月31日，…共有车辆7辆' in the 2024 budget is a 2023 stock, not a 2024 one."""
    cars = [f for f in facts("万里街道办事处24年预算") if f.page == 32 and f.unit == "辆" and "车辆" in f.row_label]
    got = [(f.row_label, f.item, f.value_text, f.year, f.period) for f in cars]
    assert ("车辆", "车辆", "7辆", 2023, "previous") in got  # the stock at 2023-08-31
    # '2024年部门预算安排购置车辆1辆' is this year's purchase, not the stock of vehicles
    assert ("购置车辆", None, "1辆", 2024, "current") in got
    assert len(got) == 2


def test_project_budget_printed_in_bare_wan():
    """商务委 p.26: '2025年度项目总预算2921.00万' (no 元) is money in 万元."""
    found = [f for f in facts("商务委员会25年预算") if f.page == 26 and f.value_text.startswith("2921.00")]
    assert found and all(f.unit == "万元" and f.value_yuan == 29210000 for f in found)
