"""Document metadata beyond the shared corpus: any statement name after an organisation, XLSX sheet titles,
the file name as fallback (with a warning), and values a user sets (validated, stored, re-ingest updates)."""
from __future__ import annotations

import pytest

from budgetqa.core.errors import ConfigError
from budgetqa.core.meta_override import FILE_NAME, USER, MetaOverride, parse_override
from budgetqa.ingest.loader import load_document
from budgetqa.ingest.metadata import infer_metadata
from budgetqa.ingest.titles import parse_title

HEALTH_TITLE = "示范县卫生健康局2024年部门支出总表"


def _xlsx(path, rows, sheet="Sheet1"):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _docx(path, paragraphs, table_rows):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
    for r, row in enumerate(table_rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(str(path))
    return path


EXPENSE_ROWS = [["项目", "合计", "基本支出", "项目支出"], ["卫生健康支出", 1200.5, 800, 400.5],
                ["行政运行", 500, 500, None], ["合计", 1200.5, 800, 400.5]]


@pytest.mark.parametrize("title,org,year,kind", [
    (HEALTH_TITLE, "示范县卫生健康局", 2024, "部门预算"),
    ("示范县财政局2023年财政拨款收支总表", "示范县财政局", 2023, "部门预算"),
    ("示范县人民医院 2022 年一般公共预算支出功能分类表", "示范县人民医院", 2022, "部门预算"),
    ("附表3：示范县审计局2021年度收入支出决算总表", "示范县审计局", 2021, "部门决算"),
    ("2024年示范县教育局单位决算", "示范县教育局", 2024, "单位决算"),
    ("示范镇人民政府2024年预算单位财务收支预算总表", "示范镇人民政府", 2024, "单位预算"),
    ("示范街道办事处部门预算情况说明", "示范街道办事处", None, "部门预算"),
    ("上海市普陀区2024年区级部门预算", None, 2024, "部门预算"),  # a district is not an organisation
    ("示范县卫生健康局2024年3月工作简报", None, None, None),  # a date, not a title's year
])
def test_title_lines_of_any_statement(title, org, year, kind):
    parts = parse_title(title)
    assert (parts.org, parts.year, parts.kind) == (org, year, kind)


def test_the_issue_example_xlsx(tmp_path, settings):
    path = _xlsx(tmp_path / "支出表.xlsx", [[HEALTH_TITLE], ["单位：万元"], *EXPENSE_ROWS])
    doc = load_document(path, settings)
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == ("示范县卫生健康局", 2024, "部门预算")
    assert doc.meta.sources == {"org": "content", "year": "content", "kind": "content"}
    assert not any("未能识别" in w or "文件名" in w or "不像预决算" in w for w in doc.warnings), doc.warnings


def test_xlsx_sheet_title_names_the_document(tmp_path, settings):
    """No title row: the sheet's name is the title."""
    path = _xlsx(tmp_path / "book.xlsx", EXPENSE_ROWS, sheet="示范县审计局2022年支出决算表")
    doc = load_document(path, settings)
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == ("示范县审计局", 2022, "部门决算")


def test_docx_and_txt_titles(tmp_path, settings):
    docx_path = _docx(tmp_path / "a.docx", ["2023年示范县文化和旅游局单位预算", "单位：万元"],
                      [["项目", "金额"], ["工资福利支出", "100"]])
    doc = load_document(docx_path, settings)
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == ("示范县文化和旅游局", 2023, "单位预算")
    txt = tmp_path / "b.txt"
    txt.write_text("示范县水利局2025年政府性基金预算支出表\n单位：万元\n项目\t金额\n水利支出\t30\n", encoding="utf-8")
    assert load_document(txt, settings).meta.org == "示范县水利局"


def test_file_name_is_the_fallback_with_a_warning(tmp_path, settings):
    path = tmp_path / "示范县卫生健康局_2023年_部门决算.txt"
    path.write_text("项目\t金额\n工资福利支出\t100\n商品和服务支出\t50\n", encoding="utf-8")
    doc = load_document(path, settings)
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == ("示范县卫生健康局", 2023, "部门决算")
    assert doc.meta.sources == {"org": FILE_NAME, "year": FILE_NAME, "kind": FILE_NAME}
    assert any(w.startswith("以下信息取自文件名") and "示范县卫生健康局" in w for w in doc.warnings), doc.warnings
    assert not any("未能识别" in w for w in doc.warnings)


def test_content_wins_over_the_file_name_field_by_field(tmp_path, settings):
    path = tmp_path / "示范县卫生健康局2023年部门决算.xlsx"  # the content names the year and kind, not the org
    _xlsx(path, [["2024年部门支出总表"], *EXPENSE_ROWS])
    doc = load_document(path, settings)
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == ("示范县卫生健康局", 2024, "部门预算")
    assert doc.meta.sources == {"org": FILE_NAME, "year": "content", "kind": "content"}


def test_neither_content_nor_name_is_none_with_warnings(tmp_path, settings):
    path = tmp_path / "data_01.txt"
    path.write_text("项目\t金额\n工资福利支出\t100\n", encoding="utf-8")
    doc = load_document(path, settings)
    assert (doc.meta.org, doc.meta.year) == (None, None)
    assert "未能识别机构名称" in doc.warnings and "未能识别年度" in doc.warnings
    assert not any("文件名" in w for w in doc.warnings)


def test_user_values_win_and_silence_their_warnings(tmp_path, settings):
    path = tmp_path / "data_01.txt"
    path.write_text("项目\t金额\n工资福利支出\t100\n", encoding="utf-8")
    doc = load_document(path, settings)
    meta, warnings = infer_metadata(doc, MetaOverride(org="示范县林业局", year=2021, kind="单位决算"))
    assert (meta.org, meta.year, meta.kind) == ("示范县林业局", 2021, "单位决算")
    assert meta.sources == {"org": USER, "year": USER, "kind": USER}
    assert not any("未能识别" in w or "不像预决算" in w for w in warnings), warnings
    health = load_document(_xlsx(tmp_path / "h.xlsx", [[HEALTH_TITLE], *EXPENSE_ROWS]), settings)
    meta, warnings = infer_metadata(health, MetaOverride(year=2025))
    assert (meta.org, meta.year) == ("示范县卫生健康局", 2025) and meta.sources["org"] == "content"
    assert any("2025" in w and "2024" in w and "不一致" in w for w in warnings)


@pytest.mark.parametrize("kwargs,words", [
    ({"year": "24"}, ["年度", "24", "4-digit"]),
    ({"year": "二〇二四"}, ["年度", "4-digit"]),
    ({"year": "3024"}, ["年度"]),
    ({"kind": "预算"}, ["类型", "部门预算", "kind"]),
    ({"org": "示范县\n财政局"}, ["机构名称", "控制字符"]),
    ({"org": "局" * 61}, ["机构名称过长"]),
])
def test_invalid_user_values_are_named(kwargs, words):
    with pytest.raises(ConfigError) as err:
        parse_override(**kwargs)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_user_values_parsed_and_merged():
    assert parse_override(" 示范县财政局 ", "2024年", "部门决算") == MetaOverride("示范县财政局", 2024, "部门决算")
    assert parse_override("", "", "").is_empty()
    assert MetaOverride(org="甲局", year=2020).merged(MetaOverride(year=2021)) == MetaOverride("甲局", 2021, None)


@pytest.mark.parametrize("text,expected", [
    ("附件1：示范县财政局2024年部门预算\n一、部门职责\n", ("示范县财政局", 2024, "部门预算")),
    (f"{HEALTH_TITLE} 金额单位：万元\n项目\t金额\n卫生健康支出\t30\n", ("示范县卫生健康局", 2024, "部门预算")),
    ("示范县园林绿化局\n2023年度\n单位决算\n第一部分 单位概况\n", ("示范县园林绿化局", 2023, "单位决算")),
    ("编制单位：示范县统计局\n2022年收入支出决算总表\n项目\t金额\n", ("示范县统计局", 2022, "部门决算")),
])
def test_title_areas_of_small_texts(text, expected):
    from budgetqa.core.records import Document, Page

    doc = Document(path="/x/a.txt", name="a.txt", sha256="0" * 64, format="txt", pages=[Page(1, text)])
    meta, _ = infer_metadata(doc)
    assert (meta.org, meta.year, meta.kind) == expected


def test_placeholder_before_the_year_marks_a_template():
    from budgetqa.core.records import Document, Page

    doc = Document(path="/x/a.txt", name="a.txt", sha256="0" * 64, format="txt",
                   pages=[Page(1, "XXXX单位2024年部门决算\n第一部分 概况\n")])
    meta, warnings = infer_metadata(doc)
    assert (meta.org, meta.year, meta.kind) == (None, 2024, "部门决算")
    assert any("模板" in w for w in warnings)


def test_pdf_title(tmp_path, settings):
    from tests.fixtures_bad import text_pdf

    path = text_pdf(tmp_path / "scan_001.pdf", ["示范区民政局2024年一般公共预算财政拨款支出表\n单位：万元\n项目  金额\n"])
    doc = load_document(path, settings)
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == ("示范区民政局", 2024, "部门预算")
    assert doc.meta.sources["org"] == "content"
