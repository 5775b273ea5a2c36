"""Audit of errors other than a wrong figure: direction words, blank cells, title years, placeholders, contents.

Hand-written page texts for each check (fast), a copy of the finance bureau's final account corrupted here by
hand in several ways at once, and the shared corpus, which must stay free of these findings."""
from __future__ import annotations

import copy
import random

import pytest

from budgetqa.audit import audit_document, audit_facts
from budgetqa.core.settings import Settings
from tests.conftest import PDFS, SEEDS, pdf, seed

NEW_RULES = {"direction", "blank_cell", "title_year", "placeholder", "toc_missing"}


def found(findings, rule):
    return [f for f in findings if f.rule == rule and f.severity in ("确定", "疑似")]


# --- direction statements ----------------------------------------------------------------------
FINAL = ("3、一般公共服务支出（类）财政事务（款）信息化建设（项）。主要用于：信息化\n系统日常维护费等支出。"
         "年初预算为135.90万元，支出决算为135.25万元。决算数{word}\n预算数的主要原因：项目进度调减。")


def test_final_account_statement_against_the_budget_and_actual_figures_before_it():
    wrong = audit_facts([], "x.pdf", pages={1: FINAL.format(word="大于")}, kind="部门决算", year=2024)
    hits = found(wrong, "direction")
    assert len(hits) == 1 and hits[0].severity == "确定"
    assert "135.25万元" in hits[0].message and "135.90万元" in hits[0].message and len(hits[0].citations) == 3
    assert not found(audit_facts([], "x.pdf", pages={1: FINAL.format(word="小于")}, kind="部门决算", year=2024),
                     "direction")


def test_statement_holds_when_any_budget_figure_satisfies_it_and_blank_forms_are_ignored():
    text = ("一般公共预算财政拨款支出年初预算为 0 万元，全年预算为\n321.02 万元，支出决算为 307.82 万元。"
            "决算数小于全年预算数的主要原因：人员变动。")
    assert not found(audit_facts([], "x.pdf", pages={1: text}, kind="部门决算", year=2024), "direction")
    form = "年初预算为XX万元，支出决算为XX万元。决算数大于（小于）预算数的主要原因：XXXXXXXX。"
    assert not found(audit_facts([], "x.pdf", pages={1: form}, kind="部门决算", year=2024), "direction")
    same = "年初预算为10.00万元，支出决算为10.00万元。决算数与预算数基本持平。"
    assert not found(audit_facts([], "x.pdf", pages={1: same}, kind="部门决算", year=2024), "direction")
    flat_wrong = "年初预算为10.00万元，支出决算为8.00万元。决算数与预算数持平。"
    assert found(audit_facts([], "x.pdf", pages={1: flat_wrong}, kind="部门决算", year=2024), "direction")


# --- titles -------------------------------------------------------------------------------------
CONTENTS = """目 录
第一部分 某局概况
第二部分 2024年度部门决算表
一、收入支出决算总表
二、收入决算表
三、财政拨款收入支出决算总表
"""
BODY = """第二部分 {year}年度部门决算表
收入支出决算总表
单位：万元
项目 决算数
{table2}
第三部分 2024年度部门决算情况说明
一、收入支出决算总体情况说明
本年收入合计2946.25万元。
"""


def _titles(year="2024", table2="收入决算表\n单位：万元", title="财政拨款收入支出决算总表"):
    pages = {1: "2024年度部门决算", 2: CONTENTS, 3: BODY.format(year=year, table2=table2) + f"\n{title}\n单位：万元"}
    return audit_facts([], "x.pdf", pages=pages, kind="部门决算", year=2024)


def test_clean_titles_raise_nothing():
    assert not [f for f in _titles() if f.rule in NEW_RULES]


def test_a_heading_with_another_year_is_found():
    hits = found(_titles(year="2022"), "title_year")
    assert len(hits) == 1 and "2022" in hits[0].message and hits[0].citations[0].quote == "第二部分 2022年度部门决算表"


def test_a_placeholder_in_a_table_title_is_found():
    hits = found(_titles(title="上海市XX局财政拨款收入支出决算总表"), "placeholder")
    assert len(hits) == 1 and "XX" in hits[0].message


def test_a_table_listed_in_the_contents_but_not_printed_is_found():
    hits = found(_titles(table2=""), "toc_missing")
    assert [f.item for f in hits] == ["收入决算表"]


def test_other_years_in_headings_that_name_other_periods_are_legitimate():
    pages = {1: "2022年部门预算信息公开情况说明\n一、2021年工作总结\n二、2021年预算执行情况\n三、2020年度非访登记表\n"
                "四、2022年部门预算安排情况\n"}
    assert not found(audit_facts([], "x.txt", pages=pages, kind="部门预算", year=2022), "title_year")


# --- tables read back from the store --------------------------------------------------------------
@pytest.mark.parametrize("path", [seed("003"), pdf("财政局2024年度部门决算")], ids=["seed003", "finance"])
def test_tables_read_back_from_chunks_equal_the_loaded_tables(path):
    from budgetqa.ingest.chunker import chunk_document
    from budgetqa.ingest.loader import load_document

    from budgetqa.audit.stored_tables import tables_from_chunks

    settings = Settings(embedding_model="hash")
    doc = load_document(path, settings)
    back = tables_from_chunks(chunk_document(doc, settings))
    assert [(t.index, t.title, t.unit, t.page) for t in back] == [(t.index, t.title, t.unit, t.page) for t in doc.tables]
    assert [t.rows for t in back] == [[[c.replace("\n", " ") for c in r] for r in t.rows] for t in doc.tables]


# --- an independently corrupted final account ------------------------------------------------------
@pytest.fixture(scope="module")
def finance():
    from budgetqa.audit.measure import load

    return load(pdf("财政局2024年度部门决算"), Settings(embedding_model="hash"))


def _replace(page, old, new):
    at = page.text.index(old)
    page.text = page.text[:at] + new + page.text[at + len(old):]
    for t in page.tables:
        if t.char_start is not None and t.char_start >= at + len(old):
            t.char_start += len(new) - len(old)
            t.char_end += len(new) - len(old)


def test_finance_final_account_corrupted_five_ways_at_once(finance):
    from budgetqa.ingest.facts import extract_facts

    doc = copy.deepcopy(finance[0])
    pages = {p.number: p for p in doc.pages}
    # 1. the narrative says 决算数大于预算数 beside 135.90 (budget) and 135.25 (actual)
    _replace(pages[22], "135.25万元。决算数小于", "135.25万元。决算数大于")
    # 2. a section heading dated two years off
    _replace(pages[21], "第三部分上海市普陀区财政局2024年度", "第三部分上海市普陀区财政局2022年度")
    # 3. a placeholder left in a table title (printed line and table)
    _replace(pages[18], "财政拨款“三公”经费支出决算表", "上海市XX局财政拨款“三公”经费支出决算表")
    for t in pages[18].tables:
        t.title = "上海市XX局财政拨款“三公”经费支出决算表"
    # 4. the 国有资本经营 table, listed in the contents, dropped with its title
    page = pages[20]
    table = page.tables[0]
    page.text = page.text[:page.text.index("国有资本经营预算财政拨款收入支出决算表")] + page.text[table.char_end:]
    page.tables.clear()
    for i, t in enumerate(doc.tables):
        t.index = i
    # 5. the 公用经费合计 cell (184.65, stated in the text) left blank
    basic = next(t for t in doc.tables if t.rows and t.rows[-1][-1] == "184.65")
    basic.rows[-1][-1] = ""

    findings = audit_document(doc, extract_facts(doc))
    direction = found(findings, "direction")
    assert direction and "135.25" in direction[0].message and direction[0].severity == "确定"
    years = found(findings, "title_year")
    assert [f.values[0]["value"] for f in years] == ["2022年"]
    assert [f.severity for f in found(findings, "placeholder")] == ["确定"]
    # the renamed 三公 title no longer matches its contents entry either (a true difference, also reported)
    assert "国有资本经营预算财政拨款收入支出决算表" in [f.item for f in found(findings, "toc_missing")]
    blank = found(findings, "blank_cell")
    assert blank and {f.item for f in blank} == {"公用经费"} and all("184.65" in f.message for f in blank)


def test_the_real_documents_raise_none_of_these_findings():
    from budgetqa.audit.measure import audit_file

    settings = Settings(embedding_model="hash")
    for path in sorted(PDFS.glob("*.pdf")) + sorted(SEEDS.glob("*.txt")):
        news = [f"{f.rule}: {f.message}" for f in audit_file(path, settings) if f.rule in NEW_RULES]
        assert not news, (path.name, news)


def test_perturbation_of_each_kind_on_the_final_account_is_found(finance):
    from budgetqa.audit.perturb_kinds import KINDS, perturb_kinds

    doc, facts = finance
    result = perturb_kinds(doc, facts, 2, random.Random(3))
    assert set(result) == set(KINDS)
    for kind in ("方向词", "标题年度", "标题占位", "目录缺表"):
        got, _, tried = result[kind]
        assert tried and got == tried, (kind, result[kind])


def test_a_corrupted_seed_copy_audited_from_the_store(tmp_path, settings):
    """The file itself is corrupted (a budget seed: an emptied cell the text states, a placeholder in a table title,
    a stale year in the heading); the store keeps tables as chunks, and the audit reads them back."""
    from budgetqa.ingest.chunker import chunk_document
    from budgetqa.ingest.facts import extract_facts
    from budgetqa.ingest.loader import load_document
    from budgetqa.store.side_store import open_store

    from budgetqa.audit import run_audit

    text = seed("003").read_text(encoding="utf-8")
    for old, new in (("1\t\t合计\t279.12\t210.41\t68.71", "1\t\t合计\t279.12\t\t68.71"),
                     ("\n单位预算收支总表\n", "\nXX单位预算收支总表\n"),
                     ("石家庄市鹿泉区信访局本级 2021 年单位预算信息公开情况说明", "石家庄市鹿泉区信访局本级 2019 年单位预算信息公开情况说明")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "003_corrupted.txt"
    path.write_text(text, encoding="utf-8")
    store = open_store(settings.sqlite_path)
    for p in (seed("003"), path):
        doc = load_document(p, settings)
        store.replace_document(doc, chunk_document(doc, settings), extract_facts(doc))
    findings = run_audit(store)
    clean = {f.rule for f in findings if f.doc == seed("003").name and f.severity != "提示"}
    assert not clean & (NEW_RULES | {"row_sum"})
    bad = [f for f in findings if f.doc == path.name and f.severity in ("确定", "疑似")]
    rules = {f.rule for f in bad}
    assert {"row_sum", "blank_cell", "placeholder", "title_year"} <= rules, [f.message for f in bad]
    assert any("人员经费" in f.message and "210.41" in f.message for f in bad if f.rule == "blank_cell")
