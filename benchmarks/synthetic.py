"""Synthetic corpora of N disclosures made from the shared seed texts, with checkable questions.

Document i is seed i % S with its place names (…区, …市, …县) replaced by a made-up place unique to the
document's (place, year) pair, its years shifted, and its money figures multiplied by an integer factor
(1, 2 or 3): every figure with decimals (not a percentage) and every whole number written with 元/万元.
Multiplying all the parts and their totals by the same integer keeps the tables adding up exactly.
Questions come from the gold eval files (items about a seed): the same text transformation is applied to
the question, and a money gold value is multiplied by the document's factor.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from budgetqa.core.numbers import ARABIC_INTEGER
from budgetqa.core.units import MONEY_UNIT_RE, is_money_unit

# The place names of the shared seeds (the part of an organisation's name that tells districts apart).
PLACES = ("石家庄市", "鹿泉区", "广元市", "昭化区", "廊坊市", "广阳区", "高新区")
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*年)")
_MONEY = re.compile(rf"(?<![\d.])({ARABIC_INTEGER})(\.\d+)?(?!\d)(?!\s*[%％‰])(\s*(?:{MONEY_UNIT_RE}))?")
_CHARS = "安宝长丰福和华吉嘉建金锦康乐临龙明宁平庆瑞顺泰通望文祥新兴阳永裕泽正中"  # 40 characters
_ANSWER_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass
class Question:
    text: str
    kind: str  # 'fact' | 'passage'
    doc: str  # synthetic file name
    expect: list[str] = field(default_factory=list)  # every string must appear in the answer / top passage


@dataclass
class Variant:
    index: int
    seed: Path
    places: dict[str, str]
    year_shift: int
    factor: int

    @property
    def name(self) -> str:
        return f"{self.index:05d}_{self.seed.stem}.txt"

    def text(self, source: str, money: bool = True) -> str:
        for old, new in self.places.items():
            source = source.replace(old, new)
        source = _YEAR.sub(lambda m: str(int(m.group(1)) + self.year_shift), source)
        return _MONEY.sub(self._scale, source) if money else source

    def _scale(self, m: re.Match) -> str:
        whole, frac, unit = m.group(1), m.group(2), m.group(3)
        if not frac and not unit:
            return m.group(0)  # codes, counts, years: unchanged
        value = Decimal(whole.replace(",", "") + (frac or "")) * self.factor
        places = len(frac) - 1 if frac else 0
        out = f"{value:,.{places}f}" if "," in whole else f"{value:.{places}f}"
        return out + (unit or "")


def variants(seeds: list[Path], n: int) -> list[Variant]:
    out = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        j = i // len(seeds)
        year_shift, pair = j % 10 - 5, j // 10  # ten years per made-up place
        a, b = _CHARS[pair % len(_CHARS)], _CHARS[(pair // len(_CHARS)) % len(_CHARS)]
        if pair >= len(_CHARS) ** 2:
            raise ValueError(f"at most {len(_CHARS) ** 2 * 10 * len(seeds)} synthetic documents")
        text = seed.read_text(encoding="utf-8")
        places = {p: f"{a}{b}{_CHARS[k]}{p[-1]}" for k, p in enumerate(PLACES) if p in text}
        out.append(Variant(i, seed, places, year_shift, 1 + j % 3))
    return out


def write_corpus(seeds: list[Path], n: int, folder: Path) -> list[Variant]:
    folder.mkdir(parents=True, exist_ok=True)
    out = variants(seeds, n)
    for v in out:
        path = folder / v.name
        if not path.exists():
            path.write_text(v.text(v.seed.read_text(encoding="utf-8")), encoding="utf-8")
    return out


def questions(variants_: list[Variant], gold_files: list[Path], per_kind: int) -> list[Question]:
    """Up to `per_kind` fact and passage questions, spread over the corpus, each naming its made-up place."""
    gold = [json.loads(line) for f in gold_files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: list[Question] = []
    step = max(1, len(variants_) // max(1, per_kind))
    for kind in ("fact", "passage"):
        picked = 0
        for v in variants_[::step] + variants_:
            if picked >= per_kind:
                break
            items = [g for g in gold if g.get("doc") == v.seed.name and _kind(g) == kind]
            if not items:
                continue
            g = items[picked % len(items)]
            if not any(p in g["question"] for p in v.places):
                continue  # the question names no place: it would be ambiguous among thousands of documents
            text = v.text(g["question"], money=False)
            out.append(Question(text, kind, v.name, _expect(g, v)))
            picked += 1
    return out


def _kind(g: dict) -> str | None:
    if g.get("kind") == "lookup" and "value" in (g.get("gold") or {}):
        return "fact"
    if g.get("kind") in ("list", "narrative"):
        return "passage"
    return None


def _expect(g: dict, v: Variant) -> list[str]:
    gold = g["gold"]
    if "value" in gold:
        value = Decimal(str(gold["value"]))
        if is_money_unit(gold.get("unit")):
            value *= v.factor
        return [_plain(value)]
    return [v.text(x, money=False) for x in gold.get("items") or gold.get("keywords") or []]


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def correct(q: Question, text: str) -> bool:
    """All expected strings in the text; numbers compared as numbers (thousands separators, trailing zeros)."""
    if q.kind == "fact":
        numbers = {_plain(Decimal(n.replace(",", ""))) for n in _ANSWER_NUMBER.findall(text)}
        return all(e in numbers for e in q.expect)
    return all(e in text for e in q.expect)
