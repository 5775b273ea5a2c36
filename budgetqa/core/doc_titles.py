"""The words a disclosure's title line is made of (data in data/doc_titles.yaml), loaded once per process.

    terms = get_title_terms()
    terms.org_end.search('示范县卫生健康局')          # an organisation suffix ends the name
    terms.statement_start.match('部门支出总表')       # what may follow an organisation in a title
    terms.kind_of_statement('部门支出总表')           # -> '部门预算'; '收入支出决算总表' -> '部门决算'; '工作总结' -> None
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


def _alternatives(words: list[str]) -> str:
    """A regex alternation of plain words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class TitleTerms:
    org_end: re.Pattern  # search(): the name ends with an organisation suffix
    org_not_start: re.Pattern  # match(): a reference word ('本局'), not a name
    title_noise: re.Pattern  # match(): words before a title ('附件1：', '关于')
    org_trailing_noise: re.Pattern  # sub(): '…所属单位' after the organisation
    statement_start: re.Pattern  # match(): a statement starts here
    statement_word: re.Pattern  # search(): a statement after a year names one of these
    statement_kinds: tuple[tuple[str, str], ...]  # (word, '预算' | '决算'), first match wins
    level_words: tuple[str, ...]
    default_level: str
    kinds: tuple[str, ...]

    def kind_of_statement(self, statement: str) -> str | None:
        """'部门预算' | '单位预算' | '部门决算' | '单位决算' named or implied by a statement name, else None."""
        for kind in self.kinds:
            if kind in statement:
                return kind
        nature = next((k for word, k in self.statement_kinds if word in statement), None)
        if nature is None:
            return None
        found = [(statement.find(w), w) for w in self.level_words if w in statement]
        level = min(found)[1] if found else self.default_level
        return level + nature


@lru_cache(maxsize=1)
def get_title_terms() -> TitleTerms:
    raw = yaml.safe_load(resources.files("budgetqa.core").joinpath("data/doc_titles.yaml").read_text(encoding="utf-8"))
    return TitleTerms(
        org_end=re.compile(f"(?:{_alternatives(raw['org_suffixes'])})(?:（本级）|\\(本级\\))?$"),
        org_not_start=re.compile(f"^(?:{_alternatives(raw['org_not_start'])})"),
        title_noise=re.compile("^(?:" + "|".join(raw["title_noise"]) + ")"),
        org_trailing_noise=re.compile("|".join(raw["org_trailing_noise"])),
        statement_start=re.compile(f"^(?:{_alternatives(raw['statement_starts'])})"),
        statement_word=re.compile(_alternatives(raw["statement_words"])),
        statement_kinds=tuple((e["word"], e["kind"]) for e in raw["statement_kinds"]),
        level_words=tuple(raw["level_words"]),
        default_level=raw["default_level"],
        kinds=tuple(raw["kinds"]),
    )
