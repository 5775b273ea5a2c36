"""A '其中：' row larger than the row it belongs to (same table, same column): a part cannot exceed its whole."""
from __future__ import annotations

import logging
from collections import defaultdict

from budgetqa.core.records import Fact

from budgetqa.audit.context import DocContext, tolerance
from budgetqa.audit.findings import Finding, display, make_finding, shown
from budgetqa.audit.rules import CERTAIN, SUSPECTED, Rule

log = logging.getLogger(__name__)
_OF = ("其中", "含")


def _is_part(f: Fact) -> bool:
    return (f.row_label or "").strip().lstrip("　 ").startswith(_OF)


def check_subset(ctx: DocContext, rule: Rule) -> list[Finding]:
    columns: dict[tuple, list[Fact]] = defaultdict(list)
    for f in ctx.facts:
        if f.table_index is not None and f.row_index is not None and f.period in ("current", "previous"):
            columns[(f.table_index, f.col_index, f.unit, f.period)].append(f)
    out = []
    for facts in columns.values():
        facts.sort(key=lambda f: f.row_index)
        parent = None
        for f in facts:
            if not _is_part(f):
                parent = f
                continue
            if parent is None or parent.row_index >= f.row_index or f.value < 0 or parent.value < 0:
                continue
            if _exceeds(f, parent):
                out.append(_finding(ctx, f, parent))
    return out


def _exceeds(part: Fact, whole: Fact) -> bool:
    if part.value_yuan is not None and whole.value_yuan is not None:
        return part.value_yuan - whole.value_yuan > tolerance([part, whole])
    return part.unit == whole.unit and part.value > whole.value


def _finding(ctx: DocContext, part: Fact, whole: Fact) -> Finding:
    money = part.value_yuan is not None
    msg = (f"{whole.row_label}为{shown(whole)}，但其中“{part.row_label.split('：')[-1]}”为{shown(part)}，"
           f"分项大于总数（{part.locator.split(' / ')[0]}，{part.column_label or '数值'}列）")
    summary = f"“其中”项{display(part.item) or part.row_label}（{shown(part)}）大于所属总数（{shown(whole)}）"
    return make_finding("subset", CERTAIN if money else SUSPECTED, ctx, msg, [("总数", whole), ("其中", part)],
                        item=part.item or part.row_label, summary=summary)
