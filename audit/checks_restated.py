"""The same figure stated twice with different values (narrative vs table, two sections), and 元/万元 slips."""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit, money_factor

from budgetqa.audit.binding import in_subject_paragraph
from budgetqa.audit.checks_codes import logical_tables
from budgetqa.audit.context import DocContext, close, clusters, place, tight_binding, tolerance
from budgetqa.audit.findings import Finding, display, fmt_money, make_finding, shown
from budgetqa.audit.labels import is_total_label, item_of_label, last_level, norm, scope_of_fact, table_title
from budgetqa.audit.rules import CERTAIN, RULES, SUSPECTED, Rule
from budgetqa.core.vocabulary import get_vocabulary

log = logging.getLogger(__name__)
_WAN = money_factor("万元")  # a 元/万元 slip: the same digits read in the other unit
_SCOPE_COLUMNS = {"一般公共预算拨款", "财政拨款收入", "财政拨款支出", "政府性基金", "国有资本经营预算"}
_TOTAL_COLUMNS = {"合计", "收入合计", "支出合计", "收入总计", "支出总计"}
_PERIODS = {"current": "本年", "previous": "上年"}
_GROUPS = {"total", "expenditure", "sangong", "operation", "asset"}
_NEVER = {"合计", "年终结转结余", "上年结转"}


def check_restated(ctx: DocContext, rule: Rule) -> list[Finding]:
    return _scan(ctx)[0]


def check_unit_slips(ctx: DocContext, rule: Rule) -> list[Finding]:
    return _scan(ctx)[1]


def _facet(f: Fact) -> str | None:
    """Which quantity of the item a fact states: its total, or a breakdown column ('基本支出' of a 类 row)."""
    if f.statement == "narrative" or f.table_index is None:
        return "total"
    col = item_of_label(f.column_label)
    if col and col not in _SCOPE_COLUMNS and col not in _TOTAL_COLUMNS and col != f.item:
        return col
    title = table_title(f) + (f.statement or "")
    if f.code and ("收入" in (f.column_label or "") or ("收入" in title and "支出" not in title)):
        return "income"  # income by function (收入总表) differs from spending by function in final accounts
    return "total"


def restatable(ctx: DocContext, f: Fact) -> bool:
    """Items that mean the same quantity wherever printed. Income sources and balances are not: their labels
    are reused under 年初结转 etc.; nor is a '总计' row (it adds balances to the column's item)."""
    if f.value_yuan is None or not f.item or f.item in _NEVER or f.period not in _PERIODS:
        return False
    if norm(f.row_label) in ("总计", "小计") and f.item not in ("收入总计", "支出总计"):
        return False
    item = get_vocabulary().item(f.item)
    if item is None:
        return False
    if "concept" in item.kinds:
        return item.group in _GROUPS
    return ctx.fact_code(f) is not None


def _ambiguous_cells(ctx: DocContext) -> set[int]:
    """Table cells whose row names the same item twice with different values (a header read wrongly)."""
    rows: dict[tuple, list[Fact]] = defaultdict(list)
    for f in ctx.money:
        if f.table_index is not None and f.item:
            rows[(f.table_index, f.row_index, f.item, f.period, ctx.measure(f), _facet(f), scope_of_fact(f))].append(f)
    return {id(f) for fs in rows.values() if len(clusters(fs)) > 1 for f in fs if not _plain_column(f)}


def _plain_column(f: Fact) -> bool:
    """The column's own header is a total ('合计', '小计'), a fund ('一般公共预算') or the item itself - not a
    sub-item whose name the extractor may have mapped to its parent ('公务用车购置及运行费/运行费')."""
    last = last_level(f.column_label)
    item = item_of_label(last)
    return is_total_label(last) or item in _SCOPE_COLUMNS or item == f.item or any(
        k in last for k in ("一般公共预算", "政府性基金", "国有资本", "财政拨款"))


def key_of(ctx: DocContext, f: Fact) -> tuple | None:
    if not restatable(ctx, f) or not tight_binding(f):
        return None
    if in_subject_paragraph(f) and not ctx.fact_code(f):
        return None  # '支出决算为51.32万元' under a （项） heading is that line's figure, not the total
    measure = ctx.measure(f) or ("actual" if ctx.is_final else None)
    return (f.org, f.item, ctx.fact_code(f), f.period, measure, ctx.scope(f), _facet(f), f.year)


def _scan(ctx: DocContext) -> tuple[list[Finding], list[Finding]]:
    if "restated" in ctx.cache:
        return ctx.cache["restated"]
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    ambiguous = _ambiguous_cells(ctx)
    for f in ctx.money:
        k = key_of(ctx, f)
        if k and id(f) not in ambiguous:
            groups[k].append(f)
    restated, slips = [], []
    logical = logical_tables(ctx.money)
    for k, facts in groups.items():
        cs = clusters(facts)
        if len(cs) < 2 or len({_source(f, logical) for f in facts}) < 2:
            continue  # two cells of one table (or one sentence) naming the same item: a reading problem
        slip_pairs = _slips(cs)
        for a, b in slip_pairs:
            slips.append(_slip_finding(ctx, k, a, b))
        rest = [c for c in cs if not any(c is a or c is b for a, b in slip_pairs)] if slip_pairs else cs
        if len(rest) >= 2 and len(cs) <= 3:
            restated.append(_restated_finding(ctx, k, rest, len(cs)))
    ctx.cache["restated"] = (restated, slips)
    return restated, slips


def _source(f: Fact, logical: dict[int, int]) -> tuple:
    return ("table", logical.get(f.table_index)) if f.table_index is not None else ("text", f.quote)


def _slips(cs: list[list[Fact]]) -> list[tuple[list[Fact], list[Fact]]]:
    out = []
    for i, a in enumerate(cs):
        for b in cs[i + 1:]:
            small, big = sorted((a, b), key=lambda c: abs(c[0].value_yuan))
            if small[0].value_yuan and close(big[0].value_yuan, small[0].value_yuan * _WAN,
                                             tolerance([small[0]]) * _WAN):
                out.append((small, big))
    return out


def _label(k: tuple) -> str:
    org, item, code, period, measure, scope, facet, year = k
    text = f"{display(item)}（{code}）" if code else display(item)
    if facet not in ("total", "income"):
        text += f"的{facet}"
    return text + ("预算数" if measure == "budget" else "") + ("（上年）" if period == "previous" else "")


def _restated_finding(ctx: DocContext, k: tuple, cs: list[list[Fact]], n_clusters: int) -> Finding:
    reps = [c[0] for c in cs]
    reliable = all(any(tight_binding(f) for f in c) for c in cs)
    severity = CERTAIN if n_clusters == 2 and reliable and not _other_unit(ctx, cs) else SUSPECTED
    stated = " 与 ".join("、".join(f"{shown(f)}（{place(f)}）" for f in _distinct_places(c)) for c in cs)
    msg = f"{_label(k)}在文件中前后数值不一致：{stated}"
    note = _corroboration(ctx, k, cs)
    if note:
        msg += "；" + note
    cited = [("第%d种数值" % (i + 1), f) for i, c in enumerate(cs) for f in _distinct_places(c)]
    summary = f"{_label(k)}前后数值不一致（" + "与".join(shown(f) for f in reps) + "）"
    return make_finding("restated", severity, ctx, msg, cited, item=k[1], summary=summary,
                        involved=[f for c in cs for f in c])


def _other_unit(ctx: DocContext, cs: list[list[Fact]]) -> bool:
    """Only tables of the same kind disagree: a document with one such table per unit (部门 + 单位) may
    legitimately show different figures in each."""
    if any(f.table_index is None for c in cs for f in c):
        return False
    logical = logical_tables(ctx.money)
    kinds = [{(f.statement, logical.get(f.table_index)) for f in c} for c in cs]
    statements = [{s for s, _ in k} for k in kinds]
    return bool(set.intersection(*statements)) and not set.intersection(*kinds)


def _distinct_places(c: list[Fact]) -> list[Fact]:
    """The first table figure and the first sentence of a group (what an auditor looks up)."""
    table = next((f for f in c if f.table_index is not None), None)
    text = next((f for f in c if f.table_index is None), None)
    return [f for f in (table, text) if f is not None]


def _slip_finding(ctx: DocContext, k: tuple, small: list[Fact], big: list[Fact]) -> Finding:
    a, b = small[0], big[0]
    msg = (f"{_label(k)}两处数值在印刷精度内相差一万倍：{shown(a)}（{place(a)}）与{shown(b)}（{place(b)}），"
           f"疑为单位混用（元/万元/亿元）")
    severity = CERTAIN if tight_binding(a) and tight_binding(b) else SUSPECTED
    summary = f"{_label(k)}两处数值相差一万倍（{shown(a)}与{shown(b)}），疑为单位混用"
    return make_finding("unit_slip", severity, ctx, msg, [("较小值", a), ("较大值", b)], item=k[1], summary=summary,
                        involved=small + big)


def _corroboration(ctx: DocContext, k: tuple, cs: list[list[Fact]]) -> str:
    """'其中171.6万元与人员经费107.2万元、公用经费64.4万元之和相符' when the parts decide between the values."""
    item, period = k[1], k[3]
    for r in RULES:
        rel = r.relation
        if not rel or item not in rel.totals:
            continue
        parts = []
        for p in rel.parts:
            found = [f for f in ctx.money if f.item == p and f.period == period and not ctx.fact_code(f)
                     and tight_binding(f)]
            pc = clusters(found)
            if len(pc) != 1:
                break
            parts.append(pc[0][0])
        else:
            s = sum((p.value_yuan for p in parts), Decimal(0))
            hits = [c for c in cs if close(c[0].value_yuan, s, tolerance([c[0], *parts], len(parts)))]
            if len(hits) == 1:
                names = "、".join(f"{display(p.item)}{shown(p)}" for p in parts)
                unit = hits[0][0].unit if is_money_unit(hits[0][0].unit) else "万元"
                return f"其中{shown(hits[0][0])}与{names}之和（{fmt_money(s, unit)}）相符"
    return ""
