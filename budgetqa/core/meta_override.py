"""Organisation, year and kind a user sets for a document (`budgetqa ingest --org --year --kind`, upload page).

    override = parse_override(org="示范县卫生健康局", year="2024", kind="部门预算")   # ConfigError if invalid
    override.merged(newer)     # the fields `newer` sets replace these; the others are kept

Values set by a user win over what the content or the file name says; they are stored with the document
(`DocMeta.sources[field] == 'user'`), so a later ingest of the same file keeps them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields

from budgetqa.core.doc_titles import get_title_terms
from budgetqa.core.errors import ConfigError

USER = "user"  # DocMeta.sources value of a field the user set
CONTENT = "content"
FILE_NAME = "file_name"
SOURCE_LABELS = {USER: "用户指定", FILE_NAME: "取自文件名", CONTENT: "取自文件内容"}
FIELD_LABELS = {"org": "机构", "year": "年度", "kind": "类型"}
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
MAX_ORG_CHARS = 60


@dataclass(frozen=True)
class MetaOverride:
    org: str | None = None
    year: int | None = None
    kind: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def merged(self, newer: "MetaOverride | None") -> "MetaOverride":
        """These values with the ones `newer` sets replacing them."""
        if newer is None:
            return self
        return MetaOverride(**{f.name: getattr(newer, f.name) if getattr(newer, f.name) is not None
                               else getattr(self, f.name) for f in fields(self)})

    def items(self) -> dict[str, str | int]:
        """The fields that are set."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def describe_sources(sources: dict | None) -> list[str]:
    """['机构、年度用户指定', '类型取自文件名'] for the fields not read from the content ([] when all were)."""
    by_source: dict[str, list[str]] = {}
    for name, label in FIELD_LABELS.items():
        source = (sources or {}).get(name, CONTENT)
        if source != CONTENT:
            by_source.setdefault(source, []).append(label)
    return [f"{'、'.join(labels)}{SOURCE_LABELS.get(src, src)}" for src, labels in by_source.items()]


def known_kinds() -> tuple[str, ...]:
    return get_title_terms().kinds


def parse_override(org: str | None = None, year: str | int | None = None, kind: str | None = None) -> MetaOverride:
    """Validated user values ('' or None = not set). Raises ConfigError naming the value and the problem."""
    return MetaOverride(org=_org(org), year=_year(year), kind=_kind(kind))


def _org(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise ConfigError(f"机构名称含有控制字符或换行，请只写一个机构名称 / organisation name {value!r} contains "
                          "control characters or line breaks")
    if len(text) > MAX_ORG_CHARS:
        raise ConfigError(f"机构名称过长（{len(text)} 个字，最多 {MAX_ORG_CHARS} 个）/ organisation name is "
                          f"{len(text)} characters long, at most {MAX_ORG_CHARS}")
    return text


def _year(value: str | int | None) -> int | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("年")
    if not text:
        return None
    if not _YEAR.match(text):
        raise ConfigError(f"年度“{value}”无效：应为四位数的年份，如 2024 / year {str(value)!r} is invalid: "
                          "expected a 4-digit year such as 2024")
    return int(text)


def _kind(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    kinds = known_kinds()
    if text not in kinds:
        raise ConfigError(f"类型“{value}”无效：应为 {'、'.join(kinds)} 之一 / kind {str(value)!r} is invalid: "
                          f"expected one of {', '.join(kinds)}")
    return text
