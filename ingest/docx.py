"""DOCX loader (python-docx): paragraphs and tables in document order, as one page.

The page text holds the paragraphs one per line and each table as tab-separated rows; every table
is also a `Table` with the span of its rendered rows, the nearest preceding title paragraph
(ending in 表) and the money unit of a preceding '单位：万元' paragraph or of a cell in its first rows.
Merged cells are kept once (the cells they cover are '').
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

from budgetqa.core.errors import IngestError
from budgetqa.core.records import Page, Table
from budgetqa.core.settings import Settings
from budgetqa.ingest.office import check_office_package
from budgetqa.ingest.text import UNIT_LINE, unit_in_cells

log = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE = re.compile(r"^.{2,60}表(?:[（(]续表?[）)]|续表)?$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+部分)")
_HINT = "open it in Word/WPS and save it again as .docx"


def load_docx(path: Path, data: bytes, settings: Settings) -> tuple[list[Page], bool, list[str]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_office_package(path, data, "DOCX", "Word")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document.element.body))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise IngestError(str(path), f"DOCX is damaged ({type(exc).__name__}: {exc})", _HINT) from None
    except Exception as exc:  # lxml / zlib errors on truncated members
        raise IngestError(str(path), f"DOCX cannot be read ({type(exc).__name__}: {exc})", _HINT) from None

    parts: list[str] = []
    tables: list[Table] = []
    pos = 0
    title: str | None = None
    unit: str | None = None
    for kind, content in blocks:
        if kind == "p":
            line = content
            stripped = line.strip()
            m = UNIT_LINE.search(stripped)
            if m and len(stripped) < 60:
                unit = m.group(1)
            elif _TITLE.match(stripped):
                title, unit = stripped, None
            elif _HEADING.match(stripped):
                title, unit = None, None
            parts.append(line)
            pos += len(line) + 1
            continue
        rows = [r for r in content if any(c.strip() for c in r)]
        if not rows:
            continue
        rendered = "\n".join("\t".join(r) for r in rows)
        table_unit = unit or unit_in_cells(rows)
        tables.append(Table(index=len(tables), rows=rows, unit=table_unit, title=title, page=None,
                            char_start=pos, char_end=pos + len(rendered)))
        parts.append(rendered)
        pos += len(rendered) + 1
    text = "\n".join(parts)
    if not text.strip():
        raise IngestError(str(path), "DOCX has no text", "is it a scanned document pasted as images?")
    return [Page(number=1, text=text, tables=tables)], False, []


def _blocks(body):
    """('p', text) and ('tbl', rows) in document order; content controls (w:sdt) are looked into."""
    for el in body.iterchildren():
        tag = el.tag
        if tag == f"{_W}p":
            yield "p", _text(el)
        elif tag == f"{_W}tbl":
            yield "tbl", _rows(el)
        elif tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def _text(el) -> str:
    """Text of a paragraph or cell: w:t runs, tabs and breaks; nested tables flattened."""
    out = []
    for node in el.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}p"):
        if node.tag == f"{_W}t":
            out.append(node.text or "")
        elif node.tag == f"{_W}tab":
            out.append(" ")
        elif node.tag == f"{_W}br" or (node.tag == f"{_W}p" and node is not el and out):
            out.append("\n")
    return "".join(out)


def _rows(tbl) -> list[list[str]]:
    """Rows of cells; a horizontally merged cell (gridSpan) fills '' in the columns it covers and a
    vertically merged continuation (vMerge without 'restart') is ''."""
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span, continued = 1, False
            if props is not None:
                grid = props.find(f"{_W}gridSpan")
                if grid is not None:
                    span = max(1, int(grid.get(f"{_W}val", "1")))
                vmerge = props.find(f"{_W}vMerge")
                continued = vmerge is not None and vmerge.get(f"{_W}val", "continue") != "restart"
            text = "" if continued else _clean(_text(tc))
            row.extend([text] + [""] * (span - 1))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _clean(text: str) -> str:
    return " ".join(part.strip() for part in text.replace("\t", " ").split("\n") if part.strip())

