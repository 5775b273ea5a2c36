"""A figure the text states whose table cell is blank.

Which item a blank cell stands for is read by the fact extractor itself: every blank cell of a data row, in a
column that prints figures in other rows, is filled with a unique probe value and the document's tables are
extracted again; the probe facts carry the item, column, measure and scope the cell would have had. A sentence
figure of an item (non-zero, this year) is flagged when a table has a blank cell of that item (same measure
and scope; the cell's row, or its column in a total row, names the item) and prints the figure neither for
that item nor in that row (a table split over pages counts as one).
"""
from __future__ import annotations

import copy
import logging
from collections import defaultdict

from budgetqa.core.records import Citation, DocMeta, Document, Fact, Page, Table
from budgetqa.ingest.table_facts import extract_table_facts

from budgetqa.audit.context import DocContext, close, place, tolerance
from budgetqa.audit.findings import Finding, display, make_finding, shown
from budgetqa.audit.labels import is_total_label, item_of_label, last_level
from budgetqa.audit.rules import SUSPECTED, Rule
from budgetqa.core.numbers import parse_number
from budgetqa.core.units import is_money_unit

log = logging.getLogger(__name__)



def _is_amount(cell: str) -> bool:
    """A printed amount: a plain number written with decimals or thousands separators."""
    text = cell.strip()
    number = parse_number(text)
    return number is not None and not number.unit and ("." in text or "," in text)


_PROBE_BASE = 9_000_000


def _probe_tables(tables: list[Table]) -> tuple[list[Table], dict[str, tuple[int, int, int]]]:
    """Copies of the tables with blank data cells filled with probe values; probe text -> (table, row, column)."""
    probes: dict[str, tuple[int, int, int]] = {}
    out = []
    for t in tables:
        width = max((len(r) for r in t.rows), default=0)
        rows = [list(r) + [""] * (width - len(r)) for r in t.rows]
        data = [any(_is_amount(c) for c in r) for r in rows]
        numeric_cols = {c for r, ok in zip(rows, data) if ok for c, cell in enumerate(r) if _is_amount(cell)}
        for r, row in enumerate(rows):
            if not data[r]:
                continue
            for c in numeric_cols:
                if not row[c].strip():
                    text = f"{_PROBE_BASE + len(probes)}.37"
                    probes[text] = (t.index, r, c)
                    row[c] = text
        probe = copy.copy(t)
        probe.rows = rows
        out.append(probe)
    return out, probes


def blank_cells(ctx: DocContext) -> list[Fact]:
    """Facts the blank data cells would be if they printed a figure (value = the probe, not a real figure)."""
    if "blank_cells" in ctx.cache:
        return ctx.cache["blank_cells"]
    found: list[Fact] = []
    if ctx.tables:
        tables, probes = _probe_tables(ctx.tables)
        if probes:
            by_page: dict[int, list[Table]] = defaultdict(list)
            for t in tables:
                by_page[t.page or 1].append(t)
            numbers = sorted(set(ctx.pages) | set(by_page))
            pages = [Page(n, ctx.pages.get(n, ""), by_page.get(n, [])) for n in numbers]
            doc = Document(path="", name=ctx.name, sha256=ctx.doc_id, format=ctx.format or "txt", pages=pages,
                           meta=DocMeta(org=ctx.org, year=ctx.year, kind=ctx.kind), paged=ctx.paged)
            found = [f for f in extract_table_facts(doc) if f.value_text in probes]
    ctx.cache["blank_cells"] = found
    return found


def _compatible(ctx: DocContext, a: Fact, b: Fact) -> bool:
    ma, mb = ctx.measure(a), ctx.measure(b)
    sa, sb = ctx.scope(a), ctx.scope(b)
    return (ma is None or mb is None or ma == mb) and (sa is None or sb is None or sa == sb) \
        and (not a.code or not b.code or a.code == b.code)


def check_blank_cells(ctx: DocContext, rule: Rule) -> list[Finding]:
    stated = [f for f in ctx.money if f.statement == "narrative" and f.item and f.period == "current"
              and f.value_yuan and is_money_unit(f.unit)]
    if not stated:
        return []
    blanks = [b for b in blank_cells(ctx) if b.item and b.period == "current"]
    if not blanks:
        return []
    titles = {t.index: t.title or f"#{t.index}" for t in ctx.tables}  # a table split over pages is one table
    printed: dict[str, list[Fact]] = defaultdict(list)  # table -> its real figures
    for f in ctx.money:
        if f.table_index is not None:
            printed[titles.get(f.table_index, f"#{f.table_index}")].append(f)
    out, seen = [], set()
    for n in stated:
        for b in blanks:
            table = titles.get(b.table_index, f"#{b.table_index}")
            if b.item != n.item or not _compatible(ctx, n, b) or (table, n.item, n.value_yuan) in seen:
                continue
            if not _own_cell(b) or any(close(f.value_yuan, n.value_yuan, tolerance([f, n])) for f in printed[table]
                                       if f.item == n.item or f.row_index == b.row_index and f.table_index == b.table_index):
                continue  # the table prints the figure for that item (another column or row), or in that row
            seen.add((table, n.item, n.value_yuan))
            out.append(_finding(ctx, n, b))
    return out


def _own_cell(b: Fact) -> bool:
    """The blank cell's item is named by its row label, or by its column in a total row ('合计 | … | 人员经费')."""
    if b.row_label == b.column_label:
        return False  # no row label: the extractor named the cell after its column header
    if item_of_label(b.row_label) == b.item:
        return True
    return is_total_label(b.row_label) and item_of_label(last_level(b.column_label)) == b.item


def _finding(ctx: DocContext, n: Fact, b: Fact) -> Finding:
    where = b.locator.replace(b.value_text, "").strip()
    msg = f"正文写{display(n.item)}{shown(n)}（{place(n)}），但表中对应单元格为空（{where}）"
    cell = {"role": "表格空单元格", "label": b.row_label, "item": b.item, "value": "", "unit": b.unit}
    quote = b.quote.replace(b.value_text, "").replace("|  |", "| |")
    cite = Citation(doc=ctx.name, page=b.page if ctx.paged else None, locator=where, quote=quote)
    return make_finding("blank_cell", SUSPECTED, ctx, msg, [("正文所述", n)], item=n.item, extra=[(cell, cite)],
                        summary=f"{display(n.item)}正文有数字（{shown(n)}），表中对应单元格为空")
