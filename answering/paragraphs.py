"""The text of a PDF chunk as paragraphs, sentences and headings.

A line break is a PDF line wrap when the line before runs to the page's text width (measured in CJK widths, a
high percentile of the page's lines) and does not end a sentence; a line filling a narrow column wraps even when
it looks like a heading; a final '：' ends a paragraph only before a list item. Paragraphs split into sentences;
table rows are units of their own. Every span is an exact span of the chunk text.
"""
from __future__ import annotations

import re

from budgetqa.core.records import Chunk

_SPLIT = re.compile(r"(?<=[。；;！!？?])|\n")


def sentences(chunk: Chunk) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences (text) or rows (tables) of a chunk's text."""
    spans, start = [], 0
    text = chunk.text
    for m in _SPLIT.finditer(text):
        end = m.start() if text[m.start():m.start() + 1] == "\n" else m.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n\r\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\n\r\u3000":
        end -= 1
    return start, end


_PARA_END = "。！？!?：:"  # a full line ending in '；' still wraps (the next line starts no new item)
LIST_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[、.．](?!\d)|"
                         r"[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+[部章节条]|其中[：:]|[一二三四五六七八九十]是)")
_CLOSERS = "。，、；;：:）)”’%％"
_SENT_END = re.compile(r"[。！？!?]+[”’）)]*")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．])")


def text_units(line: str) -> float:
    """The printed width of a line in CJK character widths: CJK characters and full-width punctuation count
    1; digits, Latin letters, half-width punctuation and the spaces PDF extraction puts around them 0.5."""
    return sum(1.0 if (ord(c) >= 0x2E80 or 0x2010 <= ord(c) <= 0x206F) else 0.5 for c in line.strip())


def _line_widths(texts: list[str]) -> list[float]:
    return sorted((text_units(line) for t in texts for line in t.split("\n") if line.strip()), reverse=True)


_MIN_LINES = 8  # lines a page needs to set its own text width


def line_width(texts: list[str], typical: float | None = None) -> float:
    """The text width of a page in CJK widths: a high percentile of its line widths, so that a line inflated
    by digits and spaces does not set it. On a page of a few lines (a table's title, a heading) `typical`
    (the document's width) stands in: a lone line does not fill its own column."""
    ws = _line_widths(texts)
    if not ws:
        return 0.0
    if len(ws) < _MIN_LINES and typical:
        return typical
    return ws[min(len(ws) - 1, len(ws) // 8)]


def _full(line: str, width: float | None) -> bool:
    """The line runs (nearly) to the text width (unpaged text: a long line)."""
    return text_units(line) >= (max(12.0, 0.8 * width) if width else 30.0)


def _fills(line: str, width: float | None) -> bool:
    """The line fills the column: wrapped text even without punctuation (a narrow column's first line)."""
    return bool(width) and text_units(line) >= max(12.0, 0.9 * width)


def _ends_paragraph(line: str, nxt: str | None) -> bool:
    """The line ends its paragraph by its last character: a sentence end, or a '：' the next line answers with
    a list item ('部门职责：' + '（1）…'); a '：' followed by running text ('主要用于：' + '委托…') does not."""
    last = line.rstrip()[-1:]
    if last in "：:":
        return nxt is None or bool(LIST_START.match(nxt))
    return last in _PARA_END


def _wraps(line: str, nxt: str, width: float | None) -> bool:
    """The break after `line` (the last line of a paragraph so far) is a PDF line wrap before `nxt`."""
    if nxt[:1] and nxt[0] in _CLOSERS:
        return True
    if _ends_paragraph(line, nxt) or LIST_START.match(nxt):
        return False
    return _fills(line, width) or (_full(line, width) and not is_heading(line))


def paragraphs(text: str, width: float | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a text: lines joined across PDF line wraps.

    A line break is a wrap when the next line continues a sentence (starts with closing punctuation), or
    when the line before does not end a sentence (a final '：' ends one only before a list item), runs
    (nearly) to the text width and the next line does not start a list item; a line looking like a heading
    wraps only when it fills the column. `width` (CJK widths, `line_width`) None: an unpaged text, where
    only long lines can wrap."""
    lines = []  # (start, end) of the non-empty lines, stripped
    pos = 0
    for raw in text.split("\n"):
        s, e = _trim(text, pos, pos + len(raw))
        if e > s:
            lines.append((s, e))
        pos += len(raw) + 1
    out: list[tuple[int, int]] = []
    for s, e in lines:
        if out:
            ps, pe = out[-1]
            last_line = text[ps:pe].rsplit("\n", 1)[-1].strip()
            if _wraps(last_line, text[s:e], width):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def split_sentences(text: str, s: int, e: int, long: int = 220) -> list[tuple[int, int]]:
    """Sentence spans of text[s:e] (after 。！？ and closing quotes); very long sentences also at ；."""
    spans, start = [], s
    for m in _SENT_END.finditer(text, s, e):
        a, b = _trim(text, start, m.end())
        if b > a:
            spans.append((a, b))
        start = m.end()
    a, b = _trim(text, start, e)
    if b > a:
        spans.append((a, b))
    out = []
    for a, b in spans:
        if b - a <= long:
            out.append((a, b))
            continue
        start = a
        for m in re.finditer(r"[；;]", text[a:b]):
            out.append(_trim(text, start, a + m.end()))
            start = a + m.end()
        if start < b:
            out.append(_trim(text, start, b))
    return [(a, b) for a, b in out if b > a]


def is_heading(line: str) -> bool:
    """A heading line: short and without sentence punctuation ('（一）机关运行经费支出情况', '部门职责：')."""
    t = line.strip()
    if not t or len(t) > 40:
        return False
    body = t[:-1] if t[-1] in "：:" else t
    if re.search(r"[，。；,;！？!?]", body):
        return False
    return len(t) <= 30 or bool(_HEADING.match(t))


def _heading_level(line: str) -> int:
    """0: a title ('科技创新专项经费情况说明'); 1: '一、'; 2: '（一）'; 3: '1、', '（1）'."""
    t = line.strip()
    if re.match(r"^[一二三四五六七八九十]+[、.．]", t) or re.match(r"^第[一二三四五六七八九十]+部分", t):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十]+[）)]", t):
        return 2
    if re.match(r"^(?:[（(]\d{1,2}[）)]|\d{1,2}\s*[、.．])", t):
        return 3
    return 0


def _is_item(text: str) -> bool:
    """A list item: a paragraph (or a line of it, after an intro '…包括：') opening with an item marker."""
    return any(LIST_START.match(line) for line in text.split("\n"))


def _is_heading(line: str) -> bool:
    return bool(_HEADING.match(line)) and not re.search(r"[，。；]", line)
