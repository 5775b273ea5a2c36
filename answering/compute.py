"""Computed answers: difference, growth, share, sum, ranking and trend. Decimal arithmetic; every operand
is a disclosed fact shown with its citation, and the result is marked （计算结果）."""
from __future__ import annotations

import logging
import re

from budgetqa.answering import render
from budgetqa.answering.interpret import interpretation
from budgetqa.answering.item_roles import share_roles
from budgetqa.answering.lookup import Found
from budgetqa.answering.measure_compare import (
    amount_measures,
    compare_measures,
    execution_rate,
)
from budgetqa.answering.operands import (
    Operand,
    change_is_down,
    common_unit,
    computed_answer,
    find_operand,
    missing_answer,
    percent,
)
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.series import ranking, total, trend

from budgetqa.core.records import Answer
from budgetqa.core.vocabulary import get_vocabulary

log = logging.getLogger(__name__)



def compute(fa, pq: ParsedQuestion) -> Answer | None:
    handler = {"difference": change, "growth": change, "share": share, "rate": rate, "sum": total,
               "ranking": ranking, "trend": trend}[pq.intent]
    return handler(fa, pq)


def rate(fa, pq: ParsedQuestion) -> Answer | None:
    orgs = fa.scope(pq)
    if isinstance(orgs, Answer) or not orgs:
        return orgs or None
    return execution_rate(fa, pq, orgs[0])


# --- difference / growth -------------------------------------------------------------------

def change(fa, pq: ParsedQuestion) -> Answer | None:
    orgs = fa.scope(pq)
    if isinstance(orgs, Answer):
        return orgs
    if not orgs:
        return None
    notes: list[str] = []
    growth = pq.intent == "growth"
    if len(orgs) >= 2:
        a = find_operand(fa, orgs[0], pq, pq.year, notes)
        b = find_operand(fa, orgs[1], pq, pq.year, notes)
        if not a or not b:
            return missing_answer(fa, pq, orgs[1] if a else orgs[0])
        return _compare(fa, pq, Operand(a), Operand(b), orgs, growth, notes)
    org = orgs[0]
    if amount_measures(pq) and len(orgs) == 1:
        measured = compare_measures(fa, pq, org)
        if measured is not None:
            return measured
    if len(pq.years) >= 2:
        late, early = max(pq.years[:2]), min(pq.years[:2])
        a, b = fa.finder.find(org, pq, year=late), fa.finder.find(org, pq, year=early)
        if not a or not b:
            return missing_answer(fa, pq, org)
        return _compare(fa, pq, Operand(a), Operand(b), orgs, growth, notes)
    if len(pq.items) >= 2 and not pq.compare_with_previous:
        a = fa.finder.find(org, pq, year=pq.year, items=[pq.items[0]])
        b = fa.finder.find(org, pq, year=pq.year, items=[pq.items[1]])
        if not a or not b:
            return missing_answer(fa, pq, org)
        return _compare(fa, pq, Operand(a), Operand(b), orgs, growth, notes)
    # against the previous year: a change stated in the document first
    stated = fa.finder.find(org, pq, year=pq.year, period="change_pct" if growth else "change")
    if stated is None and growth:
        stated = fa.finder.find(org, pq, year=pq.year, period="change")
    cur = fa.finder.find(org, pq, year=pq.year)
    if stated is not None:
        return _stated(fa, pq, stated, cur, org, growth)
    if cur is None:
        return missing_answer(fa, pq, org)
    prev = None
    if cur.doc_year is not None:
        prev = fa.finder.find(org, pq, year=cur.doc_year - 1)
    if prev is None or prev.fact is cur.fact:
        prev = fa.finder.find(org, pq, year=cur.doc_year, period="previous")
        if prev is not None and prev.fact.period != "previous":
            prev = None
    if prev is None:
        return _missing_previous(fa, pq, cur, org)
    return _compare(fa, pq, Operand(cur), Operand(prev), orgs, growth, notes)


def _compare(fa, pq, a: Operand, b: Operand, orgs, growth: bool, notes: list[str]) -> Answer | None:
    unit = common_unit([a, b], pq.unit)
    if unit is None:
        return None
    x, y = a.amount(unit), b.amount(unit)
    diff = x - y
    if growth:
        pct = percent(diff, y)
        if pct is None:
            return None
        word = "增长" if pct >= 0 else "下降"
        head = f"{a.label(fa)}较{b.label(fa)}{word}{render.fmt_number(abs(pct))}%。"
        arith = f"({render.fmt_number(x)} − {render.fmt_number(y)}) ÷ {render.fmt_number(y)} × 100% = {render.fmt_number(pct)}%"
    else:
        if diff == 0:
            head = f"{a.label(fa)}与{b.label(fa)}相同，差额为0{unit}。"
        else:
            word = "多" if diff > 0 else "少"
            head = f"{a.label(fa)}比{b.label(fa)}{word}{render.fmt_number(abs(diff))}{unit}。"
        arith = f"{render.fmt_number(x)} − {render.fmt_number(y)} = {render.fmt_number(diff)}（{unit}）"
    return computed_answer(fa, pq, head, [a, b], arith, orgs, notes)


def _stated(fa, pq, stated: Found, cur: Found | None, org: str, growth: bool) -> Answer:
    f = stated.fact
    label = render.fact_label(f)
    down = change_is_down(f)
    word = ("下降" if down else "增长") if f.period == "change_pct" else ("减少" if down else "增加")
    amount = render.fmt_plain(abs(f.value), f.unit)
    year = render.year_text(stated.year)
    if re.search(r"减少|下降|降低|增加|增长|上升|提高|持平", label):
        head = f"{org}{year}{label}{amount}"  # '预算收支较2020年减少' + '53.49万元'
    else:
        head = f"{org}{year}{label}较上年{word}{amount}"
    lines = [f"{head}（文件直接披露）。"]
    if f.quote:
        lines.append(f"原文：“{render.short_quote(f.quote)}”")
    cite = fa.finder.citation(f)
    lines.append(render.source_line(cite))
    facts = [fa.finder.fact_dict(org, stated.year, f)]
    cites = [cite]
    if cur is not None and growth and f.period == "change" and cur.fact.unit == f.unit:
        base = cur.fact.value - (-abs(f.value) if down else abs(f.value))
        pct = percent(-abs(f.value) if down else abs(f.value), base)
        if pct is not None:
            lines.insert(1, f"折合{'下降' if down else '增长'}{render.fmt_number(abs(pct))}%{render.COMPUTED}"
                            f"（{render.printed(cur.fact)}与上年数之差按披露的增减额计算）。")
            facts.append(fa.finder.fact_dict(org, cur.year, cur.fact))
            cites.append(fa.finder.citation(cur.fact))
    return Answer(question=pq.text, answer="\n".join(lines), status="answered", facts=facts, citations=cites,
                  interpretation=interpretation(pq, [org], stated.year))


def _missing_previous(fa, pq, cur: Found, org: str) -> Answer:
    c = fa.finder.citation(cur.fact)
    text = (f"未找到{org}{render.year_text((cur.doc_year or 1) - 1)}的对应数据，无法计算增减（未披露）。"
            f"已知{render.year_text(cur.year)}{render.fact_label(cur.fact)}为{render.printed(cur.fact)}（{render.where(c)}）。")
    return Answer(question=pq.text, answer=text, status="not_found", facts=[fa.finder.fact_dict(org, cur.year, cur.fact)],
                  citations=[c], interpretation=interpretation(pq, [org]))


# --- share --------------------------------------------------------------------------------

def share(fa, pq: ParsedQuestion) -> Answer | None:
    orgs = fa.scope(pq)
    if isinstance(orgs, Answer) or not orgs:
        return orgs or None
    org = orgs[0]
    if not pq.items:
        return None
    roles = share_roles(pq) if len(pq.items) >= 2 else None
    num_item, den_item = roles if roles else (pq.items[0], pq.items[1] if len(pq.items) >= 2 else None)
    num = fa.finder.find(org, pq, year=pq.year, items=[num_item])
    if num is None:
        return missing_answer(fa, pq, org)
    money = [s for s in num.ranked if s.fact.unit != "%"]
    pct = [s for s in num.ranked if s.fact.unit == "%" and s.item_hits]
    if not money:
        return None
    num.best = money[0]
    ops = [Operand(num)]
    notes: list[str] = []
    if pct and len(pq.items) < 2:
        p = pct[0].fact
        found_pct = Found(org, num.year, num.doc_year, pct[0], [])
        share_at = pq.text.find("占")
        if re.search(r"多少|几", pq.text[:max(share_at, 0)]):  # '…多少？占多少比例？': the amount, then its share
            head = f"{Operand(num).label(fa)}为{render.printed(num.fact)}，占比{render.printed(p)}（文件直接披露）。"
            operands = ops + [Operand(found_pct)]
        else:  # the share asked: it leads
            head = f"{Operand(num).label(fa)}占比为{render.printed(p)}（文件直接披露；金额为{render.printed(num.fact)}）。"
            operands = [Operand(found_pct)] + ops
        if p.quote and p.table_index is None:
            notes.append(f"原文：“{render.short_quote(p.quote)}”")
        return computed_answer(fa, pq, head, operands, "", orgs, notes, computed=False)
    den_items = [den_item] if den_item else _denominators(num_item)
    den = fa.finder.find(org, pq, year=num.doc_year, items=den_items)
    if den is None or den.fact is num.fact:
        return missing_answer(fa, pq, org)
    unit = common_unit([ops[0], Operand(den)], pq.unit)
    if unit is None:
        return None
    x, y = ops[0].amount(unit), Operand(den).amount(unit)
    p = percent(x, y)
    if p is None:
        return None
    head = f"{ops[0].label(fa)}为{render.printed(num.fact)}，占{Operand(den).label(fa)}的{render.fmt_number(p)}%。"
    arith = f"{render.fmt_number(x)} ÷ {render.fmt_number(y)} × 100% = {render.fmt_number(p)}%"
    return computed_answer(fa, pq, head, ops + [Operand(den)], arith, orgs, notes)


def _denominators(item: str) -> list[str]:
    it = get_vocabulary().item(item)
    if it is not None and it.parent:
        return [it.parent]
    if it is not None and it.group == "income":
        return ["收入总计", "收入合计"]
    return ["支出总计", "支出合计", "收支总额"]
