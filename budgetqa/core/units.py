"""Units of printed figures: the one table of multipliers and money units, and exact conversions.

- `MULTIPLIERS`: the Chinese multipliers as powers of ten (千 3, 万 4, 亿 8, 万亿 12); every money unit is a
  multiplier + 元, so `MONEY_FACTORS` ('元' 1, '千元' 10^3, '万元' 10^4, '亿元' 10^8, '万亿元' 10^12) is derived from it.
- `to_yuan(value, unit)` / `from_yuan(yuan, unit)` / `convert_money(value, from_unit, to_unit)`: exact Decimal
  conversions between money units (None for a unit that is not money: %, 件, 人, ...).
- `split_unit(unit)`: a printed unit as (power of ten, base unit): '万元' -> (4, '元'), '万人' -> (4, '人'),
  '个百分点' -> (0, '%'), '万' -> (4, None), '' -> (0, None).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

YUAN = "元"
MULTIPLIERS = {"万亿": 12, "亿": 8, "万": 4, "千": 3}
MONEY_FACTORS = {YUAN: Decimal(1), **{m + YUAN: Decimal(1).scaleb(p) for m, p in MULTIPLIERS.items()}}
PERCENT_UNITS = ("%", "个百分点")  # both compare as percentages
COUNT_UNITS = ("%", "‰", "个百分点", "件", "人次", "人", "名", "辆", "台", "平方米", "份", "次", "个", "家", "项",
               "户", "套", "座", "处", "天", "小时")
DATE_WORDS = ("年", "月", "日")
# Measure words a number may carry in running text besides money, percentages and COUNT_UNITS.
MEASURE_WORDS = (*COUNT_UNITS[3:], *DATE_WORDS, "公里", "分钟", "平米", "所", "倍", "亩", "吨", "条", "篇", "期",
                 "岁", "米")
# Words opened by a measure word's character: after a space '3 项目支出' is a number and a word, not 3项.
NOT_MEASURES = ("个人", "人员", "人民", "项目", "名称", "名单", "家庭", "台账")
UNIT_ALIASES = {"百分比": "%", "％": "%", "㎡": "平方米", "m²": "平方米", "m2": "平方米", "百分点": "个百分点"}


def alternation(words) -> str:
    """A regex alternation of literal words, longest first ('万元|元'), for patterns that name units."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


MONEY_UNIT_RE = alternation(MONEY_FACTORS)  # '万亿元|千元|万元|亿元|元'


def normalize_unit(unit: str | None) -> str:
    """A printed unit in its canonical spelling: '万 元' -> '万元', '％' -> '%', '百分点' -> '个百分点'."""
    if not unit:
        return ""
    unit = re.sub(r"\s+", "", unicodedata.normalize("NFKC", unit))
    return UNIT_ALIASES.get(unit, unit)


def money_factor(unit: str | None) -> Decimal | None:
    """元 per one `unit` ('万元' -> 10000), None when `unit` is not money."""
    return MONEY_FACTORS.get(normalize_unit(unit))


def is_money_unit(unit: str | None) -> bool:
    return money_factor(unit) is not None


def to_yuan(value: Decimal, unit: str | None) -> Decimal | None:
    """Exact value in 元 for a money unit, else None."""
    factor = money_factor(unit)
    return None if factor is None else value * factor


def from_yuan(yuan: Decimal, unit: str) -> Decimal | None:
    """An amount in 元 expressed in money unit `unit` (exact division), None when `unit` is not money."""
    factor = money_factor(unit)
    return None if factor is None else Decimal(yuan) / factor


def convert_money(value: Decimal, from_unit: str | None, to_unit: str | None) -> Decimal | None:
    """`value` printed in `from_unit` expressed in `to_unit` (both money), else None: (80, '万元', '元') -> 800000."""
    yuan = to_yuan(value, from_unit)
    return None if yuan is None or to_unit is None else from_yuan(yuan, to_unit)


def split_unit(unit: str | None) -> tuple[int, str | None]:
    """A printed unit as (power of ten of its multiplier, base unit); see the module doc."""
    unit = normalize_unit(unit)
    if not unit:
        return 0, None
    if unit in PERCENT_UNITS:
        return 0, "%"
    for mult in sorted(MULTIPLIERS, key=len, reverse=True):
        if unit.startswith(mult):
            return MULTIPLIERS[mult], unit[len(mult):] or None
    return 0, unit
