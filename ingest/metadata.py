"""Organisation, fiscal year and kind of a disclosure, inferred from its content (never its file name).

Rules, strongest first (anything not inferable is None with a Chinese warning, never a guess):
- title area = the first short lines of the first page with text, up to the first section heading;
- org: a cover label ('预算主管部门：X', '预算单位：X'); a single 'NNNNNN X' unit-code header line in
  the tables; the text before 'YYYY年(度)…部门预算/单位决算' in the title area; a '编制部门：X' label;
  a sentence 'X为正科级事业单位'. A short name is completed by a longer body name ending with it
  ('群众工作中心' -> '高新区群众工作中心'). A placeholder ('XX') marks a blank template: org None;
- year: the most frequent year in the title area, else '预算年度：YYYY', else the most frequent
  year written right before 预算/决算 in the text;
- kind: the first 部门预算/单位预算/部门决算/单位决算 in the title area, else the most frequent in the
  text; 'other' when the text mentions neither 预算 nor 决算.
"""
from __future__ import annotations

import logging
import re
from collections import Counter

from budgetqa.core.numerals import arabic_years
from budgetqa.core.records import DocMeta, Document
from budgetqa.ingest.aliases import declared_aliases

log = logging.getLogger(__name__)

KINDS = ("部门预算", "单位预算", "部门决算", "单位决算")
_SPACE = re.compile(r"[\s\u3000]+")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+部分|目录|按照|根据)")
_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d,]|\.\d|\s*年\s*\d{1,2}\s*月)")
_YEAR_LABEL = re.compile(r"(?:预算|决算)年度[:：]\s*((?:19|20)\d{2})")
_YEAR_KIND = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:区级|市级|县级|省级)?\s*(?:部门|单位)?\s*(?:预算|决算)")
_KIND_IN_TITLE = re.compile(r"(?:(?:19|20)\d{2}年?度?|年度)?(?:区级|市级|县级|省级)?(部门|单位)(预算|决算)")
_COVER_LABEL = re.compile(r"(?:预算主管部门|预算单位|主管部门)[:：]\s*([^\s:：]{2,40})")
_OTHER_LABEL = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称)[:：]\s*([^\s:：]{2,40})")
_CODE_LINE = re.compile(r"^[ \t]*\d{6}[ \t]+([^\s\d][^\t\n]{2,39}?)[ \t]*$", re.M)
_SENTENCE = re.compile(
    r"(?:^|[。；;！!\n])\s*(?:第[一二三四五六七八九十]+条|\d+[、.．]|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）)?\s*"
    r"([\u4e00-\u9fff（）()]{3,30}?)(?:为|是)[^，。；\n]{0,25}?(?:单位|机关|部门)[，。；,;]"
)
_PLACEHOLDER = re.compile(r"[XxＸｘ×]{2,}|某某|[*＊]{2,}|[○〇]{2,}")
_ORG_END = re.compile(
    r"(?:局|委员会|委|办公室|办事处|办|中心|部|院|所|厅|处|站|馆|会|队|本级|政府|社|校|团|室|署|组|科|庭|台|司|公司|园|监狱|集团)"
    r"(?:（本级）|\(本级\))?$"
)
_NOT_ORG_START = re.compile(r"^(?:本|我|该|其|各|全)")


def infer_metadata(doc: Document) -> tuple[DocMeta, list[str]]:
    pages = [p for p in doc.pages if p.text.strip() and not p.needs_ocr]
    text = "\n".join(p.text for p in pages)
    title = _title_lines(pages[0].text) if pages else []
    warnings: list[str] = []
    org, template = _org(title, text, pages[0].text if pages else "")
    if template:
        warnings.append("文档像是空白模板（机构名称为占位符“XX”），未能识别机构名称")
    elif org is None:
        warnings.append("未能识别机构名称")
    year = _year(title, text)
    if year is None:
        warnings.append("未能识别年度")
    kind = _kind(title, text)
    if kind is None:
        warnings.append("未能识别文件类型（部门预算/单位预算/部门决算/单位决算）")
    elif kind == "other":
        warnings.append("文件中未出现“预算”或“决算”，不像预决算公开文件")
    log.debug("%s: org=%s year=%s kind=%s", doc.name, org, year, kind)
    return DocMeta(org=org, year=year, kind=kind, aliases=declared_aliases(text, org)), warnings


def _title_lines(first_page: str) -> list[str]:
    """The short lines opening the document, up to the first section heading or body paragraph."""
    lines: list[str] = []
    for raw in first_page.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if "\t" in line or len(line) > 60 or _SECTION.match(_SPACE.sub("", line)) or re.search("[。，；]", line):
            break
        lines.append(line)
        if len(lines) >= 8:
            break
    return lines


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


def _valid_org(name: str | None) -> bool:
    return bool(name) and 3 <= len(name) <= 40 and bool(_ORG_END.search(name)) \
        and not _NOT_ORG_START.match(name) and not _PLACEHOLDER.search(name) and not name[0].isdigit()


def _org(title: list[str], text: str, first_page: str) -> tuple[str | None, bool]:
    """(org, looks_like_template)."""
    cover = [_compact(m.group(1)) for m in _COVER_LABEL.finditer(first_page[:3000])]
    codes = list(dict.fromkeys(_compact(m.group(1)) for m in _CODE_LINE.finditer(text)))
    from_title = _org_from_title(title)
    others = Counter(_compact(m.group(1)) for m in _OTHER_LABEL.finditer(text))
    if any(_PLACEHOLDER.search(name) for name in cover + [from_title or ""]):
        return None, True
    candidates = cover[:1] + (codes if len(codes) == 1 else []) + [from_title or ""] \
        + [name for name, _ in others.most_common()]
    sentences = [_compact(m.group(1)) for m in _SENTENCE.finditer(text[:20000])]
    chosen = next((c for c in candidates if _valid_org(c)), None)
    if chosen is None:
        chosen = next((s for s in sentences if _valid_org(s)), None)
    if chosen is None:
        return None, False
    longer = [s for s in sentences if s != chosen and s.endswith(chosen) and _valid_org(s)]
    return (max(longer, key=len) if longer else chosen), False


def _org_from_title(title: list[str]) -> str | None:
    """'廊坊市广阳区信访局2022年部门预算…' / '上海市普陀区财政局|年度部门决算' -> the organisation."""
    compact = arabic_years(_compact("".join(title)))
    m = _KIND_IN_TITLE.search(compact)
    if not m:
        return None
    prefix = compact[: m.start()]
    prefix = re.sub(r"^(?:附件\d*[:：]?|关于)", "", prefix)
    prefix = re.sub(r"(?:(?:19|20)\d{2}年?度?)$", "", prefix)
    prefix = re.sub(r"(?:及|和)?(?:所属|下属)(?:各)?单位$", "", prefix)
    return prefix or None


def _year(title: list[str], text: str) -> int | None:
    title, text = [arabic_years(t) for t in title], arabic_years(text)
    years = [int(y) for y in _YEAR.findall(" ".join(title))]
    if years:
        return _most_common(years)
    labelled = [int(y) for y in _YEAR_LABEL.findall(text)]
    if labelled:
        return _most_common(labelled)
    near_kind = [int(y) for y in _YEAR_KIND.findall(text)]
    return _most_common(near_kind) if near_kind else None


def _kind(title: list[str], text: str) -> str | None:
    m = re.search("|".join(KINDS), _compact("".join(title)))
    if m:
        return m.group(0)
    found = re.findall("|".join(KINDS), _compact(text))
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
