"""Organisation, fiscal year and kind of a disclosure: from its content, else its file name, unless a user set them.

Content rules, strongest first (ingest/titles.py reads a title line; its words are data in
budgetqa/core/data/doc_titles.yaml):
- title area = the first short lines of the first page with text, up to the first section heading; a named
  page (an XLSX sheet) adds its name and its own first rows;
- org: a cover label ('预算主管部门：X', '预算单位：X'); a single 'NNNNNN X' unit-code header line in the
  tables; the organisation of the title ('X 2024年 <any statement>', '2024年 X <statement>', 'X <statement>');
  a '编制部门：X' label; the organisation of a sheet title; a sentence 'X为正科级事业单位'. A short name is
  completed by a longer body name ending with it ('群众工作中心' -> '高新区群众工作中心'). A placeholder ('XX')
  marks a blank template: org None;
- year: the most frequent year in the title area, else '预算年度：YYYY', else the most frequent year written
  right before 预算/决算 in the text, else the year of a sheet title;
- kind: 部门预算/单位预算/部门决算/单位决算 named in the title area, else implied by the title's statement name
  ('部门支出总表' -> 部门预算, '收入支出决算总表' -> 部门决算), else by sheet titles, else the most frequent in the
  text; 'other' when the text mentions neither 预算 nor 决算.
A field the content does not give is read from the file name the same way, with a warning saying so; a
field neither gives is None with a warning (never a guess). A field the user set (MetaOverride) wins.
`DocMeta.sources` records where each field came from.
"""
from __future__ import annotations

import logging
import re
from collections import Counter

from budgetqa.core.doc_titles import get_title_terms
from budgetqa.core.meta_override import CONTENT, FIELD_LABELS as _LABELS, FILE_NAME, USER, MetaOverride
from budgetqa.core.numerals import arabic_years
from budgetqa.core.records import DocMeta, Document, Page
from budgetqa.ingest.aliases import declared_aliases
from budgetqa.ingest.text import UNIT_LINE
from budgetqa.ingest.titles import TitleParts, compact, file_name_year, parse_file_name, parse_title

log = logging.getLogger(__name__)

_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+部分|目录|按照|根据)")
# a label line ('预算主管部门：…', '编制单位：…', '预算年度：2024'), not a title ('附件1：…' is one)
_LABEL_LINE = re.compile(r"^[\u4e00-\u9fff]{0,8}(?:单位|部门|名称|年度|日期|机关)[：:]")
_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d,]|\.\d|\s*年\s*\d{1,2}\s*月)")
_YEAR_LABEL = re.compile(r"(?:预算|决算)年度[:：]\s*((?:19|20)\d{2})")
_YEAR_KIND = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:区级|市级|县级|省级)?\s*(?:部门|单位)?\s*(?:预算|决算)")
_COVER_LABEL = re.compile(r"(?:预算主管部门|预算单位|主管部门)[:：]\s*([^\s:：]{2,40})")
_OTHER_LABEL = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称)[:：]\s*([^\s:：]{2,40})")
_CODE_LINE = re.compile(r"^[ \t]*\d{6}[ \t]+([^\s\d][^\t\n]{2,39}?)[ \t]*$", re.M)
_SENTENCE = re.compile(
    r"(?:^|[。；;！!\n])\s*(?:第[一二三四五六七八九十]+条|\d+[、.．]|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）)?\s*"
    r"([\u4e00-\u9fff（）()]{3,30}?)(?:为|是)[^，。；\n]{0,25}?(?:单位|机关|部门)[，。；,;]"
)
_PLACEHOLDER = re.compile(r"[XxＸｘ×]{2,}|某某|[*＊]{2,}|[○〇]{2,}")
_FIELDS = ("org", "year", "kind")
UNKNOWN_WARNINGS = {"org": "未能识别机构名称", "year": "未能识别年度",
                    "kind": "未能识别文件类型（部门预算/单位预算/部门决算/单位决算）"}
TEMPLATE_WARNING = "文档像是空白模板（机构名称为占位符“XX”），未能识别机构名称"
OTHER_WARNING = "文件中未出现“预算”或“决算”，不像预决算公开文件"


def infer_metadata(doc: Document, override: MetaOverride | None = None) -> tuple[DocMeta, list[str]]:
    pages = [p for p in doc.pages if p.text.strip() and not p.needs_ocr]
    text = "\n".join(p.text for p in pages)
    title = _title_lines(pages[0].text) if pages else []
    heading = parse_title(_title_text(title))
    sheets = [parse_title(t) for t in _sheet_titles(pages)]
    org, template = _org(title, heading, sheets, text, pages[0].text if pages else "")
    found = {"org": org, "year": _year(title, text, sheets), "kind": _kind(title, heading, sheets, text)}
    sources = {f: CONTENT for f, v in found.items() if v is not None and v != "other"}
    from_name = _from_file_name(doc.name, {f for f in _FIELDS if f not in sources and not (f == "org" and template)})
    for f, value in from_name.items():
        found[f], sources[f] = value, FILE_NAME
    warnings = _warnings(found, sources, template)
    for f, value in (override.items() if override else {}).items():
        if sources.get(f) == CONTENT and found[f] != value:
            warnings.append(f"用户指定的{_LABELS[f]}“{value}”与文件内容（“{found[f]}”）不一致，以用户指定为准")
        found[f], sources[f] = value, USER
    warnings = [w for w in warnings if not _about_user_field(w, sources)]
    log.debug("%s: %s (sources %s)", doc.name, found, sources)
    meta = DocMeta(org=found["org"], year=found["year"], kind=found["kind"],
                   aliases=declared_aliases(text, found["org"]), sources=sources)
    return meta, warnings


def _warnings(found: dict, sources: dict, template: bool) -> list[str]:
    warnings = []
    named = [f"{_LABELS[f]}“{found[f]}”" for f in _FIELDS if sources.get(f) == FILE_NAME]
    if named:
        warnings.append(f"以下信息取自文件名（文件内容中未写明）：{'、'.join(named)}")
    if template and found["org"] is None:
        warnings.append(TEMPLATE_WARNING)
    for f in _FIELDS:
        if found[f] is None and not (f == "org" and template):
            warnings.append(UNKNOWN_WARNINGS[f])
    if found["kind"] == "other":
        warnings.append(OTHER_WARNING)
    return warnings


def _about_user_field(warning: str, sources: dict) -> bool:
    """A warning that a field is unknown, a template's or not a budget's, once the user set that field."""
    about = {TEMPLATE_WARNING: "org", OTHER_WARNING: "kind", **{w: f for f, w in UNKNOWN_WARNINGS.items()}}
    return sources.get(about.get(warning, "")) == USER


def _from_file_name(name: str, wanted: set[str]) -> dict:
    """The fields in `wanted` that the file name gives (read as a title line)."""
    if not wanted:
        return {}
    parts = parse_file_name(name)
    kind = next((k for k in get_title_terms().kinds if k in compact(name)), None) or (parts.kind if parts.found else None)
    values = {"org": parts.org if _valid_org(parts.org) else None, "year": parts.year or file_name_year(name),
              "kind": kind}
    return {f: v for f, v in values.items() if f in wanted and v is not None}


def _title_lines(first_page: str) -> list[str]:
    """The short lines opening the document, up to the first section heading or body paragraph."""
    lines: list[str] = []
    for raw in first_page.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if "\t" in line or len(line) > 60 or _SECTION.match(compact(line)) or re.search("[。，；]", line):
            break
        lines.append(line)
        if len(lines) >= 8:
            break
    return lines


def _title_text(lines: list[str]) -> str:
    """The title lines without label lines ('预算主管部门：…') and unit notes ('… 单位：万元'), joined."""
    kept = []
    for line in lines:
        unit = UNIT_LINE.search(line)
        line = compact(line[: unit.start()] if unit else line)
        if line and not _LABEL_LINE.match(line):
            kept.append(line)
    return "".join(kept)


def _sheet_titles(pages: list[Page]) -> list[str]:
    """Names of named pages (XLSX sheets) and each one's own opening rows."""
    out = []
    for page in pages:
        if page.name:
            out.append(page.name)
            out.append(_title_text(_title_lines(page.text)))
    return [t for t in out if t]


def _valid_org(name: str | None) -> bool:
    terms = get_title_terms()
    return bool(name) and 3 <= len(name) <= 40 and bool(terms.org_end.search(name)) \
        and not terms.org_not_start.match(name) and not _PLACEHOLDER.search(name) and not name[0].isdigit()


def _org(title: list[str], heading: TitleParts, sheets: list[TitleParts], text: str,
         first_page: str) -> tuple[str | None, bool]:
    """(org, looks_like_template)."""
    cover = [compact(m.group(1)) for m in _COVER_LABEL.finditer(first_page[:3000])]
    codes = list(dict.fromkeys(compact(m.group(1)) for m in _CODE_LINE.finditer(text)))
    others = Counter(compact(m.group(1)) for m in _OTHER_LABEL.finditer(text))
    if any(_PLACEHOLDER.search(name) for name in cover + [heading.org or "", heading.before_year or ""]):
        return None, True
    sheet_orgs = Counter(p.org for p in sheets if p.org)
    candidates = cover[:1] + (codes if len(codes) == 1 else []) + [heading.org or ""] \
        + [name for name, _ in others.most_common()] + [name for name, _ in sheet_orgs.most_common()]
    sentences = [compact(m.group(1)) for m in _SENTENCE.finditer(text[:20000])]
    chosen = next((c for c in candidates if _valid_org(c)), None)
    if chosen is None:
        chosen = next((s for s in sentences if _valid_org(s)), None)
    if chosen is None:
        return None, False
    longer = [s for s in sentences if s != chosen and s.endswith(chosen) and _valid_org(s)]
    return (max(longer, key=len) if longer else chosen), False


def _year(title: list[str], text: str, sheets: list[TitleParts]) -> int | None:
    title, text = [arabic_years(t) for t in title], arabic_years(text)
    years = [int(y) for y in _YEAR.findall(" ".join(title))]
    if years:
        return _most_common(years)
    labelled = [int(y) for y in _YEAR_LABEL.findall(text)]
    if labelled:
        return _most_common(labelled)
    near_kind = [int(y) for y in _YEAR_KIND.findall(text)]
    if near_kind:
        return _most_common(near_kind)
    in_sheets = [p.year for p in sheets if p.year]
    return _most_common(in_sheets) if in_sheets else None


def _kind(title: list[str], heading: TitleParts, sheets: list[TitleParts], text: str) -> str | None:
    kinds = get_title_terms().kinds
    m = re.search("|".join(kinds), compact("".join(title)))
    if m:
        return m.group(0)
    if heading.found and heading.kind:
        return heading.kind
    in_sheets = [p.kind for p in sheets if p.found and p.kind]
    if in_sheets:
        return _most_common(in_sheets)
    found = re.findall("|".join(kinds), compact(text))
    if found:
        return _most_common(found)
    if "预算" in text or "决算" in text:
        return None
    return "other"


def _most_common(values: list):
    """Most frequent value; ties go to the one seen first."""
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)
