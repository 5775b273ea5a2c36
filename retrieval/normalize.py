"""Text normalisation shared by indexing and querying, and synonym expansion for the lexical query.

- traditional -> simplified Chinese (OpenCC 't2s');
- NFKC per character (full-width digits/letters -> ASCII, Kangxi radicals from PDFs -> ideographs),
  except the usual Chinese punctuation, which is kept as printed;
- runs of whitespace collapsed.
Synonym groups come from the budget vocabulary (`ingest.vocabulary`) when it is available, with a
small built-in fallback.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any, Iterable

log = logging.getLogger(__name__)

# Chinese punctuation kept as is (NFKC would turn the full-width ones into ASCII).
_KEEP = set("，。、；：？！（）《》〈〉【】「」『』“”‘’…—·～")
_SPACES = re.compile(r"\s+")
_QUOTED_TERM = re.compile(r"[“”\"‘’'「」『』]([\u4e00-\u9fff]{1,8})[“”\"‘’'「」『』]")

# Used until (or when) ingest.vocabulary is not importable.
_FALLBACK_GROUPS: list[list[str]] = [
    ["三公经费", "“三公”经费", "三公经费支出"],
    ["机关运行经费", "机关运行费"],
    ["因公出国（境）费", "因公出国（境）费用", "因公出国费"],
    ["公务用车购置及运行费", "公务用车购置及运行维护费", "公务用车运行维护费", "公务用车费"],
    ["公务接待费", "接待费"],
    ["信访事务"],
    ["政府采购", "政府采购预算"],
    ["一般公共预算", "一般公共预算拨款"],
    ["政府性基金预算", "政府性基金"],
    ["基本支出"], ["项目支出"], ["正常公用经费", "公用经费"], ["人员经费"],
    ["行政运行"], ["一般行政管理事务"], ["住房公积金"], ["取暖费"], ["工会经费"], ["福利费"],
    ["固定资产"], ["绩效目标"], ["部门预算"], ["部门决算"], ["单位预算"], ["单位决算"],
]


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    if ch in _KEEP:
        return ch
    return unicodedata.normalize("NFKC", ch)


def normalize_text(text: str) -> str:
    """Simplified Chinese, half-width ASCII and digits, single spaces; punctuation otherwise kept."""
    if not text:
        return ""
    text = _t2s().convert(text)
    if not text.isascii():
        text = "".join(_nfkc_char(c) for c in text)
    return _SPACES.sub(" ", text).strip()


def unquote_terms(text: str) -> str:
    """'“三公”经费' -> '三公经费': drop quotes around short Chinese terms so tokens join across them."""
    return _QUOTED_TERM.sub(r"\1", text)


# --- vocabulary ------------------------------------------------------------------------

_vocab_lock = threading.Lock()
_vocab_groups: list[list[str]] | None = None


def _groups_from(obj: Any) -> list[list[str]]:
    """Synonym groups from whatever shape the vocabulary exposes (mapping, strings or item objects)."""
    if isinstance(obj, dict):
        return [[str(k), *[str(s) for s in (v or [])]] for k, v in obj.items()]
    groups: list[list[str]] = []
    for entry in obj:
        if isinstance(entry, str):
            groups.append([entry])
        elif isinstance(entry, (list, tuple, set, frozenset)):
            groups.append([str(s) for s in entry])
        else:
            head = getattr(entry, "name", None) or getattr(entry, "canonical", None) or getattr(entry, "item", None)
            syns = getattr(entry, "synonyms", None) or getattr(entry, "aliases", None) or []
            if head:
                groups.append([str(head), *[str(s) for s in syns]])
    return groups


def _load_vocabulary_groups() -> list[list[str]]:
    try:
        from ingest.vocabulary import get_vocabulary  # owned by ingest; optional here
    except ImportError:
        log.debug("ingest.vocabulary not available; using the built-in term list")
        return [list(g) for g in _FALLBACK_GROUPS]
    try:
        vocab = get_vocabulary()
        groups = _groups_from(vocab.groups() if hasattr(vocab, "groups") else vocab.terms())
    except Exception:  # a broken vocabulary file must not break retrieval
        log.warning("could not read the budget vocabulary; using the built-in term list", exc_info=True)
        return [list(g) for g in _FALLBACK_GROUPS]
    if not any(len(g) > 1 for g in groups):
        # a flat term list: keep the built-in synonym groups, add the terms as single-word groups
        groups = [list(g) for g in _FALLBACK_GROUPS] + groups
    return groups


def vocabulary_groups() -> list[list[str]]:
    """Synonym groups (first = canonical), normalised, loaded once per process."""
    global _vocab_groups
    with _vocab_lock:
        if _vocab_groups is None:
            groups = []
            for g in _load_vocabulary_groups():
                norm = list(dict.fromkeys(normalize_text(t) for t in g if t and t.strip()))
                if norm:
                    groups.append(norm)
            _vocab_groups = groups
        return _vocab_groups


def vocabulary_terms() -> list[str]:
    """Every term and synonym, normalised, quotes around short terms removed (for the jieba dictionary)."""
    terms = (unquote_terms(t) for g in vocabulary_groups() for t in g)
    return list(dict.fromkeys(t for t in terms if len(t) >= 2))


def expand_query(text: str, groups: Iterable[list[str]] | None = None) -> str:
    """The (normalised) query followed by the synonyms of every vocabulary term it mentions."""
    groups = vocabulary_groups() if groups is None else groups
    flat = unquote_terms(text)
    extra: list[str] = []
    for group in groups:
        members = [unquote_terms(t) for t in group]
        if any(m in flat for m in members if len(m) >= 2):
            extra.extend(m for m in members if m not in flat and m not in extra)
    return text if not extra else text + " " + " ".join(extra)


def reset_vocabulary_cache() -> None:
    """Forget the loaded vocabulary (tests; after the vocabulary file changed)."""
    global _vocab_groups
    with _vocab_lock:
        _vocab_groups = None
