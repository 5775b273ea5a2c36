"""Structure-aware chunking with provenance.

Text chunks follow the sections of a disclosure (一、 （一） 1、 and unnumbered titles such as 名词解释); each
chunk records its page, section path and character span in the page text. Which lines are headings is decided
by `HeadingReader` (shared with ingest/narrative_facts.py, so fact locators and chunk sections agree): list
items, definitions and table-of-contents entries are not. Tables become their own chunks, split by rows with
the header rows repeated, so a table chunk is readable on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.core.records import Chunk, Document, Page, Table
from budgetqa.core.settings import Settings
from budgetqa.core.numbers import COUNT_UNITS, find_numbers
from budgetqa.core.numerals import small_int

# numbered headings: (style, level, pattern); group 'n' is the number, so that list items can be told apart
_NUMBERED = [
    ("part", 0, re.compile(r"^第(?P<n>[一二三四五六七八九十]+)部分")),
    ("cn", 0, re.compile(r"^(?P<n>[一二三四五六七八九十]+)、")),
    ("paren_cn", 1, re.compile(r"^[（(](?P<n>[一二三四五六七八九十]+)[）)]")),
    ("num", 2, re.compile(r"^(?P<n>\d{1,2})[、．.](?!\d)")),
    ("paren_num", 3, re.compile(r"^[（(](?P<n>\d{1,2})[）)]")),
]
_MAX_HEADING_CHARS = 40
# An unnumbered title line ('2025年部门预算编制说明', '主要职能', '…机构设置') opens a top-level section too.
_TITLE = re.compile(r"^[^，。；：,;:、\s]{2,30}(?:说明|情况|职能|职责|解释|概况|目标|措施|设置|表)$")
_NUMERIC = re.compile(r"^[\s\-—－.,，%０-９0-9]+$")
_CLOSED = "。；;！？!?：:"
_TOC_LEADER = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|-{4,})\s*\d*\s*$")
WRAP_RATIO = 0.85  # a line this close to the page's widest line runs on into the next one


def line_width(line: str) -> int:
    """Printed width of a line: CJK and full-width characters count 2."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in line.strip())


class HeadingReader:
    """Tells section headings from body lines, reading a document's lines in order (one reader per document).

    A heading is a short line without sentence punctuation (a trailing '。' or '：' is allowed above the
    '1、' level), numbered ('一、' '第一部分' '（一）' '1、' '(1)') or an unnumbered title ('名词解释',
    '2024年部门预算编制说明', '…机构设置'). Not headings: with `figures=False` (fact extraction), a numbered
    line carrying a figure with its unit ('（一）公务接待费1万元') - its figure must be read as a sentence; a
    table-of-contents entry ('一、部门主要职能……3'); a numbered line that runs on into the next one (`wraps`:
    it fills the printed width of the page's running text: '3、一般公共服务支出（类）…（款）其他社会工作'); a title
    candidate that continues the line above (`continues`); and the next item of a numbered list whose previous
    item was body text ('八、维护社区平安。…，…' makes '九、承办区委、区政府交办的其他事项。' a list item, not a
    section)."""

    def __init__(self, figures: bool = True) -> None:
        self._seq: dict[str, tuple[int, bool]] = {}  # numbering style -> (last number, it was a heading)
        self._figures = figures  # False: a numbered line with a figure and its unit is body text

    def read(self, line: str, wraps: bool = False, continues: bool = False,
             next_line: str | None = None) -> tuple[int, str] | None:
        """(level, title) of a heading line (level 0 = top), else None. `wraps`: the line fills the printed
        width and runs on into `next_line` (None: not known, e.g. at the foot of a page), so a numbered line
        is judged together with its continuation ('第三部分 …决算情况' + '说明' is a heading, '3、…其他社会工作'
        + '事务支出（项）。主要用于：…' is a list item)."""
        s = line.strip()
        if not s or "\t" in s or _TOC_LEADER.search(s):
            return None  # a table row or a table-of-contents entry ('一、部门主要职能……3')
        for style, level, pattern in _NUMBERED:
            m = pattern.match(s)
            if not m:
                continue
            number = small_int(m.group("n")) or 0
            if wraps:
                nxt = (next_line or "").strip()
                ok = bool(nxt) and (starts_item(nxt) and _heading_text(s, level)
                                    or not starts_item(nxt) and _heading_text(s + nxt, level))
            else:
                ok = _heading_text(s, level)
            if ok and not self._figures and _has_figure(s):
                ok = False
            last = self._seq.get(style)
            if ok and last is not None and number == last[0] + 1 and not last[1]:
                ok = False
            self._seq[style] = (number, ok)
            if ok:
                for other, other_level, _ in _NUMBERED:
                    if other_level > level:
                        self._seq.pop(other, None)
            return (level, s.rstrip("。：:").strip()) if ok else None
        if continues:
            return None
        flat = re.sub(r"\s+", "", s)
        if _TITLE.match(flat) and not _has_figure(flat):
            return 0, s
        return None


def starts_item(line: str) -> bool:
    """The line opens a numbered item ('一、', '（二）', '3、', '(4)', '第五部分')."""
    s = line.strip()
    return any(p.match(s) for _, _, p in _NUMBERED)


def running_width(text: str, skip: list[tuple[int, int]] = ()) -> int:
    """Printed width of a page's running text (0 when it has too little text to tell): the widest line outside
    tables, provided at least three lines come close to it (a lone title is not a measure)."""
    widths, pos = [], 0
    for line in text.split("\n"):
        if not any(a <= pos < b for a, b in skip):
            widths.append(line_width(line))
        pos += len(line) + 1
    full = max(widths, default=0)
    if full <= 40 or sum(1 for w in widths if w >= WRAP_RATIO * full) < 3:
        return 0
    return full


def first_text_line(page: Page) -> str | None:
    """The first non-empty line of a page outside its tables."""
    spans = [(t.char_start, t.char_end) for t in page.tables if t.char_start is not None and t.char_end is not None]
    pos = 0
    for line in page.text.split("\n"):
        if line.strip() and not any(a <= pos < b for a, b in spans):
            return line
        pos += len(line) + 1
    return None


def _has_figure(text: str) -> bool:
    """A money amount or a count ('1万元', '3辆', '95%'); a year or a date is no figure."""
    return any(n.is_money or n.unit in COUNT_UNITS for n in find_numbers(text))


def _heading_text(s: str, level: int) -> bool:
    if len(s) > _MAX_HEADING_CHARS:
        return False
    body = s.rstrip("：:") if level < 2 else s
    if re.search(r"[，,；;：:]", body) or "。" in body.rstrip("。"):
        return False  # a sentence or list item, not a heading
    return not (level >= 2 and s.endswith("。"))  # '6、承办…事项。' is a list item


def heading_level(line: str) -> int | None:
    """Level (0-based) of a heading line read on its own (no list context), or None for body text."""
    found = HeadingReader().read(line)
    return found[0] if found else None


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
        wraps = bool(stripped) and full > 0 and line_width(stripped) >= WRAP_RATIO * full \
            and stripped[-1] not in _CLOSED
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

    def add(text: str, page: Page, section: str, start: int, end: int, kind: str, table_index: int | None) -> None:
        chunks.append(
            Chunk(
                doc_id=doc.id, ordinal=len(chunks), text=text, page=page.number if doc.paged else None,
                section=section, char_start=start, char_end=end, kind=kind, table_index=table_index,
            )
        )

    pages = [p for p in doc.pages if not p.needs_ocr]
    for n, page in enumerate(pages):
        skip = [(t.char_start, t.char_end) for t in page.tables if t.char_start is not None and t.char_end is not None]
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
