"""Row sums: in a table whose header has a total column ('合计', '本年支出合计', '小计') followed by its part
columns (same header parent, same depth; a sub-group counts by its own '小计'), every data row's total equals the
sum of its parts (a blank part is zero). A table is checked only when at least two of its rows add up, so
columns that are not a sum (measures side by side, 预算数 next to 决算数) are never taken for one.
"""
from __future__ import annotations

import logging
from decimal import Decimal

from budgetqa.core.numbers import is_not_disclosed, parse_number
from budgetqa.core.records import Citation, Fact, Table
from budgetqa.ingest.table_layout import read_layout

from budgetqa.audit.context import DocContext
from budgetqa.audit.findings import Finding, make_finding
from budgetqa.audit.labels import is_total_label
from budgetqa.audit.rules import CERTAIN, Rule

log = logging.getLogger(__name__)
MIN_ROWS_ADDING_UP = 2


def _is_total(level: str) -> bool:
    return is_total_label(level) or level.endswith("合计")


def sum_groups(paths: list[list[str]]) -> list[tuple[int, list[int]]]:
    """(total column, part columns) for each total column of a header."""
    out = []
    for c, path in enumerate(paths):
        if not path or not _is_total(path[-1]):
            continue
        parent, depth, parts = path[:-1], len(path), []
        d = c + 1
        while d < len(paths) and paths[d][:len(parent)] == parent and len(paths[d]) >= depth:
            p = paths[d]
            if len(p) == depth and not _is_total(p[-1]):
                parts.append(d)
            elif len(p) > depth:  # a sub-group: counted by its own total column, else not summable here
                group = p[:depth]
                members = [e for e in range(d, len(paths)) if paths[e][:depth] == group]
                total = [e for e in members if len(paths[e]) == depth + 1 and _is_total(paths[e][-1])]
                if not total:
                    parts = []
                    break
                parts.append(total[0])
                d = members[-1]
            d += 1
        if len(parts) >= 2:
            out.append((c, parts))
    return out


def _value(cell: str) -> Decimal | None:
    """A printed amount; blank or '-' is zero; None for anything else (text, several numbers)."""
    text = (cell or "").strip()
    if not text or is_not_disclosed(text):
        return Decimal(0)
    num = parse_number(text)
    return num.value if num is not None and not num.unit else None


def _step(cells: list[str]) -> Decimal:
    """Half the last printed digit, summed over the figures (each may be off by that much)."""
    total = Decimal(0)
    for cell in cells:
        text = (cell or "").strip().replace(",", "")
        decimals = len(text.split(".")[1]) if "." in text else 0
        total += Decimal(1).scaleb(-decimals) / 2 if text else 0
    return total


def check_row_sums(ctx: DocContext, rule: Rule) -> list[Finding]:
    at = {(f.table_index, f.row_index, f.col_index): f for f in ctx.facts if f.table_index is not None}
    out = []
    prev = prev_width = None
    for t in ctx.tables:
        if not t.rows:
            continue
        layout = read_layout(t.rows, t.title, t.unit, prev, prev_width)
        prev, prev_width = layout, max(len(r) for r in t.rows)
        width = prev_width
        paths = [layout.paths[c] if c < len(layout.paths) else [] for c in range(width)]
        for total, parts in sum_groups(paths):
            checked, bad = 0, []
            for r in range(layout.body_start, len(t.rows)):
                row = t.rows[r] + [""] * (width - len(t.rows[r]))
                cells = [row[c] for c in [total] + parts]
                values = [_value(c) for c in cells]
                if any(v is None for v in values) or not any(c.strip() for c in cells):
                    continue
                checked += 1
                if abs(values[0] - sum(values[1:])) > _step(cells):
                    bad.append((r, row, values))
            if checked - len(bad) < MIN_ROWS_ADDING_UP:
                continue
            out.extend(_finding(ctx, t, layout, r, row, values, total, parts, at) for r, row, values in bad)
    return out


def _finding(ctx: DocContext, t: Table, layout, r: int, row: list[str], values: list[Decimal], total: int,
             parts: list[int], at: dict) -> Finding:
    label = next((c.strip() for c in row if c.strip() and _value(c) is None), "") or f"第{r + 1}行"
    names = [layout.column(c) or f"第{c + 1}列" for c in [total] + parts]
    shown_parts = " + ".join(f"{n}{(row[c].strip() or '空')}" for n, c in zip(names[1:], parts))
    unit = t.unit or ""
    msg = (f"{t.title or '表格'}“{label}”行：{names[0]}{row[total].strip() or '空'}{unit}，"
           f"但各栏之和为{sum(values[1:])}{unit}（{shown_parts}）")
    facts: list[tuple[str, Fact]] = []
    extra = []
    for role, c in [("合计栏", total)] + [("分栏", c) for c in parts]:
        f = at.get((t.index, r, c))
        if f is not None:
            facts.append((role, f))
        else:
            where = f"{t.title or '表格'} / {label} / 列 {layout.column(c)}"
            cite = Citation(doc=ctx.name, page=t.page if ctx.paged else None, locator=where,
                            quote=" | ".join(x.strip() for x in row))
            extra.append(({"role": role, "label": label, "value": row[c].strip(), "unit": unit}, cite))
    item = next((f.item for _, f in facts if f.item), None) or label
    return make_finding("row_sum", CERTAIN, ctx, msg, facts, item=item, extra=extra,
                        summary=f"{t.title or '表格'}“{label}”行合计与各栏之和不符")
