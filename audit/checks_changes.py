"""Stated changes vs figures: '比上年增加X万元 / 增长Y%' checked against the two years' figures when disclosed."""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit

from budgetqa.audit.context import DocContext, close, step_yuan, tolerance
from budgetqa.audit.findings import Finding, fmt_money, make_finding, shown
from budgetqa.audit.labels import change_sign
from budgetqa.audit.rules import CERTAIN, Rule

log = logging.getLogger(__name__)
_HUNDRED = Decimal(100)


def check_changes(ctx: DocContext, rule: Rule) -> list[Finding]:
    """Within one sentence (same quote, same item): amount = this year - last year; rate = amount / last year."""
    groups: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for f in ctx.facts:
        if f.statement == "narrative" and f.period in ("current", "previous", "change", "change_pct"):
            if f.period != "change_pct" and f.value_yuan is None:
                continue
            groups[(f.quote, f.item)][f.period].append(f)
    out = []
    for (quote, item), by in groups.items():
        if any(len(v) > 1 for v in by.values()):
            continue  # several figures of one kind in the sentence: which goes with which is unclear
        cur, prev = _one(by, "current"), _one(by, "previous")
        amt, pct = _one(by, "change"), _one(by, "change_pct")
        if cur and prev and amt:
            out += _check_amount(ctx, item, cur, prev, amt)
        if pct and (prev or amt) and (cur or (prev and amt)):
            out += _check_rate(ctx, item, cur, prev, amt, pct)
    return out


def _one(by: dict, period: str) -> Fact | None:
    return by[period][0] if by.get(period) else None


def _check_amount(ctx, item, cur: Fact, prev: Fact, amt: Fact) -> list[Finding]:
    stated = abs(amt.value_yuan) * change_sign(amt)
    actual = cur.value_yuan - prev.value_yuan
    if close(stated, actual, tolerance([cur, prev, amt], 2)):
        return []
    unit = cur.unit if is_money_unit(cur.unit) else "万元"
    msg = (f"{item or '该项'}本年{shown(cur)}、上年{shown(prev)}，实际{'增加' if actual >= 0 else '减少'}"
           f"{fmt_money(abs(actual), unit)}，但文中写{'增加' if stated >= 0 else '减少'}{shown(amt)}")
    return [make_finding("change", CERTAIN, ctx, msg, [("本年", cur), ("上年", prev), ("增减额", amt)],
                         item=item or "增减额", summary=f"{item or '该项'}所写增减额与两年数字不符")]


def _bounds(cur: Fact | None, prev: Fact | None, amt: Fact | None) -> tuple[Decimal, Decimal] | None:
    """Range of the growth rate (%) allowed by the rounding of the printed figures; None if last year is 0."""
    corners = []
    for dc in (-1, 1):
        for dp in (-1, 1):
            if prev is not None and cur is not None:
                c = cur.value_yuan + dc * step_yuan(cur) / 2
                p = prev.value_yuan + dp * step_yuan(prev) / 2
                d = c - p
            else:
                d = abs(amt.value_yuan) * change_sign(amt) + dc * step_yuan(amt) / 2
                p = (cur.value_yuan - d) if cur is not None else prev.value_yuan + dp * step_yuan(prev) / 2
                if cur is not None:
                    p += dp * step_yuan(cur) / 2
            if p <= 0:
                return None
            corners.append(d / p * _HUNDRED)
    return min(corners), max(corners)


def _check_rate(ctx, item, cur, prev, amt, pct: Fact) -> list[Finding]:
    bounds = _bounds(cur, prev, amt)
    if bounds is None:
        return []  # growth from zero: '增长100%' is a convention, not a rate
    lo, hi = bounds
    stated = abs(pct.value) * change_sign(pct)
    exponent = pct.value.as_tuple().exponent
    ulp = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    if lo - ulp <= stated <= hi + ulp:
        return []
    mid = (lo + hi) / 2
    shown_rate = f"{'增长' if mid >= 0 else '下降'}{abs(mid).quantize(Decimal('0.01'))}%"
    written = f"{'增长' if stated >= 0 else '下降'}{abs(pct.value)}%"
    basis = [("本年", cur)] if cur else []
    basis += [("上年", prev)] if prev else []
    basis += [("增减额", amt)] if amt and not (cur and prev) else []
    figures = "、".join(f"{r}{shown(f)}" for r, f in basis)
    msg = f"{item or '该项'}按{figures}计算，应{shown_rate}，但文中写{written}"
    return [make_finding("change", CERTAIN, ctx, msg, basis + [("增减率", pct)], item=item or "增减率",
                         summary=f"{item or '该项'}所写增减率（{written}）与数字不符（应{shown_rate}）")]
