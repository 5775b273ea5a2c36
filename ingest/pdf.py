"""PDF loader (pdfplumber): text and ruled tables per page, each table with its title and money unit,
and pages that would need OCR. Pages are closed as soon as they are read to bound memory.

Tables continued on the next page without a title or unit line of their own inherit both from the
table they continue, get its header rows prepended (when the page does not repeat them) and, when
pdfplumber found fewer columns (a lone '合计' row), are re-aligned on the previous table's columns.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from budgetqa.core.errors import IngestError
from budgetqa.core.records import Page, Table
from budgetqa.core.settings import Settings
from budgetqa.ingest.guard import check_pdf_pages
from budgetqa.ingest.hidden_text import visible_page
from budgetqa.ingest.text import UNIT_LINE, unit_in_cells

log = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:\d+\)")
_PUA = re.compile(r"[\ue000-\uf8ff\ufffd]")
_TITLE_LINE = re.compile(r"^\S.{0,58}表(?:[（(]续表?[）)]|续表)?$")
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_DATA_CELL = re.compile(r"^-?[\d,，]+(?:\.\d+)?%?$|^[一二三四五六七八九十]+、")
_PREAMBLE_LABEL = re.compile(r"^(?:编制(?:部门|单位)|预算(?:主管部门|单位)|部门名称|单位名称)[:：]")
_PUNCT = set("“”‘’\"'「」『』《》〈〉()（）,，.。、:：;；!！?？")
_HINT_OCR = "run OCR on it first (e.g. ocrmypdf) and ingest the result"


@dataclass
class _Prev:
    """The last table emitted, for tables continued on the next page."""

    table: Table | None = None
    header: list[list[str]] = field(default_factory=list)
    col_x0: list[float] = field(default_factory=list)
    x_span: tuple[float, float] = (0.0, 0.0)


def load_pdf(path: Path, data: bytes, settings: Settings) -> tuple[list[Page], bool, list[str]]:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    if b"%PDF" not in data[:1024]:
        raise IngestError(str(path), "not a PDF file (no %PDF header)",
                          "the file may be another format renamed to .pdf, or damaged")
    check_pdf_pages(path, data, settings)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _open_error(path, exc.args[0] if exc.args else exc) from None
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise _open_error(path, exc) from None
    pages: list[Page] = []
    warnings: list[str] = []
    prev = _Prev()
    tables: list[Table] = []
    total_chars = 0
    with pdf:
        try:
            page_objs = pdf.pages
        except Exception as exc:
            raise IngestError(str(path), f"PDF is damaged: its page tree cannot be read ({exc})",
                              "re-export or re-download the PDF") from None
        for number, page in enumerate(page_objs, 1):
            try:
                shown, hidden_note = visible_page(page, number, settings)  # hidden text never reaches facts
                if hidden_note:
                    warnings.append(hidden_note)
                result, n_chars = _read_page(shown, number, settings, prev, tables)
            except Exception as exc:  # one broken page must not lose the whole document
                log.warning("%s: page %d unreadable: %s", path, number, exc)
                warnings.append(f"第 {number} 页无法解析（{type(exc).__name__}），已跳过")
                result, n_chars = Page(number=number, text=""), 0
            finally:
                page.close()
            total_chars += n_chars
            pages.append(result)
    if not pages:
        raise IngestError(str(path), "PDF has no pages")
    if total_chars == 0:
        raise IngestError(str(path), "no extractable text on any page (scanned or image-only document)", _HINT_OCR)
    return pages, True, warnings


def _open_error(path: Path, exc: BaseException) -> IngestError:
    name = type(exc).__name__
    if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
        return IngestError(str(path), "PDF is encrypted (password protected); its text cannot be read",
                           "remove the password (e.g. qpdf --decrypt) and ingest the decrypted copy")
    return IngestError(str(path), f"PDF is damaged or not a PDF ({name}: {exc})",
                       "re-export or re-download the PDF")


def _read_page(page, number: int, settings: Settings, prev: _Prev, tables: list[Table]) -> tuple[Page, int]:
    page = page.dedupe_chars()
    found_tables = sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))
    lines = _text_lines(page.chars, [t.bbox for t in found_tables])
    text = "\n".join(line["text"] for line in lines)
    n_chars = len(re.sub(r"\s", "", _CID.sub("", text)))
    needs_ocr = _needs_ocr(page, text, n_chars, settings)
    result = Page(number=number, text=text, needs_ocr=needs_ocr)
    if needs_ocr:
        return result, n_chars
    offsets, pos = [], 0
    for line in lines:
        offsets.append((pos, pos + len(line["text"])))
        pos += len(line["text"]) + 1
    first = True
    for found in found_tables:
        table = _make_table(found, number, lines, offsets, prev, first, len(tables))
        if table is not None:
            tables.append(table)
            result.tables.append(table)
            first = False
    return result, n_chars


def _needs_ocr(page, text: str, n_chars: int, settings: Settings) -> bool:
    """Garbled text, or (almost) no text on a page that shows an image or outlined glyphs.
    A short cover page or a blank page is not a scan and is not flagged."""
    bad = len(_CID.findall(text)) + len(_PUA.findall(text))
    if bad and bad >= 0.1 * (n_chars + bad):
        return True
    if n_chars >= settings.ocr_min_chars:
        return False
    area = float(page.width * page.height) or 1.0
    image_area = sum(max(0.0, float(i["x1"] - i["x0"])) * max(0.0, float(i["bottom"] - i["top"]))
                     for i in page.images)
    if image_area / area >= 0.2:
        return True
    return n_chars == 0 and (bool(page.images) or len(page.curves) > 100)


def _text_lines(chars: list[dict], tables: list[tuple] = ()) -> list[dict]:
    """Text lines (text, top, bottom) in reading order. Characters printed off the baseline of the words
    around them are snapped onto their line first: raised/lowered punctuation (pdfplumber otherwise puts the
    quotes of '财政拨款“三公”经费' on a line of their own) and figures set in another font a few points lower
    than the Chinese text ('年初预算为 1560.05 万元' would read '年初预算为 万元' with '1560.05' on a line below).
    Characters inside ruled tables (`tables`: bboxes) are left alone: table cells are read from the cells."""
    from pdfplumber.utils.text import chars_to_textmap

    if not chars:
        return []
    fixed = []
    for i, ch in enumerate(chars):
        if ch.get("text") in _PUNCT:
            for j in (i - 1, i + 1):
                if 0 <= j < len(chars) and _beside(ch, chars[j]):
                    anchor = chars[j]
                    ch = {**ch, **{k: anchor[k] for k in _Y_KEYS}}
                    break
        fixed.append(ch)
    fixed = _snap_offset_runs(fixed, tables)
    return chars_to_textmap(fixed).extract_text_lines(strip=True, return_chars=False)


_Y_KEYS = ("top", "bottom", "y0", "y1", "doctop")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _snap_offset_runs(chars: list[dict], tables=()) -> list[dict]:
    """Runs of non-CJK characters (figures, Latin words, punctuation) that sit off the baseline of a line of
    Chinese text are moved onto that line when they overlap it by at least 40% of their height and touch one
    of its characters horizontally (within 1.5 character widths). Runs that already share the line's top, or
    that stand apart (page numbers, a figure alone in a table cell), are left where they are."""
    def free(c: dict) -> bool:
        return not any(x0 - 1 <= c["x0"] and c["x1"] <= x1 + 1 and top - 1 <= c["top"] and c["bottom"] <= bottom + 1
                       for x0, top, x1, bottom in tables)

    chars_free = [free(c) for c in chars]
    anchors = sorted((c for c, ok in zip(chars, chars_free) if ok and _IDEOGRAPH.match(c.get("text") or "")),
                     key=lambda c: c["top"])
    if not anchors:
        return chars
    lines: list[list[dict]] = []
    for ch in anchors:
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= 1:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    bands = [(min(c["top"] for c in ln), max(c["bottom"] for c in ln), ln) for ln in lines]
    others = sorted((i for i, c in enumerate(chars) if chars_free[i] and not _IDEOGRAPH.match(c.get("text") or "")
                     and (c.get("text") or "").strip()), key=lambda i: (round(chars[i]["top"], 1), chars[i]["x0"]))
    runs: list[list[int]] = []
    for i in others:
        ch = chars[i]
        if runs:
            last = chars[runs[-1][-1]]
            if abs(ch["top"] - last["top"]) < 0.5 and ch["x0"] - last["x1"] <= 0.6 * (last.get("size") or 10):
                runs[-1].append(i)
                continue
        runs.append([i])
    out = list(chars)
    for run in runs:
        cs = [chars[i] for i in run]
        top, bottom = min(c["top"] for c in cs), max(c["bottom"] for c in cs)
        x0, x1 = min(c["x0"] for c in cs), max(c["x1"] for c in cs)
        size = max((c.get("size") or 10) for c in cs)
        best, best_key = None, None
        for b_top, b_bottom, line in bands:
            overlap = min(bottom, b_bottom) - max(top, b_top)
            if overlap < 0.4 * min(bottom - top, b_bottom - b_top):
                continue
            anchor = min(line, key=lambda a: max(a["x0"] - x1, x0 - a["x1"]))
            key = (max(0.0, anchor["x0"] - x1, x0 - anchor["x1"]), -overlap)
            if best_key is None or key < best_key:
                best, best_key = anchor, key
        if best is None or best_key[0] > 1.5 * size or abs(best["top"] - top) < 1:
            continue
        near = best
        for i in run:
            out[i] = {**chars[i], **{k: near[k] for k in _Y_KEYS if k in near}}
    return out


def _beside(ch: dict, other: dict) -> bool:
    if other.get("text") in _PUNCT or abs(ch["top"] - other["top"]) < 1:
        return False
    gap = min(abs(ch["x0"] - other["x1"]), abs(other["x0"] - ch["x1"]))
    overlap = min(ch["bottom"], other["bottom"]) - max(ch["top"], other["top"])
    height = min(ch["bottom"] - ch["top"], other["bottom"] - other["top"]) or 1
    return gap <= other.get("size", 10) * 0.5 and overlap >= 0.4 * height


def clean_cell(value: str | None) -> str:
    """None (merged cell) -> ''; wrapped lines joined (no space between CJK characters); spaces
    of letter-spaced CJK text removed ('因 公 出 国' -> '因公出国')."""
    if not value:
        return ""
    parts = [p.strip() for p in value.split("\n")]
    out = parts[0]
    for part in parts[1:]:
        if out and part and (re.match(rf"[{_CJK}]", out[-1]) or re.match(rf"[{_CJK}]", part[0])):
            out += part
        else:
            out = f"{out} {part}".strip()
    return _CJK_GAP.sub("", out).strip()


def _make_table(found, number: int, lines: list[dict], offsets: list[tuple[int, int]], prev: _Prev,
                first: bool, index: int) -> Table | None:
    x0, top, x1, bottom = (float(v) for v in found.bbox)
    raw = found.extract()
    cells = [row.cells for row in found.rows]
    rows = [[clean_cell(c) for c in r] for r in raw]
    if not any(sum(1 for c in r if c) >= 2 for r in rows):
        return None  # a one-column frame (e.g. a boxed table of contents) is not a table
    rows, title, unit = _strip_preamble([r for r in rows if any(r)])
    above = [ln for ln in lines if float(ln["bottom"]) <= top + 2]
    if title is None:
        title = next((ln["text"].strip() for ln in reversed(above) if _is_title(ln["text"])), None)
    if unit is None:
        hit = next((m for ln in reversed(above) if len(ln["text"]) < 60 and (m := UNIT_LINE.search(ln["text"]))), None)
        unit = hit.group(1) if hit else None
    continued = (
        first and prev.table is not None and prev.table.page == number - 1 and title is None
        and unit is None and abs(x0 - prev.x_span[0]) < 6 and abs(x1 - prev.x_span[1]) < 6
    )
    if continued:
        title, unit = prev.table.title, prev.table.unit
        width = len(prev.col_x0)
        if width and len(raw[0]) != width:
            rows = _realign(raw, cells, prev.col_x0) or rows
        if prev.header and rows and rows[0] != prev.header[0] and len(rows[0]) == len(prev.header[0]):
            rows = [list(h) for h in prev.header] + rows
    rows = [r for r in rows if any(r)]
    if unit is None:
        unit = unit_in_cells(rows)
    if not rows:
        return None
    inside = [k for k, ln in enumerate(lines) if top - 1 <= (float(ln["top"]) + float(ln["bottom"])) / 2 <= bottom + 1]
    table = Table(index=index, rows=rows, unit=unit, title=title, page=number,
                  char_start=offsets[inside[0]][0] if inside else None,
                  char_end=offsets[inside[-1]][1] if inside else None)
    if not continued:
        prev.header = rows[:_header_count(rows)]
        widest = max(cells, key=lambda cs: sum(1 for c in cs if c))
        prev.col_x0 = [float(c[0]) for c in widest if c] if sum(1 for c in widest if c) == len(widest) else []
    prev.table, prev.x_span = table, (x0, x1)
    return table


def _strip_preamble(rows: list[list[str]]) -> tuple[list[list[str]], str | None, str | None]:
    """Title, '编制单位：' and '单位：元' rows drawn inside the table frame: removed, title/unit kept."""
    title = unit = None
    while rows:
        filled = [c for c in rows[0] if c]
        if not filled or len(filled) > 2:
            break
        kinds = []
        for cell in filled:
            m = UNIT_LINE.search(cell)
            if m and len(cell) < 40:
                unit = m.group(1)
                kinds.append("unit")
            elif _PREAMBLE_LABEL.match(cell):
                kinds.append("label")
            elif _is_title(cell) and len(filled) == 1:
                title = cell
                kinds.append("title")
            else:
                kinds.append(None)
        if None in kinds:
            break
        rows = rows[1:]
    return rows, title, unit


def _is_title(line: str) -> bool:
    line = line.strip()  # not a TOC entry, a unit line, a note or a sentence ('详见下表。')
    return bool(_TITLE_LINE.match(line)) and not re.search("[…，。；]|^注|^详?见", line) \
        and not UNIT_LINE.search(line)


def _header_count(rows: list[list[str]]) -> int:
    """Leading rows before the first row holding a figure or a numbered item (at most 6)."""
    for i, row in enumerate(rows[:7]):
        if any(_DATA_CELL.match(c) for c in row if c):
            return i
    return 0


def _realign(raw: list[list[str | None]], cells, col_x0: list[float]) -> list[list[str]] | None:
    """Place each cell in the previous table's column starting at the same x; None if one does not fit."""
    out = []
    for texts, boxes in zip(raw, cells):
        row = [""] * len(col_x0)
        for text, box in zip(texts, boxes):
            if box is None:
                continue
            j = min(range(len(col_x0)), key=lambda k: abs(col_x0[k] - float(box[0])))
            if abs(col_x0[j] - float(box[0])) > 4:
                return None
            row[j] = clean_cell(text)
        out.append(row)
    return out

