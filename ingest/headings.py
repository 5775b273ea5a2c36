"""Which lines of a document are section headings, read once at ingest.

`HeadingReader` is shared by the chunker and the narrative fact extraction, so fact locators and chunk sections
agree. Levels follow the one numbering of budgetqa.ingest.layout (`marker_level`): 0 = '第一部分' / '一、' and
unnumbered titles ('名词解释', '2024年部门预算编制说明'), 1 = '（一）', 2 = '1、', 3 = '（1）'.
"""
from __future__ import annotations

import re

from budgetqa.core.numbers import find_numbers
from budgetqa.core.numerals import small_int
from budgetqa.ingest.layout import MAX_HEADING_CHARS, NUMBERED, starts_item

# An unnumbered title line ('2025年部门预算编制说明', '主要职能', '…机构设置') opens a top-level section too.
_TITLE = re.compile(r"^[^，。；：,;:、\s]{2,30}(?:说明|情况|职能|职责|解释|概况|目标|措施|设置|表)$")
_TOC_LEADER = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|-{4,})\s*\d*\s*$")
TITLE_LEVEL = 0  # the level an unnumbered title opens


def cn_number(text: str) -> int:
    """'九' -> 9, '十二' -> 12, '二十' -> 20, '12' -> 12 (0 when it is none)."""
    return small_int(text) or 0


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
        for style, level, pattern in NUMBERED:
            m = pattern.match(s)
            if not m:
                continue
            number = cn_number(m.group("n"))
            if wraps:
                nxt = (next_line or "").strip()
                ok = bool(nxt) and (starts_item(nxt) and heading_text(s, level)
                                    or not starts_item(nxt) and heading_text(s + nxt, level))
            else:
                ok = heading_text(s, level)
            if ok and not self._figures and has_figure(s):
                ok = False
            last = self._seq.get(style)
            if ok and last is not None and number == last[0] + 1 and not last[1]:
                ok = False
            self._seq[style] = (number, ok)
            if ok:
                for other, other_level, _ in NUMBERED:
                    if other_level > level:
                        self._seq.pop(other, None)
            return (level, s.rstrip("。：:").strip()) if ok else None
        if continues:
            return None
        flat = re.sub(r"\s+", "", s)
        if _TITLE.match(flat) and not has_figure(flat):
            return TITLE_LEVEL, s
        return None


def has_figure(text: str) -> bool:
    """The text holds a number with its unit ('1万元', '3辆')."""
    return any(n.unit and n.kind != "year" for n in find_numbers(text))


def heading_text(s: str, level: int) -> bool:
    """A numbered line of this level reads as a heading: short, no clause punctuation inside; a final '。'
    only above the '1、' level ('6、承办…事项。' is a list item)."""
    if len(s) > MAX_HEADING_CHARS:
        return False
    body = s.rstrip("：:") if level < 2 else s
    if re.search(r"[，,；;：:]", body) or "。" in body.rstrip("。"):
        return False  # a sentence or list item, not a heading
    return not (level >= 2 and s.endswith("。"))


def heading_level(line: str) -> int | None:
    """Level of a heading line read on its own (no list context), or None for body text."""
    found = HeadingReader().read(line)
    return found[0] if found else None
