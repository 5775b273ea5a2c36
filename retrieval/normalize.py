"""Text normalisation shared by indexing and querying, and synonym expansion for the lexical query.

- traditional -> simplified Chinese (OpenCC 't2s');
- NFKC per character (full-width digits/letters -> ASCII, Kangxi radicals from PDFs -> ideographs),
  except the usual Chinese punctuation, which is kept as printed;
- runs of whitespace collapsed.
Synonym groups come from the budget vocabulary (`budgetqa.core.vocabulary`) when it is available, with a
small built-in fallback.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any, Callable
from budgetqa.core.vocabulary import get_vocabulary

log = logging.getLogger(__name__)

# Chinese punctuation kept as is (NFKC would turn the full-width ones into ASCII).
_KEEP = set("，。、；：？！（）《》〈〉【】「」『』“”‘’…—·～")
_SPACES = re.compile(r"\s+")
_QUOTED_TERM = re.compile(r"[“”\"‘’'「」『』]([\u4e00-\u9fff]{1,8})[“”\"‘’'「」『』]")

# Used until (or when) budgetqa.core.vocabulary is not importable.
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


@lru_cache(maxsize=1)
def _t2s_triggers() -> tuple[frozenset[str], re.Pattern | None] | None:
    """What a text must contain for 't2s' to change it: the characters the converter maps to another one,
    and the (few) changing dictionary keys made of characters it leaves alone. A text with neither is
    returned unchanged by the converter, so it can skip the (pure Python, slow) conversion exactly.
    None when the converter's dictionaries cannot be read (then every text is converted)."""
    converter = _t2s()
    try:
        converter.convert("")
        dicts: list = []
        todo = list(converter._dict_chain_data)
        while todo:
            item = todo.pop()
            todo.extend(item) if isinstance(item, list) else dicts.append(item[2])
    except (AttributeError, IndexError, TypeError):
        log.debug("opencc dictionaries not readable; every text is converted")
        return None
    chars = frozenset(k for d in dicts for k, v in d.items() if len(k) == 1 and v != k)
    keys = sorted({k for d in dicts for k, v in d.items() if v != k and chars.isdisjoint(k)}, key=len, reverse=True)
    return chars, (re.compile("|".join(map(re.escape, keys))) if keys else None)


def to_simplified(text: str) -> str:
    """OpenCC 't2s', skipped when the text holds nothing it would change (the usual simplified text)."""
    triggers = _t2s_triggers()
    if triggers is not None:
        chars, keys = triggers
        if chars.isdisjoint(text) and (keys is None or keys.search(text) is None):
            return text
    return _t2s().convert(text)


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    if ch in _KEEP:
        return ch
    return unicodedata.normalize("NFKC", ch)


def normalize_text(text: str) -> str:
    """Simplified Chinese, half-width ASCII and digits, single spaces; punctuation otherwise kept."""
    if not text:
        return ""
    text = to_simplified(text)
    if not text.isascii():
        text = "".join(_nfkc_char(c) for c in text)
    return _SPACES.sub(" ", text).strip()


def unquote_terms(text: str) -> str:
    """'“三公”经费' -> '三公经费': drop quotes around short Chinese terms so tokens join across them."""
    return _QUOTED_TERM.sub(r"\1", text)


# --- vocabulary ------------------------------------------------------------------------

_vocab_lock = threading.Lock()
_vocab_state: tuple[Any, list[list[str]]] | None = None  # (vocabulary object or None, fallback groups)
MAX_EXPANSIONS = 4  # synonyms added per matched item (broad items have a dozen printed forms)


def _load_vocabulary() -> Any:
    try:
        return get_vocabulary()
    except Exception:  # a broken vocabulary file must not break retrieval
        log.warning("could not read the budget vocabulary; using the built-in term list", exc_info=True)
        return None


def _state() -> tuple[Any, list[list[str]]]:
    global _vocab_state
    with _vocab_lock:
        if _vocab_state is None:
            groups = []
            for g in _FALLBACK_GROUPS:
                norm = list(dict.fromkeys(normalize_text(t) for t in g))
                groups.append(norm)
            _vocab_state = (_load_vocabulary(), groups)
        return _vocab_state


def vocabulary_terms() -> list[str]:
    """Every term and synonym, normalised, quotes around short terms removed (for the jieba dictionary)."""
    vocab, groups = _state()
    raw: list[str] = [t for g in groups for t in g]
    if vocab is not None and hasattr(vocab, "terms"):
        raw = list(vocab.terms()) + raw
    terms = (unquote_terms(normalize_text(t)) for t in raw if t)
    return list(dict.fromkeys(t for t in terms if len(t) >= 2))


def _mentions(text: str) -> list[tuple[str, list[str]]]:
    """(form as written, [canonical, *synonyms]) of every vocabulary item the text mentions."""
    vocab, groups = _state()
    if vocab is not None and hasattr(vocab, "find_items"):
        return [(text[a:b], [item.name, *item.synonyms]) for item, a, b in vocab.find_items(text)]
    flat = unquote_terms(text)
    out = []
    for g in groups:
        hit = next((m for m in sorted(g, key=len, reverse=True) if len(m) >= 2 and unquote_terms(m) in flat), None)
        if hit:
            out.append((hit, g))
    return out


def expand_query(
    text: str, known: Callable[[str], bool] | None = None, max_per_item: int = MAX_EXPANSIONS
) -> str:
    """The (normalised) query followed by a few synonyms of the vocabulary items it mentions.

    With `known` (form -> is it in the index?), only items written in a form the documents never use
    are expanded: expansion then bridges a vocabulary mismatch ('机关运行费' vs printed '机关运行经费')
    without adding noise to queries that already match (measured: blanket expansion lowers BM25 MRR).
    """
    flat = unquote_terms(text)
    extra: list[str] = []
    for form, members in _mentions(text):
        if known is not None and known(unquote_terms(normalize_text(form))):
            continue
        added = 0
        for m in members:
            m = unquote_terms(normalize_text(m))
            if len(m) >= 2 and m not in flat and m not in extra and added < max_per_item:
                extra.append(m)
                added += 1
    return text if not extra else text + " " + " ".join(extra)


def reset_vocabulary_cache() -> None:
    """Forget the loaded vocabulary (tests; after the vocabulary file changed)."""
    global _vocab_state
    with _vocab_lock:
        _vocab_state = None


# --- what the indexes see of a chunk -----------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
INDEX_CONTEXT = True  # put the document's org/year/kind (and section) before the chunk text


def chunk_index_text(chunk, doc_meta: dict | None = None) -> str:
    """Normalised text embedded and tokenized for a chunk: a short document/section header + the text.

    The header ('鹿泉区信访局 2021年 部门预算 | 二、支出说明') lets both retrievers tell apart the
    near-identical chunks of different organisations and years. The stored chunk text stays as printed.
    """
    header: list[str] = []
    if INDEX_CONTEXT:
        meta = doc_meta or {}
        if meta.get("org"):
            header.append(str(meta["org"]))
        if meta.get("year"):
            header.append(f"{meta['year']}年")
        if meta.get("kind") and meta.get("kind") != "other":
            header.append(str(meta["kind"]))
        name = str(meta.get("name") or "").rsplit(".", 1)[0]
        if name and _CJK.search(name) and not any(h in name for h in header[:1]):
            header.append(name)
        if chunk.section:
            header.append("| " + chunk.section)
    text = chunk.text if not header else " ".join(header) + "\n" + chunk.text
    return normalize_text(text)
