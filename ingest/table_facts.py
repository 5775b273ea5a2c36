"""Facts from tables: one Fact per disclosed numeric cell, with its row label, header path, code and unit.

Conventions (see also docs/architecture.md):
- empty cell -> no fact; '—'/'--'/'---' -> no fact (not disclosed); '0'/'0.00' -> a fact (disclosed zero);
- the row label is the nearest text cell left of the value (so side-by-side 收支总表 halves get their own
  labels); in 绩效目标表 it is the indicator name (三级指标); a row without any label (e.g. the single data row
  of a "三公"经费表) takes its label from the column header path;
- subject codes come from a code column ('2010308'), from 类/款/项 columns ('201','13','01' -> '2011301', a
  blank 类 taken from the row above) or from a code printed before the label; codes split by extraction are
  repaired whatever their form ('210110 1' -> '2101101', '301 2' -> '30102', a 款 cell '2' -> '02'); a 类 row
  without a code gets the 类 code of its name ('一般公共服务支出' -> '201');
- a code is never a value: every digits-only cell of a code column (类/款/项, '…编码', '…分类') is a code, and
  so is a 3/5/7-digit integer in the leading (科目编码) position of a row followed by its label (blank forms
  print '205 | 教育支出 | | |');
- unit: printed with the value ('1辆', '≥95%') > a unit cell right of it ('95 | %') > the column header
  ('价值（金额单位：万元）', '(%)') > count columns ('数量': '平方米'/'辆' from the row label or item, '件' in a
  固定资产表, else '') > the table unit > for a table without any stated unit, money-looking cells (two
  decimals) take the document's prevailing money unit and the locator says so;
- period/year: a table '截止时间：2020-12-31' before the document year -> period 'previous', year 2020; a column
  '上年预算数' or '2024年…' before the document year -> 'previous'; '增减' columns -> 'change' / 'change_pct'.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from decimal import Decimal

from budgetqa.core.records import Document, Fact, Table
from budgetqa.core.measures import header_measure
from budgetqa.core.numbers import find_numbers, is_not_disclosed, parse_number, to_yuan
from budgetqa.ingest.table_layout import (AS_OF, UNIT_WORD, Layout, cell_unit, column_period, is_serial_row, read_layout,
                                 squash, statement_name)
from budgetqa.core.vocabulary import Item, get_vocabulary

log = logging.getLogger(__name__)

_OPERATOR = re.compile(r"^(?:≥|≤|>|<|=|＞|＜|﹥|﹤|>=|<=)$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$|^\d{2}$")
_SPLIT_CODE = re.compile(r"^\d{1,6}(?:\s+\d{1,6})+$")
_DIGITS = re.compile(r"^\d{1,7}(?:\s+\d{1,7})*$")
_FULL_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_LEAD_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*([\u4e00-\u9fff].*)$")
_CATEGORY = re.compile(r"^(?:部门|项目)?(?:产出|效果|效益|满意度|数量|质量|时效|成本|社会|经济|生态|可持续影响|服务对象满意度)"
                       r"(?:效益)?(?:指标)?$")
_TOTAL = {"合计", "总计", "小计"}
_FIXED_TOTAL = {"三公经费表": "三公经费", "固定资产表": "固定资产", "政府采购表": "政府采购", "机关运行经费表": "机关运行经费"}
_DEFAULT_TOTAL = {"收入总表": "收入合计", "支出总表": "支出合计", "基本支出表": "基本支出",
                  "一般公共预算支出表": "一般公共预算拨款", **_FIXED_TOTAL}


def doc_context(doc: Document) -> dict:
    kind = doc.meta.kind or ""
    return {"doc_id": doc.id, "org": doc.meta.org, "year": doc.meta.year,
            "doc_kind": "决算" if "决算" in kind else "预算" if "预算" in kind else None,
            "default_unit": _prevailing_unit(doc)}


def _prevailing_unit(doc: Document) -> str | None:
    """The money unit most tables (else most sentences) of the document use."""
    units = Counter(t.unit for t in doc.tables if t.unit)
    if not units:
        units = Counter(n.unit for p in doc.pages for n in find_numbers(p.text) if n.is_money)
    return units.most_common(1)[0][0] if units else None


def extract_table_facts(doc: Document, ctx: dict | None = None) -> list[Fact]:
    ctx = ctx or doc_context(doc)
    pages = {p.number: p for p in doc.pages}
    facts: list[Fact] = []
    prev: Layout | None = None
    prev_width: int | None = None
    for table in doc.tables:
        if not table.rows:
            continue
        layout = read_layout(table.rows, table.title, table.unit, prev, prev_width)
        if layout.as_of_year is None and table.char_start is not None:
            page = pages.get(table.page or 1)
            above = page.text[max(0, table.char_start - 120):table.char_start] if page else ""
            m = AS_OF.search(squash(above))
            layout.as_of_year = int(m.group(1)) if m else None
        try:
            facts.extend(_table_facts(table, layout, ctx))
        except Exception:  # one odd table must not cost the document its other facts
            log.exception("%s: table %d skipped", doc.name, table.index)
        prev, prev_width = layout, max(len(r) for r in table.rows)
    return facts


def _kind(cell: str, c: int, layout: Layout, row: list[str]) -> str:
    """'empty' | 'dash' | 'num' | 'code' | 'op' | 'unit' | 'text'."""
    text = cell.strip()
    if not text:
        return "empty"
    if is_not_disclosed(text):
        return "dash"
    flat = squash(text)
    if _OPERATOR.match(flat):
        return "op"
    if UNIT_WORD.match(flat):
        return "unit"
    if layout.is_serial_col(c):
        return "serial"
    if _DIGITS.match(text) and layout.is_code_col(c):
        return "code"  # a code column holds codes only ('205', '2' for 款 02, '301 2')
    strong = bool(_FULL_CODE.match(flat) or repair_code(text))  # 3/5/7 digits, or a split code
    if (strong or _CODE.match(flat)) and (not layout.column(c) or (strong and _leading(row, c, layout))) \
            and _text_follows(row, c):
        return "code"
    if parse_number(text) is not None:
        return "num"
    return "text"


def repair_code(text: str) -> str | None:
    """A subject code split by extraction, e.g. '210110 1' -> '2101101', '301 2' -> '30102' (a 款/项 part
    printed without its leading zero); None when `text` is not a split code."""
    if not _SPLIT_CODE.match(text.strip()):
        return None
    parts = text.split()
    joined = "".join(parts)
    if len(joined) in (3, 5, 7):
        return joined
    padded = parts[0] + "".join(p.zfill(2) if len(p) == 1 else p for p in parts[1:])
    return padded if len(padded) in (3, 5, 7) else None


def _code_part(cell: str) -> str:
    """One code cell as code digits: split codes repaired, a lone 款/项 digit padded ('2' -> '02')."""
    text = cell.strip()
    repaired = repair_code(text)
    if repaired:
        return repaired
    text = re.sub(r"\s+", "", text)
    return text.zfill(2) if len(text) == 1 else text


def _leading(row: list[str], c: int, layout: Layout) -> bool:
    """Nothing but serial numbers, codes or blanks left of column c (the 科目编码 position)."""
    for k in range(c):
        flat = squash(row[k])
        if flat and not (layout.is_serial_col(k) or _DIGITS.match(row[k].strip())):
            return False
    return True


def _text_follows(row: list[str], c: int) -> bool:
    for cell in row[c + 1:]:
        flat = squash(cell)
        if not flat or _CODE.match(flat) or repair_code(cell):
            continue
        return parse_number(cell) is None and not is_not_disclosed(cell) and not UNIT_WORD.match(flat)
    return False


def _compose_code(parts: list[str], carry: str | None, grid: bool) -> str | None:
    """Code from the code cells left of a label, e.g. ['201','13','01'] -> '2011301'; ['13','2101101'] ->
    '2101101'; ['', '05', '03'] with the row above '2060503' -> '2060503' (类/款/项 grids only)."""
    tail = ""
    for part in reversed([p for p in parts if p]):
        part = re.sub(r"\s+", "", part)
        if len(part) >= 3:
            code = part + tail
            return code if len(code) in (3, 5, 7) else None
        tail = part + tail
    if tail and grid and carry and len(carry) >= 3:
        width = 7 - len(tail)
        return carry[:width] + tail if width in (3, 5) else None
    return None


def _table_facts(table: Table, layout: Layout, ctx: dict) -> list[Fact]:
    voc = get_vocabulary()
    width = max(len(r) for r in table.rows)
    columns = [layout.column(c) for c in range(width)]
    statement = statement_name(layout.title, columns)
    if statement == "表格" and _looks_like_performance(table.rows[layout.body_start:]):
        statement = "绩效目标表"
    perf = statement == "绩效目标表"
    name_col = next((c for c in range(width) if layout.last(c) in ("三级指标", "指标名称", "绩效指标")), None)
    grid = any(layout.last(c) in ("类", "款", "项") for c in range(width))
    title = layout.title or statement
    facts: list[Fact] = []
    carry: str | None = None
    data_cols = set() if perf else _data_columns(table, layout, width, columns)
    for r in range(layout.body_start, len(table.rows)):
        row = table.rows[r] + [""] * (width - len(table.rows[r]))
        if is_serial_row(row):
            continue
        kinds = [_kind(cell, c, layout, row) for c, cell in enumerate(row)]
        if "num" not in kinds:
            continue
        quote = " | ".join(c.strip() for c in row).rstrip(" |")
        serial = next((squash(row[c]) for c in range(width) if kinds[c] == "serial" and squash(row[c]).isdigit()), None)
        row_no = serial or str(r - layout.body_start + 1)
        codes: dict[int, str | None] = {}
        for c in range(width):
            blank = kinds[c] == "empty" and c in data_cols
            if kinds[c] != "num" and not blank:
                continue
            label_col = _label_col(row, kinds, c, perf, name_col)
            column = columns[c]
            if label_col is None:
                column = _subheader(table.rows, r, c, layout.body_start) or column
                if not column:
                    continue
            elif label_col not in codes:
                codes[label_col] = _row_code(row, kinds, label_col, carry, grid)
            label = row[label_col].strip() if label_col is not None else column
            code = codes.get(label_col) if label_col is not None else None
            m = _LEAD_CODE.match(label)
            if m and code is None:
                code, label = m.group(1), m.group(2).strip()
            item = _item(voc, label, code, column, statement, from_column=label_col is None)
            if code is None and item is not None and "functional" in item.kinds and statement not in (
                    "基本支出表",):
                top = [k for k in item.codes if len(k) == 3]
                code = top[0] if len(top) == 1 and len(item.codes) == 1 else None
            fact = _fact(ctx, table, layout, statement, title, r, c, row, label, code, item, column, row_no,
                         quote, perf, blank)
            if fact is not None:
                facts.append(fact)
        first_code = next((v for v in codes.values() if v), None)
        if first_code:
            carry = first_code
    return facts


def _data_columns(table: Table, layout: Layout, width: int, columns: list[str]) -> set[int]:
    """Columns holding figures: a number in some body row, or a header naming a measure ('决算数', '预算数').
    A blank cell of such a column in a printed data row is a blank fact: nothing was disclosed there."""
    out = set()
    for c in range(width):
        if not columns[c] or layout.is_serial_col(c) or layout.is_code_col(c):
            continue
        if header_measure(columns[c]) or any(
                c < len(row) and parse_number(row[c]) is not None for row in table.rows[layout.body_start:]):
            out.add(c)
    return out


def _looks_like_performance(rows: list[list[str]]) -> bool:
    """Body rows classified by 产出/效益/满意度 (数量/质量/时效/成本) indicators: a 绩效目标 table."""
    hits = sum(1 for row in rows if any(_CATEGORY.match(squash(c)) for c in row[:3] if c.strip()))
    return hits >= 2


def _subheader(rows: list[list[str]], r: int, c: int, body_start: int) -> str | None:
    """A value without a row label under a text-only body row (a form's '资金支出计划（%） | 3月底 | 6月底')."""
    if r - 1 < body_start:
        return None
    above = rows[r - 1]
    if c >= len(above) or not above[c].strip() or any(parse_number(x) is not None for x in above):
        return None
    first = next((squash(x) for x in above if x.strip()), "")
    return f"{first}/{squash(above[c])}" if first != squash(above[c]) else first


def _label_col(row: list[str], kinds: list[str], c: int, perf: bool, name_col: int | None) -> int | None:
    indicator_row = not row[0].strip() or any(_CATEGORY.match(squash(x)) for x in row[:c] if x.strip())
    if perf and indicator_row:
        if name_col is not None and name_col < c and kinds[name_col] == "text":
            return name_col
        for k in range(c):
            if kinds[k] == "text" and not _CATEGORY.match(squash(row[k])):
                return k
    for k in range(c - 1, -1, -1):
        if kinds[k] == "text":
            return k
    return None


def _row_code(row: list[str], kinds: list[str], label_col: int, carry: str | None, grid: bool) -> str | None:
    parts: list[str] = []
    for k in range(label_col - 1, -1, -1):
        if kinds[k] == "code":
            parts.insert(0, row[k])
        elif kinds[k] != "empty":
            break
    parts = [_code_part(p) for p in parts]
    return _compose_code(parts, carry, grid) if parts else None


def _item(voc, label: str, code: str | None, column: str, statement: str, from_column: bool) -> Item | None:
    if code and voc.code_name(code):
        return voc.item(voc.code_name(code))
    if from_column:
        return _column_item(voc, column, statement)
    item = voc.match(label)
    if item is not None and item.name != "合计":
        return item
    if squash(label).strip("：:") in _TOTAL or item is not None:  # a total row: what the column totals
        side = "收入" if "收入" in column else "支出" if "支出" in column else None
        if statement in ("收支总表", "财政拨款收支总表") and side:  # side-by-side: 收入总计 / 支出总计
            return voc.item(side + ("合计" if squash(label) == "合计" else "总计"))
        if statement in _FIXED_TOTAL:
            return voc.item(_FIXED_TOTAL[statement])
        col_item = _column_item(voc, column, statement)
        if col_item is not None:
            return col_item
        return voc.item(_DEFAULT_TOTAL[statement]) if statement in _DEFAULT_TOTAL else voc.item("合计")
    return None


def _column_item(voc, column: str, statement: str) -> Item | None:
    """Item named by a header path: '“三公”经费预算数/公务用车购置及运行费/购置费' -> 公务用车购置费,
    '…/公务用车购置及运行费/运行费' -> 公务用车运行维护费, '…/公务用车购置及运行费/小计' -> 公务用车购置及运行维护费."""
    parts = [p for p in column.split("/") if p]
    for depth in range(len(parts) - 1, -1, -1):
        part = parts[depth]
        item = voc.match(part)
        if item is not None and item.name != "合计":
            return item
        if depth > 0 and part not in _TOTAL:
            item = _specialise(voc, parts[depth - 1], part)
            if item is not None:
                return item
        found = [it for it, _, _ in voc.find_items(part) if it.name != "合计"]
        if found:
            return found[-1]
    return voc.item(_FIXED_TOTAL[statement]) if statement in _FIXED_TOTAL else None


def _specialise(voc, parent: str, part: str) -> Item | None:
    """A sub-column named by its own last words under a combined parent: the parent's stem (its shortest
    prefix that gives a known item) + the sub-column ('公务用车购置及运行费' + '运行费' -> '公务用车运行费', never
    back to the parent itself '公务用车购置及运行费')."""
    whole = voc.match(parent)
    for i in range(2, len(parent)):
        item = voc.match(parent[:i] + part)
        if item is not None and item.name != "合计" and (whole is None or item.name != whole.name):
            return item
    return None


def _fact(ctx, table, layout, statement, title, r, c, row, label, code, item, column, row_no, quote,
          perf, blank: bool = False) -> Fact | None:
    num = parse_number("0" if blank else row[c])
    if num is None:
        return None
    unit, inferred = cell_unit(num, row, c, label, item, column, statement, layout, ctx["default_unit"], perf)
    period, year = column_period(column, layout, ctx["year"])
    value: Decimal = num.value
    locator = f"{title} / 第{row_no}行 {squash(label) if len(label) < 40 else squash(label)[:40]}"
    if column:
        locator += f" / 列 {column}"
    if inferred:
        locator += f"（表内未标单位，按本文件通用单位{unit}）"
    if blank:
        locator += "（空白单元格）"
    return Fact(
        doc_id=ctx["doc_id"], org=ctx["org"], year=year, doc_kind=ctx["doc_kind"], statement=statement,
        item=item.name if item else None, row_label=label, column_label=column, code=code,
        value_text="" if blank else row[c].strip(), value=value, unit=unit, value_yuan=to_yuan(value, unit), page=table.page,
        table_index=table.index, row_index=r, col_index=c, quote=quote, locator=locator, period=period,
        blank=blank,
    )
