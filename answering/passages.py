"""Answers by quoting the document: the best 1-3 sentences (not whole chunks), each with its citation.

Candidates are the retriever's passages plus, when the question is scoped to an organisation, every chunk
of that organisation's documents (a few hundred at most); sentences are then scored by the question's
character bigrams weighted by rarity, so the quote is the sentence that holds the asked terms.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

from answering import render
from answering.catalog import Catalog
from answering.question import ParsedQuestion
from budgetqa.records import Answer, Chunk, Citation, Passage

log = logging.getLogger(__name__)

MAX_SCAN_CHUNKS = 5000
MIN_COVERAGE = 0.3  # share of the question's (weighted) bigrams the best sentence must hold
_SPLIT = re.compile(r"(?<=[。；;！!？?])|\n")
_NOISE = re.compile(r"[\s\d０-９,，.。、；;：:（）()“”\"'‘’《》|｜%％\-—－/]+")
_GENERIC = {"主要", "情况", "多少", "哪些", "什么", "是否", "说明", "有关", "相关", "部门", "单位", "预算", "年度"}


@dataclass
class Quote:
    passage: Passage
    text: str  # exact text of the chunk (one or more whole sentences / table rows)
    score: float
    coverage: float


def _bigrams(text: str) -> set[str]:
    out = set()
    for part in _NOISE.split(text):
        out.update(part[i:i + 2] for i in range(len(part) - 1))
    return out


def sentences(chunk: Chunk) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences (text) or rows (tables) of a chunk's text."""
    spans, start = [], 0
    text = chunk.text
    for m in _SPLIT.finditer(text):
        end = m.start() if text[m.start():m.start() + 1] == "\n" else m.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\n\u3000":
        end -= 1
    return start, end


class PassageAnswerer:
    def __init__(self, store, catalog: Catalog, retriever_factory=None, settings=None):
        self.store = store
        self.catalog = catalog
        self._retriever_factory = retriever_factory
        self.settings = settings
        self.doc_names = store.doc_names()

    def scope(self, pq: ParsedQuestion, doc_ids: list[str] | None = None) -> list[str] | None:
        """Document ids the question is about: the named organisations' documents (None = whole corpus)."""
        if doc_ids is not None:
            return list(doc_ids)
        if not pq.orgs:
            return None
        docs = [d for org in pq.orgs for d in self.catalog.documents(org)]
        covered = [d for d in docs if d.year in pq.years] if pq.years else []
        return [d.id for d in (covered or docs)]

    def candidates(self, pq: ParsedQuestion, scope: list[str] | None) -> list[Passage]:
        found: dict[str, Passage] = {}
        retriever = self._retriever_factory() if self._retriever_factory else None
        if retriever is not None:
            try:
                k = max(20, getattr(self.settings, "candidate_k", 20))
                for p in retriever.search(pq.text, k=k, doc_ids=scope):
                    found[p.chunk.id] = p
            except Exception:  # noqa: BLE001 - the scan below still answers
                log.warning("retriever failed; scanning chunks", exc_info=True)
        docs = {d.id: d for d in self.catalog.docs}
        if scope is not None or sum(d.chunks for d in self.catalog.docs) <= MAX_SCAN_CHUNKS:
            for ch in self.store.chunks(doc_ids=scope) if scope is not None else self.store.chunks():
                if ch.id not in found:
                    d = docs.get(ch.doc_id)
                    found[ch.id] = Passage(ch, self.doc_names.get(ch.doc_id, ch.doc_id[:12]), d.org if d else None,
                                           d.year if d else None, d.kind if d else None, 0.0)
        if scope is not None:
            allowed = set(scope)
            return [p for p in found.values() if p.chunk.doc_id in allowed]
        return list(found.values())

    def best_quotes(self, pq: ParsedQuestion, passages: list[Passage], limit: int = 3,
                    must_contain: list[str] | None = None) -> list[Quote]:
        units = []  # (passage, start, end)
        for p in passages:
            for s, e in sentences(p.chunk):
                s, e = _trim(p.chunk.text, s, e)
                if e > s and (not must_contain or any(w in p.chunk.text[s:e] for w in must_contain)):
                    units.append((p, s, e))
        if not units:
            return []
        if pq.intent in ("narrative", "list") and not must_contain:
            headed = self._under_heading(pq, units, limit)
            if headed:
                return headed
        words = _query_words(pq)
        qgrams = _bigrams(_query_text(pq)) - _GENERIC
        if not words and not qgrams:
            return []
        texts = [p.chunk.text[s:e] for p, s, e in units]
        grams = [_bigrams(t) for t in texts]
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
            s, e = self._expand(p.chunk, s, e, pq)
            text = p.chunk.text[s:e]
            if any(text in q.text or q.text in text for q in out) or \
                    any(cid == p.chunk.id and s < b and a < e for cid, a, b in spans):
                continue
            spans.append((p.chunk.id, s, e))
            out.append(Quote(p, text, sc, cov))
            if len(out) >= limit:
                break
        return out

    def _under_heading(self, pq: ParsedQuestion, units, limit: int) -> list[Quote]:
        """Broad questions ('主要职责有哪些'): the text under a heading naming the asked topic."""
        cores = _core_terms(pq)
        if not cores:
            return []
        out: list[Quote] = []
        for p, s, e in sorted(units, key=lambda u: (u[0].chunk.doc_id, u[0].chunk.ordinal, u[1])):
            line = p.chunk.text[s:e]
            heading = len(line) <= 24 and (line.endswith(("：", ":")) or _is_heading(line))
            if not heading or not all(c in line for c in cores):
                continue
            s2, e2 = self._expand(p.chunk, s, e, pq, force=True)
            text = p.chunk.text[s2:e2]
            if any(q.passage.chunk.id == p.chunk.id and (text in q.text or q.text in text) for q in out):
                continue
            out.append(Quote(p, text, 1.0, 1.0))
            if len(out) >= limit:
                break
        return out

    def _expand(self, chunk: Chunk, s: int, e: int, pq: ParsedQuestion, force: bool = False) -> tuple[int, int]:
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
        return _trim(text, s, end)

    def answer(self, pq: ParsedQuestion, doc_ids: list[str] | None = None) -> tuple[Answer, list[Passage]]:
        from answering.figures import interpretation

        scope = self.scope(pq, doc_ids)
        must = None
        org_years = sorted({d.year for d in self.catalog.docs if scope is None or d.id in scope} - {None})
        if pq.years and not set(pq.years) & set(org_years):
            must = [f"{y}年" for y in pq.years] + [str(y) for y in pq.years]
        passages = self.candidates(pq, scope)
        quotes = self.best_quotes(pq, passages, must_contain=must)
        quotes = [q for q in quotes if q.coverage >= MIN_COVERAGE]
        scope_name = "、".join(pq.orgs) if pq.orgs else None
        interp = interpretation(pq, pq.orgs)
        if not quotes:
            text = render.nothing_relevant(scope_name)
            if pq.orgs and pq.orgs[0] in self.catalog.orgs:
                text += render.coverage_sentence(pq.orgs[0], self.catalog.orgs[pq.orgs[0]].coverage())
            return Answer(question=pq.text, answer=text, status="not_found", interpretation=interp), []
        cites: list[Citation] = [q.passage.citation(q.text) for q in quotes]
        lines = [render.passages_intro(len(quotes))]
        for i, (q, c) in enumerate(zip(quotes, cites), 1):
            lines.append(f"{i}. “{render.short_quote(q.text, 400)}”（{render.where(c)}）")
        return (Answer(question=pq.text, answer="\n".join(lines), status="answered", citations=cites,
                       interpretation=interp), [q.passage for q in quotes])


_MODIFIERS = re.compile(r"^(?:主要|具体|相关|有关|全部|所有|各项|哪些|基本|本部门|本单位|部门|单位)+")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．])")
_TOKENIZER = None


def _is_heading(line: str) -> bool:
    return bool(_HEADING.match(line)) and not re.search(r"[，。；]", line)


def _core_terms(pq: ParsedQuestion) -> list[str]:
    """The asked topic without modifiers: '主要职责' -> ['职责']."""
    out = []
    for t in pq.terms:
        core = _MODIFIERS.sub("", t)
        if len(core) >= 2:
            out.append(core)
    return out


def _query_words(pq: ParsedQuestion) -> list[str]:
    """Content words of the question (vocabulary-aware jieba), without stop and generic words."""
    global _TOKENIZER
    text = _query_text(pq)
    try:
        if _TOKENIZER is None:
            from retrieval.lexical import Tokenizer

            _TOKENIZER = Tokenizer()
        tokens = _TOKENIZER.tokenize(text)
    except Exception:  # noqa: BLE001 - bigrams alone still rank sentences
        return []
    return sorted({t for t in tokens if len(t) >= 2 and not t.isdigit() and t not in _GENERIC})


def _query_text(pq: ParsedQuestion) -> str:
    """The question without organisation names and years: the words to look for in the text."""
    text = pq.text
    for m in pq.mentions:
        text = text.replace(m.text, " ")
    text = re.sub(r"(?:19|20)\d{2}\s*年?|是多少|多少|是什么|有哪些|哪些|什么|请问|吗|呢", " ", text)
    extra = " ".join(pq.items)
    return f"{text} {extra}"
