"""Number guard: every number in an LLM answer must be a figure the documents (or the engine) printed.

Allowed figures (`AllowedNumbers.from_answer`):
- the facts of the template answer (value and unit) and the text of their citation quotes;
- the text of the answer's citations and of the retrieved passages;
- the numbers of `Answer.computed` and of the template answer text (both written by the engine from facts);
- years: those of the question, of the facts and passages, and any year printed in the sources.
Numbers of the question other than years are NOT allowed (the model must not echo a user's figure).

Matching a number written by the LLM (mention) against a source figure:
- money converts between 元/千元/万元/亿元: 80万元 == 八十万元 == 800000元 == 0.008亿元;
- a base unit printed on both sides must agree (元 vs 人 never match); a side without a unit matches on the
  value as printed or on the converted value; a bare number in a passage takes the unit the passage declares
  ('单位：万元') when it declares exactly one;
- percentages match only as printed (12.5% == 12.50%, not 12.53%);
- rounding: the mention may be the source value rounded half-up to the decimals the mention writes, and
  only when it writes at least MIN_ROUND_DECIMALS decimals. So 371,514,655.00元 may be written 37151.47万元
  or 3.72亿元, but not 37151万元 or 3.7亿元 (an integer or one decimal must be exact);
- signs are ignored (decreases are written in words).
Citations [n] must point to 1..n_sources; when the text has numbers (other than years) it must cite at
least one source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable

from budgetqa.core.numbers import Number, citation_markers, find_numbers
from budgetqa.core.records import Answer, Passage
from budgetqa.core.units import MONEY_UNIT_RE, split_unit

MIN_ROUND_DECIMALS = 2
_DECLARED_UNIT = re.compile(rf"(?:单位|金额)\s*[:：]?\s*[（(]?\s*({MONEY_UNIT_RE})")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2}|\d{2})\s*年")


def mentions(text: str) -> list[Number]:
    """The numbers of a text as the guard reads them: a bare 万/亿 stays a multiplier (no implied 元)."""
    return find_numbers(text, bare_wan_is_money=False)


@dataclass(frozen=True)
class Figure:
    """A number printed in a source: value as printed, scale of its multiplier, base unit or None."""

    value: Decimal
    scale: int
    unit: str | None

    @property
    def magnitude(self) -> Decimal:
        return self.value.scaleb(self.scale)


@dataclass
class AllowedNumbers:
    figures: set[Figure] = field(default_factory=set)
    years: set[int] = field(default_factory=set)

    def add_value(self, value: object, unit: str | None) -> None:
        """A fact value in its printed unit ('80', '万元')."""
        try:
            number = abs(Decimal(str(value).replace(",", "")))
        except (InvalidOperation, ValueError):
            return
        scale, base = split_unit(unit)
        self.figures.add(Figure(number, scale, base))

    def add_text(self, text: str | None) -> None:
        """Every number printed in a source text; bare numbers take the unit the text declares, if one."""
        if not text:
            return
        declared = {m.group(1) for m in _DECLARED_UNIT.finditer(text)}
        d_scale, d_unit = split_unit(declared.pop()) if len(declared) == 1 else (0, None)
        for n in mentions(text):
            if n.kind == "year":
                self.years.add(_full_year(n.value))
            elif n.base_unit is None and n.scale == 0:
                self.figures.add(Figure(n.value, d_scale, d_unit))
            else:
                self.figures.add(Figure(n.value, n.scale, n.base_unit))

    def add_year(self, year: object) -> None:
        try:
            self.years.add(_full_year(Decimal(str(year))))
        except (InvalidOperation, ValueError):
            pass

    def supports(self, m: Number) -> bool:
        if m.kind == "year":
            return _full_year(m.value) in self.years or any(_matches(m, f) for f in self.figures)
        if m.base_unit is None and m.scale == 0 and m.decimals == 0 and int(m.value) in self.years:
            return True  # a year written without 年 ('2021-2023年')
        return any(_matches(m, f) for f in self.figures)

    @classmethod
    def from_answer(cls, answer: Answer, passages: Iterable[Passage]) -> "AllowedNumbers":
        allowed = cls()
        for fact in answer.facts:
            allowed.add_value(fact.value, fact.unit)
            if fact.year is not None:
                allowed.add_year(fact.year)
            allowed.add_text(fact.citation.quote)
        for c in answer.citations:
            allowed.add_text(c.quote)
            allowed.add_text(c.locator)
            allowed.add_text(c.doc)
        for p in passages:
            allowed.add_text(p.chunk.text)
            if p.year is not None:
                allowed.add_year(p.year)
        allowed.add_text(answer.computed)
        allowed.add_text(answer.answer)
        # years of the question, and of the engine's reading of it (which resolves '去年' and the like)
        for text in (answer.question or "", answer.interpretation or ""):
            for m in _YEAR_IN_TEXT.finditer(text):
                allowed.add_year(m.group(1))
            for n in mentions(text):
                if n.kind == "year":
                    allowed.add_year(n.value)
        return allowed


@dataclass
class GuardResult:
    ok: bool
    unsupported_numbers: list[str] = field(default_factory=list)
    bad_citations: list[int] = field(default_factory=list)
    uncited: bool = False  # numbers present but no citation marker at all


def check_answer(text: str, allowed: AllowedNumbers, n_sources: int, require_citation: bool = True) -> GuardResult:
    """Check the numbers and the citation markers of an LLM answer."""
    found = mentions(text)
    unsupported = [m.text for m in found if not allowed.supports(m)]
    cited = citation_markers(text)
    bad = sorted({n for n in cited if not 1 <= n <= n_sources})
    uncited = require_citation and any(m.kind != "year" for m in found) and not cited
    return GuardResult(not unsupported and not bad and not uncited, unsupported, bad, uncited)


class GuardRejected(Exception):
    """Raised by StreamGuard to stop generation as soon as a sentence fails the guard."""

    def __init__(self, result: GuardResult):
        super().__init__(f"unsupported={result.unsupported_numbers} bad_citations={result.bad_citations}")
        self.result = result


_SENTENCE_END = re.compile(r"[。！？；;!?\n]")
_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.S)


def strip_reasoning(text: str) -> str:
    """Drop a leading <think>...</think> block (reasoning models such as Qwen3 / DeepSeek-R1)."""
    return _THINK.sub("", text, count=1)


class StreamGuard:
    """Passes streamed text on to `on_token` one checked sentence at a time.

    A sentence is released only after its numbers and citations pass the guard, so the user never sees an
    unsupported number; the first failing sentence raises GuardRejected. A leading <think> block is withheld.
    """

    def __init__(self, allowed: AllowedNumbers, n_sources: int, on_token: Callable[[str], None] | None):
        self.allowed = allowed
        self.n_sources = n_sources
        self.on_token = on_token
        self._buffer = ""
        self._thinking_done = False

    def feed(self, token: str) -> None:
        self._buffer += token
        if not self._thinking_done:
            head = self._buffer.lstrip()
            if head.startswith("<think>"):
                if "</think>" not in head:
                    return
                self._buffer = strip_reasoning(self._buffer)
            elif len(head) < len("<think>") and "<think>".startswith(head):
                return
            self._thinking_done = True
        last = None
        for last in _SENTENCE_END.finditer(self._buffer):
            pass
        if last is not None:
            self._release(self._buffer[: last.end()])
            self._buffer = self._buffer[last.end():]

    def finish(self) -> None:
        if self._buffer:
            self._release(self._buffer)
            self._buffer = ""

    def _release(self, text: str) -> None:
        result = check_answer(text, self.allowed, self.n_sources, require_citation=False)
        if not result.ok:
            raise GuardRejected(result)
        if self.on_token is not None:
            self.on_token(text)


def _full_year(value: Decimal) -> int:
    year = int(value)
    return 2000 + year if year < 100 else year


def _matches(m: Number, f: Figure) -> bool:
    unit = m.base_unit
    if unit == "%" or f.unit == "%":
        if unit not in ("%", None) or f.unit not in ("%", None):
            return False
        return m.value == f.value  # percentages only as printed
    if unit is not None and f.unit is not None and unit != f.unit:
        return False
    bare_source = f.unit is None and f.scale == 0
    bare_mention = unit is None and m.scale == 0
    if (bare_source or bare_mention) and _close(m, f.value):
        return True  # the value as printed, unit unknown on one side
    return _close(m, f.magnitude.scaleb(-m.scale))


def _close(m: Number, target: Decimal) -> bool:
    """The mention equals target, or is target rounded to the mention's (>= MIN_ROUND_DECIMALS) decimals."""
    if m.value == target:
        return True
    if m.decimals < MIN_ROUND_DECIMALS:
        return False
    return abs(m.value - target) <= Decimal(5).scaleb(-(m.decimals + 1))
