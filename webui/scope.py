"""Question scope chosen in the sidebar: organisations, years and document kinds -> document ids."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

UNKNOWN_LABEL = "（未识别）"


@dataclass
class Scope:
    orgs: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.orgs or self.years or self.kinds)

    def describe(self) -> str:
        parts = [", ".join(self.orgs), ", ".join(f"{y}年" for y in self.years), ", ".join(self.kinds)]
        return "；".join(p for p in parts if p) or "全部文件"


def options(docs: Iterable[Any]) -> tuple[list[str], list[int], list[str]]:
    docs = list(docs)
    orgs = sorted({d.org or UNKNOWN_LABEL for d in docs})
    years = sorted({d.year for d in docs if d.year}, reverse=True)
    kinds = sorted({d.kind or UNKNOWN_LABEL for d in docs})
    return orgs, years, kinds


def doc_ids(docs: Iterable[Any], scope: Scope) -> list[str] | None:
    """Ids of the documents in scope; None when no filter is set (the engine then searches everything)."""
    if not scope.active:
        return None
    return [
        d.id for d in docs
        if (not scope.orgs or (d.org or UNKNOWN_LABEL) in scope.orgs)
        and (not scope.years or d.year in scope.years)
        and (not scope.kinds or (d.kind or UNKNOWN_LABEL) in scope.kinds)
    ]
