"""Required statements: missing, empty without an explanation (提示), or empty by their note yet filled (疑似)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from budgetqa.core.records import Citation

from budgetqa.audit.context import DocContext
from budgetqa.audit.findings import Finding, make_finding
from budgetqa.audit.labels import table_title
from budgetqa.audit.rules import NOTE, SUSPECTED, Rule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Standard:
    name: str  # as the rules of 预决算公开 name it
    pattern: str  # on a title line without spaces
    statement: str  # the extractor's statement name (ingest/table_layout.py STATEMENTS)
    topic: str  # words of a sentence explaining why it is empty ('无政府性基金…')
    exclude: str = r"$^"


_BUDGET = (
    Standard("收支总表", r"(?<!拨款)收支(?:预算)?总(?:体情况)?表", "收支总表", r"$^"),
    Standard("收入总表", r"收入(?:预算)?总(?:体情况)?表|(?:部门|单位)收入(?:预算)?表$", "收入总表", r"$^"),
    Standard("支出总表", r"支出(?:预算)?总(?:体情况)?表|(?:部门|单位)支出(?:预算)?表$", "支出总表", r"$^",
             r"一般公共预算|基本|三公|基金|国有资本|项目"),
    Standard("财政拨款收支总表", r"财政拨款收支(?:预算)?总(?:体情况)?表", "财政拨款收支总表", r"$^"),
    Standard("一般公共预算支出表", r"一般公共预算(?:财政拨款)?支出(?:功能分类)?(?:预算|情况)?表", "一般公共预算支出表",
             r"$^", r"基本"),
    Standard("一般公共预算基本支出表", r"基本支出.{0,24}表", "基本支出表", r"$^"),
    Standard("“三公”经费支出表", r"三公.{0,20}表", "三公经费表", r"三公"),
    Standard("政府性基金预算支出表", r"政府性?基金.{0,24}表", "政府性基金支出表", r"政府性?基金"),
    Standard("国有资本经营预算支出表", r"国有资本经营.{0,24}表", "国有资本经营预算支出表", r"国有资本经营"),
)
_FINAL = (
    Standard("收入支出决算总表", r"(?<!拨款)收入支出决算总表", "收支总表", r"$^"),
    Standard("收入决算表", r"(?<!支出)收入决算表", "收入总表", r"$^"),
    Standard("支出决算表", r"支出决算表", "支出总表", r"$^", r"一般公共预算|财政拨款|基本|基金|国有资本|三公"),
    Standard("财政拨款收入支出决算总表", r"财政拨款收入支出决算总表", "财政拨款收支总表", r"$^"),
    Standard("一般公共预算财政拨款支出决算表", r"一般公共预算财政拨款支出决算表", "一般公共预算支出表", r"$^", r"基本"),
    Standard("一般公共预算财政拨款基本支出决算表", r"基本支出决算表", "基本支出表", r"$^"),
    Standard("财政拨款“三公”经费支出决算表", r"三公.{0,16}决算表", "三公经费表", r"三公"),
    Standard("政府性基金预算财政拨款收入支出决算表", r"政府性?基金.{0,24}表", "政府性基金支出表", r"政府性?基金"),
    Standard("国有资本经营预算财政拨款收入支出决算表", r"国有资本经营.{0,24}表", "国有资本经营预算支出表", r"国有资本经营"),
)
_TITLE = re.compile(r"^.{2,48}表(?:[（(][^）)]{0,12}[）)])?\d{0,3}$")
_EXPLAINED = re.compile(r"空表|无数据|本表无|没有|不涉及|未安排|数据为零|为零|均为0|无[^。；\n]{0,30}(?:预算|支出|收入|经费|安排)")
_EMPTY_NOTE = re.compile(r"空表|本表无数据|故本表无|本表为空")
_PLACEHOLDER = re.compile(r"X{2,}|×{2,}")
_SQUASH = re.compile(r"[\s“”\"'‘’]+")


def _titles(ctx: DocContext) -> list[tuple[int, str, int, str]]:
    """(page, squashed title line, raw line, region after it up to the next title) for table titles."""
    if "titles" in ctx.cache:
        return ctx.cache["titles"]
    found = []
    for number in sorted(ctx.pages):
        text = ctx.pages[number] or ""
        if "目录" in _SQUASH.sub("", text[:200]):
            continue  # a table of contents names every table
        for m in re.finditer(r"[^\n]+", text):
            line = _SQUASH.sub("", m.group(0))
            if _TITLE.match(line) and "…" not in line and "..." not in line:
                found.append((number, line, m.end(), m.group(0).strip()))
    out = []
    for i, (number, line, end, raw) in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        text = ctx.pages[number]
        stop = nxt[2] if nxt and nxt[0] == number else len(text)
        out.append((number, line, raw, text[end:min(stop, end + 1500)]))
    ctx.cache["titles"] = out
    return out


def _standards(ctx: DocContext) -> tuple[Standard, ...]:
    if ctx.is_final:
        return _FINAL
    year = ctx.doc_year or 2020
    return _BUDGET if year >= 2018 else _BUDGET[:-1]


def _match(std: Standard, titles):
    return [t for t in titles if re.search(std.pattern, t[1]) and not re.search(std.exclude, t[1])]


def _is_template(ctx: DocContext) -> bool:
    """A blank form: 'XX' placeholders and no figure of any known item."""
    return len(_PLACEHOLDER.findall(ctx.text)) >= 5 and not any(f.item and f.value_yuan for f in ctx.money)


def _filled(ctx: DocContext, s: Standard) -> bool:
    for f in ctx.money:
        if f.table_index is None:
            continue
        title = _SQUASH.sub("", table_title(f))
        if (re.search(s.pattern, title) and not re.search(s.exclude, title)) or (not title and f.statement == s.statement):
            return True
    return False


def check_completeness(ctx: DocContext, rule: Rule) -> list[Finding]:
    if not ctx.pages:
        return []
    if _is_template(ctx):
        return [_note(ctx, "文件为未填报的模板（含“XX”占位符、表内无数据），不作数字一致性审核", "模板", None,
                      next((ln.strip() for ln in ctx.text.splitlines() if _PLACEHOLDER.search(ln)), ""))]
    titles = _titles(ctx)
    stds = _standards(ctx)
    present = {s.name: _match(s, titles) for s in stds}
    missing = [s.name for s in stds if not present[s.name]]
    out = []
    if missing:
        kind = "决算" if ctx.is_final else "预算"
        what = "未见任何" + kind + "公开表（可能另行公开）" if len(missing) == len(stds) else "缺少以下" + kind + "公开表"
        out.append(_note(ctx, f"{what}：{'、'.join(missing)}", "缺表", None, ""))
    for s in stds:
        for page, line, raw, region in present[s.name][:1]:
            if _filled(ctx, s) or _EXPLAINED.search(region) or _explained_elsewhere(ctx, s):
                continue
            out.append(_note(ctx, f"{raw}为空表，且未说明原因（如“无…预算，本表为空”）", s.name, page, raw))
    return out


def _explained_elsewhere(ctx: DocContext, s: Standard) -> bool:
    """A sentence of the text saying there is nothing to show ('我部门无政府性基金预算…')."""
    if s.topic == r"$^":
        return False
    pattern = re.compile(rf"(?:无|没有|未安排|不涉及)[^。；\n]{{0,24}}(?:{s.topic})|(?:{s.topic})[^。；\n]{{0,24}}(?:为零|为0|无数据)")
    return bool(pattern.search(_SQUASH.sub("", ctx.text)))


def _note(ctx: DocContext, msg: str, item: str, page: int | None, quote: str) -> Finding:
    cite = Citation(doc=ctx.name, page=page if ctx.paged else None, locator=quote or "全文", quote=quote)
    value = {"role": "公开表", "label": item, "value": "", "unit": ""}
    return make_finding("completeness", NOTE, ctx, msg, [], item=item, extra=[(value, cite)])


def check_note_conflicts(ctx: DocContext, rule: Rule) -> list[Finding]:
    """A table whose note says it is empty ('故本表为空表') but which shows non-zero figures."""
    out = []
    for s in _standards(ctx):
        for page, line, raw, region in _match(s, _titles(ctx)) if ctx.pages else []:
            note = _EMPTY_NOTE.search(region)
            if not note:
                continue
            facts = [f for f in ctx.money if f.item and f.value_yuan and f.table_index is not None
                     and re.search(s.pattern, _SQUASH.sub("", table_title(f)))
                     and (f.page == page or not ctx.paged) and f.value_text in region]
            if facts:
                start = region.rfind("\n", 0, note.start()) + 1
                quote = region[start:region.find("\n", note.end()) if "\n" in region[note.end():] else None]
                msg = f"{raw}的表注称“{quote.strip()[:50]}”，但表内列有数字（如{facts[0].value_text}{facts[0].unit}）"
                cite = Citation(doc=ctx.name, page=page if ctx.paged else None, locator=f"{raw} 表注",
                                quote=quote.strip())
                out.append(make_finding("note_conflict", SUSPECTED, ctx, msg, [("表内数字", f) for f in facts[:4]],
                                        item=s.name, extra=[({"role": "表注", "label": "表注", "value": "",
                                                              "unit": ""}, cite)]))
    return out
