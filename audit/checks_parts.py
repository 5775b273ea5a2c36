"""Parts vs totals ("三公", 公务用车, 支出 = 基本 + 项目, 基本 = 人员 + 公用): table frames, then the whole text."""
from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from decimal import Decimal

from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit

from budgetqa.audit.context import DocContext, close, clusters, tight_binding, tolerance
from budgetqa.audit.findings import Finding, display, fmt_money, make_finding, shown
from budgetqa.audit.labels import change_sign, item_of_label
from budgetqa.audit.rules import CERTAIN, SUSPECTED, Relation, Rule

log = logging.getLogger(__name__)
_MAX_COMBINATIONS = 4096


def amount(f: Fact) -> Decimal:
    """Money in 元, signed for stated changes (减少 -> negative)."""
    return abs(f.value_yuan) * change_sign(f) if f.period == "change" else f.value_yuan


def _totals(ctx: DocContext, rel: Relation) -> tuple[str, ...]:
    # In final accounts 支出总计 includes year-end balances; only 支出合计 is the sum of 基本 + 项目.
    return rel.totals if not ctx.is_final else rel.totals[:1]


def check_relation(ctx: DocContext, rule: Rule) -> list[Finding]:
    rel = rule.relation
    findings = _table_frames(ctx, rule, rel)
    seen = {id(x) for f in findings for x in f.facts}
    findings += _whole_text(ctx, rule, rel, seen)
    return findings


# --- tables: one column (items by row) or one row (items by column) -------------------------------
def _table_frames(ctx: DocContext, rule: Rule, rel: Relation) -> list[Finding]:
    frames: dict[tuple, list[tuple[str, Fact]]] = defaultdict(list)
    for f in ctx.money:
        if f.table_index is None or f.period not in ("current", "previous"):
            continue
        if not ctx.fact_code(f):  # coded rows (类/款/项) are not parts of these relations
            frames[("col", f.table_index, f.col_index, f.period)].append((f.item or item_of_label(f.row_label), f))
        frames[("row", f.table_index, f.row_index, f.period, ctx.measure(f))].append(
            (item_of_label(f.column_label), f))
    out = []
    for key, members in frames.items():
        found = _check_frame(ctx, rule, rel, members, where="表格" + ("同一列" if key[0] == "col" else "同一行"))
        if found:
            out.append(found)
    return out


def _check_frame(ctx, rule, rel, members, where) -> Finding | None:
    allowed = set(rel.parts) | set(rel.optional) | {c for cs in rel.children.values() for c in cs}
    by_item: dict[str, list[Fact]] = defaultdict(list)
    for item, f in members:
        if item:
            by_item[item].append(f)
    explicit = [f for t in _totals(ctx, rel) for f in by_item.get(t, [])]
    generic = by_item.get("合计", [])
    others = {i for i in by_item if i not in allowed and i != "合计" and i not in rel.totals}
    totals = explicit or (generic if not others and len(generic) == 1 else [])
    if len(totals) != 1 or any(len(by_item.get(p, [])) > 1 for p in allowed):
        return None
    parts, complete = _frame_parts(rel, by_item)
    if len(parts) < 2 and not complete:
        return None
    total = totals[0]
    return _compare(ctx, rule, rel, total, parts, complete, where)


def _frame_parts(rel: Relation, by_item) -> tuple[list[Fact], bool]:
    parts, complete = [], True
    for p in rel.parts:
        if by_item.get(p):
            parts.append(by_item[p][0])
        elif any(by_item.get(c) for c in rel.children.get(p, ())):
            kids = [by_item[c][0] for c in rel.children[p] if by_item.get(c)]
            parts.extend(kids)
            complete &= len(kids) == len(rel.children[p])
        else:
            complete = False
    parts += [by_item[o][0] for o in rel.optional if by_item.get(o)]
    return parts, complete


def _misaligned(total: Fact, parts: list[Fact], tol: Decimal) -> bool:
    """Values that add up once another cell is taken as the total: a column shift in extraction, not an error."""
    values = [total.value_yuan] + [p.value_yuan for p in parts]
    if any(v < 0 for v in values):
        return False
    biggest = max(values)
    return biggest != total.value_yuan and close(biggest, sum(values) - biggest, tol)


def _compare(ctx, rule, rel, total, parts, complete, where) -> Finding | None:
    tol = tolerance([total, *parts], len(parts))
    s = sum((amount(p) for p in parts), Decimal(0))
    if close(amount(total), s, tol) or _misaligned(total, parts, tol):
        return None
    severity = CERTAIN if complete and all(tight_binding(f) for f in (total, *parts)) else SUSPECTED
    return _finding(ctx, rule, rel, total, parts, s, severity, where, complete)


def _finding(ctx, rule, rel, total, parts, s, severity, where, complete=True, involved=()) -> Finding:
    unit = total.unit if is_money_unit(total.unit) else "万元"
    names = "、".join(f"{display(p.item) or p.row_label}{shown(p)}" for p in parts)
    msg = (f"{display(total.item) or total.row_label}为{shown(total)}，而{names}之和为{fmt_money(s, unit)}，"
           f"相差{fmt_money(abs(amount(total) - s), unit)}（{where}）")
    if not complete:
        msg += "；部分分项未列示，按0计"
    summary = f"{display(total.item) or total.row_label}（{shown(total)}）与分项之和（{fmt_money(s, unit)}）不一致"
    return make_finding(rule.id, severity, ctx, msg, [("合计", total)] + [("分项", p) for p in parts],
                        item=rel.totals[0], summary=summary, involved=involved)


# --- the whole document: is there any consistent choice among the stated figures? ------------------
def _whole_text(ctx: DocContext, rule: Rule, rel: Relation, seen: set[int]) -> list[Finding]:
    groups: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    wanted = set(_totals(ctx, rel)) | set(rel.parts) | set(rel.optional)
    for f in ctx.money:
        if f.item in wanted and not ctx.fact_code(f) and f.period in ("current", "previous", "change"):
            m = ctx.measure(f)
            for measure in ([m] if m else ["budget", "actual"] if ctx.is_final else [None]):
                groups[(f.period, measure, ctx.scope(f))][f.item].append(f)
    out = []
    for (period, _, _), by_item in groups.items():
        totals = [f for t in _totals(ctx, rel) for f in by_item.get(t, [])]
        if not totals or not all(by_item.get(p) for p in rel.parts):
            continue
        operands = [clusters(by_item[p]) for p in rel.parts]
        operands += [clusters(by_item[o]) + [[]] for o in rel.optional if by_item.get(o)]
        found = _unsatisfiable(ctx, rule, rel, clusters(totals), operands, period)
        if found and not {id(x) for x in found.facts} <= seen:
            out.append(found)
    return out


def _unsatisfiable(ctx, rule, rel, total_clusters, operand_clusters, period) -> Finding | None:
    combos = 0
    for t in total_clusters:
        for choice in itertools.product(*operand_clusters):
            combos += 1
            if combos > _MAX_COMBINATIONS:
                return None
            parts = [c[0] for c in choice if c]
            if close(amount(t[0]), sum((amount(p) for p in parts), Decimal(0)), tolerance([t[0], *parts], len(parts))):
                return None
    total = total_clusters[0][0]
    parts = [c[0][0] for c in operand_clusters if c and c[0]]
    if _misaligned(total, parts, tolerance([total, *parts], len(parts))):
        return None
    unique = len(total_clusters) == 1 and all(len([c for c in cs if c]) == 1 for cs in operand_clusters)
    reliable = all(any(tight_binding(f) for f in c) for c in [total_clusters[0]] + [cs[0] for cs in operand_clusters])
    s = sum((amount(p) for p in parts), Decimal(0))
    where = {"previous": "上年数", "change": "增减额"}.get(period, "本年数")
    involved = [f for c in total_clusters for f in c] + [f for cs in operand_clusters for c in cs for f in c]
    return _finding(ctx, rule, rel, total, parts, s, CERTAIN if unique and reliable else SUSPECTED, f"全文{where}",
                    involved=involved)
