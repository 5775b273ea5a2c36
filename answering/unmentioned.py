"""Words of a narrative question that the scoped documents never mention: '万里街道为什么要建设地铁？' asks
about something (地铁) no document of 万里街道 speaks of, so no quote can answer it, however well the rest of the
question ('为什么', '建设') matches.

    unmentioned(pq, passages) -> ['地铁']
"""
from __future__ import annotations

import re

from budgetqa.answering.labels import norm
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.terms import question_terms
from budgetqa.core.records import Passage
from budgetqa.core.vocabulary import get_vocabulary

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def unmentioned(pq: ParsedQuestion, passages: list[Passage]) -> list[str]:
    """Nouns of the question printed in none of `passages` (all the scoped documents' chunks), with a
    character the documents never print: not the name of a vocabulary item the question names (its synonyms
    may be printed instead), not a compound whose parts are printed ('收支总计' where 收支 and 总计 are)."""
    words = [w for w in question_terms(pq).words if _CJK_WORD.fullmatch(w)]
    if not words or not passages:
        return []
    voc = get_vocabulary()
    spans = [(s, e) for _, s, e in voc.find_items(pq.text)] if voc is not None else []
    text = norm("".join(p.chunk.text for p in passages))
    absent = []
    for w in words:
        at = pq.text.find(w)
        if at >= 0 and any(s <= at and at + len(w) <= e for s, e in spans):
            continue  # an item of the vocabulary: documents may print it under a synonym
        if norm(w) in text:
            continue
        parts = [p for p in words if p != w and p in w]
        if parts and all(norm(p) in text for p in parts):
            continue
        if all(ch in text for ch in w) or not _is_noun(w):
            continue  # a paraphrase of printed words ('科室' where 科 and 室 are printed), or no thing named
        absent.append(w)
    return _merged(pq.text, absent)


def _merged(text: str, words: list[str]) -> list[str]:
    """The absent words as the question writes them: overlapping pieces joined ('无人' + '人机' -> '无人机'),
    a piece inside a longer one counted once (游泳 / 游泳馆)."""
    spans = sorted((text.find(w), text.find(w) + len(w)) for w in words if text.find(w) >= 0)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out = [text[s:e] for s, e in merged]
    return out + [w for w in words if text.find(w) < 0 and not any(w in o for o in out)]


def _is_noun(word: str) -> bool:
    """jieba tags the word as a noun (a thing that could be mentioned: 地铁, 游泳馆), not a verb, time or
    function word (没有, 上年)."""
    import jieba.posseg

    tags = [t.flag for t in jieba.posseg.lcut(word)]
    return bool(tags) and all(f.startswith("n") for f in tags)
