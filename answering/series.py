"""Computed answers over several facts: sum, ranking across organisations, trend across years.
Shares the operand helpers of `budgetqa.answering.compute`."""
from __future__ import annotations

from decimal import Decimal

from budgetqa.answering import render
from budgetqa.answering.operands import Operand, common_unit, computed_answer, find_operand, missing_answer, percent
from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.records import Answer


# --- sum / ranking / trend ------------------------------------------------------------------

def total(fa, pq: ParsedQuestion) -> Answer | None:
    orgs = fa.scope(pq)
    if isinstance(orgs, Answer) or not orgs:
        return orgs or None
    notes: list[str] = []
    ops: list[Operand] = []
    if len(orgs) >= 2:
        for org in orgs:
            f = find_operand(fa, org, pq, pq.year, notes)
            if f is None:
                return missing_answer(fa, pq, org)
            ops.append(Operand(f))
    elif len(pq.items) >= 2:
        for it in pq.items:
            f = fa.finder.find(orgs[0], pq, year=pq.year, items=[it])
            if f is None:
                return missing_answer(fa, pq, orgs[0])
            ops.append(Operand(f))
    elif len(pq.years) >= 2:
        for y in pq.years:
            f = fa.finder.find(orgs[0], pq, year=y)
            if f is None:
                return missing_answer(fa, pq, orgs[0])
            ops.append(Operand(f))
    else:
        return None
    unit = common_unit(ops, pq.unit)
    if unit is None:
        return None
    values = [o.amount(unit) for o in ops]
    s = sum(values, Decimal(0))
    arith = " + ".join(render.fmt_number(v) for v in values) + f" = {render.fmt_number(s)}（{unit}）"
    return computed_answer(fa, pq, f"合计为{render.fmt_number(s)}{unit}。", ops, arith, orgs, notes)


def ranking(fa, pq: ParsedQuestion) -> Answer | None:
    orgs = fa.scope(pq, all_when_none=True)
    if isinstance(orgs, Answer) or not orgs:
        return None
    ops, missing = [], []
    for org in orgs:
        f = fa.finder.find(org, pq, year=pq.year)
        (ops.append(Operand(f)) if f else missing.append(org))
    if not ops:
        return fa.not_found(pq, None)
    unit = common_unit(ops, pq.unit)
    if unit is None:
        return None
    ops.sort(key=lambda o: o.amount(unit), reverse=not pq.ascending)
    order = "从低到高" if pq.ascending else "从高到低"
    lines = [f"{i}. {o.label(fa)}：{render.fmt_number(o.amount(unit))}{unit}" for i, o in enumerate(ops, 1)]
    head = f"按{order}排列（共{len(ops)}个单位）：\n" + "\n".join(lines)
    notes = []
    if missing:
        notes.append("未披露该项的单位：" + "、".join(missing) + "。")
    if len({o.found.year for o in ops}) > 1:
        notes.append("注意：各单位数据年度不同，已分别注明。")
    kinds = {fa.finder.kinds.get(o.fact.doc_id) or "" for o in ops}
    if any("决算" in k for k in kinds) and any("预算" in k for k in kinds):
        notes.append("注意：比较中既有预算数也有决算数：" + "；".join(
            f"{o.found.org}为{fa.finder.kinds.get(o.fact.doc_id)}" for o in ops) + "。")
    arith = f"按{unit}比较 " + (" < " if pq.ascending else " > ").join(render.fmt_number(o.amount(unit)) for o in ops)
    return computed_answer(fa, pq, head, ops, arith, [o.found.org for o in ops], notes)


def trend(fa, pq: ParsedQuestion) -> Answer | None:
    orgs = fa.scope(pq)
    if isinstance(orgs, Answer) or not orgs:
        return orgs or None
    org = orgs[0]
    years = pq.years if len(pq.years) >= 2 else fa.catalog.years(org)
    candidates = sorted(set(years) | ({min(years) - 1} if years and len(pq.years) < 2 else set()))
    ops: dict[int, Operand] = {}
    for y in candidates:
        f = fa.finder.find(org, pq, year=y)
        if f is not None and f.year == y:
            ops[y] = Operand(f)
    if not ops:
        return missing_answer(fa, pq, org)
    seq = [ops[y] for y in sorted(ops)]
    unit = common_unit(seq, pq.unit)
    if unit is None:
        return None
    lines = [f"{o.found.year}年：{render.fmt_number(o.amount(unit))}{unit}" for o in seq]
    steps = []
    for prev, cur in zip(seq, seq[1:]):
        d = cur.amount(unit) - prev.amount(unit)
        p = percent(d, prev.amount(unit))
        steps.append(f"{cur.found.year}年较{prev.found.year}年{'增加' if d >= 0 else '减少'}"
                     f"{render.fmt_number(abs(d))}{unit}" + (f"（{render.fmt_number(p)}%）" if p is not None else ""))
    head = f"{org}{render.fact_label(seq[0].fact)}历年数据：\n" + "\n".join(lines)
    notes = []
    missing = [y for y in (pq.years or []) if y not in ops]
    if missing:
        notes.append("未披露年度：" + "、".join(f"{y}年" for y in missing) + "。")
    if len(seq) == 1:
        notes.append("语料中只有一个年度的数据，无法判断趋势。")
    return computed_answer(fa, pq, head, seq, "；".join(steps), [org], notes, computed=len(seq) > 1)
