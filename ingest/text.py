"""TXT/MD loader: strict UTF-8, else strict GB18030; tab-separated tables kept as tables.

Extracted disclosures carry tables in two shapes:
- row per line: cells separated by tabs (`1\t一、一般公共预算拨款收入\t451.83`);
- cell per line: each cell on its own line starting with a tab, rows separated by blank lines
  (what a DOCX-to-text export produces); a line without a leading tab continues the previous cell.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from budgetqa.core.errors import IngestError
from budgetqa.core.records import Page, Table
from budgetqa.core.settings import Settings
from budgetqa.core.units import MONEY_UNIT_RE

log = logging.getLogger(__name__)

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
UNIT_LINE = re.compile(rf"(?:金额)?单位[:：]\s*({MONEY_UNIT_RE})")
_TITLE_LINE = re.compile(r"^.{2,40}(表|表（[^）]*）)$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+部分)")


def unit_in_cells(rows: list[list[str]], max_rows: int = 3) -> str | None:
    """The money unit printed in a cell of the first rows ('单位：万元', '金额单位：元'), if any."""
    for row in rows[:max_rows]:
        for cell in row:
            m = UNIT_LINE.search(cell)
            if m and len(cell) < 40:
                return m.group(1)
    return None


def decode(path: Path, data: bytes) -> str:
    """UTF-8 first (with or without BOM), else GB18030; both strict. Never silently replaces bytes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(str(path), "text is neither UTF-8 nor GB18030/GBK", "re-save the file as UTF-8")


def load_text(path: Path, data: bytes, settings: Settings) -> tuple[list[Page], bool, list[str]]:
    text = _BOOKMARK.sub("", decode(path, data)).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(str(path), "file has no text")
    tables = find_tables(text)
    return [Page(number=1, text=text, tables=tables)], False, []


@dataclass
class _Line:
    text: str
    start: int  # offset of the line in the full text
    end: int


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(raw, pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


def _is_tab_line(line: str) -> bool:
    return "\t" in line.rstrip(" \t\u3000") and bool(line.strip(" \t\u3000"))


def _cell_per_line(line: str) -> bool:
    stripped = line.lstrip(" \u3000")
    return stripped.startswith("\t") and stripped.count("\t") == 1


def find_tables(text: str) -> list[Table]:
    """Find the tab tables of an extracted text, with the title and money unit in force for each."""
    lines = _lines(text)
    tables: list[Table] = []
    title: str | None = None
    unit: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i].text
        if not _is_tab_line(line):
            stripped = line.strip()
            m = UNIT_LINE.search(stripped)
            if m and len(stripped) < 40:
                unit = m.group(1)
            elif _TITLE_LINE.match(stripped):
                title, unit = stripped, None
            elif _HEADING.match(stripped):
                title, unit = None, None
            i += 1
            continue
        if _cell_per_line(line):
            rows, j = _read_cell_block(lines, i)
        else:
            rows, j = _read_row_block(lines, i)
        # a unit line can sit inside the block as its own row (e.g. '\t单位：万元')
        body = []
        for r in rows[:3]:  # a unit cell in the first rows ('中共廊坊市委信访局 | 单位：万元')
            for c in r:
                m = UNIT_LINE.fullmatch(c.strip())
                if m:
                    unit = m.group(1)
        for r in rows:
            joined = "".join(r).strip()
            m = UNIT_LINE.search(joined)
            if m and len(joined) < 40 and len([c for c in r if c.strip()]) == 1:
                unit = m.group(1)
                continue
            body.append(r)
        if body and any(any(c.strip() for c in r) for r in body):
            tables.append(
                Table(
                    index=len(tables), rows=body, unit=unit, title=title, page=None,
                    char_start=lines[i].start, char_end=lines[j - 1].end,
                )
            )
        i = j
    return tables


def _read_row_block(lines: list[_Line], i: int) -> tuple[list[list[str]], int]:
    rows: list[list[str]] = []
    j = i
    while j < len(lines) and _is_tab_line(lines[j].text) and not _cell_per_line(lines[j].text):
        rows.append([c.strip() for c in lines[j].text.split("\t")])
        j += 1
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows], j


def _read_cell_block(lines: list[_Line], i: int) -> tuple[list[list[str]], int]:
    """Cells one per line (leading tab); a blank line ends a row; the block ends at a non-tab line
    that follows a blank line."""
    rows: list[list[str]] = []
    row: list[str] = []
    j = i
    after_blank = False
    while j < len(lines):
        raw = lines[j].text
        if not raw.strip(" \t\u3000"):
            if raw.lstrip(" \u3000").startswith("\t"):
                row.append("")  # an empty cell
                j += 1
                continue
            if row:
                rows.append(row)
                row = []
            after_blank = True
            j += 1
            continue
        if raw.lstrip(" \u3000").startswith("\t"):
            row.append(raw.strip(" \t\u3000"))
            after_blank = False
        elif not after_blank and row:
            row[-1] = (row[-1] + "\n" + raw.strip()).strip()  # continuation of a multi-line cell
        else:
            break
        j += 1
    if row:
        rows.append(row)
    # trim trailing blank lines from the block
    while j > i and not lines[j - 1].text.strip(" \t\u3000") and not lines[j - 1].text.startswith("\t"):
        j -= 1
    rows = [r for r in rows if any(c for c in r)]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows], j
