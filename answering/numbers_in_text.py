"""Find every number written in a text, with its unit, as exact Decimals.

Used by the number guard on LLM answers and on the source texts they are checked against.

Recognised: Arabic numbers (thousands separators, decimals, full-width digits), percentages
('12.5%', '百分之十二点五', '3个百分点'), Chinese numerals next to a money unit or multiplier
('八十万元', '一百二十万', '一点二亿元', '两千元'), multi-character Chinese numerals next to a measure word
('八十人', '十二项'), and years ('2021年', '二〇二一年', '21年').

Not numbers (ignored): citation markers '[1]' '［2］' '【3】' '[1,2]', list ordinals at the start of a line
('1.' '2、' '一、'), bracketed ordinals anywhere ('（一）' '(2)'), ordinals '第1' '第三', and Chinese numeral
characters inside words ('一般公共预算', '三公经费', '统一'): a Chinese numeral counts only when it is
followed by a unit, because budget vocabulary is full of them.

Signs are not kept: Chinese writes decreases in words ('减少12万元'), so values are absolute.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import cn2an

Kind = Literal["number", "percent", "year"]

# Full-width forms mapped 1:1 so that positions in the normalised text equal positions in the original.
_WIDTH = str.maketrans("０１２３４５６７８９．％［］", "0123456789.%[]")

MULTIPLIERS = {"万亿": 12, "亿": 8, "万": 4, "千": 3}
MONEY_UNITS = {"元": 0, "千元": 3, "万元": 4, "亿元": 8, "万亿元": 12}
_PERCENT_UNITS = ("个百分点", "百分点", "%")
# Measure words accepted after a number (longest first within the regex alternation).
_MEASURES = (
    "平方米", "人次", "公里", "小时", "分钟", "平米", "元", "人", "个", "辆", "件", "次", "项", "家", "名",
    "台", "套", "户", "所", "年", "月", "日", "天", "倍", "亩", "吨", "座", "条", "篇", "期", "岁", "米", "处",
)
_MEASURE_RE = "|".join(sorted(map(re.escape, _MEASURES), key=len, reverse=True))
_MULT_RE = "万亿|亿|万|千"
_PCT_RE = "个百分点|百分点|%"

_ARABIC = re.compile(
    r"(?<![A-Za-z0-9_.])"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?)"
    # whitespace is accepted before a percent sign, a multiplier or 元, never before another measure word
    rf"(?:[ \t]?(?P<pct>{_PCT_RE})|[ \t]?(?P<mult>{_MULT_RE})(?P<munit>{_MEASURE_RE})?"
    rf"|[ \t]?(?P<yuan>元)|(?P<unit>{_MEASURE_RE}))?"
)
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_RUN = re.compile(rf"(?P<pre>百分之)?(?P<run>[{_CN_DIGITS}十][{_CN_DIGITS}十百千万亿点]*)")
_CN_AFTER = re.compile(rf"(?P<pct>{_PCT_RE})|(?P<unit>{_MEASURE_RE})")
_CN_PURE = dict(zip("零〇一二三四五六七八九", "00123456789"))

_CITATION = re.compile(r"[\[【]\s*\d+(?:\s*[,，、\-–~]\s*\d+)*\s*[\]】]")
_LINE_ORDINAL = re.compile(r"(?m)^[ \t>*#-]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t]*(?:[.、](?!\d)|[)）])")
_BRACKET_ORDINAL = re.compile(r"[（(][ \t]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t]*[)）]")
_DI_ORDINAL = re.compile(rf"第[ \t]?(?:\d+|[{_CN_DIGITS}十百]+)")


@dataclass(frozen=True)
class NumberMention:
    """One number as written: '1.2亿元' -> value 1.2, decimals 1, scale 8, unit '元'."""

    text: str  # as printed, unit included
    start: int
    end: int
    value: Decimal  # digits as printed, multiplier not applied, absolute
    decimals: int  # decimals printed (0 for integers)
    scale: int  # power of ten of the multiplier: 万 4, 亿 8, 千 3, none 0
    unit: str | None  # base unit after the multiplier: '元', '%', '人', '年', ...; None when none printed
    kind: Kind

    @property
    def magnitude(self) -> Decimal:
        """The value with its multiplier applied ('80万元' -> 800000)."""
        return self.value.scaleb(self.scale)


def find_numbers(text: str) -> list[NumberMention]:
    """All numbers in `text`, in order of appearance."""
    norm = text.translate(_WIDTH)
    blocked = _ignored_spans(norm)
    found: list[NumberMention] = []
    taken: list[tuple[int, int]] = []

    for m in _ARABIC.finditer(norm):
        if _overlaps(m.start(), m.end(), blocked):
            continue
        mention = _arabic(text, m)
        if mention is not None:
            found.append(mention)
            taken.append((m.start(), m.end()))

    for m in _CN_RUN.finditer(norm):
        if _overlaps(m.start(), m.end(), blocked) or _overlaps(m.start(), m.end(), taken):
            continue
        mention = _chinese(text, norm, m)
        if mention is not None:
            found.append(mention)

    found.sort(key=lambda x: x.start)
    return found


def parse_unit(unit: str | None) -> tuple[int, str | None]:
    """A printed unit as (scale, base unit): '万元' -> (4, '元'), '%' -> (0, '%'), '' -> (0, None)."""
    unit = (unit or "").strip().translate(_WIDTH)
    if not unit:
        return 0, None
    if unit in MONEY_UNITS:
        return MONEY_UNITS[unit], "元"
    if unit in _PERCENT_UNITS:
        return 0, "%"
    for mult, scale in MULTIPLIERS.items():
        if unit.startswith(mult) and len(unit) > len(mult):
            return scale, unit[len(mult):]
    if unit in MULTIPLIERS:
        return MULTIPLIERS[unit], None
    return 0, unit


def _arabic(text: str, m: re.Match) -> NumberMention | None:
    raw = m.group("num")
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    scale = MULTIPLIERS.get(m.group("mult") or "", 0)
    unit: str | None = "%" if m.group("pct") else (m.group("munit") or m.group("yuan") or m.group("unit"))
    kind: Kind = "percent" if unit == "%" else "number"
    digits = raw.replace(",", "")
    if unit == "年" and scale == 0 and decimals == 0 and len(digits) in (2, 4):
        kind = "year"
    return NumberMention(text[m.start():m.end()], m.start(), m.end(), abs(value), decimals, scale, unit, kind)


def _chinese(text: str, norm: str, m: re.Match) -> NumberMention | None:
    run = m.group("run")
    pre = m.group("pre")
    # A pure digit sequence followed by 年 is a year ('二〇二一年').
    if len(run) == 4 and all(c in _CN_PURE for c in run) and norm.startswith("年", m.end()):
        end = m.end() + 1
        return NumberMention(text[m.start():end], m.start(), end, Decimal("".join(_CN_PURE[c] for c in run)),
                             0, 0, "年", "year")
    # Split a trailing multiplier ('八十万' -> 八十 x 10^4) unless the head has its own (一亿二千万).
    scale = 0
    head = run
    for mult in ("万亿", "亿", "万"):
        if run.endswith(mult) and len(run) > len(mult):
            candidate = run[: -len(mult)]
            if "万" not in candidate and "亿" not in candidate:
                head, scale = candidate, MULTIPLIERS[mult]
            break
    value, decimals = _cn_value(head)
    if value is None:
        return None
    end = m.end()
    after = _CN_AFTER.match(norm, end)
    unit: str | None = None
    if pre:
        unit, kind = "%", "percent"
    elif after and after.group("pct"):
        unit, kind, end = "%", "percent", after.end()
    elif after:
        unit, kind, end = after.group("unit"), "number", after.end()
    else:
        kind = "number"
    has_magnitude_char = any(c in "十百千万亿" for c in run)
    money_or_mult = scale > 0 or run[-1] in "万亿千" or unit == "元"
    if not (pre or unit == "%" or money_or_mult or (unit and has_magnitude_char and len(run) >= 2)):
        return None  # a numeral character inside a word: 一般, 三公经费, 一是, 十分
    return NumberMention(text[m.start():end], m.start(), end, value, decimals, scale, unit, kind)


def _cn_value(head: str) -> tuple[Decimal | None, int]:
    """Value of a Chinese numeral without trailing multiplier; decimals after 点 are digit by digit."""
    whole, _, frac = head.partition("点")
    if not whole or any(c not in _CN_PURE for c in frac) or "点" in frac:
        return None, 0
    try:
        if all(c in _CN_PURE for c in whole) and len(whole) > 1:
            integer = Decimal("".join(_CN_PURE[c] for c in whole))
        else:
            integer = Decimal(str(cn2an.cn2an(whole, "normal")))
    except (ValueError, KeyError, InvalidOperation):
        return None, 0
    if not frac:
        return integer, 0
    return integer + Decimal("0." + "".join(_CN_PURE[c] for c in frac)), len(frac)


def _ignored_spans(norm: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in (_CITATION, _LINE_ORDINAL, _BRACKET_ORDINAL, _DI_ORDINAL):
        spans.extend((m.start(), m.end()) for m in pattern.finditer(norm))
    return spans


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def citation_markers(text: str) -> list[int]:
    """The source numbers cited in `text`: '[1][3]' -> [1, 3]; '[1,2]' -> [1, 2]; '[1-3]' -> [1, 2, 3]."""
    out: list[int] = []
    for m in _CITATION.finditer(text.translate(_WIDTH)):
        body = m.group(0)[1:-1]
        for part in re.split(r"\s*[,，、]\s*", body.strip()):
            bounds = [int(x) for x in re.split(r"\s*[\-–~]\s*", part) if x]
            if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 50:
                out.extend(range(bounds[0], bounds[1] + 1))
            else:
                out.extend(bounds)
    return out
