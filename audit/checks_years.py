"""Year inconsistencies inside one document: a statement about another year's budget, an odd asset date."""
from __future__ import annotations

import logging
import re
from collections import Counter

from budgetqa.core.numbers import find_numbers
from budgetqa.core.records import Citation, Fact

from budgetqa.audit.context import DocContext
from budgetqa.audit.findings import Finding, make_finding
from budgetqa.audit.rules import CERTAIN, SUSPECTED, Rule

log = logging.getLogger(__name__)
_SENTENCE = re.compile(r"[^。；;\n]+")
# a sentence whose subject is a year: '2019年我部门“三公”经费预算安排4.5万元'
_LEAD_YEAR = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]\s*)?(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_BUDGET_WORD = re.compile(r"预算|决算|安排|经费|支出|收入")
# comparisons and other years that legitimately differ from the document year
_OTHER = re.compile(r"比|较|与|相比|对比|同比|上年|去年|执行|实际|完成|截至|截止|年末|年底|年初|期末|以来|至今|成立|结转|累计|调整|"
                    r"计划|将|拟|预计")
_AS_OF = re.compile(r"截[止至](?:时间|日期)?[:：]?\s*(20\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})")
_ITEM_HINT = re.compile(r"三公|出国|接待|公务用车|基本支出|项目支出|人员经费|公用经费|机关运行|收入|支出|政府采购")


def check_years(ctx: DocContext, rule: Rule) -> list[Finding]:
    year = ctx.doc_year
    if not year or not ctx.pages:
        return []
    return _subject_years(ctx, year) + _asset_dates(ctx, year)


def _sentences(ctx: DocContext):
    """(page, sentence, text just before it) - the text before tells a PDF line break ('比\n2023年…') from a
    sentence that really starts with a year."""
    for number in sorted(ctx.pages):
        text = ctx.pages[number] or ""
        for m in _SENTENCE.finditer(text):
            before = re.sub(r"\s+", "", text[max(0, m.start() - 12):m.start()])[-6:]
            yield number, m.group(0).strip(), before


def _subject_years(ctx: DocContext, year: int) -> list[Finding]:
    sentences = list(_sentences(ctx))
    led = Counter(int(m.group(1)) for _, s, _ in sentences if (m := _LEAD_YEAR.match(s)))
    own = led[year]
    out = []
    for page, s, before in sentences:
        m = _LEAD_YEAR.match(s)
        if not m or int(m.group(1)) == year or (before and before[-1] not in "。；;：:！？!?" and
                                               _OTHER.search(before[-3:])):
            continue
        money = next((n for n in find_numbers(s) if n.is_money), None)
        if not money or not _BUDGET_WORD.search(s[:money.start]) or _OTHER.search(s[:money.start]):
            continue
        stated = int(m.group(1))
        if led[stated] > max(1, own // 4):
            continue  # the document covers that year too (e.g. last year's accounts and this year's budget)
        # a year off by one may be last year's figure quoted without '上年'; two or more is a stale paragraph
        certain = own >= 2 and bool(_ITEM_HINT.search(s[:money.start])) and 2 <= abs(stated - year) <= 5
        msg = (f"本文件为{year}年{_kind(ctx)}，但“{s[:60]}”写的是{stated}年，年度不一致"
               f"（文件中其余{own}处以{year}年表述）")
        out.append(_finding(ctx, msg, CERTAIN if certain else SUSPECTED, page, s, str(stated)))
    return out


def _asset_dates(ctx: DocContext, year: int) -> list[Finding]:
    """Asset figures are as of the end of last year in a budget (Shanghai: 31 Aug), of this year in final accounts."""
    expected = year if ctx.is_final else year - 1
    out = []
    for number in sorted(ctx.pages):
        text = ctx.pages[number] or ""
        for m in _AS_OF.finditer(text):
            stated = int(m.group(1))
            if stated == expected:
                continue
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            line = text[start:end if end > 0 else len(text)].strip()
            msg = (f"本文件为{year}年{_kind(ctx)}，资产等数据的截止时间应为{expected}年，"
                   f"但写为{stated}年（“{line[:40]}”）")
            out.append(_finding(ctx, msg, SUSPECTED, number, line, str(stated), item="截止时间"))
    return out


def _kind(ctx: DocContext) -> str:
    return "决算" if ctx.is_final else "预算"


def _finding(ctx: DocContext, msg: str, severity: str, page: int, sentence: str, stated: str,
             item: str = "年度") -> Finding:
    facts = _facts_in(ctx, sentence)
    cite = Citation(doc=ctx.name, page=page if ctx.paged else None, locator="正文", quote=sentence)
    extra = [] if facts else [({"role": "所述年度", "label": "", "value": f"{stated}年", "unit": "年"}, cite)]
    if facts and item == "年度":
        item = facts[0].item or item  # the figure concerned, so that answers about it carry the warning
    summary = f"此处所写年度（{stated}年）与文件年度不一致"
    return make_finding("year", severity, ctx, msg, [("所述数字", f) for f in facts], item=item, extra=extra,
                        summary=summary)


def _facts_in(ctx: DocContext, sentence: str) -> list[Fact]:
    """Narrative facts printed in this sentence (so that answers citing them carry the warning)."""
    key = sentence.strip()[:30]
    return [f for f in ctx.facts if f.statement == "narrative" and key and key in (f.quote or "")][:4]
