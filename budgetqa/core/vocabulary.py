"""Canonical budget items (data in ingest/data/vocabulary.yaml), shared by fact extraction and question parsing.

API
---
    from budgetqa.core.vocabulary import get_vocabulary, normalize_label

    voc = get_vocabulary()                 # loaded once per process (cached)

    voc.match(label) -> Item | None        # a whole printed label -> its canonical item
        voc.match('一、一般公共预算拨款收入').name   == '一般公共预算拨款'
        voc.match('其中：公务用车购置费').name        == '公务用车购置费'
        voc.match('（三）因公出国（境）经费').name    == '因公出国（境）费'
        voc.match('“三公”经费').name                 == '三公经费'
        voc.match('2、车辆（台、辆）').name           == '车辆'   (a trailing '（...）' is dropped if needed)
        voc.match('卫生健康（类）').name              == '卫生健康支出'
        Ignores spaces, quotes (“”"'‘’), full/half width, ordinal prefixes ('一、' '1.' '（一）' '(1)' '①'),
        '其中：', the markers （类）/（款）/（项） and a trailing ':'.

    voc.find_items(text) -> [(Item, start, end)]   # greedy longest match in running text (questions, sentences);
        start/end are offsets into the ORIGINAL text; matches do not overlap.
        voc.find_items('商务委2025年商贸事务行政运行预算多少')  -> [商贸事务, 行政运行]
        'strict' forms (教育, 科学技术, 合计, ...) are found only as '教育（类）', never as plain words.

    voc.terms() -> list[str]               # every name and synonym as printed (for a jieba user dictionary)
    voc.code_name(code) -> str | None      # '2011301' -> '行政运行'; '30208' -> '取暖费'
    voc.item(name) -> Item | None          # canonical name -> Item
    voc.items() -> list[Item]
    voc.resolve_path(['一般公共服务支出', '商贸事务', '行政运行']) -> '2011301' | None
        names of a 类/款/项 path (any synonym) -> the full subject code, None unless every level resolves.

    Item fields: name (canonical), kinds ('concept' / 'functional' / 'economic'; a name can be several, e.g.
    公务接待费 is a "三公" concept and economic code 30217), codes (all codes printed with this name, e.g.
    行政运行 has 2010101, 2011301, ...: the fact's `code` tells which), group ('total', 'income', 'expenditure',
    'sangong', 'operation', 'asset', 'procurement', 'performance', or the classification), parent (broader
    item name or None), synonyms.

    normalize_label(text) -> str           # the matching key (exposed for callers that build their own indexes)
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

log = logging.getLogger(__name__)

_QUOTES = "\"'“”‘’「」『』《》"
_DROP = set(_QUOTES) | {" ", "\t", "\n", "\r", "\u3000", "\xa0", "*"}
_ORDINAL = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十百]+[、.,]|\(?[一二三四五六七八九十]+\)[、.]?"
    r"|\d{1,2}(?:[、)]|\.(?!\d))|\(\d{1,2}\)[、.]?|[①-⑳]|[-•·])"
)
_MARKERS = re.compile(r"\((?:类|款|项)\)")
_LEADING_OF = re.compile(r"^(?:其中|包括|含)[:,]?")
_TRAILING_PAREN = re.compile(r"\([^()]*\)$")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalize_label(text: str) -> str:
    """The matching key of a printed label: NFKC, no spaces/quotes, no ordinal prefix, no （类）/'其中：'."""
    key = "".join(ch for ch in _nfkc(text) if ch not in _DROP)
    for _ in range(3):  # '其中：1.' and the like
        new = _LEADING_OF.sub("", _ORDINAL.sub("", key))
        if new == key:
            break
        key = new
    key = _MARKERS.sub("", key).rstrip(":")
    return key


@dataclass(frozen=True)
class Item:
    name: str
    kinds: tuple[str, ...]
    codes: tuple[str, ...] = ()
    group: str | None = None
    parent: str | None = None
    synonyms: tuple[str, ...] = field(default=())


class Vocabulary:
    """Canonical items with their synonyms and subject codes. Build with `get_vocabulary()`."""

    def __init__(self, data: dict):
        build: dict[str, dict] = {}

        def entry(name: str) -> dict:
            return build.setdefault(name, {"kinds": [], "codes": [], "group": None, "parent": None,
                                           "synonyms": [], "strict": [], "strict_item": False})

        for c in data.get("concepts", []):
            e = entry(c["name"])
            e["kinds"].append("concept")
            e["group"] = c.get("group")
            e["parent"] = c.get("parent")
            e["synonyms"].extend(c.get("synonyms", []))
            e["strict_item"] = bool(c.get("strict"))
        self._code_names: dict[str, str] = {}
        for kind in ("functional", "economic"):
            for code, name in (data.get(kind) or {}).items():
                code = str(code)
                e = entry(name)
                if kind not in e["kinds"]:
                    e["kinds"].append(kind)
                e["codes"].append(code)
                e["group"] = e["group"] or kind
                self._code_names[code] = name
        for name, syns in (data.get("synonyms") or {}).items():
            entry(name)["synonyms"].extend(syns)
        for name, syns in (data.get("strict_synonyms") or {}).items():
            entry(name)["strict"].extend(syns)

        self._items: dict[str, Item] = {}
        self._index: dict[str, str] = {}  # normalised label -> item name (whole-label matching)
        self._text_index: dict[str, str] = {}  # normalised term -> item name (running text)
        self._strict_text: dict[str, str] = {}  # strict forms, found in text only before （类）
        self._terms: list[str] = []
        for name, e in build.items():
            syns = tuple(dict.fromkeys(s for s in e["synonyms"] if s != name))
            item = Item(name=name, kinds=tuple(e["kinds"]), codes=tuple(e["codes"]), group=e["group"],
                        parent=e["parent"], synonyms=syns + tuple(e["strict"]))
            self._items[name] = item
            for form in (name, *syns, *e["strict"]):
                key = normalize_label(form)
                if not key:
                    continue
                if key in self._index and self._index[key] != name:
                    log.debug("vocabulary: %r already maps to %r, not %r", form, self._index[key], name)
                    continue
                self._index[key] = name
                self._terms.append(form)
                if e["strict_item"] or form in e["strict"]:
                    self._strict_text[key] = name
                else:
                    self._text_index[key] = name
        self._max_len = max((len(k) for k in (*self._text_index, *self._strict_text)), default=1)
        self._first_chars = {k[0] for k in (*self._text_index, *self._strict_text)}

    # --- lookups -------------------------------------------------------------------------
    def items(self) -> list[Item]:
        return list(self._items.values())

    def item(self, name: str) -> Item | None:
        return self._items.get(name)

    def code_name(self, code: str | None) -> str | None:
        return self._code_names.get(str(code)) if code else None

    def terms(self) -> list[str]:
        """Every canonical name and synonym, as printed (deduplicated), for tokenizer dictionaries."""
        return list(dict.fromkeys(t for t in self._terms if len(t) > 1))

    def match(self, label: str | None) -> Item | None:
        """The item a whole printed label names, or None."""
        if not label:
            return None
        key = normalize_label(label)
        while key:
            name = self._index.get(key)
            if name:
                return self._items[name]
            stripped = _TRAILING_PAREN.sub("", key)
            if stripped == key:
                return None
            key = stripped
        return None

    def find_items(self, text: str) -> list[tuple[Item, int, int]]:
        """Items named in running text: greedy, longest first, non-overlapping; offsets in `text`."""
        norm_chars: list[str] = []
        origin: list[int] = []  # origin[i] = offset in text of norm_chars[i]
        for pos, ch in enumerate(text):
            for c in _nfkc(ch):
                if c not in _DROP:
                    norm_chars.append(c)
                    origin.append(pos)
        norm = "".join(norm_chars)
        out: list[tuple[Item, int, int]] = []
        i, n = 0, len(norm)
        while i < n:
            if norm[i] not in self._first_chars:
                i += 1
                continue
            hit = None
            for length in range(min(self._max_len, n - i), 0, -1):
                key = norm[i:i + length]
                name = self._text_index.get(key)
                if name is None and key in self._strict_text and norm.startswith("(类)", i + length):
                    name = self._strict_text[key]
                if name is not None:
                    hit = (name, length)
                    break
            if hit is None:
                i += 1
                continue
            name, length = hit
            out.append((self._items[name], origin[i], origin[i + length - 1] + 1))
            i += length
        return out

    def resolve_path(self, names: list[str]) -> str | None:
        """Full subject code of a 类/款/项 name path, e.g. ['一般公共服务支出', '商贸事务', '行政运行'] -> '2011301'."""
        prefixes = [""]
        for depth, label in enumerate(names):
            item = self.match(label)
            if item is None:
                return None
            width = 3 + 2 * depth
            prefixes = [c for c in item.codes if len(c) == width and any(c.startswith(p) for p in prefixes)]
            if not prefixes:
                return None
        return prefixes[0] if len(prefixes) == 1 else None


@lru_cache(maxsize=1)
def get_vocabulary() -> Vocabulary:
    text = resources.files("budgetqa.core").joinpath("data/vocabulary.yaml").read_text(encoding="utf-8")
    return Vocabulary(yaml.safe_load(text))
