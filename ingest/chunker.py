"""Structure-aware chunking with provenance.

Text chunks follow the numbered sections of a disclosure (一、 （一） 1、); each chunk records its page,
section path and character span in the page text. Tables become their own chunks, split by rows
with the header rows repeated, so a table chunk is readable on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.records import Chunk, Document, Page, Table
from budgetqa.settings import Settings

_LEVELS = [
    re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^\d{1,2}[、．.](?!\d)"),
]
_MAX_HEADING_CHARS = 40
# An unnumbered title line ('2025年部门预算编制说明', '主要职能') opens a top-level section too.
_TITLE = re.compile(r"^[^，。；：,;:、\s]{2,30}(?:说明|情况|职能|职责|解释|概况|目标|措施|表)$")
_NUMERIC = re.compile(r"^[\s\-—－.,，%０-９0-9]+$")


def heading_level(line: str) -> int | None:
    """Level (0-based) of a numbered heading line, or None for body text."""
    s = line.strip()
    if not s or len(s) > _MAX_HEADING_CHARS or "\t" in s:
        return None
    if re.search(r"[，,；;：:]", s) or "。" in s.rstrip("。"):
        return None  # a sentence or list item, not a heading
    for level, pattern in enumerate(_LEVELS):
        if pattern.match(s):
            if level == len(_LEVELS) - 1 and s.endswith("。"):
                return None  # '6、承办…事项。' is a list item
            return level
    if _TITLE.match(s):
        return 0
    return None


@dataclass
class _Span:
    start: int
    end: int
    section: str


def _text_spans(page: Page, max_chars: int, skip: list[tuple[int, int]], path: list[str]) -> list[_Span]:
    """Split a page's text into section-aware spans of at most ~max_chars, skipping table regions.

    `path` is the section path in force at the top of the page; it is updated in place, so a section
    continues across page breaks."""
    spans: list[_Span] = []
    cur_start: int | None = None
    cur_end = 0
    cur_section = " > ".join(p for p in path if p)
    pos = 0

    def flush() -> None:
        nonlocal cur_start
        if cur_start is not None and page.text[cur_start:cur_end].strip():
            spans.append(_Span(cur_start, cur_end, cur_section))
        cur_start = None

    for line in page.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if any(a <= start < b for a, b in skip):
            flush()
            continue
        level = heading_level(line)
        if level is not None:
            flush()
            path[:] = path[:level] + [""] * max(0, level - len(path)) + [line.strip()]
        section = " > ".join(p for p in path if p)
        if not line.strip():
            continue
        if cur_start is not None and (section != cur_section or end - cur_start > max_chars):
            flush()
        if cur_start is None:
            cur_start, cur_section = start, section
        cur_end = end
        # a single very long line is cut at sentence ends
        while cur_end - cur_start > max_chars * 2:
            cut = _sentence_cut(page.text, cur_start, cur_start + max_chars)
            spans.append(_Span(cur_start, cut, cur_section))
            cur_start = cut
    flush()
    return spans


def _sentence_cut(text: str, start: int, limit: int) -> int:
    window = text[start:limit]
    best = max(window.rfind(p) for p in "。；;！？")
    return start + best + 1 if best > len(window) // 3 else limit


def _is_header_row(row: list[str]) -> bool:
    cells = [c for c in row if c.strip()]
    return bool(cells) and not any(_NUMERIC.match(c) and any(ch.isdigit() for ch in c) and len(c) > 2 for c in cells[1:])


def _render_table(table: Table, rows: list[list[str]], header: list[list[str]]) -> str:
    lines = []
    if table.title:
        lines.append(table.title)
    if table.unit:
        lines.append(f"单位：{table.unit}")
    for r in header + rows:
        lines.append(" | ".join(c.replace("\n", " ") for c in r))
    return "\n".join(lines)


def _table_chunks(table: Table, rows_per_chunk: int) -> list[tuple[str, str]]:
    """(text, locator) pieces of a table: header rows repeated in every piece."""
    header: list[list[str]] = []
    for row in table.rows[:3]:
        if _is_header_row(row) and len(header) < 3:
            header.append(row)
        else:
            break
    body = table.rows[len(header):]
    if not body:
        return [(_render_table(table, [], header), table.title or "表格")]
    out = []
    for i in range(0, len(body), rows_per_chunk):
        part = body[i : i + rows_per_chunk]
        loc = f"{table.title or '表格'} 第{len(header) + i + 1}-{len(header) + i + len(part)}行"
        out.append((_render_table(table, part, header), loc))
    return out


def chunk_document(doc: Document, settings: Settings) -> list[Chunk]:
    chunks: list[Chunk] = []
    path: list[str] = []

    def add(text: str, page: Page, section: str, start: int, end: int, kind: str, table_index: int | None) -> None:
        chunks.append(
            Chunk(
                doc_id=doc.id, ordinal=len(chunks), text=text, page=page.number if doc.paged else None,
                section=section, char_start=start, char_end=end, kind=kind, table_index=table_index,
            )
        )

    for page in doc.pages:
        if page.needs_ocr:
            continue
        skip = [(t.char_start, t.char_end) for t in page.tables if t.char_start is not None and t.char_end is not None]
        items: list[tuple[int, str]] = []  # (position, kind) to keep document order
        spans = _text_spans(page, settings.chunk_max_chars, skip, path)
        for span in spans:
            items.append((span.start, "t"))
        for t in page.tables:
            items.append((t.char_start if t.char_start is not None else len(page.text), "T"))
        span_by_start = {s.start: s for s in spans}
        table_by_start: dict[int, list[Table]] = {}
        for t in page.tables:
            table_by_start.setdefault(t.char_start if t.char_start is not None else len(page.text), []).append(t)
        last_section = ""
        for pos, kind in sorted(set(items)):
            if kind == "t":
                s = span_by_start[pos]
                last_section = s.section
                add(page.text[s.start : s.end], page, s.section, s.start, s.end, "text", None)
            else:
                for t in table_by_start[pos]:
                    for text, loc in _table_chunks(t, settings.table_rows_per_chunk):
                        section = " > ".join(x for x in (last_section, loc) if x)
                        add(text, page, section, t.char_start or 0, t.char_end or 0, "table", t.index)
    return chunks
