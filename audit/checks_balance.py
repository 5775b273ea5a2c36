"""Income total = expenditure total (收入总计 = 支出总计; in budgets without carry-over also 本年收入 = 本年支出)."""
from __future__ import annotations

import logging
from collections import defaultdict

from budgetqa.core.records import Fact

from budgetqa.audit.context import DocContext, close, clusters, place, tight_binding, tolerance
from budgetqa.audit.findings import Finding, make_finding, shown
from budgetqa.audit.labels import norm
from budgetqa.audit.rules import CERTAIN, SUSPECTED, Rule

log = logging.getLogger(__name__)
_GRAND = {"收入总计": "in", "支出总计": "out"}
_YEAR = {"收入合计": "in", "支出合计": "out"}
_BALANCES = ("上年结转", "年终结转结余")


def _side(f: Fact, items: dict[str, str], generic: str) -> str | None:
    """'in' / 'out' for a total cell: by its item, or a generic '总计' row by its column ('收入/…', '支出/…')."""
    if f.item in items and norm(f.row_label) != generic:
        return items[f.item]
    if norm(f.row_label) == generic:
        col = f.column_label or ""
        if col.startswith("收入") or col.startswith("本年收入"):
            return "in"
        if col.startswith("支出") or col.startswith("本年支出"):
            return "out"
    return None


def _carry_over(ctx: DocContext) -> bool:
    return any(f.item in _BALANCES and f.value_yuan for f in ctx.money)


def check_balance(ctx: DocContext, rule: Rule) -> list[Finding]:
    out = _rows(ctx, _GRAND, "总计")
    if not ctx.is_final and not _carry_over(ctx):
        out += _rows(ctx, _YEAR, "合计")
        out += _narrative(ctx)
    return out


def _rows(ctx: DocContext, items: dict[str, str], generic: str) -> list[Finding]:
    """Both totals printed in one row of a two-sided 收支总表: compare the first figure of each side."""
    rows: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for f in ctx.money:
        if f.table_index is not None and f.period == "current":
            side = _side(f, items, generic)
            if side:
                rows[(f.table_index, f.row_index)][side].append(f)
    out = []
    for sides in rows.values():
        if not sides.get("in") or not sides.get("out"):
            continue
        a = min(sides["in"], key=lambda f: f.col_index or 0)
        b = min(sides["out"], key=lambda f: f.col_index or 0)
        if not close(a.value_yuan, b.value_yuan, tolerance([a, b])):
            out.append(_finding(ctx, a, b, CERTAIN, "同一表内"))
    return out


def _narrative(ctx: DocContext) -> list[Finding]:
    """A budget's text: the stated income and expenditure totals must share a value."""
    sides: dict[str, list[Fact]] = defaultdict(list)
    for f in ctx.money:
        if f.statement == "narrative" and f.period == "current" and f.item in _GRAND and ctx.scope(f) is None:
            sides[_GRAND[f.item]].append(f)
    if not sides["in"] or not sides["out"]:
        return []
    ci, co = clusters(sides["in"]), clusters(sides["out"])
    out = []
    if not any(close(a[0].value_yuan, b[0].value_yuan, tolerance([a[0], b[0]])) for a in ci for b in co):
        a, b = ci[0][0], co[0][0]
        certain = len(ci) == len(co) == 1 and tight_binding(a) and tight_binding(b)
        out.append(_finding(ctx, a, b, CERTAIN if certain else SUSPECTED, "正文"))
    return out + _overall(ctx, ci + co)


def _overall(ctx: DocContext, totals: list[list[Fact]]) -> list[Finding]:
    """'预算收支安排X万元' (收支总额) states both totals at once: it must equal one of them."""
    stated = [f for f in ctx.money if f.statement == "narrative" and f.period == "current" and f.item == "收支总额"
              and ctx.scope(f) is None and tight_binding(f)]
    out = []
    for c in clusters(stated):
        f = c[0]
        if not any(close(f.value_yuan, t[0].value_yuan, tolerance([f, t[0]])) for t in totals):
            t = totals[0][0]
            msg = f"收支总额{shown(f)}（{place(f)}）与收入/支出总额{shown(t)}（{place(t)}）不一致"
            certain = len(totals) == 1 and tight_binding(t)
            out.append(make_finding("balance", CERTAIN if certain else SUSPECTED, ctx, msg,
                                    [("收支总额", f), ("总额", t)], item="收支平衡",
                                    summary=f"收支总额{shown(f)}与收入/支出总额{shown(t)}不一致"))
    return out


def _finding(ctx: DocContext, a: Fact, b: Fact, severity: str, where: str) -> Finding:
    msg = (f"收入总额{shown(a)}（{place(a)}）与支出总额{shown(b)}（{place(b)}）不相等（{where}），"
           f"预算/决算收支应平衡")
    return make_finding("balance", severity, ctx, msg, [("收入", a), ("支出", b)], item="收支平衡",
                        summary=f"收入总额{shown(a)}与支出总额{shown(b)}不相等")
