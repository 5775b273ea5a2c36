"""Broad duty / list / how questions ('主要职责有哪些', '保障措施有哪些'): the items under the matching heading
(up to MAX_ITEMS, each with its citation)."""
from __future__ import annotations

import re
from dataclasses import replace

from budgetqa.answering import render
from budgetqa.answering.paragraphs import is_item
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.terms import GENERIC_N, Terms
from budgetqa.answering.units import Quote, Unit
from budgetqa.ingest.layout import marker_level

MAX_ITEMS = 5  # items quoted under a heading
_SECTION_LEVEL = 1  # '一、' and '（一）' (layout levels 0 and 1) open sections, not items


def quote_list(pq: ParsedQuestion, kind: str, terms: Terms, units: list[Unit]) -> tuple[list[Quote], str]:
    """Broad duty / list / how questions: the items under the heading naming the asked topic."""
    cores = [w for w in terms.words if w not in GENERIC_N]
    heading_cue = {"duty": re.compile(r"职责|职能|工作职责|主要任务"),
                   "how": re.compile(r"措施|举措|办法|保障"),
                   "list": None}[kind]
    best: tuple[float, Unit] | None = None
    for u in units:
        if u.form != "heading" or u.passage.chunk.kind == "table":
            continue
        line = u.text
        if cores and not all(c in line for c in cores):
            continue
        if heading_cue is not None and not heading_cue.search(line):
            continue
        if heading_cue is None and not cores:
            continue
        score = (1.0 / (1 + u.rank / 4)) if u.rank is not None else 0.0
        score -= 0.001 * len(line) + (0.05 if line.rstrip().endswith(("：", ":")) else 0.0)
        if best is None or score > best[0]:
            best = (score, u)
    if best is None:
        return [], ""
    keep = heading_cue or re.compile("|".join(map(re.escape, cores)))
    items = items_after(best[1], units, 30, keep)
    if not items:
        return [], ""
    intro = 0 if is_item(items[0].text) else 1  # an intro paragraph before the items
    shown = items[:MAX_ITEMS + intro]
    out = []
    for it in shown:
        q = Quote(it.passage, it.text, 1.0, 1.0)
        if it.chunk_end and it.text.rstrip()[-1:] not in "。！？!?；;：:":
            nxt = [x for x in items if x.passage.chunk.ordinal > it.passage.chunk.ordinal]
            if nxt and not is_item(nxt[0].text) and nxt[0] not in shown:
                q.more = [(nxt[0].passage, nxt[0].text)]
        out.append(q)
    note = ""
    if any(is_item(it.text) for it in items[len(shown):]):
        note = render.more_items(sum(1 for it in shown if is_item(it.text)))
    return out, note


def items_after(head: Unit, units: list[Unit], limit: int, keep: re.Pattern | None = None) -> list[Unit]:
    """The paragraphs following a heading (or an intro sentence ending in '：') up to the next heading of
    the same or a higher level, as units spanning whole paragraphs, across chunk boundaries. An intro
    line ('第三条…的主要职责是：') continues the list when nothing was listed yet or it matches `keep`.
    Levels are the layout module's numbering (`marker_level`); an unnumbered heading (a title) ends any list,
    '一、' or '（一）' ends the list after an intro sentence."""
    doc = head.passage.chunk.doc_id
    level = marker_level(head.text) if head.form == "heading" else None  # None: a title or an intro sentence
    seq = [u for u in units if u.passage.chunk.doc_id == doc]
    try:
        i = next(k for k, u in enumerate(seq) if u is head)
    except StopIteration:
        return []
    out: list[Unit] = []
    last_ord = head.passage.chunk.ordinal
    for u in seq[i + 1:]:
        ch = u.passage.chunk
        if ch.ordinal > last_ord + 1 or ch.kind == "table":
            break
        if u.form == "heading":
            lv = marker_level(u.text)
            intro = u.text.rstrip().endswith(("：", ":")) and (
                not out or (keep is not None and bool(keep.search(u.text))))
            ends = (lv is None or (head.form != "heading" and lv <= _SECTION_LEVEL)
                    or (level is not None and lv <= level))
            if not intro and ends:
                break
        last_ord = ch.ordinal
        if out and out[-1].passage.chunk.id == ch.id and out[-1].para == u.para:
            out[-1] = replace(out[-1], end=u.end, chunk_end=u.chunk_end)  # the rest of the paragraph
            continue
        if len(out) >= limit:
            break
        out.append(u)
    # an intro line ending in '：' reads with the line after it
    merged: list[Unit] = []
    for u in out:
        m = merged[-1] if merged else None
        if m is not None and m.text.rstrip().endswith(("：", ":")) and m.passage.chunk.id == u.passage.chunk.id:
            merged[-1] = replace(m, end=u.end, chunk_end=u.chunk_end)
        else:
            merged.append(u)
    return merged
