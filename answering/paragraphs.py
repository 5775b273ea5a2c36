"""The text of a chunk as paragraphs, sentences and headings.

Lines are joined across PDF line wraps by the one wrapped-line rule of budgetqa.ingest.layout (`wraps`), at the
text width of the chunk's page measured at ingest (`Chunk.text_width`). Paragraphs split into sentences; table
rows are units of their own. Every span is an exact span of the chunk text. `is_heading` (a short line without
sentence punctuation) is the layout module's.
"""
from __future__ import annotations

import re

from budgetqa.core.records import Chunk
from budgetqa.ingest.layout import HEADING_MARKER, LIST_START, is_heading, wraps

_SPLIT = re.compile(r"(?<=[。；;！!？?])|\n")
SENT_END = re.compile(r"[。！？!?]+[”’）)]*")  # a sentence end, with its closing quotes or brackets


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


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the white space at its ends."""
    while start < end and text[start] in " \t\n\r\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\n\r\u3000":
        end -= 1
    return start, end


def paragraphs(text: str, width: float | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a text: lines joined across PDF line wraps.

    A line break is a wrap when the next line continues a sentence (starts with closing punctuation), or
    when the line before does not end a sentence (a final '：' ends one only before a list item), runs
    (nearly) to the text width and the next line does not start a list item; a line looking like a heading
    wraps only when it fills the column. `width`: the page's text width in CJK widths (`Chunk.text_width`);
    None: an unpaged text, where only long lines can wrap."""
    lines = []  # (start, end) of the non-empty lines, stripped
    pos = 0
    for raw in text.split("\n"):
        s, e = trim(text, pos, pos + len(raw))
        if e > s:
            lines.append((s, e))
        pos += len(raw) + 1
    out: list[tuple[int, int]] = []
    for s, e in lines:
        if out:
            ps, pe = out[-1]
            last_line = text[ps:pe].rsplit("\n", 1)[-1].strip()
            if wraps(last_line, text[s:e], width):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def split_sentences(text: str, s: int, e: int, long: int = 220) -> list[tuple[int, int]]:
    """Sentence spans of text[s:e] (after 。！？ and closing quotes); very long sentences also at ；."""
    spans, start = [], s
    for m in SENT_END.finditer(text, s, e):
        a, b = trim(text, start, m.end())
        if b > a:
            spans.append((a, b))
        start = m.end()
    a, b = trim(text, start, e)
    if b > a:
        spans.append((a, b))
    out = []
    for a, b in spans:
        if b - a <= long:
            out.append((a, b))
            continue
        start = a
        for m in re.finditer(r"[；;]", text[a:b]):
            out.append(trim(text, start, a + m.end()))
            start = a + m.end()
        if start < b:
            out.append(trim(text, start, b))
    return [(a, b) for a, b in out if b > a]


def is_item(text: str) -> bool:
    """A list item: a paragraph (or a line of it, after an intro '…包括：') opening with an item marker."""
    return any(LIST_START.match(line) for line in text.split("\n"))


__all__ = ["SENT_END", "is_heading", "is_item", "is_numbered_heading", "paragraphs", "sentences", "split_sentences",
           "trim"]


def is_numbered_heading(line: str) -> bool:
    """A numbered line without sentence punctuation ('（一）机关运行经费', '2、支出说明')."""
    return bool(HEADING_MARKER.match(line)) and not re.search(r"[，。；]", line)
