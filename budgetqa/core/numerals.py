"""Chinese numerals -> exact numbers, read by cn2an (no hand-made digit tables).

- `cn_value(text)`: '一百二十' -> 120, '两千' -> 2000, '廿一' -> 21, '一点二' -> 1.2, '十一点零五' -> 11.05,
  '二〇二一' -> 2021 (a run of digits is read digit by digit), None when `text` is not a numeral.
- `small_int(text)`: an ordinal or count printed either way: '12' -> 12, '十二' -> 12, '两' -> 2.
- `arabic_years(text)`: every year written in Chinese digits rewritten in Arabic: '二〇二三年' -> '2023年'.
"""
from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

import cn2an

log = logging.getLogger(__name__)

CN_DIGIT_CHARS = "零〇○一二两三四五六七八九"
CN_MAGNITUDE_CHARS = "十廿卅百千万亿"
CN_NUMERAL_CHARS = CN_DIGIT_CHARS + CN_MAGNITUDE_CHARS + "点"
_SPELLING = str.maketrans("○", "〇")  # the circle printed for zero in years ('二○二一')
_DIGIT_RUN = re.compile(rf"[{CN_DIGIT_CHARS}]+")
_CN_YEAR = re.compile(rf"[一二][〇○零九][{CN_DIGIT_CHARS}]{{2}}(?=年)")  # 19xx / 20xx


def is_digit_run(text: str) -> bool:
    """Only digit characters ('二〇二一', '一九'), no 十/百/千: read digit by digit."""
    return bool(_DIGIT_RUN.fullmatch(text))


def cn_value(text: str) -> Decimal | None:
    """Exact value of a Chinese numeral (see module doc); the decimals after 点 are exact (no float)."""
    whole, _, frac = text.translate(_SPELLING).partition("点")
    if not whole or (frac and not is_digit_run(frac)):
        return None
    try:
        integer = Decimal(int(cn2an.cn2an(whole, "normal")))
        if not frac:
            return integer
        return integer + Decimal(int(cn2an.cn2an(frac, "normal"))).scaleb(-len(frac))
    except (ValueError, KeyError, InvalidOperation, TypeError) as exc:
        log.debug("not a Chinese numeral: %r (%s)", text, exc)
        return None


def small_int(text: str) -> int | None:
    """'12' / '十二' / '两' -> the integer; None when it is neither."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    value = cn_value(text)
    return None if value is None or value != value.to_integral_value() else int(value)


def arabic_years(text: str) -> str:
    """Years written in Chinese digits ('二〇二三年', '二○二一年') rewritten with Arabic digits, same length."""
    return _CN_YEAR.sub(lambda m: str(cn_value(m.group(0))), text)
