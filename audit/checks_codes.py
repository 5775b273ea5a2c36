"""Classification subtotals in function/economic tables: 类 = Σ款, 款 = Σ项, 合计 = Σ类 (one table column)."""
from __future__ import annotations

import logging
import re
from collections import defaultdict
from decimal import Decimal

from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit

from budgetqa.audit.context import DocContext, close, tolerance
from budgetqa.audit.findings import Finding, fmt_money, make_finding, shown
from budgetqa.audit.labels import norm, table_title
from budgetqa.audit.rules import CERTAIN, SUSPECTED, Rule

log = logging.getLogger(__name__)
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_SUM_ROWS = {"合计", "本年支出合计", "支出合计", "本年收入合计", "收入合计"}  # not 总计 (it adds balances)


def _code(f: Fact) -> str | None:
    code = re.sub(r"\s+", "", f.code or "")
    return code if _CODE.match(code) else None


def logical_tables(facts: list[Fact]) -> dict[int, int]:
    """table_index -> id of the logical table: a table continued on the next page (same statement and
    header, no subject code repeated) is one table."""
    by_table: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.table_index is not None:
            by_table[f.table_index].append(f)
    out, prev, prev_cols, codes = {}, None, set(), set()
    for t in sorted(by_table):
        fs = by_table[t]
        cols = {(f.col_index, f.column_label) for f in fs}
        mine = {(_code(f), f.col_index) for f in fs if _code(f)}
        same = prev is not None and t == prev + 1 and fs[0].statement == by_table[prev][0].statement
        if same and (cols <= prev_cols or prev_cols <= cols) and not (mine & codes):
            out[t] = out[prev]
            codes |= mine
            prev_cols |= cols
        else:
            out[t], codes, prev_cols = t, set(mine), set(cols)
        prev = t
    return out


def check_codes(ctx: DocContext, rule: Rule) -> list[Finding]:
    logical = logical_tables(ctx.money)
    columns: dict[tuple, list[Fact]] = defaultdict(list)
    for f in ctx.money:
        if f.table_index is not None and f.period in ("current", "previous") and f.statement != "narrative":
            columns[(logical[f.table_index], f.col_index, f.period)].append(f)
    raw: list[tuple[tuple, Fact, list[Fact], list[Fact], Decimal]] = []
    for key, facts in columns.items():
        facts.sort(key=lambda f: (f.table_index, f.row_index))
        raw.extend((key, *m) for m in _mismatches(facts))
    ctx.cache["continued"] = _continued(ctx.money, logical)
    upper = _chained(raw)
    raw_own = [r for i, r in enumerate(raw) if i not in upper]
    out, done = [], set()
    for key, parent, kids, odd, residual in raw_own:
        row = (key[0], parent.table_index, parent.row_index, key[2])
        if row in done:
            continue
        found = _finding(ctx, key, parent, kids, odd, residual, raw_own)
        if found is None:
            continue
        if any(r[1] is parent for i, r in enumerate(raw) if i in upper.values()):
            found.message += "；其上级的合计与所属科目之和也相差同额，可见是本行数字本身有误"
        done.add(row)
        others = [r[1].column_label for r in raw if r[1] is not parent and
                  (r[0][0], r[1].table_index, r[1].row_index, r[0][2]) == row]
        if others:  # one wrong figure shows in every column of its row: one finding, the columns named
            found.message += f"（同一行“{'”“'.join(others)}”列同样不符）"
        out.append(found)
    return out


def _mismatches(facts: list[Fact]):
    """(parent, children, uncoded rows inside the block, residual) for every subtotal that does not add up."""
    for i, f in enumerate(facts):
        code = _code(f)
        if code and len(code) in (3, 5):
            kids, odd = _block(facts, i, code)
        elif not code and norm(f.row_label) in _SUM_ROWS:
            kids, odd = [g for g in facts if _code(g) and len(_code(g)) == 3], []
        else:
            continue
        if not kids:
            continue
        total = sum((g.value_yuan for g in kids), Decimal(0))
        residual = f.value_yuan - total
        if not close(f.value_yuan, total, tolerance([f, *kids], len(kids))):
            yield f, kids, odd, residual


def _block(facts: list[Fact], i: int, code: str) -> tuple[list[Fact], list[Fact]]:
    kids, odd = [], []
    for g in facts[i + 1:]:
        c = _code(g)
        if (c and len(c) <= len(code)) or (not c and norm(g.row_label) in _SUM_ROWS | {"总计"}):
            break
        if c and len(c) == len(code) + 2 and c.startswith(code):
            kids.append(g)
        elif not (c and c.startswith(code)):
            odd.append(g)  # a row without (or with a foreign) code inside the block
    return kids, odd


def _chained(raw) -> dict[int, int]:
    """A wrong subtotal shows twice: against its own children and inside its parent's sum, with opposite
    residuals. Returns {index of the parent's mismatch: index of the subtotal's own mismatch}."""
    out = {}
    for i, (key, parent, kids, _, residual) in enumerate(raw):
        for j, (key2, parent2, kids2, _, residual2) in enumerate(raw):
            if j != i and key2 == key and any(k is parent2 for k in kids) and close(
                    residual, -residual2, tolerance([parent, parent2, *kids2], len(kids2) + len(kids))):
                out[i] = j
    return out


def _continued(facts: list[Fact], logical: dict[int, int]) -> set[int]:
    """Logical tables followed by a table of the same statement that was not joined to them (maybe its rest)."""
    statement = {f.table_index: f.statement for f in facts if f.table_index is not None}
    last: dict[int, int] = {}
    for t, lid in logical.items():
        last[lid] = max(last.get(lid, t), t)
    return {lid for lid, t in last.items() if statement.get(t + 1) == statement.get(t) and logical.get(t + 1) != lid}


def _finding(ctx, key, parent, kids, odd, residual, raw) -> Finding | None:
    tol = tolerance([parent, *kids], len(kids))
    explained = odd and close(sum((g.value_yuan for g in odd), Decimal(0)), residual, tol)
    offset = any(k[0] == key[0] and close(r, -residual, tol) for k, p, _, _, r in raw if p is not parent)
    if explained:
        return None  # the rows lacking a readable code are the missing children
    cut = residual > 0 and key[0] in ctx.cache.get("continued", set())
    severity = SUSPECTED if (odd or offset or cut) else CERTAIN
    unit = parent.unit if is_money_unit(parent.unit) else "万元"
    level = {3: "款", 5: "项"}.get(len(_code(parent) or ""), "类")
    names = "、".join(f"{_code(k)} {k.row_label} {shown(k)}" for k in kids[:6]) + (f"等{len(kids)}项" if len(kids) > 6 else "")
    total = sum((k.value_yuan for k in kids), Decimal(0))
    head = f"{_code(parent) + ' ' if _code(parent) else ''}{parent.row_label}"
    msg = (f"{table_title(parent) or parent.statement}“{parent.column_label or '数值'}”列：{head}为{shown(parent)}，"
           f"而所属{level}（{names}）之和为{fmt_money(total, unit)}，相差{fmt_money(abs(residual), unit)}")
    if offset:
        msg += "；同表另一处有等额反向差异，可能是提取时数值错位"
    elif odd:
        msg += "；区块内有未识别科目编码的行，可能为提取问题"
    elif cut:
        msg += "；下一页另有同名表格，所属科目可能在续表中"
    cited = [("合计", parent)] + [("分项", k) for k in kids]
    summary = f"{head}与所属{level}之和不一致（{shown(parent)}与{fmt_money(total, unit)}）"
    return make_finding("code_sum", severity, ctx, msg, cited, item=_code(parent) or parent.item or "合计",
                        summary=summary)
