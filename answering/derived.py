"""A year's figure the corpus does not print but states by difference: the next year's document gives the
figure and its change against that year ('机关运行经费支出184.65万元，比2023年度增加2.55万元'), so the earlier
figure is 184.65 − 2.55 = 182.10. Shown as a computed result with both printed operands cited."""
from __future__ import annotations

import re
from dataclasses import replace

from budgetqa.answering import render
from budgetqa.answering.measure_compare import co_locate
from budgetqa.answering.operands import Operand, change_is_down, computed_answer
from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.measures import measures_in_question
from budgetqa.core.records import Answer, Fact


def _against_year(fact: Fact, doc_year: int) -> int | None:
    """The year a stated change is measured against: the one named before the figure, else the year before."""
    q = fact.quote or ""
    idx = q.find(fact.value_text) if fact.value_text else -1
    head = q[:idx] if idx >= 0 else q
    years = re.findall(r"(?:比|较|与)\s*((?:19|20)\d{2})\s*年", head)
    if years:
        return int(years[-1])
    return doc_year - 1 if re.search(r"比上年|较上年|上年", head) or not re.search(r"(?:19|20)\d{2}", head) else None


def _head(fact: Fact) -> str:
    q = fact.quote or ""
    idx = q.find(fact.value_text) if fact.value_text else -1
    return q[:idx] if idx >= 0 else q


def previous_by_change(fa, pq: ParsedQuestion, org: str, year: int) -> Answer | None:
    """The figure of `year` from the next year's document: its figure minus its stated change."""
    if year + 1 not in fa.catalog.years(org):
        return None
    lookup = replace(pq, intent="lookup", years=[year + 1], measures=[])
    cur = fa.finder.find(org, lookup, year=year + 1)
    change = fa.finder.find(org, lookup, year=year + 1, period="change")
    if cur is None or change is None or cur.fact.blank:
        return None
    cur, change = co_locate(cur, change)  # the figure of the sentence that states the change
    c, d = cur.fact, change.fact
    if pq.measures and not set(pq.measures) & set(measures_in_question(_head(d))):
        return None  # '比2024年预算执行数增加…' gives the 执行数, not the 预算数 asked
    if c.unit != d.unit or c.value_yuan is None or d.value_yuan is None or d.doc_id != c.doc_id \
            or _against_year(d, year + 1) != year or render.fact_label(d).find(render.fact_label(c)[:2]) < 0:
        return None
    delta = -abs(d.value) if change_is_down(d) else abs(d.value)
    value = c.value - delta
    unit = c.unit
    head = (f"{org}{year}年{render.fact_label(c)}为{render.fmt_number(value)}{unit}（据{year + 1}年文件所列本年数"
            f"与增减额推算）。")
    arith = f"{render.fmt_number(c.value)} − ({render.fmt_number(delta)}) = {render.fmt_number(value)}（{unit}）"
    return computed_answer(fa, pq, head, [Operand(cur), Operand(change)], arith, [org])
