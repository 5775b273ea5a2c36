"""Fact extraction on real PDFs, loaded through ingest.loader.load_document (pdfplumber)."""
from __future__ import annotations

import json
import time
from decimal import Decimal
from functools import lru_cache

import pytest

from budgetqa.records import Fact
from budgetqa.settings import Settings
from ingest.facts import extract_facts
from ingest.loader import load_document
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
    # page 22 prints its figures apart from their sentences: no sentence facts from it
    assert not [f for f in facts(name) if f.statement == "narrative" and f.page == 22]


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
