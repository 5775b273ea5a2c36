"""Reading the layout of a disclosure table: preamble rows, header rows, column header paths, statement type.

Used by ingest/table_facts.py. A table arrives as rows of cell strings (see budgetqa.core.records.Table).
- preamble: leading rows holding only a title ('固定资产占用情况表'), '编制部门：…', '截止时间：2021年12月31日',
  '单位：万元' or '预算年度：2021' (title, unit and as-of year are kept);
- header: the following rows without a figure (at most 4), plus '栏次' rows (column numbers 1..n, skipped);
  rows holding long text (> 30 characters, e.g. a 绩效目标 paragraph) are skipped, not headers;
- column paths: the header cells above each column, top to bottom, empty merged cells inheriting from the left
  when they span columns that are split below ('收入', '' over '项目', '预算数' -> '收入/预算数');
- continuation tables (no header of their own) reuse the previous table's header when they have its width
  and its title (or none).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetqa.core.numbers import Number, is_not_disclosed, normalize_unit, parse_number
from budgetqa.core.units import COUNT_UNITS, MONEY_FACTORS, MONEY_UNIT_RE, UNIT_ALIASES, alternation
from budgetqa.core.vocabulary import Item

_WS = re.compile(r"\s+")
_UNIT_IN = re.compile(rf"单位[:：]\s*({MONEY_UNIT_RE})|[（(]({MONEY_UNIT_RE})[）)]")
AS_OF = re.compile(r"截[止至](?:时间|日期)?[:：]?\s*(\d{4})\s*(?:年|-|/|\.)")
_META = re.compile(r"^(?:编制(?:部门|单位)|预算(?:主管部门|单位|年度)|部门名称|单位名称|截[止至]|(?:金额)?单位)[:：]?")
_TITLE = re.compile(r"表(?:[（(][^）)]*[）)])?$")
_DATA_LABEL = re.compile(r"^[一二三四五六七八九十]+、")
UNIT_WORD = re.compile(rf"^(?:{alternation((*COUNT_UNITS, *UNIT_ALIASES, *MONEY_FACTORS))})$")
_PAREN_UNIT = re.compile(r"[（(]([^）)]*?)[）)]\s*$")
_PREV_COL = re.compile(r"上年(?:度)?(?:预算|决算|执行|实际|同期)?数|上年度")
_YEAR_COL = re.compile(r"(\d{4})年")
_SERIAL_HEAD = {"序号", "栏次", "行次", "档次", "编号"}
_TOTAL_ROW = re.compile(r"^(?:合计|总计|本年合计)$")
_CODE_PART_HEAD = {"类", "款", "项"}
MAX_HEADER_ROWS = 4
LONG_TEXT = 30

# (pattern on title, canonical statement); first match wins, so specific names come first
STATEMENTS: list[tuple[str, str]] = [
    (r"绩效", "绩效目标表"),
    (r"三公", "三公经费表"),
    (r"机关运行经费", "机关运行经费表"),
    (r"政府采购", "政府采购表"),
    (r"固定资产|国有资产|资产占用", "固定资产表"),
    (r"政府性基金|政府基金", "政府性基金支出表"),
    (r"国有资本经营", "国有资本经营预算支出表"),
    # '财政拨款收支预算总表', '财政拨款收入支出决算总表' (not '一般公共预算财政拨款收入支出决算表')
    (r"(?<!一般公共预算)财政拨款收入?支出?(?:预算|决算)?总?表", "财政拨款收支总表"),
    (r"收支(?:预算|决算)?总表|收入支出(?:预算|决算)?总表", "收支总表"),
    (r"收入(?:预算|决算)?(?:总)?表", "收入总表"),
    (r"基本支出", "基本支出表"),
    (r"项目支出", "项目支出表"),
    (r"一般公共预算", "一般公共预算支出表"),
    (r"支出(?:预算|决算)?(?:总)?表", "支出总表"),
]


def squash(text: str | None) -> str:
    """A header/label cell without line breaks and without spaces (CJK tables are letter-spaced)."""
    return _WS.sub("", text or "")


def statement_name(title: str | None, columns: list[str]) -> str:
    """Canonical statement type from the title, else from the header words; '表格' when unknown."""
    text = squash(title)
    for pattern, name in STATEMENTS:
        if text and re.search(pattern, text):
            return name
    head = " ".join(columns)
    if "指标值" in head or "三级指标" in head:
        return "绩效目标表"
    if "数量" in head and "价值" in head:
        return "固定资产表"
    if "政府采购" in head or "采购物品" in head:
        return "政府采购表"
    return "表格"


@dataclass
class Layout:
    title: str | None
    unit: str | None
    as_of_year: int | None
    body_start: int  # index of the first body row
    paths: list[list[str]]  # header parts per column, top to bottom
    serial_rows: set[int] = field(default_factory=set)  # '栏次' rows inside the body (skipped)

    def column(self, c: int) -> str:
        return "/".join(self.paths[c]) if c < len(self.paths) else ""

    def last(self, c: int) -> str:
        return self.paths[c][-1] if c < len(self.paths) and self.paths[c] else ""

    def is_serial_col(self, c: int) -> bool:
        return self.last(c) in _SERIAL_HEAD

    def is_code_col(self, c: int) -> bool:
        last = self.last(c)
        return last in _CODE_PART_HEAD or "编码" in last or (last.endswith("分类") and "科目名称" not in last)


def _is_numeric(cell: str) -> bool:
    return parse_number(cell) is not None


def is_serial_row(row: list[str]) -> bool:
    """'栏次 | 1 | 2 | 3' or a bare run of column numbers."""
    filled = [squash(c) for c in row if c.strip()]
    if not filled:
        return False
    if filled[0] in _SERIAL_HEAD:
        filled = filled[1:]
        if not filled:
            return True
    return len(filled) >= 3 and all(f.isdigit() for f in filled) and [int(f) for f in filled] == list(
        range(int(filled[0]), int(filled[0]) + len(filled)))


def _preamble_row(row: list[str]) -> tuple[bool, str | None, str | None, int | None]:
    filled = [c.strip() for c in row if c.strip()]
    if not filled or len(filled) > 3:
        return False, None, None, None
    title = unit = year = None
    for cell in filled:
        flat = squash(cell)
        m = _UNIT_IN.search(flat)
        y = AS_OF.search(flat)
        if y:
            year = int(y.group(1))
        if m and _META.match(flat):
            unit = m.group(1) or m.group(2)
        elif _META.match(flat):
            pass
        elif len(filled) == 1 and _TITLE.search(flat) and len(flat) <= 60:
            title = flat
        elif m and len(filled) == 2 and len(flat) < 40:
            unit = m.group(1) or m.group(2)
        elif len(filled) == 2 and any(_META.match(squash(o)) for o in filled if o != cell) and not _is_numeric(cell):
            pass  # an org name beside '单位：万元'
        else:
            return False, None, None, None
    return True, title, unit, year


def _fill_header(rows: list[list[str]]) -> list[list[str]]:
    """Empty header cells spanning columns split below inherit the label on their left."""
    grid = [[squash(c) for c in r] for r in rows]
    for r in range(len(grid) - 1):
        for c in range(1, len(grid[r])):
            if grid[r][c] or not grid[r][c - 1]:
                continue
            below = any(grid[k][c] for k in range(r + 1, len(grid)))
            same_parent = r == 0 or grid[r - 1][c] == grid[r - 1][c - 1]
            if below and same_parent:
                grid[r][c] = grid[r][c - 1]
    return grid


def _paths(header: list[list[str]], width: int) -> list[list[str]]:
    grid = _fill_header(header)
    out = []
    for c in range(width):
        parts: list[str] = []
        for row in grid:
            cell = row[c] if c < len(row) else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        out.append(parts)
    return out


def read_layout(rows: list[list[str]], title: str | None, unit: str | None, prev: Layout | None,
                prev_width: int | None) -> Layout:
    """Layout of one table; `prev`/`prev_width` describe the table before it (for continuations)."""
    width = max((len(r) for r in rows), default=0)
    i, as_of = 0, None
    while i < len(rows):
        ok, t, u, y = _preamble_row(rows[i])
        if not ok:
            break
        title = title or t
        unit = unit or u
        as_of = as_of or y
        i += 1
    header: list[list[str]] = []
    while i < len(rows):
        row = rows[i]
        if is_serial_row(row):
            i += 1
            continue
        cells = [c for c in row if c.strip()]
        if any(_is_numeric(c) or is_not_disclosed(c) or _DATA_LABEL.match(squash(c)) for c in cells):
            break
        if header and _lone_total(row):
            break  # '合计' with nothing beside it (a blank form): the first body row, not a header
        if any(len(squash(c)) > LONG_TEXT for c in cells):
            if header:
                break  # text below a header: the body has begun
        elif cells:
            if header and all(c.strip() for c in header[0]) and len(header[0]) == width:
                break  # a header row without merged cells is the whole header: this is a body row
            header.append(row)
        i += 1
    header = header[-MAX_HEADER_ROWS:]
    for r in header:  # '单位：万元' hiding in a header cell
        for c in r:
            m = _UNIT_IN.search(squash(c))
            if m and unit is None and _META.match(squash(c)):
                unit = m.group(1) or m.group(2)
    layout = Layout(title=title, unit=unit, as_of_year=as_of, body_start=i, paths=_paths(header, width))
    if not header and prev is not None and prev_width == width and (title is None or title == prev.title):
        layout.paths = prev.paths
        layout.title = title or prev.title
        layout.unit = unit or prev.unit
        layout.as_of_year = as_of or prev.as_of_year
    return layout


def _lone_total(row: list[str]) -> bool:
    """A row holding only '合计'/'总计' in one of its two leading cells."""
    filled = [(c, squash(x)) for c, x in enumerate(row) if x.strip()]
    return len(filled) == 1 and filled[0][0] <= 1 and bool(_TOTAL_ROW.match(filled[0][1]))


def cell_unit(num: Number, row: list[str], c: int, label: str, item: Item | None, column: str, statement: str,
          layout: Layout, default_unit: str | None, perf: bool) -> tuple[str, bool]:
    """(unit, inferred) for a value cell; see the module doc for the order of the rules."""
    if num.unit:
        return num.unit, False
    nxt = squash(row[c + 1]) if c + 1 < len(row) else ""
    if nxt and UNIT_WORD.match(nxt):
        return normalize_unit(nxt), False
    last = column.split("/")[-1] if column else ""
    if re.search(r"[（(](?:%|％|百分比)[）)]", column + label) or "%" in last or "百分比" in last:
        return "%", False
    m = _UNIT_IN.search(last) or _UNIT_IN.search(column)
    if m:
        return m.group(1) or m.group(2), False
    if re.search(r"数量|人数|个数|件数|台数|面积", last):
        pm = _PAREN_UNIT.search(label)
        if pm and pm.group(1):
            return "辆" if "辆" in pm.group(1) else normalize_unit(pm.group(1).split("、")[0]), False
        if item is not None and item.name == "车辆":
            return "辆", False
        if item is not None and item.name in ("房屋", "办公用房"):
            return "平方米", False
        return ("件" if statement == "固定资产表" else ""), False
    money_like = bool(re.search(r"\.\d{2}$", num.text.strip()))
    if perf and not money_like:
        return "", False
    if layout.unit:
        return layout.unit, False
    if default_unit and money_like:
        return default_unit, True
    return "", False


def column_period(column: str, layout: Layout, doc_year: int | None) -> tuple[str, int | None]:
    if re.search(r"增减率|增长率|增减幅度|增减%|增减（%）|增减\(%\)", column):
        return "change_pct", doc_year
    if re.search(r"增减|比上年增", column):
        return "change", doc_year
    if _PREV_COL.search(column):
        return "previous", doc_year - 1 if doc_year else None
    ym = _YEAR_COL.search(column)
    if ym:
        year = int(ym.group(1))
        return ("previous" if doc_year and year < doc_year else "current"), year
    if layout.as_of_year:
        return ("previous" if doc_year and layout.as_of_year < doc_year else "current"), layout.as_of_year
    return "current", doc_year
