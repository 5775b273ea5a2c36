"""Questions neither the facts nor the narrative path answer (a figure the facts could not answer): the
sentence holding most of the question's (weighted) words and bigrams; broad questions ('主要职责有哪些') the text
under a heading naming the asked topic."""
from __future__ import annotations

import math
import re

from budgetqa.answering.paragraphs import is_numbered_heading, sentences, trim
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.terms import GENERIC, bigrams, core_terms, query_text, query_words
from budgetqa.answering.units import Quote
from budgetqa.core.records import Chunk, Passage


def best_quotes(pq: ParsedQuestion, passages: list[Passage], limit: int = 3,
                must_contain: list[str] | None = None) -> list[Quote]:
    """The sentences holding most of the question's (weighted) words and bigrams."""
    units = []  # (passage, start, end)
    for p in passages:
        for s, e in sentences(p.chunk):
            s, e = trim(p.chunk.text, s, e)
            if e > s and (not must_contain or any(w in p.chunk.text[s:e] for w in must_contain)):
                units.append((p, s, e))
    if not units:
        return []
    if pq.intent in ("narrative", "list") and not must_contain:
        headed = _under_heading(pq, units, limit)
        if headed:
            return headed
    words = query_words(pq)
    qgrams = bigrams(query_text(pq)) - GENERIC
    if not words and not qgrams:
        return []
    texts = [p.chunk.text[s:e] for p, s, e in units]
    grams = [bigrams(t) for t in texts]
    n = len(units)
    w_word = {w: math.log(1 + n / (1 + sum(1 for t in texts if w in t))) for w in words}
    w_gram = {g: math.log(1 + n / (1 + sum(1 for gs in grams if g in gs))) for g in qgrams}
    tw, tg = sum(w_word.values()) or 1.0, sum(w_gram.values()) or 1.0
    numeric = pq.intent not in ("narrative", "list") and not pq.wants_text
    scored = []
    for (p, s, e), text, gs in zip(units, texts, grams):
        cov_w = sum(w for word, w in w_word.items() if word in text) / tw if words else 0.0
        cov_g = sum(w_gram[g] for g in qgrams & gs) / tg if qgrams else 0.0
        cov = 0.7 * cov_w + 0.3 * cov_g if words else cov_g
        if cov <= 0:
            continue
        bonus = 0.05 if numeric and re.search(r"\d", text) else 0.0  # a figure question wants a figure
        scored.append((cov + bonus - 0.0005 * len(text) ** 0.5, cov, p, s, e))
    scored.sort(key=lambda t: (-t[0], t[2].chunk.doc_id, t[2].chunk.ordinal, t[3]))
    out: list[Quote] = []
    spans: list[tuple[str, int, int]] = []
    for sc, cov, p, s, e in scored:
        if out and cov < 0.7 * out[0].coverage:
            break
        s, e = _expand(p.chunk, s, e, pq)
        text = p.chunk.text[s:e]
        if any(text in q.text or q.text in text for q in out) or \
                any(cid == p.chunk.id and s < b and a < e for cid, a, b in spans):
            continue
        spans.append((p.chunk.id, s, e))
        out.append(Quote(p, text, sc, cov))
        if len(out) >= limit:
            break
    return out


def _under_heading(pq: ParsedQuestion, units, limit: int) -> list[Quote]:
    """Broad questions ('主要职责有哪些'): the text under a heading naming the asked topic."""
    cores = core_terms(pq)
    if not cores:
        return []
    out: list[Quote] = []
    for p, s, e in sorted(units, key=lambda u: (u[0].chunk.doc_id, u[0].chunk.ordinal, u[1])):
        line = p.chunk.text[s:e]
        heading = len(line) <= 24 and (line.endswith(("：", ":")) or is_numbered_heading(line))
        if not heading or not all(c in line for c in cores):
            continue
        s2, e2 = _expand(p.chunk, s, e, pq, force=True)
        text = p.chunk.text[s2:e2]
        if any(q.passage.chunk.id == p.chunk.id and (text in q.text or q.text in text) for q in out):
            continue
        out.append(Quote(p, text, 1.0, 1.0))
        if len(out) >= limit:
            break
    return out


def _expand(chunk: Chunk, s: int, e: int, pq: ParsedQuestion, force: bool = False) -> tuple[int, int]:
    """A heading-like line ('部门职责：') is extended with what follows it in the chunk."""
    text = chunk.text
    if chunk.kind == "table" and not force:
        return s, e
    short = (e - s) < 20 or text[s:e].rstrip().endswith(("：", ":"))
    if not (short or force):
        return s, e
    limit = 400 if (force or pq.intent in ("narrative", "list")) else 300
    end = e
    for s2, e2 in sentences(chunk):
        if s2 >= e and e2 - s <= limit:
            end = e2
        elif s2 >= e:
            break
    return trim(text, s, end)
