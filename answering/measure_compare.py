"""Computations across measures of one item: a final account's 决算数 against its 年初预算数 / 调整预算数 ('比年初
预算少花了多少'), a budget against last year's 执行数, and the execution rate ('完成年初预算的百分之几'). A rate
printed in the document is preferred to a computed one; both cite every figure they use."""
from __future__ import annotations

import re
from dataclasses import replace

from budgetqa.answering import render
from budgetqa.answering.lookup import Found
from budgetqa.answering.operands import Operand, common_unit, computed_answer, missing_answer, percent
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.select import same_value
from budgetqa.core.measures import default_measure, measure_name, measure_spans, table
from budgetqa.core.records import Answer

RATE = "执行率"
BUDGET_MEASURES = ("调整预算数", "年初预算数", "预算数")
_AGAINST = re.compile(r"比|较|与|相对于?|相比|对比")


def amount_measures(pq: ParsedQuestion) -> list[str]:
    return [m for m in pq.measures if m not in (RATE, "占比")]


def operands_in_order(pq: ParsedQuestion, default: str | None = None) -> list[tuple[str, int | None]]:
    """(measure, year) of the two operands A and B of 'A 比 B …': B is what follows 比/较/与; the years go
    with the measure named after them. A question naming only B ('…比年初预算少多少' of a final account)
    compares the document's own measure `default` with it. Empty when there are not two measures."""
    spans = [(s, mid) for s, _, mid in measure_spans(pq.text) if mid not in (RATE, "占比")]
    seen: list[tuple[int, str]] = []
    for s, mid in spans:
        if mid not in [m for _, m in seen]:
            seen.append((s, mid))
    against = _AGAINST.search(pq.text)
    if len(seen) == 1 and default and default != seen[0][1] and against and seen[0][0] > against.start():
        seen = [(against.start() - 1, default), seen[0]]
    if len(seen) < 2:
        return []
    years = [(m.start(), int(m.group(1))) for m in re.finditer(r"((?:19|20)\d{2})\s*年", pq.text)]
    pair = seen[:2]
    if against:
        after = [x for x in seen if x[0] > against.start()]
        before = [x for x in seen if x[0] < against.start()]
        if after and before:
            pair = [before[-1], after[0]]
        elif after and len(after) >= 2:
            pair = [after[1], after[0]] if after[0][0] - against.end() < 3 else after[:2]

    def year_for(pos: int) -> int | None:
        prior = [y for p, y in years if p < pos]
        return prior[-1] if prior else pq.year

    return [(mid, year_for(pos)) for pos, mid in pair]


def find_measure(fa, org: str, pq: ParsedQuestion, measure: str, year: int | None) -> Found | None:
    return fa.finder.find(org, replace(pq, measures=[measure], intent="lookup"), year=year)


def compare_measures(fa, pq: ParsedQuestion, org: str) -> Answer | None:
    """'A 比 B 多/少多少' where A and B are two measures of the same item (and maybe two years)."""
    kinds = {d.kind for d in fa.catalog.documents(org, pq.year)}
    defaults = {default_measure(k) for k in kinds} - {None}
    order = operands_in_order(pq, defaults.pop() if len(defaults) == 1 else None)
    if len(order) < 2:
        return None
    (ma, ya), (mb, yb) = order
    a, b = find_measure(fa, org, pq, ma, ya), find_measure(fa, org, pq, mb, yb)
    if a is None or b is None or a.fact is b.fact:
        return _missing_operand(fa, pq, org, ma if a is None else mb)
    a, b = co_locate(a, b)
    oa, ob = Operand(a), Operand(b)
    unit = common_unit([oa, ob], pq.unit)
    if unit is None:
        return None
    x, y = oa.amount(unit), ob.amount(unit)
    diff = x - y
    la, lb = _label(fa, oa), _label(fa, ob)
    if pq.intent == "growth":  # '…比2023年执行数增长了百分之几': the change over B, in percent
        p = percent(diff, y)
        if p is None:
            return None
        word = "增长" if p > 0 else "下降" if p < 0 else "持平"
        head = f"{la}比{lb}{word}{render.fmt_number(abs(p))}%。" if p else f"{la}与{lb}持平。"
        arith = (f"({render.fmt_number(x)} − {render.fmt_number(y)}) ÷ {render.fmt_number(y)} × 100% = "
                 f"{render.fmt_number(p)}%")
        return computed_answer(fa, pq, head, [oa, ob], arith, [org])
    if diff == 0:
        head = f"{la}与{lb}相同，差额为0{unit}。"
    else:
        head = f"{la}比{lb}{'多' if diff > 0 else '少'}{render.fmt_number(abs(diff))}{unit}。"
    arith = f"{render.fmt_number(x)} − {render.fmt_number(y)} = {render.fmt_number(diff)}（{unit}）"
    return computed_answer(fa, pq, head, [oa, ob], arith, [org])


def execution_rate(fa, pq: ParsedQuestion, org: str) -> Answer | None:
    """决算数 ÷ 预算数 × 100%: the printed rate when the document gives it, else computed from the two
    figures of the budget measure the question names (年初预算 / 全年预算 / 预算)."""
    pq = replace(pq, items=pq.items[:1])  # '事业单位医疗的支出决算数占全年预算数': one item, two measures
    printed = fa.finder.find(org, replace(pq, measures=[RATE], intent="lookup"), year=pq.year)
    if printed is not None and printed.fact.unit == "%":
        return fa.render_lookup(replace(pq, intent="lookup"), printed)
    named = [m for m in BUDGET_MEASURES if any(p.search(pq.text) for p in table().measures[m].question)]
    budget = named[0] if named else "预算数"  # the budget the rate is of: 全年预算 / 年初预算 / 预算
    actual = find_measure(fa, org, pq, "决算数", pq.year)
    plan = find_measure(fa, org, pq, budget, pq.year)
    if actual is None or plan is None or actual.fact is plan.fact:
        return _missing_operand(fa, pq, org, "决算数" if actual is None else budget)
    actual, plan = co_locate(actual, plan)
    oa, ob = Operand(actual), Operand(plan)
    unit = common_unit([oa, ob], None)
    if unit is None:
        return None
    x, y = oa.amount(unit), ob.amount(unit)
    p = percent(x, y)
    if p is None:
        return None
    head = (f"{_label(fa, oa)}占{_label(fa, ob)}的{render.fmt_number(p)}%"
            f"（{render.printed(actual.fact)} ÷ {render.printed(plan.fact)}）。")
    arith = f"{render.fmt_number(x)} ÷ {render.fmt_number(y)} × 100% = {render.fmt_number(p)}%"
    return computed_answer(fa, pq, head, [oa, ob], arith, [org])


def co_locate(a: Found, b: Found) -> tuple[Found, Found]:
    """Cite both operands from one place when the document prints them together: an operand whose same
    figure also stands in the other's sentence (or table) is taken from there."""
    for x, y in ((a, b), (b, a)):
        place = (y.fact.doc_id, y.fact.page, y.fact.table_index, y.fact.quote)
        for s in x.ranked[1:8]:
            f = s.fact
            if (f.doc_id, f.page, f.table_index, f.quote) == place and not f.blank and same_value(f, x.fact):
                x.best = s
                return a, b
    return a, b


def _label(fa, op: Operand) -> str:
    label = op.label(fa)
    measure = render.measure_label(op.fact)
    return label if not measure or measure in label else f"{label}（{measure}）"


def _missing_operand(fa, pq: ParsedQuestion, org: str, measure: str) -> Answer:
    answer = missing_answer(fa, pq, org)
    answer.answer = answer.answer.replace("的数据：", f"的{measure_name(measure).split('（')[0]}：", 1)
    return answer
