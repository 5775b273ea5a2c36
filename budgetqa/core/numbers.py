"""Printed numbers of budget disclosures -> exact Decimal + unit.

- `parse_number(cell)`: a whole printed cell: '371,514,655.00', '１２.３', '80', '0.00', '≥95%', '≥100 百分比',
  '1.2亿元', '一百二十万元', '3万元', '1辆', '90%以上'. Returns None for '', '-', '—', '--', '---', '——' and
  for text that is not a single number (use `is_not_disclosed` to tell a dash from text).
- `find_numbers(text)`: every number with its unit inside running text, with offsets (narrative extraction).
  Chinese numerals (cn2an) are recognised in running text only before a money unit ('一百二十万元').
- `to_yuan(value, unit)`: exact Decimal in 元 for money units (元 x1, 千元 x10^3, 万元 x10^4, 亿元 x10^8),
  None for non-money units (%, 件, 人, 辆, 台, 平方米, 份, 次, ...).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

log = logging.getLogger(__name__)

MONEY_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
COUNT_UNITS = ("%", "‰", "个百分点", "件", "人次", "人", "名", "辆", "台", "平方米", "份", "次", "个", "家", "项",
               "户", "套", "座", "处", "天", "小时")
NOT_DISCLOSED = {"-", "--", "---", "—", "——", "———", "－", "－－", "/", "…", "……", "——————"}

_UNIT_ALIASES = {"百分比": "%", "％": "%", "㎡": "平方米", "m²": "平方米", "m2": "平方米", "百分点": "个百分点"}
_COMPARATORS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<", "=": "=", "＞": ">", "＜": "<",
                "﹥": ">", "﹤": "<", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "小于等于": "≤", "不高于": "≤",
                "不超过": "≤", "大于": ">", "小于": "<", "高于": ">", "低于": "<", "达到": "≥"}
_SUFFIX_COMPARATORS = {"以上": "≥", "以下": "≤", "以内": "≤"}

_ARABIC = r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_CN_NUM = r"[零〇一二两三四五六七八九十百千万亿点]+"
_UNIT_RE = "|".join(
    sorted([re.escape(u) for u in (*MONEY_FACTORS, *COUNT_UNITS, *_UNIT_ALIASES)], key=len, reverse=True)
)
_CMP_RE = "|".join(sorted(map(re.escape, _COMPARATORS), key=len, reverse=True))
_CELL = re.compile(
    rf"^(?P<cmp>{_CMP_RE})?(?P<pct>百分之)?(?:(?P<num>{_ARABIC})|(?P<cn>{_CN_NUM}))(?P<unit>{_UNIT_RE})?"
    rf"(?P<suffix>以上|以下|以内)?$"
)
# in running text: whitespace (PDF line breaks) may sit inside '万\n元'
_TEXT = re.compile(
    rf"(?P<pct>百分之)?(?P<num>(?<![\d.,]){_ARABIC.replace('[-+]?', '')}(?![\d]))"
    rf"(?:\s*(?P<unit>亿\s*元|万\s*元|千\s*元|万(?=[，。；、,;）)]|\s*$)|元|%|‰|个百分点|百分点|平方米|人次|件|人|名|辆|台|份|次|个|家|项|户))?"
    rf"|(?P<cn>(?<![零〇一二两三四五六七八九十百千万亿点]){_CN_NUM})\s*(?P<cnunit>亿\s*元|万\s*元|元)"
)
_WIDTH = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")


@dataclass(frozen=True)
class Number:
    value: Decimal  # in `unit`
    unit: str  # '元', '万元', '%', '件', ... or '' when none was printed
    text: str  # as printed (stripped)
    comparator: str | None = None  # '≥', '≤', '>', '<', '=' for targets like '≥95%'
    start: int = 0  # offsets in the searched text (find_numbers); 0/len for cells
    end: int = 0

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_FACTORS

    @property
    def value_yuan(self) -> Decimal | None:
        return to_yuan(self.value, self.unit)


def normalize_unit(unit: str | None) -> str:
    if not unit:
        return ""
    unit = re.sub(r"\s+", "", unicodedata.normalize("NFKC", unit))
    if unit == "万":  # running text '总预算1720.00万，其中…' (the text pattern only takes 万 before punctuation)
        return "万元"
    return _UNIT_ALIASES.get(unit, unit)


def is_money_unit(unit: str | None) -> bool:
    return normalize_unit(unit) in MONEY_FACTORS


def to_yuan(value: Decimal, unit: str | None) -> Decimal | None:
    """Exact value in 元 for a money unit, else None."""
    factor = MONEY_FACTORS.get(normalize_unit(unit))
    if factor is None:
        return None
    return value * factor


def is_not_disclosed(text: str | None) -> bool:
    """A dash-like cell ('-', '—', '--', '---', '- -'): printed but not disclosed (no fact)."""
    if text is None:
        return False
    t = re.sub(r"\s+", "", text)
    return bool(t) and (t in NOT_DISCLOSED or bool(re.fullmatch(r"[-—－─]+", t)))


def _decimal(arabic: str | None, chinese: str | None) -> Decimal | None:
    try:
        if arabic is not None:
            return Decimal(arabic.replace(",", "").lstrip("+"))
        if chinese:
            return Decimal(str(cn2an.cn2an(chinese, "smart")))
    except (InvalidOperation, ValueError, KeyError) as exc:
        log.debug("not a number: %r / %r (%s)", arabic, chinese, exc)
    return None


def _split_cn_unit(cn: str, unit: str) -> tuple[str, str]:
    """'一百二十万' + '元' -> ('一百二十', '万元') so that the 万 is the unit, not part of the numeral."""
    if unit == "元" and len(cn) > 1 and cn[-1] in "万亿":
        return cn[:-1], cn[-1] + "元"
    return cn, unit


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
    cn = m.group("cn")
    if cn:
        cn, unit = _split_cn_unit(cn, unit)
        if not re.search("[零〇一二两三四五六七八九十]", cn):
            return None
    value = _decimal(m.group("num"), cn)
    if value is None:
        return None
    if m.group("pct"):
        unit = "%"
    comparator = _COMPARATORS.get(m.group("cmp") or "") or _SUFFIX_COMPARATORS.get(m.group("suffix") or "")
    return Number(value=value, unit=unit, text=printed, comparator=comparator, start=0, end=len(cell))


def find_numbers(text: str) -> list[Number]:
    """Numbers in running text with their (optional) unit; offsets index `text` itself."""
    out = []
    for m in _TEXT.finditer(text.translate(_WIDTH)):
        if m.group("cn"):
            cn, unit = _split_cn_unit(m.group("cn"), normalize_unit(m.group("cnunit")))
            value = _decimal(None, cn)
        else:
            unit = normalize_unit(m.group("unit"))
            value = _decimal(m.group("num"), None)
            if m.group("pct"):
                unit = "%"
        if value is None:
            continue
        out.append(Number(value=value, unit=unit, text=text[m.start():m.end()], start=m.start(), end=m.end()))
    return out
