"""Recall on injected errors of kinds other than a changed figure: the printed document itself is edited.

Kinds (one edit per trial, on a copy of the loaded Document; facts are extracted again from the copy):
    空单元格  a table cell whose figure the text also states is emptied
    方向词    a direction word tied to figures is flipped ('小于'->'大于', '减少'->'增加', ...)
    标题年度  the year in a heading or table title is changed
    标题占位  a placeholder ('XX单位') is put into a table title
    目录缺表  a table the contents lists is dropped (its title line and rows)
A trial counts as found when the copy has a 确定/疑似 finding the original has not, naming the edited place
(the emptied cell's row or the figure the text states for it, the flipped sentence, the edited title or
contents entry).
"""
from __future__ import annotations

import copy
import logging
import random
import re
from dataclasses import dataclass

from budgetqa.core.records import Document, Fact, Page

from budgetqa.audit.context import DocContext, close, tolerance
from budgetqa.audit.findings import Finding
from budgetqa.audit.layout import lines, squash, toc_entry
from budgetqa.audit.runner import audit_document
from budgetqa.audit.checks_titles import is_template

log = logging.getLogger(__name__)

KINDS = ("空单元格", "方向词", "标题年度", "标题占位", "目录缺表")
FLIPS = {"大于": "小于", "小于": "大于", "高于": "低于", "低于": "高于", "增加": "减少", "减少": "增加",
         "增长": "下降", "下降": "增长"}
_FLIP = re.compile("|".join(FLIPS))
_STATED = re.compile(r"决算数?$")  # '决算数|小于|预算数': the word right after 决算(数)
_NUMBER_AFTER = re.compile(r"\s*-?\d")
_QUOTES = re.compile(r"[“”\"'‘’「」]")
PLACEHOLDER_TEXT = "XX单位"


@dataclass
class Trial:
    kind: str
    doc: Document
    markers: tuple[str, ...]  # squashed texts a finding about the edit names (any of them)


def _context(doc: Document, facts: list[Fact]) -> DocContext:
    return DocContext(doc_id=doc.id, name=doc.name, facts=facts, pages={p.number: p.text for p in doc.pages},
                      paged=doc.paged, kind=doc.meta.kind, year=doc.meta.year, org=doc.meta.org, tables=doc.tables,
                      format=doc.format)


def _edit(page: Page, start: int, end: int, new: str) -> None:
    """Replace page.text[start:end], keeping the spans of the tables after it right."""
    page.text = page.text[:start] + new + page.text[end:]
    delta = len(new) - (end - start)
    for t in page.tables:
        if t.char_start is not None and t.char_start >= end:
            t.char_start += delta
            t.char_end = t.char_end + delta if t.char_end is not None else None


def _number(text: str) -> str:
    m = re.match(r"-?[\d,]*\.?\d+", squash(text))
    return m.group(0) if m else squash(text)


def empty_cells(doc: Document, facts: list[Fact]) -> list[Trial]:
    stated = [f for f in facts if f.statement == "narrative" and f.item and f.value_yuan and f.period == "current"]
    out, seen = [], set()
    for t in facts:
        if t.table_index is None or not t.item or not t.value_yuan or t.period != "current":
            continue
        n = next((n for n in stated if n.item == t.item and close(n.value_yuan, t.value_yuan, tolerance([n, t]))), None)
        if n is None or (t.table_index, t.row_index, t.col_index) in seen:
            continue
        seen.add((t.table_index, t.row_index, t.col_index))
        copy_ = copy.deepcopy(doc)
        table = next(x for x in copy_.tables if x.index == t.table_index)
        table.rows[t.row_index][t.col_index] = ""
        out.append(Trial("空单元格", copy_, (_number(n.value_text), squash(t.row_label))))
    return out


def flipped_words(doc: Document, facts: list[Fact]) -> list[Trial]:
    out = []
    for p_i, page in enumerate(doc.pages):
        for m in _FLIP.finditer(page.text):
            before = page.text[max(0, m.start() - 12):m.start()]
            statement = bool(_STATED.search(squash(before))) and m.group(0) in ("大于", "小于", "高于", "低于")
            tied = bool(_NUMBER_AFTER.match(page.text[m.end():m.end() + 3])) and m.group(0) not in ("大于", "小于")
            if not (statement or tied) or page.text[m.end():m.end() + 1] in "（(":
                continue
            copy_ = copy.deepcopy(doc)
            new = FLIPS[m.group(0)]
            _edit(copy_.pages[p_i], m.start(), m.end(), new)
            head = re.split(r"[。；;，,\n]", squash(before))[-1][-6:]
            out.append(Trial("方向词", copy_, (head + new,)))
    return out


def heading_years(doc: Document, facts: list[Fact], rng: random.Random) -> list[Trial]:
    year = doc.meta.year
    if not year:
        return []
    out = []
    for ln in lines(_context(doc, facts)):
        if ln.kind != "heading" or str(year) not in ln.text:
            continue
        other = str(year + rng.choice((-2, -1, 1)))
        copy_ = copy.deepcopy(doc)
        page = next(p for p in copy_.pages if p.number == ln.page)
        at = page.text.find(ln.text)
        if at < 0:
            continue
        new = ln.text.replace(str(year), other, 1)
        _edit(page, at, at + len(ln.text), new)
        for t in copy_.tables:
            if t.title and t.title.strip() == ln.text:
                t.title = new
        out.append(Trial("标题年度", copy_, (squash(new),)))
    return out


def _title_spot(page: Page, title: str, before: int | None) -> int:
    """Position of a table's title line in its page text (the last one above the table), or -1."""
    return page.text.rfind(title, 0, before if before is not None else len(page.text))


def placeholder_titles(doc: Document, facts: list[Fact]) -> list[Trial]:
    out, seen = [], set()
    for t in doc.tables:
        title = (t.title or "").strip()
        if not title or title in seen:
            continue
        seen.add(title)
        copy_ = copy.deepcopy(doc)
        page = next((p for p in copy_.pages if p.number == (t.page or 1)), None)
        at = _title_spot(page, title, t.char_start) if page else -1
        if at < 0:
            continue
        org = doc.meta.org or ""
        new = title.replace(org, PLACEHOLDER_TEXT, 1) if org and org in title else PLACEHOLDER_TEXT + title
        _edit(page, at, at + len(title), new)
        for x in copy_.tables:
            if (x.title or "").strip() == title:
                x.title = new
        out.append(Trial("标题占位", copy_, (squash(new),)))
    return out


def dropped_tables(doc: Document, facts: list[Fact]) -> list[Trial]:
    entries = [toc_entry(ln.text) for ln in lines(_context(doc, facts)) if ln.kind == "toc"]
    entries = [e for e in entries if e.endswith("表")]
    out, seen = [], set()
    for t in doc.tables:
        title = _QUOTES.sub("", squash(t.title))
        entry = next((e for e in entries if title and (_QUOTES.sub("", e) in title or title in _QUOTES.sub("", e))), None)
        if entry is None or title in seen:
            continue
        seen.add(title)
        copy_ = copy.deepcopy(doc)
        for page in copy_.pages:
            mine = [x for x in page.tables if _QUOTES.sub("", squash(x.title)) == title]
            for x in sorted(mine, key=lambda x: x.char_start or 0, reverse=True):
                if x.char_start is not None and x.char_end is not None:
                    at = _title_spot(page, (x.title or "").strip(), x.char_start)
                    start = at if at >= 0 and x.char_start - at < 200 else x.char_start
                    _edit(page, start, x.char_end, "")
                page.tables.remove(x)
        for i, x in enumerate(copy_.tables):
            x.index = i
        out.append(Trial("目录缺表", copy_, (_QUOTES.sub("", entry),)))
    return out


def trials(doc: Document, facts: list[Fact], rng: random.Random) -> list[Trial]:
    return (empty_cells(doc, facts) + flipped_words(doc, facts) + heading_years(doc, facts, rng)
            + placeholder_titles(doc, facts) + dropped_tables(doc, facts))


def _key(f: Finding) -> tuple:
    return (f.rule, f.item, f.message)


def _names(f: Finding, markers: tuple[str, ...]) -> bool:
    text = squash(f.message) + "".join(squash(c.quote) + squash(c.locator) for c in f.citations)
    return any(m and (m in _QUOTES.sub("", text) or m in text) for m in markers)


def perturb_kinds(doc: Document, facts: list[Fact], n: int, rng: random.Random) -> dict[str, tuple[int, int, int]]:
    """{kind: (found, found as 确定, tried)} for up to n edits of each kind ({} for a blank form)."""
    from budgetqa.ingest.facts import extract_facts

    if is_template(_context(doc, facts)):
        return {}
    before = {_key(f) for f in audit_document(doc, facts)}
    pool = trials(doc, facts, rng)
    out = {}
    for kind in KINDS:
        mine = [t for t in pool if t.kind == kind]
        found = certain = 0
        picks = rng.sample(mine, min(n, len(mine)))
        for t in picks:
            new = [f for f in audit_document(t.doc, extract_facts(t.doc))
                   if f.severity in ("确定", "疑似") and _key(f) not in before and _names(f, t.markers)]
            found += bool(new)
            certain += any(f.severity == "确定" for f in new)
            if not new:
                log.info("missed %s in %s: %s", kind, doc.name, " / ".join(t.markers))
        out[kind] = (found, certain, len(picks))
    return out


def format_kinds(results: dict[str, dict[str, tuple[int, int, int]]]) -> list[str]:
    lines_ = ["注入错误（按类型，每个文件每类至多N处）后的检出率："]
    for kind in KINDS:
        found = sum(r[kind][0] for r in results.values() if kind in r)
        certain = sum(r[kind][1] for r in results.values() if kind in r)
        tried = sum(r[kind][2] for r in results.values() if kind in r)
        rate = f"{found / tried:.0%}" if tried else "—"
        lines_.append(f"  {kind}：注入 {tried}，检出 {found}，检出率 {rate}，其中确定 {certain}")
    return lines_
