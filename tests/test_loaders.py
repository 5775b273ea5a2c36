"""Golden tests of the PDF/DOCX/XLSX loaders on the shared corpus and on files built at test time."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from budgetqa.core.records import Document, Table
from budgetqa.core.settings import Settings
from budgetqa.ingest.loader import load_document
from budgetqa.ingest.pdf import clean_cell
from budgetqa.ingest.xlsx import render_number
from tests import fixtures_bad as fx
from tests.conftest import PDFS, pdf, seed

NUMBER = re.compile(r"^-?[\d,]+\.\d+$|^-?\d{1,3}(?:,\d{3})+$")
FIGURE = re.compile(r"(?<![\d,.])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d,.])")


@lru_cache(maxsize=None)
def load(path: Path) -> Document:
    """Each shared document is loaded once per test session (loading does not touch the store)."""
    return load_document(path, Settings(store=Path("/nonexistent-store"), embedding_model="hash"))


def tables_on(doc: Document, page: int) -> list[Table]:
    return doc.pages[page - 1].tables


# --- PDF -------------------------------------------------------------------------------------------------

def test_commerce_budget_pages_and_first_table():
    doc = load(pdf("商务委员会25年预算"))
    assert doc.paged and doc.format == "pdf" and len(doc.pages) == 26
    assert not any(p.needs_ocr for p in doc.pages)
    [table] = tables_on(doc, 9)
    assert table.page == 9 and table.unit == "元" and table.title == "2025年部门财务收支预算总表"
    assert ["一、财政拨款收入", "371,514,655.00", "一、一般公共服务支出", "21,601,733.00"] in table.rows
    assert table.rows[0] == ["本年收入", "", "本年支出", ""]  # merged header cell: '' not None
    assert table.rows[-1] == ["收入总计", "371,514,655.00", "支出总计", "371,514,655.00"]
    page_text = doc.pages[8].text
    assert page_text[table.char_start:table.char_end].startswith("本年收入 本年支出")
    assert page_text[table.char_start:table.char_end].endswith("支出总计 371,514,655.00")


def test_commerce_budget_split_codes_and_continued_table():
    doc = load(pdf("商务委员会25年预算"))
    [first] = tables_on(doc, 10)
    assert first.title == "2025年部门收入预算总表" and first.unit == "元"
    assert first.rows[:3] == [
        ["项目", "", "", "", "收入预算", "", "", "", ""],
        ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"],
        ["类", "款", "项", "", "", "", "", "", ""],
    ]
    assert ["201", "13", "01", "行政运行", "9,389,913.00", "9,389,913.00", "", "", ""] in first.rows
    [cont] = tables_on(doc, 11)  # continued without title/unit line: inherits both and the header rows
    assert cont.page == 11 and cont.title == first.title and cont.unit == "元"
    assert cont.rows[:3] == first.rows[:3]
    assert cont.rows[3][:4] == ["208", "05", "06", "机关事业单位职业年金缴费支出"]
    assert cont.rows[-1] == ["合计", "", "", "", "371,514,655.00", "371,514,655.00", "", "", ""]
    assert cont.index == first.index + 1
    [three_public] = tables_on(doc, 21)
    assert three_public.unit == "万元" and three_public.title == "2025年部门“三公”经费和机关运行经费预算表"
    assert three_public.rows[-1] == ["1.00", "", "1.00", "", "", "", "171.01"]


def test_unit_budget_title_and_unit_inside_table_frame():
    doc = load(pdf("商务委员会单位25年预算"))
    [table] = tables_on(doc, 14)
    assert table.title == "2025年预算单位财政拨款收支预算总表" and table.unit == "元"
    assert table.rows[0][:3] == ["财政拨款收入", "", "财政拨款支出"]


def test_lone_total_row_realigned_on_previous_columns():
    doc = load(pdf("万里街道办事处24年预算"))
    [table] = tables_on(doc, 15)
    assert table.title == "2024年部门收入预算总表" and table.unit == "元"
    assert table.rows[-1] == ["合计", "", "", "", "156,211,123", "156,211,123", "0", "0", "0"]
    assert len({len(r) for r in table.rows}) == 1


def test_final_accounts_titles_units_and_blank_pages():
    doc = load(pdf("财政局2024年度部门决算"))
    assert len(doc.pages) == 25
    assert not doc.pages[0].needs_ocr  # a short cover page is not a scan
    assert not doc.pages[13].needs_ocr and not doc.pages[13].tables  # blank page with an empty ruled row
    [three_public] = tables_on(doc, 18)
    assert three_public.title == "财政拨款“三公”经费支出决算表"  # raised quotes put back on their line
    [cont] = tables_on(doc, 7)
    assert cont.title == "收入支出决算总表" and cont.unit == "万元"
    assert ["总计", "2,995.39", "总计", "2,995.39"] in cont.rows
    economic = [c for t in tables_on(doc, 16) for r in t.rows for c in r]
    assert "因公出国（境）费用" in economic  # letter-spaced and wrapped cell text joined
    assert "机关事业单位基本养老保险缴费" in economic


def test_figures_set_below_their_words_are_read_on_their_line():
    """财政局决算 p.21-24: figures in another font sit ~5pt below the Chinese text of their line."""
    doc = load(pdf("财政局2024年度部门决算"))
    p22 = doc.pages[21].text
    assert "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：局本部人" in p22.split("\n")
    assert "员经费及公用经费等的基本支出。年初预算为1560.05万元，支出决算为1511.89万" in p22.split("\n")
    assert "在职人员基本医疗保险费。年初预算为62.29万元，支出决算为60.99万元。决" in p22  # a larger glyph on the line
    assert "2024年度收入支出总计2995.39万元" in doc.pages[20].text
    for page in doc.pages:  # no line made of figures alone is left in the running text
        assert not re.search(r"(?m)^[\d.,%\s]+$", page.text[:page.tables[0].char_start] if page.tables
                             else page.text), page.number
    tables = [c for t in tables_on(doc, 16) for r in t.rows for c in r]
    assert "2,082.85" in tables  # tables are read from their cells, untouched


@pytest.mark.parametrize("path", sorted(PDFS.glob("*.pdf")), ids=lambda p: p.stem)
def test_pdf_tables_are_clean(path):
    doc = load(path)
    assert doc.tables, "every shared PDF has tables"
    assert [t.index for t in doc.tables] == list(range(len(doc.tables)))
    for table in doc.tables:
        assert table.rows and all(any(c for c in r) for r in table.rows), table.title
        assert len({len(r) for r in table.rows}) == 1
        assert all(isinstance(c, str) and "\n" not in c for r in table.rows for c in r)
        if any(NUMBER.match(c) for r in table.rows for c in r):
            assert table.unit in ("元", "万元") and table.title, (table.page, table.rows[:2])
        span = doc.pages[table.page - 1].text[table.char_start:table.char_end]
        cells = Counter(c for r in table.rows for c in r if NUMBER.match(c))
        printed = Counter(FIGURE.findall(span))
        assert cells == printed, (table.page, cells - printed, printed - cells)  # no figure lost or invented


# --- text ------------------------------------------------------------------------------------------------

def test_seed_003_split_code_row():
    doc = load(seed("003"))
    assert not doc.paged and len(doc.pages) == 1
    rows = [r for t in doc.tables for r in t.rows]
    assert any("210110 1" in r and "12.38" in r for r in rows)


# --- DOCX ------------------------------------------------------------------------------------------------

def test_docx_document_order_tables_and_merged_cells(tmp_path, settings):
    doc = load_document(fx.simple_docx(tmp_path / "budget.docx"), settings)
    assert doc.format == "docx" and not doc.paged and len(doc.pages) == 1
    page = doc.pages[0]
    [table] = page.tables
    assert table.title == "收支预算总表" and table.unit == "万元" and table.page is None
    assert table.rows == [
        ["项目", "预算数", ""],
        ["一、一般公共预算拨款收入", "451.83", "12.38"],
        ["合计", "451.83", "12.38"],
    ]
    rendered = page.text[table.char_start:table.char_end]
    assert rendered == "项目\t预算数\t\n一、一般公共预算拨款收入\t451.83\t12.38\n合计\t451.83\t12.38"
    assert page.text.index("单位：万元") < table.char_start < page.text.index("说明：以上为预算数。")
    assert doc.meta.org == "测试局" and doc.meta.year == 2024 and doc.meta.kind == "部门预算"


# --- XLSX ------------------------------------------------------------------------------------------------

def _workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "收支总表"
    sheet.append(["2024年部门收支预算总表"])
    sheet.append(["编制部门：测试局", None, "单位：万元"])
    sheet.append(["项目", "预算数", "占比"])
    sheet.append(["一般公共预算拨款收入", 12.379999999999999, 0.25])
    sheet.append(["其他收入", 0.1 + 0.2, 0.75])
    sheet.append(["合计", 12680, 1])
    for row in (4, 5, 6):
        sheet.cell(row=row, column=3).number_format = "0%"
    second = book.create_sheet("三公经费")
    second.append(["项目", "金额"])
    second.append(["公务接待费", 1.5])
    book.save(path)
    return path


def test_xlsx_sheets_tables_and_numbers(tmp_path, settings):
    doc = load_document(_workbook(tmp_path / "budget.xlsx"), settings)
    assert doc.format == "xlsx" and [p.number for p in doc.pages] == [1, 2]
    first, second = doc.tables
    assert first.title == "2024年部门收支预算总表" and first.unit == "万元" and first.page == 1
    assert first.rows == [
        ["项目", "预算数", "占比"],
        ["一般公共预算拨款收入", "12.38", "25%"],
        ["其他收入", "0.3", "75%"],
        ["合计", "12680", "100%"],
    ]
    assert doc.pages[0].text[first.char_start:first.char_end].startswith("项目\t预算数\t占比")
    assert second.title == "三公经费" and second.unit is None and second.rows[-1] == ["公务接待费", "1.5"]
    assert doc.meta.year == 2024


def test_xlsx_bounds_warn(tmp_path):
    settings = Settings(store=tmp_path / "s", embedding_model="hash", xlsx_max_rows=3, xlsx_max_cols=2)
    doc = load_document(_workbook(tmp_path / "budget.xlsx"), settings)
    assert len(doc.pages[0].text.split("\n")) == 3
    assert all(len(r) <= 2 for t in doc.tables for r in t.rows)
    assert any("超过 3 行" in w for w in doc.warnings) and any("超过 2 列" in w for w in doc.warnings)


@pytest.mark.parametrize("value,text", [(12.379999999999999, "12.38"), (0.1 + 0.2, "0.3"), (3.0, "3"),
                                        (-0.0, "0"), (371514655, "371514655"), (1e-12, "0"), (2.5e7, "25000000")])
def test_render_number(value, text):
    assert render_number(value) == text


@pytest.mark.parametrize("raw,clean", [(None, ""), ("本年收入合\n计", "本年收入合计"), ("因 公 出 国 （ 境 ） 费\n用", "因公出国（境）费用"),
                                       ("上海市 XX 局", "上海市 XX 局"), ("2,940.05\n100", "2,940.05 100")])
def test_clean_cell(raw, clean):
    assert clean_cell(raw) == clean


def test_docx_vertical_merge_and_unit_cell(tmp_path, settings):
    import docx

    document = docx.Document()
    document.add_paragraph("支出预算表")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 2).text = "单位：元"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "一般公共服务支出"
    table.cell(1, 1).text, table.cell(1, 2).text = "基本支出", "1,200.50"
    table.cell(2, 1).text, table.cell(2, 2).text = "项目支出", "300"
    document.add_paragraph("第二张表的说明段落。")
    document.save(str(tmp_path / "merge.docx"))
    [t] = load_document(tmp_path / "merge.docx", settings).tables
    assert t.title == "支出预算表" and t.unit == "元"
    assert t.rows == [["", "", "单位：元"], ["一般公共服务支出", "基本支出", "1,200.50"], ["", "项目支出", "300"]]
