"""XLSX loader (openpyxl, read-only, cached values): one page per sheet, each sheet one table.

Reading is bounded by `xlsx_max_rows` / `xlsx_max_cols` (a warning says what was cut). Leading
rows holding only a title, a '编制单位：' label or '单位：万元' are the table's title/unit, not rows.
Numbers are rendered as printed, without float noise (12.38, not 12.379999999999999).
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
from decimal import Decimal
from pathlib import Path

from budgetqa.core.errors import IngestError
from budgetqa.core.records import Page, Table
from budgetqa.core.settings import Settings
from budgetqa.ingest.office import check_office_package
from budgetqa.ingest.text import UNIT_LINE

log = logging.getLogger(__name__)

_TITLE = re.compile(r"^.{2,60}表(?:[（(]续表?[）)]|续表)?$")
_LABEL = re.compile(r"^(?:编制(?:部门|单位)|预算(?:主管部门|单位)|部门名称|单位名称)[:：]")
_NUMBER = re.compile(r"^-?[\d,.]+%?$")
_HINT = "open it in Excel/WPS and save it again as .xlsx"


def load_xlsx(path: Path, data: bytes, settings: Settings) -> tuple[list[Page], bool, list[str]]:
    import openpyxl

    check_office_package(path, data, "XLSX", "Excel")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, lxml and openpyxl's own errors on broken members
        raise IngestError(str(path), f"XLSX cannot be read ({type(exc).__name__}: {exc})", _HINT) from None
    pages: list[Page] = []
    warnings: list[str] = []
    tables: list[Table] = []
    try:
        for number, sheet in enumerate(book.worksheets, 1):
            rows, cut_rows, cut_cols = _read_sheet(sheet, settings.xlsx_max_rows, settings.xlsx_max_cols)
            if cut_rows:
                warnings.append(f"工作表“{sheet.title}”超过 {settings.xlsx_max_rows} 行，只读取了前 {settings.xlsx_max_rows} 行")
            if cut_cols:
                warnings.append(f"工作表“{sheet.title}”超过 {settings.xlsx_max_cols} 列，只读取了前 {settings.xlsx_max_cols} 列")
            pages.append(_page(number, sheet.title, rows, tables))
    except Exception as exc:
        raise IngestError(str(path), f"XLSX cannot be read ({type(exc).__name__}: {exc})", _HINT) from None
    finally:
        book.close()
    if not any(p.text.strip() for p in pages):
        raise IngestError(str(path), "XLSX has no data in any sheet")
    return pages, False, warnings


def _read_sheet(sheet, max_rows: int, max_cols: int) -> tuple[list[list[str]], bool, bool]:
    """Rows of rendered cells (trailing empties trimmed), and whether rows/columns were cut."""
    sheet.reset_dimensions()  # the stored dimension is often wrong; read what is there
    rows: list[list[str]] = []
    cut_rows = cut_cols = False
    extra = 0
    for row in sheet.iter_rows(max_col=max_cols + 1):  # one column more, to tell whether columns were cut
        if len(rows) >= max_rows:  # look a little further only to tell whether data was cut
            extra += 1
            if any(getattr(c, "value", None) not in (None, "") for c in row):
                cut_rows = True
            if cut_rows or extra > 1000:
                break
            continue
        cells = [_render(getattr(c, "value", None), getattr(c, "number_format", "")) for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > max_cols:
            cut_cols, cells = True, cells[:max_cols]
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows, cut_rows, cut_cols


def render_number(value: float | int | Decimal) -> str:
    """A number as printed: integers without '.0', floats rounded to 10 decimals (no float noise)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    dec = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    dec = round(dec, 10).normalize()
    text = format(dec, "f")
    return "0" if text in ("-0", "") else text


def _render(value, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value else value.strip()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if number_format and "%" in number_format:
            return render_number(Decimal(repr(float(value))) * 100) + "%"
        return render_number(value)
    return str(value).strip()


def _page(number: int, name: str, rows: list[list[str]], tables: list[Table]) -> Page:
    lines = ["\t".join(r) for r in rows]
    text = "\n".join(lines)
    title, unit, start = _preamble(rows)
    body = [r for r in rows[start:] if any(r)]
    page = Page(number=number, text=text, name=name)
    if body:
        width = max(len(r) for r in body)
        char_start = sum(len(line) + 1 for line in lines[:start])
        page.tables.append(Table(
            index=len(tables), rows=[r + [""] * (width - len(r)) for r in body], unit=unit,
            title=title or name, page=number, char_start=char_start, char_end=len(text),
        ))
        tables.append(page.tables[0])
    return page


def _preamble(rows: list[list[str]]) -> tuple[str | None, str | None, int]:
    """Title and unit from leading rows with at most two filled cells that are a title, a label or
    a unit; returns where the table body starts. A unit cell in the first rows of the body counts too."""
    title = unit = None
    start = 0
    for i, row in enumerate(rows[:6]):
        filled = [c for c in row if c]
        if not filled:
            start = i + 1
            continue
        if len(filled) > 2:
            break
        known = True
        for cell in filled:
            m = UNIT_LINE.search(cell)
            if m and len(cell) < 60:
                unit = m.group(1)
            elif len(filled) == 1 and title is None and (_TITLE.match(cell) or start == i == _first(rows)) \
                    and not _NUMBER.match(cell):
                title = cell
            elif not _LABEL.match(cell):
                known = False
        if not known:
            break
        start = i + 1
    if unit is None:
        for row in rows[start:start + 3]:
            for cell in row:
                m = UNIT_LINE.search(cell)
                if m and len(cell) < 60:
                    unit = m.group(1)
    return title, unit, start


def _first(rows: list[list[str]]) -> int:
    return next((i for i, r in enumerate(rows) if any(r)), 0)
