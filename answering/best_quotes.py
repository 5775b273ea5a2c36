"""Questions neither the facts nor the narrative path answer (a figure the facts could not answer): the
sentences ranked by BM25 over the candidate sentences (`unit_rank`: the retrieval tokenizer, a figure token for
a figure question), then the optional cross-encoder; a quote holds a minimum share of the question's
(IDF-weighted) words. Broad questions ('主要职责有哪些') quote the text under a heading naming the asked topic."""
from __future__ import annotations

import re

from budgetqa.answering.paragraphs import is_numbered_heading, sentences, trim
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.terms import core_terms, query_words
from budgetqa.answering.unit_rank import FIGURE, Candidate, CandidateIndex, Reranker, held_tokens, rerank
from budgetqa.answering.units import Quote
from budgetqa.core.records import Chunk, Passage

NEAR_BEST = 0.7  # a further quote scores at least this share of the best quote's score


def best_quotes(pq: ParsedQuestion, passages: list[Passage], limit: int = 3,
                must_contain: list[str] | None = None, settings=None, reranker: Reranker | None = None,
                min_coverage: float = 0.0) -> list[Quote]:
    """The sentences best matching the question's words (BM25 over the candidate sentences), best first, of
    those holding at least `min_coverage` of the question's (IDF-weighted) words."""
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
    if not words:
        return []
    texts = [p.chunk.text[s:e] for p, s, e in units]
    numeric = pq.intent not in ("narrative", "list") and not pq.wants_text  # a figure question wants a figure
    held = [held_tokens(t, words) for t in texts]
    index = CandidateIndex([Candidate(sorted(h), (), [FIGURE] if numeric and re.search(r"\d", t) else [])
                            for h, t in zip(held, texts)])
    bm25 = index.scores([*words, FIGURE] if numeric else words)
    scored = []
    for k, (p, s, e) in enumerate(units):
        cov = index.coverage(words, held[k])
        if cov > 0:
            scored.append((float(bm25[k]), cov, p, s, e))
    scored.sort(key=lambda t: (-t[0], t[2].chunk.doc_id, t[2].chunk.ordinal, t[3]))
    able = [i for i, t in enumerate(scored) if t[1] >= min_coverage]  # the cross-encoder sees these
    order = rerank(pq.text, [p.chunk.text[s:e] for _, _, p, s, e in scored], able, settings, reranker)
    scored = [scored[i] for i in order]
    top = max((t[0] for t in scored), default=0.0)
    out: list[Quote] = []
    spans: list[tuple[str, int, int]] = []
    for sc, cov, p, s, e in scored:
        if out and sc < NEAR_BEST * top:
            continue  # (the cross-encoder's order need not follow BM25's)
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
