"""Fact queries for people: rows with document names, and CSV/XLSX export for auditors' working papers."""
from __future__ import annotations

import csv
from pathlib import Path

from budgetqa.core.errors import BudgetQAError
from budgetqa.core.settings import Settings
from budgetqa.store.side_store import SideStore, open_store

# Column order of exports: what, how much, where it was printed.
EXPORT_COLUMNS = [
    "org", "year", "doc_kind", "statement", "item", "code", "row_label", "column_label", "value_text", "unit",
    "value", "value_yuan", "period", "doc", "page", "table_index", "row_index", "col_index", "locator", "quote",
]
HEADERS_ZH = {
    "org": "机构", "year": "年度", "doc_kind": "预算/决算", "statement": "报表", "item": "标准项目", "code": "科目编码",
    "row_label": "行标签", "column_label": "列标签", "value_text": "原文数值", "unit": "单位", "value": "数值",
    "value_yuan": "折合元", "period": "口径", "doc": "文件", "page": "页码", "table_index": "表序号",
    "row_index": "行号", "col_index": "列号", "locator": "位置", "quote": "原文",
}


def canonical_item(item: str | None) -> str | None:
    """The vocabulary's name for an item typed by a person ('“三公”经费' -> '三公经费'); as typed if unknown."""
    if not item:
        return item
    from budgetqa.core.vocabulary import get_vocabulary

    found = get_vocabulary().match(item)
    return found.name if found else item


def fact_rows(store: SideStore, org=None, year=None, item=None, code=None) -> list[dict]:
    names = store.doc_names()
    item = canonical_item(item)
    rows = []
    for f in store.facts(org=org, year=year, item=item, code=code):
        row = {c: getattr(f, c, None) for c in EXPORT_COLUMNS if c != "doc"}
        row["doc"] = names.get(f.doc_id, f.doc_id)
        row["value"] = str(f.value)
        row["value_yuan"] = None if f.value_yuan is None else str(f.value_yuan)
        rows.append(row)
    return rows


def query_facts(settings: Settings, **filters) -> list[dict]:
    return fact_rows(open_store(settings), **filters)


def export_facts(rows: list[dict], path: Path) -> None:
    """Write rows to .csv (UTF-8 with BOM, opens in Excel) or .xlsx; numbers stay exact text in CSV."""
    suffix = path.suffix.lower()
    header = [HEADERS_ZH[c] for c in EXPORT_COLUMNS]
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for r in rows:
                w.writerow([r.get(c) for c in EXPORT_COLUMNS])
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "facts"
        ws.append(header)
        for r in rows:
            ws.append([r.get(c) for c in EXPORT_COLUMNS])
        wb.save(path)
    else:
        raise BudgetQAError(f"{path}: export format must be .csv or .xlsx")
