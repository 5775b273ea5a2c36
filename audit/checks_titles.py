"""Titles and headings: a year other than the document's, a placeholder left in, a contents entry with nothing
behind it. Headings and contents entries come from budgetqa.audit.layout; table titles also from the tables."""
from __future__ import annotations

import logging
import re

from budgetqa.core.records import Citation

from budgetqa.audit.context import DocContext
from budgetqa.audit.findings import Finding, make_finding
from budgetqa.audit.layout import Line, lines, squash, toc_entry, toc_level
from budgetqa.audit.rules import CERTAIN, SUSPECTED, Rule

log = logging.getLogger(__name__)

_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
# words that let a heading name another year legitimately (last year's execution, a work summary, a plan...)
_OTHER_PERIOD = re.compile(r"上年|以前|往年|执行|完成|总结|计划|规划|回顾|比|较|同期|截至|截止|至20|—20|-20|~20|对比")
_KIND_WORDS = {"预算": re.compile(r"预算"), "决算": re.compile(r"决算")}
_GENERIC = re.compile(r"公开|情况说明|编制说明")
# placeholders left from a blank form: 'XX局', '××单位', '某某', '〇〇' (not inside a written-out year '二〇〇九')
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XＸx]{2,}(?![A-Za-z])|[×✕╳]{2,}|某某|(?<![一二三四五六七八九十零〇])〇〇(?![一二三四五六七八九十零〇])")
_QUOTES = re.compile(r"[“”\"'‘’「」]")
_YEAR_WORD = re.compile(r"20\d{2}年度?")


def _cite(ctx: DocContext, line: Line, locator: str) -> Citation:
    return Citation(doc=ctx.name, page=line.page if ctx.paged else None, locator=locator, quote=line.text)


def _headings(ctx: DocContext) -> list[Line]:
    """Body headings plus table titles not already printed as a heading line."""
    found = [ln for ln in lines(ctx) if ln.kind == "heading"]
    seen = {squash(ln.text) for ln in found}
    for t in ctx.tables:
        if t.title and squash(t.title) not in seen:
            seen.add(squash(t.title))
            found.append(Line(t.page or 1, t.title.strip(), "heading"))
    return found


def check_title_years(ctx: DocContext, rule: Rule) -> list[Finding]:
    year = ctx.doc_year
    if not year or not ctx.pages:
        return []
    own_kind = "决算" if ctx.is_final else "预算"
    heads = _headings(ctx)
    own = sum(1 for ln in heads if any(int(y) == year for y in _YEAR.findall(ln.text)))
    out = []
    for ln in heads:
        flat = squash(ln.text)
        for m in _YEAR.finditer(flat):
            stated = int(m.group(1))
            if stated == year or _OTHER_PERIOD.search(flat):
                continue
            if not (_KIND_WORDS[own_kind].search(flat) or _GENERIC.search(flat)):
                continue  # e.g. last year's 决算 in a budget, a work plan: other years are legitimate there
            severity = CERTAIN if own >= 2 else SUSPECTED
            msg = (f"本文件为{year}年{own_kind}，但标题“{ln.text}”写的是{stated}年"
                   f"（其余{own}处标题写{year}年）")
            value = {"role": "标题年度", "label": ln.text, "value": f"{stated}年", "unit": "年"}
            out.append(make_finding("title_year", severity, ctx, msg, [], item="标题年度",
                                    extra=[(value, _cite(ctx, ln, "标题"))],
                                    summary=f"标题所写年度（{stated}年）与文件年度不一致"))
    return out


def is_template(ctx: DocContext) -> bool:
    """A blank form: placeholders all over and no figure of any known item (the completeness rule notes it)."""
    return len(PLACEHOLDER.findall(ctx.text)) >= 5 and not any(f.item and f.value_yuan for f in ctx.money)


def check_placeholders(ctx: DocContext, rule: Rule) -> list[Finding]:
    if not ctx.pages or is_template(ctx):
        return []
    out = []
    for ln in _headings(ctx):
        m = PLACEHOLDER.search(ln.text)
        if not m:
            continue
        msg = f"标题“{ln.text}”中留有占位符“{m.group(0)}”"
        value = {"role": "标题", "label": ln.text, "value": m.group(0), "unit": ""}
        out.append(make_finding("placeholder", CERTAIN, ctx, msg, [], item="占位符",
                                extra=[(value, _cite(ctx, ln, "标题"))], summary="标题中留有占位符"))
    return out


def _bare(ctx: DocContext, title: str) -> str:
    """A title without numbering, page leader, quotes, organisation and year: what a contents entry and the
    printed title share ('9．2025年部门“三公”经费…预算表……12' -> '部门三公经费…预算表')."""
    s = _QUOTES.sub("", toc_entry(title))
    if ctx.org:
        s = s.replace(squash(ctx.org), "")
    return _YEAR_WORD.sub("", s)


def check_toc(ctx: DocContext, rule: Rule) -> list[Finding]:
    """Every table the contents lists ('五、…决算表') is printed in the body (its title found there)."""
    if not ctx.pages:
        return []
    titles = {_bare(ctx, ln.text) for ln in _headings(ctx)}
    out = []
    toc = [ln for ln in lines(ctx) if ln.kind == "toc"]
    for i, ln in enumerate(toc):
        if i + 1 < len(toc) and toc_level(toc[i + 1].text) > toc_level(ln.text):
            continue  # a group ('五、部门预算表') whose tables are listed below it
        entry = _bare(ctx, ln.text)
        if not entry.endswith("表") or len(entry) < 4 or entry in titles:
            continue
        msg = f"目录列有“{toc_entry(ln.text)}”，但正文中未见该表"
        value = {"role": "目录条目", "label": ln.text, "value": toc_entry(ln.text), "unit": ""}
        out.append(make_finding("toc_missing", SUSPECTED, ctx, msg, [], item=toc_entry(ln.text),
                                extra=[(value, _cite(ctx, ln, "目录"))], summary="目录所列表格在正文中未见"))
    return out
