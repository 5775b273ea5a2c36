"""The printed layout of a disclosure's text: line widths, page text widths, wrapped lines and item markers.

One place for what PDF layout says about the text, read at ingest (chunker, narrative facts) and by answering
(paragraphs of a chunk):
- `line_width`: the printed width of a line in CJK character widths (CJK characters and full-width punctuation
  count 1; digits, Latin letters, quotes and dashes, half-width punctuation and the spaces PDF extraction puts
  around them 0.5);
- `running_width`: the text width of a page, its widest line outside tables provided at least three lines come
  close to it (running text is justified to the column; a lone title, a line inflated by digits and spaces or
  the longest entry of a table of contents is no measure), else 0 (cannot be told); `page_widths` gives such
  pages the document's width (the median of its pages' widths); it is computed once at ingest and stored with
  every chunk of a paged document (`Chunk.text_width`), so answering never re-derives it;
- the wrapped-line rule: a line runs on into the next one when it reaches `WRAP_RATIO` of the text width and
  leaves its sentence open (`runs_on`, which decides how headings are read); joining a chunk's lines into
  paragraphs (`wraps`) also reads the next line: a line starting with closing punctuation continues the
  sentence, a list item never does, a final '：' ends a paragraph only before a list item, and a line looking
  like a heading wraps only when it fills the column;
- item and heading markers (`NUMBERED`, `LIST_START`, `HEADING_MARKER`) and the one heading-level numbering
  (`marker_level`): 0 = '第一部分' / '一、' (and unnumbered titles), 1 = '（一）', 2 = '1、', 3 = '（1）'.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from budgetqa.core.records import Page

# --- printed width --------------------------------------------------------------------------------------------

_CJK_FROM = 0x2E80  # characters above this code point print full width


def line_width(line: str) -> float:
    """The printed width of a line in CJK character widths: CJK characters and full-width punctuation (from
    U+2E80) count 1; digits, Latin letters, half-width punctuation, spaces and the general punctuation block
    (“ ” — …) 0.5 - as these PDFs print them: a line with quotes is no wider than its neighbours."""
    return sum(1.0 if ord(c) > _CJK_FROM else 0.5 for c in line.strip())


# --- the text width of a page ----------------------------------------------------------------------------------

WRAP_RATIO = 0.85  # a line this close to the page's text width runs on into the next one
MIN_TEXT_WIDTH = 20.0  # CJK widths: narrower running text (a lone title, a column of labels) sets no width
MIN_FULL_LINES = 3  # lines that must come close to the widest one (one wide line is not a measure)


def outside(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[str]:
    """The non-empty lines of a page text that start outside the `skip` spans (its tables)."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip() and not any(a <= pos < b for a, b in skip):
            out.append(line)
        pos += len(line) + 1
    return out


def text_width(lines: Iterable[str]) -> float:
    """The text width of running text (CJK widths): its widest line, provided at least MIN_FULL_LINES lines
    come within WRAP_RATIO of it; 0 when it cannot be told."""
    ws = [line_width(x) for x in lines if x.strip()]
    width = max(ws, default=0.0)
    if width <= MIN_TEXT_WIDTH or sum(1 for w in ws if w >= WRAP_RATIO * width) < MIN_FULL_LINES:
        return 0.0
    return width


def running_width(text: str, skip: Sequence[tuple[int, int]] = ()) -> float:
    """The text width of a page's running text (its lines outside the `skip` spans), 0 when it cannot be told."""
    return text_width(outside(text, skip))


def table_spans(page: Page) -> list[tuple[int, int]]:
    """The spans of a page's tables in its text (where known)."""
    return [(t.char_start, t.char_end) for t in page.tables if t.char_start is not None and t.char_end is not None]


def page_widths(pages: Sequence[Page]) -> dict[int, float | None]:
    """The text width of every page of a paged document, by page number (None: not known). A page whose own
    width cannot be told (a table's title, a heading, a page of tables) takes the document's width, the median
    of its pages' widths: a lone line does not fill its own column."""
    own = {p.number: running_width(p.text, table_spans(p)) for p in pages}
    known = sorted(w for w in own.values() if w)
    typical = known[len(known) // 2] if known else None
    return {number: w or typical for number, w in own.items()}


def first_text_line(page: Page) -> str | None:
    """The first non-empty line of a page outside its tables."""
    lines = outside(page.text, table_spans(page))
    return lines[0] if lines else None


# --- item and heading markers ----------------------------------------------------------------------------------

# Numbered heading markers: (style, level, pattern); group 'n' is the number (a list tells its items apart).
NUMBERED = [
    ("part", 0, re.compile(r"^第(?P<n>[一二三四五六七八九十]+)部分")),
    ("cn", 0, re.compile(r"^(?P<n>[一二三四五六七八九十]+)、")),
    ("paren_cn", 1, re.compile(r"^[（(](?P<n>[一二三四五六七八九十]+)[）)]")),
    ("num", 2, re.compile(r"^(?P<n>\d{1,2})[、．.](?!\d)")),
    ("paren_num", 3, re.compile(r"^[（(](?P<n>\d{1,2})[）)]")),
]
# A line opening a list item (wider than the heading markers: '①', '其中：', '一是', '第三条').
LIST_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[、.．](?!\d)|"
                        r"[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+[部章节条]|其中[：:]|[一二三四五六七八九十]是)")
# The marker a numbered heading starts with (as answering tells headings: '一、' '（一）' '（1）' '1、').
HEADING_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．])")
# Extra spellings of the markers PDF extraction produces ('一．', '1 、'); same levels as NUMBERED.
_LOOSE = [
    (0, re.compile(r"^[一二三四五六七八九十]+[.．]")),
    (2, re.compile(r"^\d{1,2}\s+[、.．](?!\d)")),
]


def starts_item(line: str) -> bool:
    """The line opens a numbered item ('一、', '（二）', '3、', '(4)', '第五部分')."""
    s = line.strip()
    return any(p.match(s) for _, _, p in NUMBERED)


def marker_level(line: str) -> int | None:
    """The heading level of a line's numbering marker, None when it has none. The one numbering: 0 =
    '第一部分' / '一、' (unnumbered titles open sections at this level too), 1 = '（一）', 2 = '1、', 3 = '（1）'."""
    s = line.strip()
    for _, level, pattern in NUMBERED:
        if pattern.match(s):
            return level
    return next((level for level, pattern in _LOOSE if pattern.match(s)), None)


# --- wrapped lines ----------------------------------------------------------------------------------------------

CLOSED = "。；;！？!?：:"  # a line ending in one of these does not run on into the next one
PARA_END = "。！？!?：:"  # a full line ending in '；' still wraps in a paragraph (the next line starts no new item)
CLOSERS = "。，、；;：:）)”’%％"  # a line starting with one of these continues the sentence above
FULL_RATIO = 0.8  # a (non-heading) line this close to the text width wraps in a paragraph
FILL_RATIO = 0.9  # a line this close fills its column: it wraps even when it looks like a heading
MIN_FULL = 12.0  # CJK widths: a line narrower than this is never full (a narrow column is still a column)
UNPAGED_FULL = 30.0  # CJK widths: unpaged text (no text width known): only a line this long can wrap
MAX_HEADING_CHARS = 40
MAX_PLAIN_HEADING_CHARS = 30  # an unnumbered heading is at most this long


def runs_on(line: str, width: float | None) -> bool:
    """The line reaches the text width (WRAP_RATIO of it) and leaves its sentence open: it runs on into the
    next line (a numbered line is then read together with its continuation)."""
    s = line.strip()
    return bool(s) and bool(width) and line_width(s) >= WRAP_RATIO * width and s[-1] not in CLOSED


def is_full(line: str, width: float | None) -> bool:
    """The line runs (nearly) to the text width (unpaged text: a long line)."""
    return line_width(line) >= (max(MIN_FULL, FULL_RATIO * width) if width else UNPAGED_FULL)


def fills(line: str, width: float | None) -> bool:
    """The line fills the column: wrapped text even without punctuation (a narrow column's first line)."""
    return bool(width) and line_width(line) >= max(MIN_FULL, FILL_RATIO * width)


def is_heading(line: str) -> bool:
    """Short and without sentence punctuation ('（一）机关运行经费支出情况', '部门职责：')."""
    t = line.strip()
    if not t or len(t) > MAX_HEADING_CHARS:
        return False
    body = t[:-1] if t[-1] in "：:" else t
    if re.search(r"[，。；,;！？!?]", body):
        return False
    return len(t) <= MAX_PLAIN_HEADING_CHARS or bool(HEADING_MARKER.match(t))


def ends_paragraph(line: str, nxt: str | None) -> bool:
    """The line ends its paragraph by its last character: a sentence end, or a '：' the next line answers with
    a list item ('部门职责：' + '（1）…'); a '：' followed by running text ('主要用于：' + '委托…') does not."""
    last = line.rstrip()[-1:]
    if last in "：:":
        return nxt is None or bool(LIST_START.match(nxt))
    return last in PARA_END


def wraps(line: str, nxt: str, width: float | None) -> bool:
    """The break after `line` (the last line of a paragraph so far) is a PDF line wrap before `nxt`: `nxt`
    continues the sentence (starts with closing punctuation), or `line` does not end its paragraph, `nxt`
    starts no list item and `line` runs (nearly) to the text width - a line looking like a heading only when
    it fills the column. `width` None: unpaged text, where only long lines wrap."""
    if nxt[:1] and nxt[0] in CLOSERS:
        return True
    if ends_paragraph(line, nxt) or LIST_START.match(nxt):
        return False
    return fills(line, width) or (is_full(line, width) and not is_heading(line))
