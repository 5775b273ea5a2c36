"""Matching printed labels against a question: normalised text, label similarity, generic columns, the item a
column names, subject codes by name, and whether a figure sits in a clause about a change. Pure functions."""
from __future__ import annotations

import re

from budgetqa.core.phrases import get_phrases
from budgetqa.core.records import Fact
from budgetqa.core.vocabulary import get_vocabulary, normalize_label

_W = get_phrases()  # the word lists (budgetqa/core/data/question_words.yaml)
GENERIC_ROWS = re.compile(rf"^(?:{_W.alternation('total_rows')})$")
_GENERIC_COLS = _W.words("total_columns")
COUNT_COL = re.compile(_W.alternation("count_columns"))
_PUNCT = re.compile(r"[\s、，,。；;：:（）()“”\"'‘’《》\-—－/]|[（(](?:类|款|项)[)）]")
_TAIL_WORDS = re.compile(rf"(?:{_W.alternation('label_tail_words')})$")
_CHANGE_WORDS = re.compile(_W.alternation("change_words"))


def norm(text: str) -> str:
    return _PUNCT.sub("", normalize_label(text or ""))


def in_change_clause(fact: Fact) -> bool:
    """The figure sits in a clause about a change ('比2019年…增加14.07万元', '增加…人员经费14.07万元')."""
    if fact.table_index is not None or not fact.quote or not fact.value_text:
        return False
    idx = fact.quote.find(fact.value_text)
    if idx < 0:
        return False
    start = max(fact.quote.rfind(p, 0, idx) for p in "，,；;。：:")
    return bool(_CHANGE_WORDS.search(fact.quote[start + 1:idx]))


def shares_noun(topic: str, label: str, count_unit: str) -> bool:
    rest = re.sub(rf"[几多少个{count_unit}]", "", topic or "")
    return any("\u4e00" <= ch <= "\u9fff" and ch in label for ch in rest)


def code_matches(fact: Fact, codes: list[str]) -> bool:
    """The fact is the row of one of the subject codes: its own code, or (a sentence naming the subject by
    its 类/款/项 path) a label holding the names of the code and of its parents."""
    if fact.code is not None:
        return fact.code in codes
    voc = get_vocabulary()
    label = norm(f"{fact.row_label}{fact.column_label}")
    for code in codes:
        names = [voc.code_name(code[:n]) for n in range(3, len(code) + 1, 2)]
        if len(code) > 3 and all(names) and all(norm(n) in label for n in names):
            return True
    return False


def clean_row(label: str) -> str:
    return re.sub(r"^[一二三四五六七八九十\d]+[、.．]|^其中[:：]", "", label.strip())


def generic_column(col: str | None) -> bool:
    """'合计', '预算数', '本年收入/预算数', '一般公共预算基本支出/合计', '价值（金额单位：万元）' name no sub-item."""
    if not col:
        return True
    parts = [norm(p) for p in re.split(r"[/／]", col) if p.strip()]
    if not parts:
        return True
    last = parts[-1]
    return last in _GENERIC_COLS or last.startswith(("价值", "金额")) or all(p in _GENERIC_COLS for p in parts)


def _bigram_cover(a: str, b: str) -> int:
    """Characters of `a` covered by bigrams that also occur in `b`."""
    if len(a) < 2 or len(b) < 2:
        return len(a) if a and a == b else 0
    grams = {b[i:i + 2] for i in range(len(b) - 1)}
    covered = [False] * len(a)
    for i in range(len(a) - 1):
        if a[i:i + 2] in grams:
            covered[i] = covered[i + 1] = True
    return sum(covered)


def similarity(topic: str, label: str) -> float:
    """How well a printed label answers the question's topic, 0..1 (label coverage weighs most)."""
    t, lab = norm(topic), norm(label)
    t2 = _TAIL_WORDS.sub("", t) or t
    if not t or not lab:
        return 0.0
    if lab in (t, t2):
        return 1.0
    cov_l = _bigram_cover(lab, t) / len(lab)
    cov_t = _bigram_cover(t2, lab) / len(t2)
    return 0.6 * cov_l + 0.4 * cov_t


def column_item(fact: Fact) -> str | None:
    voc = get_vocabulary()
    col = (fact.column_label or "").strip()
    if not col or voc is None:
        return None
    it = voc.match(col)
    if it is None and re.search(r"[/／]", col):
        it = voc.match(re.split(r"[/／]", col)[-1])  # '支出预算/基本支出'
    return it.name if it else None
