"""Printed numbers of budget disclosures -> exact Decimal + unit: the one way the project reads a number.

- `parse_number(cell)`: a whole printed cell: '371,514,655.00', '１２.３', '80', '0.00', '≥95%', '≥100 百分比',
  '1.2亿元', '一百二十万元', '3万元', '1辆', '90%以上'. Returns None for '', '-', '—', '--', '---', '——' and
  for text that is not a single number (use `is_not_disclosed` to tell a dash from text).
- `find_numbers(text)`: every number written in running text, with its unit and offsets; used both by fact
  extraction and by the number guard on LLM answers (see its doc for what is and is not a number).
- `citation_markers(text)`: the source numbers cited by '[1]' '［2］' '【3】' '[1,2]' '[1-3]'.
Units and conversions live in `budgetqa.core.units` (re-exported here), Chinese numerals in
`budgetqa.core.numerals`.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from budgetqa.core.numerals import CN_DIGIT_CHARS, CN_MAGNITUDE_CHARS, cn_value, is_digit_run
from budgetqa.core.units import (COUNT_UNITS, DATE_WORDS, MEASURE_WORDS, MONEY_FACTORS, MULTIPLIERS, NOT_MEASURES,
                                 UNIT_ALIASES, YUAN, alternation, convert_money, from_yuan, is_money_unit,
                                 money_factor, normalize_unit, split_unit, to_yuan)

__all__ = ["ARABIC_NUMBER", "COUNT_UNITS", "MONEY_FACTORS", "NOT_DISCLOSED", "Number", "citation_markers", "convert_money",
           "find_numbers", "from_yuan", "is_money_unit", "is_not_disclosed", "money_factor", "normalize_unit",
           "parse_number", "to_yuan"]

log = logging.getLogger(__name__)

Kind = Literal["number", "percent", "year"]

NOT_DISCLOSED = {"-", "--", "---", "—", "——", "———", "－", "－－", "/", "…", "……", "——————"}

_COMPARATORS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<", "=": "=", "＞": ">", "＜": "<",
                "﹥": ">", "﹤": "<", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "小于等于": "≤", "不高于": "≤",
                "不超过": "≤", "大于": ">", "小于": "<", "高于": ">", "低于": "<", "达到": "≥"}
_SUFFIX_COMPARATORS = {"以上": "≥", "以下": "≤", "以内": "≤"}


_ARABIC_RE = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
_NOT_AFTER = r"(?<![A-Za-z0-9_.,])"  # not inside a code, a decimal or a thousands group
# An Arabic number as printed (ASCII digits and separators; '，' is punctuation), group 1: the number. For
# marking figures in a quote or a page image; `find_numbers` reads full-width digits and units too.
ARABIC_INTEGER = r"\d{1,3}(?:,\d{3})+|\d+"  # the integer part as printed (with or without thousands separators)
ARABIC_NUMBER = re.compile(rf"{_NOT_AFTER}({_ARABIC_RE})")
_CN_RE = rf"[{CN_DIGIT_CHARS}十廿卅][{CN_DIGIT_CHARS}{CN_MAGNITUDE_CHARS}点]*"
_MULT_RE = alternation(MULTIPLIERS)
_PCT_RE = "个百分点|百分点|%|‰"
_MEASURE_RE = alternation(MEASURE_WORDS)
_SPACED_MEASURE_RE = alternation(w for w in MEASURE_WORDS if w not in DATE_WORDS)
_NOT_MEASURE_RE = "|".join(r"\s*".join(word) for word in NOT_MEASURES)  # also across a line break ('项 目')
_CELL_UNIT_RE = alternation((*MONEY_FACTORS, *COUNT_UNITS, *UNIT_ALIASES))
_CELL = re.compile(
    rf"^(?P<cmp>{alternation(_COMPARATORS)})?(?P<pct>百分之)?(?:(?P<num>[-+]?(?:{_ARABIC_RE}))|(?P<cn>{_CN_RE}))"
    rf"(?P<unit>{_CELL_UNIT_RE})?(?P<suffix>以上|以下|以内)?$"
)
# After a number in running text: whitespace (PDF line breaks) may sit before a unit and inside '万\n元'
# (a multiplier without 元 follows on the same line); a measure word after whitespace must not open a word,
# and 年/月/日 follow after spaces only ('2024 年度', not '307.82\n年初').
_AFTER = (rf"(?:\s*(?P<pct>{_PCT_RE})|\s*(?P<money>(?:{_MULT_RE})?\s*{YUAN})"
          rf"|[ \t]*(?P<mult>{_MULT_RE})(?P<mmeasure>{_MEASURE_RE})?|(?P<measure>{_MEASURE_RE})"
          rf"|\s+(?!{_NOT_MEASURE_RE})(?P<wmeasure>{_SPACED_MEASURE_RE})| +(?P<date>{alternation(DATE_WORDS)}))?")
_ARABIC = re.compile(rf"(?P<pre>百分之)?{_NOT_AFTER}(?P<num>{_ARABIC_RE}){_AFTER}")
_CHINESE = re.compile(rf"(?P<pre>百分之)?(?P<run>{_CN_RE})(?:\s*(?P<pct>{_PCT_RE})|\s*(?P<money>{YUAN})"
                      rf"|(?P<measure>{_MEASURE_RE}))?")
_CLOSING = re.compile(r"[，。；、,;）)]|\s*$")  # what may follow a bare 万 read as 万元
# Not numbers: citation markers, list ordinals at the start of a line, bracketed ordinals, 第N.
_CITATION = re.compile(r"[\[【]\s*\d+(?:\s*[,，、\-–~]\s*\d+)*\s*[\]】]")
_LINE_ORDINAL = re.compile(r"(?m)^[ \t>*#-]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t]*(?:[.、](?!\d)|[)）])")
_BRACKET_ORDINAL = re.compile(r"[（(][ \t]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t]*[)）]")
_DI_ORDINAL = re.compile(rf"第[ \t]?(?:\d+|[{CN_DIGIT_CHARS}十百]+)")
# Full-width forms mapped 1:1, so that offsets in the mapped text are offsets in the original.
_WIDTH = str.maketrans("０１２３４５６７８９．％－［］", "0123456789.%-[]")


@dataclass(frozen=True)
class Number:
    """One printed number: '1.2亿元' -> value 1.2, unit '亿元' (scale 8, base unit '元'), decimals 1."""

    value: Decimal  # in `unit`, as printed (the multiplier of the unit not applied)
    unit: str  # '元', '万元', '%', '个百分点', '件', '万人', '年', ... or '' when none was printed
    text: str  # as printed (stripped), unit included
    comparator: str | None = None  # '≥', '≤', '>', '<', '=' for targets like '≥95%'
    start: int = 0  # offsets in the searched text (find_numbers); 0/len for cells
    end: int = 0
    decimals: int = 0  # decimals printed (0 for integers)
    kind: Kind = "number"

    @property
    def is_money(self) -> bool:
        return is_money_unit(self.unit)

    @property
    def value_yuan(self) -> Decimal | None:
        return to_yuan(self.value, self.unit)

    @property
    def scale(self) -> int:
        """Power of ten of the unit's multiplier: 万元 4, 亿元 8, 元 0."""
        return split_unit(self.unit)[0]

    @property
    def base_unit(self) -> str | None:
        """The unit after its multiplier: '万元' -> '元', '个百分点' -> '%', '万' -> None, '' -> None."""
        return split_unit(self.unit)[1]

    @property
    def magnitude(self) -> Decimal:
        """The value with its multiplier applied ('80万元' -> 800000)."""
        return self.value.scaleb(self.scale)


def is_not_disclosed(text: str | None) -> bool:
    """A dash-like cell ('-', '—', '--', '---', '- -'): printed but not disclosed (no fact)."""
    if text is None:
        return False
    t = re.sub(r"\s+", "", text)
    return bool(t) and (t in NOT_DISCLOSED or bool(re.fullmatch(r"[-—－─]+", t)))


def _arabic_value(printed: str) -> tuple[Decimal | None, int]:
    digits = printed.replace(",", "").lstrip("+")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None, 0
    return value, len(digits.split(".")[1]) if "." in digits else 0


def _split_multiplier(run: str) -> tuple[str, str]:
    """'一百二十万' -> ('一百二十', '万'): a trailing 万/亿 is the unit's multiplier, unless the numeral has its own
    ('一亿二千万' stays whole)."""
    for mult in sorted(MULTIPLIERS, key=len, reverse=True):
        if mult == "千" or not run.endswith(mult) or len(run) == len(mult):
            continue
        head = run[: -len(mult)]
        return (head, mult) if not any(m in head for m in ("万", "亿")) else (run, "")
    return run, ""


def _cn_decimals(head: str) -> int:
    return len(head.partition("点")[2])


def parse_number(cell: str | None) -> Number | None:
    """A whole printed cell as a number (see module doc); None when it is not exactly one number."""
    if cell is None:
        return None
    printed = cell.strip()
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", printed))
    if not text or is_not_disclosed(text):
        return None
    m = _CELL.match(text)
    if not m:
        return None
    unit = normalize_unit(m.group("unit"))
    if m.group("cn"):
        head, mult = _split_multiplier(m.group("cn"))
        if mult and unit == YUAN:
            unit = mult + YUAN
        elif mult:
            head = m.group("cn")
        if not any(c in CN_DIGIT_CHARS + "十廿卅" for c in head):
            return None
        value, decimals = cn_value(head), _cn_decimals(head)
    else:
        value, decimals = _arabic_value(m.group("num"))
    if value is None:
        return None
    if m.group("pct"):
        unit = "%"
    comparator = _COMPARATORS.get(m.group("cmp") or "") or _SUFFIX_COMPARATORS.get(m.group("suffix") or "")
    kind: Kind = "percent" if split_unit(unit)[1] == "%" else "number"
    return Number(value=value, unit=unit, text=printed, comparator=comparator, start=0, end=len(cell),
                  decimals=decimals, kind=kind)


def find_numbers(text: str, bare_wan_is_money: bool = True) -> list[Number]:
    """Every number written in `text`, in order; offsets index `text` itself.

    Read: Arabic numbers (thousands separators, decimals, full-width digits) with an optional unit: money
    ('80万元', '29,381.00万\\n元'), percentages ('12.5%', '百分之12', '3个百分点'), a multiplier with or without a
    measure word ('120万人', '1万份'), a measure word ('8件', '4人'); years ('2021年', '21年', '二〇二一年');
    Chinese numerals next to a money unit, a multiplier or a percentage ('八十万元', '一百二十万', '一点二亿元',
    '两千元', '百分之十二点五'), or multi-character ones before a measure word ('八十人', '十二项').
    `bare_wan_is_money`: a bare 万/亿 right before punctuation or at the end of the text reads as 万元/亿元
    (budget texts write '总预算2921.00万，'); the number guard turns it off and keeps the bare multiplier.

    Not numbers (skipped): citation markers '[1]' '【3】' '[1,2]', list ordinals at the start of a line ('1.'
    '2、' '一、'), bracketed ordinals ('（一）' '(2)'), ordinals '第1' '第三', and Chinese numeral characters
    inside words ('一般公共预算', '三公经费', '统一'). Values are absolute: Chinese writes decreases in words.
    """
    norm = text.translate(_WIDTH)
    blocked = bytearray(len(norm))  # 1 where a marker or an ordinal (then a number already read) is printed
    for pattern in (_CITATION, _LINE_ORDINAL, _BRACKET_ORDINAL, _DI_ORDINAL):
        for m in pattern.finditer(norm):
            blocked[m.start():m.end()] = b"\1" * (m.end() - m.start())
    found: list[Number] = []
    for m in _ARABIC.finditer(norm):
        if 1 not in blocked[m.start():m.end()]:
            n = _arabic(text, norm, m, bare_wan_is_money)
            if n is not None:
                found.append(n)
    for n in found:
        blocked[n.start:n.end] = b"\1" * (n.end - n.start)
    for m in _CHINESE.finditer(norm):
        if 1 not in blocked[m.start():m.end()]:
            n = _chinese(text, norm, m, bare_wan_is_money)
            if n is not None:
                found.append(n)
    found.sort(key=lambda n: n.start)
    return found


def _arabic(text: str, norm: str, m: re.Match, bare_wan_is_money: bool) -> Number | None:
    value, decimals = _arabic_value(m.group("num"))
    if value is None:
        return None
    end = m.end()
    if m.group("pre") or m.group("pct"):
        unit = "%" if m.group("pre") else normalize_unit(m.group("pct"))
    elif m.group("money"):
        unit = normalize_unit(m.group("money"))
    elif m.group("mult"):
        unit = m.group("mult") + (m.group("mmeasure") or "")
        if unit in MULTIPLIERS and bare_wan_is_money and unit != "千" and _CLOSING.match(norm, end):
            unit += YUAN
    else:
        unit = m.group("measure") or m.group("wmeasure") or m.group("date") or ""
    kind: Kind = "percent" if split_unit(unit)[1] == "%" else "number"
    digits = m.group("num").replace(",", "")
    if unit == "年" and decimals == 0 and len(digits) in (2, 4):
        kind = "year"
    return Number(value, unit, text[m.start():end], None, m.start(), end, decimals, kind)


def _chinese(text: str, norm: str, m: re.Match, bare_wan_is_money: bool) -> Number | None:
    run, pre = m.group("run"), m.group("pre")
    end = m.end()
    if m.group("measure") == "年" and len(run) == 4 and is_digit_run(run):  # a year: '二〇二一年'
        value = cn_value(run)
        return None if value is None else Number(value, "年", text[m.start():end], None, m.start(), end, 0, "year")
    head, mult = _split_multiplier(run)
    value = cn_value(head)
    if value is None:
        return None
    if pre or m.group("pct"):
        unit = "%" if pre else normalize_unit(m.group("pct"))
    elif m.group("money"):
        unit = mult + YUAN
    elif m.group("measure"):
        unit = mult + m.group("measure")
    else:
        unit = mult
        if mult and bare_wan_is_money and _CLOSING.match(norm, end):
            unit += YUAN
    has_magnitude = any(c in CN_MAGNITUDE_CHARS for c in run)
    if not (pre or m.group("pct") or mult or run[-1] in "万亿千" or m.group("money")
            or (m.group("measure") and has_magnitude and len(run) >= 2)):
        return None  # a numeral character inside a word: 一般, 三公经费, 一是, 十分
    kind: Kind = "percent" if split_unit(unit)[1] == "%" else "number"
    return Number(value, unit, text[m.start():end], None, m.start(), end, _cn_decimals(head), kind)


def citation_markers(text: str) -> list[int]:
    """The source numbers cited in `text`: '[1][3]' -> [1, 3]; '[1,2]' -> [1, 2]; '[1-3]' -> [1, 2, 3]."""
    out: list[int] = []
    for m in _CITATION.finditer(text.translate(_WIDTH)):
        for part in re.split(r"\s*[,，、]\s*", m.group(0)[1:-1].strip()):
            bounds = [int(x) for x in re.split(r"\s*[\-–~]\s*", part) if x]
            if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 50:
                out.extend(range(bounds[0], bounds[1] + 1))
            else:
                out.extend(bounds)
    return out
