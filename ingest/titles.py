"""A disclosure's title line (or file name) read as organisation + year + statement name.

    parse_title('示范县卫生健康局2024年部门支出总表')
        -> TitleParts(org='示范县卫生健康局', year=2024, statement='部门支出总表', kind='部门预算')
    parse_title('2024年示范县教育局单位预算')        -> org '示范县教育局', year 2024, kind '单位预算'
    parse_title('群众工作中心部门预算情况说明')       -> org '群众工作中心', no year, kind '部门预算'
    parse_title('上海市普陀区2024年区级部门预算')     -> no org ('上海市普陀区' has no organisation suffix)

The words are data (budgetqa/core/data/doc_titles.yaml): an organisation is a name ending with an
organisation suffix; whatever statement follows it (部门支出总表, 财政拨款收支总表, 单位决算, 一般公共预算支出
功能分类表 …) counts, as long as it starts with a statement word or, after a year, names one. `org` is the
candidate as written (a placeholder such as 'XX局' included): the caller validates it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from budgetqa.core.doc_titles import get_title_terms
from budgetqa.core.numerals import arabic_years

_SPACE = re.compile(r"[\s\u3000]+")
# a year in a title: not part of a longer number, an ASCII word ('v2024b') or a decimal; '年/年度' may follow
_YEAR = re.compile(r"(?<![\dA-Za-z.])((?:19|20)\d{2})(?![\dA-Za-z%]|\.\d)(?:年度|年)?")
_DATE = re.compile(r"^\d{1,2}月")  # '2024年3月…' is a date, not a title's year
_FILE_SEPARATORS = re.compile(r"[_\-—–·.,，、()（）\[\]【】《》“”\"'+]+")
MIN_ORG_CHARS = 3


@dataclass(frozen=True)
class TitleParts:
    org: str | None = None
    year: int | None = None
    statement: str | None = None
    kind: str | None = None  # from the statement name: '部门预算' | '单位预算' | '部门决算' | '单位决算'
    before_year: str | None = None  # the text in front of the year, organisation or not ('XX单位', '上海市普陀区')

    @property
    def found(self) -> bool:
        """The title names an organisation or a year with its statement (a real title, not a bare table name)."""
        return bool(self.statement) and (self.org is not None or self.year is not None)


def compact(text: str) -> str:
    return _SPACE.sub("", text or "")


def parse_title(text: str) -> TitleParts:
    """Organisation, year and statement of one title (its lines joined)."""
    terms = get_title_terms()
    title = arabic_years(compact(text))
    while (m := terms.title_noise.match(title)) and m.end():
        title = title[m.end():]
    for m in _YEAR.finditer(title):
        prefix, rest = title[: m.start()], title[m.end():]
        if _DATE.match(rest) or not terms.statement_word.search(rest):
            continue
        year = int(m.group(1))
        if prefix:
            org = _clean_org(prefix)
            return _parts(org if org and terms.org_end.search(org) else None, year, rest, before_year=org)
        org, statement = _split(rest)
        return _parts(org, year, statement or rest)
    org, statement = _split(title)
    return _parts(org, None, statement) if org else TitleParts()


def parse_file_name(name: str) -> TitleParts:
    """The same reading of a file's name ('示范县卫生健康局_2024年_部门决算.xlsx'), separators dropped."""
    stem = Path(name).stem
    return parse_title(_FILE_SEPARATORS.sub(" ", stem).replace(" ", ""))


def file_name_year(name: str) -> int | None:
    """A year standing on its own in a file name ('2024_支出表.xlsx'), when the title reading finds none."""
    years = [int(m.group(1)) for m in _YEAR.finditer(_FILE_SEPARATORS.sub(" ", Path(name).stem))]
    return years[0] if len(set(years)) == 1 else None


def _clean_org(prefix: str) -> str:
    return get_title_terms().org_trailing_noise.sub("", prefix)


def _split(text: str) -> tuple[str | None, str | None]:
    """(organisation, statement) where an organisation name is directly followed by a statement; the longest
    organisation wins ('示范县财政局政府采购预算表': '示范县财政局' + '政府采购预算表')."""
    terms = get_title_terms()
    for end in range(len(text) - 1, MIN_ORG_CHARS - 1, -1):
        org = _clean_org(text[:end])
        if terms.org_end.search(org) and terms.statement_start.match(text[end:]) and len(org) >= MIN_ORG_CHARS:
            return org, text[end:]
    return None, None


def _parts(org: str | None, year: int | None, statement: str | None, before_year: str | None = None) -> TitleParts:
    kind = get_title_terms().kind_of_statement(statement) if statement else None
    return TitleParts(org=org, year=year, statement=statement or None, kind=kind, before_year=before_year or None)
