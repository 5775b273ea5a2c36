"""Structure-aware chunking with provenance.

Text chunks follow the sections of a disclosure (一、 （一） 1、 and unnumbered titles such as 名词解释); each
chunk records its page, section path, character span in the page text and the text width of its page (read
once here by budgetqa.ingest.layout, so answering joins wrapped lines without re-deriving the layout). Which
lines are headings is decided by `HeadingReader` (ingest/headings.py, shared with ingest/narrative_facts.py, so
fact locators and chunk sections agree): list items, definitions and table-of-contents entries are not. Tables
become their own chunks, split by rows with the header rows repeated, so a table chunk is readable on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.core.records import Chunk, Document, Page, Table
from budgetqa.core.settings import Settings
from budgetqa.ingest.headings import HeadingReader
from budgetqa.ingest.layout import first_text_line, page_widths, running_width, runs_on, table_spans

_NUMERIC = re.compile(r"^[\s\-—－.,，%０-９0-9]+$")


@dataclass
class _Span:
    start: int
    end: int
    section: str


def _text_spans(page: Page, max_chars: int, skip: list[tuple[int, int]], path: list[str],
                reader: HeadingReader | None = None, paged: bool = True, next_line: str | None = None) -> list[_Span]:
    """Split a page's text into section-aware spans of at most ~max_chars, skipping table regions.

    `path` is the section path in force at the top of the page; it is updated in place, so a section
    continues across page breaks. `reader` carries the numbering of list items across pages; `next_line` is
    the first line of the next page (a numbered line may run on into it)."""
    reader = reader or HeadingReader()
    spans: list[_Span] = []
    cur_start: int | None = None
    cur_end = 0
    cur_section = " > ".join(p for p in path if p)
    pos = 0
    lines = page.text.split("\n")
    full = running_width(page.text, skip) if paged else 0
    prev_open = False  # the line above ran on into this one

    def flush() -> None:
        nonlocal cur_start
        if cur_start is not None and page.text[cur_start:cur_end].strip():
            spans.append(_Span(cur_start, cur_end, cur_section))
        cur_start = None

    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    outside = [k for k, (ln, st) in enumerate(zip(lines, starts))
               if ln.strip() and not any(a <= st < b for a, b in skip)]
    next_of = {k: (lines[outside[i + 1]] if i + 1 < len(outside) else next_line) for i, k in enumerate(outside)}
    for k, line in enumerate(lines):
        start, end = pos, pos + len(line)
        pos = end + 1
        if any(a <= start < b for a, b in skip):
            flush()
            prev_open = False
            continue
        stripped = line.strip()
        wraps = runs_on(stripped, full)
        found = reader.read(line, wraps=wraps, continues=prev_open, next_line=next_of.get(k)) if stripped else None
        if stripped:
            prev_open = wraps
        if found is not None:
            level, _ = found
            flush()
            path[:] = path[:level] + [""] * max(0, level - len(path)) + [stripped]
        section = " > ".join(p for p in path if p)
        if not stripped:
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
    reader = HeadingReader()
    pages = [p for p in doc.pages if not p.needs_ocr]
    widths = page_widths(pages) if doc.paged else {}

    def add(text: str, page: Page, section: str, start: int, end: int, kind: str, table_index: int | None) -> None:
        chunks.append(
            Chunk(
                doc_id=doc.id, ordinal=len(chunks), text=text, page=page.number if doc.paged else None,
                section=section, char_start=start, char_end=end, kind=kind, table_index=table_index,
                text_width=widths.get(page.number),
            )
        )

    for n, page in enumerate(pages):
        skip = table_spans(page)
        items: list[tuple[int, str]] = []  # (position, kind) to keep document order
        following = first_text_line(pages[n + 1]) if n + 1 < len(pages) else None
        spans = _text_spans(page, settings.chunk_max_chars, skip, path, reader, doc.paged, following)
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
