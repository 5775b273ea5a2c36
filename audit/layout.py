"""Where things are printed in a document's text: headings and titles, the table of contents, sentences.

Shared by the checks on titles (checks_titles.py) and on narrative statements (checks_direction.py); computed
once per document and kept in `DocContext.cache`.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from budgetqa.ingest.headings import HeadingReader
from budgetqa.ingest.layout import WRAP_RATIO, line_width, running_width

from budgetqa.audit.context import DocContext

log = logging.getLogger(__name__)

_WS = re.compile(r"\s+")
_TOC_HEAD = re.compile(r"^目录$")
_LEADER = re.compile(r"[.．…·\-—_]{2,}\s*\d*\s*$|\s+\d{1,3}$")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,3}[、.．](?:(?!\d)|(?=20\d{2}年)))\s*")
_SENTENCE_END = "。！？!?"
_TABLE_TITLE = re.compile(r"(?:表|预算|决算|公开|说明)(?:[（(][^）)]{0,12}[）)])?$")  # title lines without numbering


def squash(text: str | None) -> str:
    return _WS.sub("", text or "")


@dataclass(frozen=True)
class Line:
    page: int
    text: str  # as printed (stripped)
    kind: str  # 'heading' (section heading or table title line), 'toc' (table-of-contents entry)


def _toc_pages(ctx: DocContext) -> set[int]:
    """Pages holding the table of contents: the page with a '目录' line, and the pages after it that hold only
    short lines without a sentence (a contents list running on)."""
    out: set[int] = set()
    for number in sorted(ctx.pages):
        lines = [squash(ln) for ln in (ctx.pages[number] or "").splitlines() if ln.strip()]
        if any(_TOC_HEAD.match(ln) for ln in lines[:8]):
            out.add(number)
        elif out and number - 1 in out and lines and all(len(ln) <= 40 and "。" not in ln for ln in lines):
            out.add(number)
        elif out:
            break
    return out


_LEVELS = (re.compile(r"^第[一二三四五六七八九十]+部分"), re.compile(r"^[一二三四五六七八九十]{1,3}、"),
           re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]"), re.compile(r"^\d{1,3}[、.．]"),
           re.compile(r"^[（(]\d{1,3}[）)]"))


def toc_level(line: str) -> int:
    """Numbering depth of a contents line: 第一部分 0, 一、 1, （一） 2, 1. 3, (1) 4, none 5."""
    s = line.strip()
    return next((i for i, p in enumerate(_LEVELS) if p.match(s)), len(_LEVELS))


def toc_entry(line: str) -> str:
    """A contents line without its numbering and page-number leader: '五、部门预算表……3' -> '部门预算表'."""
    s = _LEADER.sub("", line.strip()).strip()
    return squash(_NUMBERING.sub("", s, count=1))


def lines(ctx: DocContext) -> list[Line]:
    """Headings and title lines of the body, and contents entries, in document order."""
    if "layout_lines" in ctx.cache:
        return ctx.cache["layout_lines"]
    toc = _toc_pages(ctx)
    reader = HeadingReader(figures=False)
    out: list[Line] = []
    for number in sorted(ctx.pages):
        skip = [(t.char_start, t.char_end) for t in ctx.tables
                if t.page == number and t.char_start is not None and t.char_end is not None]
        width = running_width(ctx.pages[number] or "", skip) if ctx.paged else 0
        previous = ""
        for raw in (ctx.pages[number] or "").splitlines():
            s = raw.strip()
            if not s:
                continue
            if number in toc:
                if not _TOC_HEAD.match(squash(s)):
                    out.append(Line(number, s, "toc"))
                continue
            continues = bool(previous) and previous[-1] not in _SENTENCE_END + "：:；;" and not _is_heading_like(previous)
            wraps = bool(width) and line_width(s) >= WRAP_RATIO * width  # a full line runs on: not a title
            if reader.read(s, continues=continues) is not None or (_TABLE_TITLE.search(squash(s)) and len(squash(s)) <= 48
                                                                   and not wraps and not re.search(r"[，。；,;]", s)):
                out.append(Line(number, s, "heading"))
            previous = s
    ctx.cache["layout_lines"] = out
    return out


def _is_heading_like(line: str) -> bool:
    return len(squash(line)) <= 40 and not re.search(r"[，。；,;]", line)


def body_text(ctx: DocContext) -> str:
    """All page text outside the table of contents, without whitespace."""
    if "layout_body" not in ctx.cache:
        toc = _toc_pages(ctx)
        ctx.cache["layout_body"] = squash("".join(ctx.pages[n] or "" for n in sorted(ctx.pages) if n not in toc))
    return ctx.cache["layout_body"]


@dataclass(frozen=True)
class Sentence:
    page: int
    text: str  # without whitespace
    starts_item: bool  # begins a numbered item or follows a heading (a new subject)


_ITEM_START = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,3}[、.．])")


def sentences(ctx: DocContext) -> list[Sentence]:
    """The document's sentences (split at 。！？, across line and page breaks), whitespace removed."""
    if "layout_sentences" in ctx.cache:
        return ctx.cache["layout_sentences"]
    out: list[Sentence] = []
    heading_texts = {(ln.page, squash(ln.text)) for ln in lines(ctx) if ln.kind == "heading"}
    buf, page, fresh = "", None, True
    for number in sorted(ctx.pages):
        for raw in (ctx.pages[number] or "").splitlines():
            s = squash(raw)
            if not s:
                continue
            if (number, s) in heading_texts:
                if buf:
                    out.append(Sentence(page, buf, fresh))
                buf, page, fresh = "", None, True
                continue
            for part in re.split(r"(?<=[。！？!?])", s):
                if not part:
                    continue
                if not buf:
                    page = number
                    fresh = fresh or bool(_ITEM_START.match(part))
                buf += part
                if buf[-1] in _SENTENCE_END:
                    out.append(Sentence(page, buf, fresh))
                    buf, fresh = "", False
    if buf:
        out.append(Sentence(page, buf, fresh))
    ctx.cache["layout_sentences"] = out
    return out
