"""Answers by quoting the document: the sentences that answer, each with its own citation.

Candidates are the retriever's ranked passages (scoped to the named organisations' documents) plus, when the
question is scoped or the corpus is small, every chunk of the scope, so the document order (headings, the
sentence before, the chunk after) is known.

Narrative questions (`ParsedQuestion.ask`: why / purpose / duty / how / list / what) are answered by
`narrative_quotes`:
- chunk text is split into paragraphs (PDF line wraps joined by the wrapped-line rule of
  budgetqa.ingest.layout: a line break is a wrap when the line before runs to the page's text width - in CJK
  widths, measured at ingest and stored with the chunk - and does not end a sentence; a line filling a narrow
  column wraps even when it looks like a heading; a final '：' ends a paragraph only before a list item) and
  paragraphs into sentences; table rows are units of their own; every quote is an exact span of the chunk
  text (line breaks included);
- the candidates are ranked by BM25 over the candidates themselves (`unit_rank`: bm25s with the retrieval
  tokenizer - jieba with the budget vocabulary - over the quoted text, the headings above it as a field of
  their own, and marker tokens for a unit saying what the asked kind of answer says: why -> 主要原因/由于...,
  purpose -> 主要用于..., duty -> 负责/职能..., list -> 包括/下设...; the asked direction of a change), then
  by the optional cross-encoder (`Settings.reranker_model`); units saying the asked kind come first, weak
  forms (a heading, a fragment, a bare document reference) after full sentences; headings, number rows and
  table-of-contents lines answer no narrative question; a quote must hold a word of the question itself
  (credit from the headings above alone answers nothing) and a minimum IDF-weighted share of its words;
- a cue sentence whose subject is earlier in its paragraph ('机关运行经费…增加2.55万元。主要原因是…',
  '3、…信息化建设（项）。主要用于：…。年初预算为…。决算数小于预算数的主要原因：…') is quoted from the
  sentence before it or from the paragraph's (numbered item's) opening, whichever covers more of the
  question; a sentence cut by the end of its chunk is continued from the next chunk;
- broad duty / list / how questions ('主要职责有哪些', '保障措施有哪些') quote the items under the matching
  heading (up to MAX_ITEMS, each with its citation).
Other questions (a figure the facts could not answer) use `best_quotes`: the sentences ranked by BM25 over the
candidate sentences (a figure token for a figure question), then the optional cross-encoder.

The parts live in their own modules: `paragraphs` (paragraph and sentence spans, headings; line widths and
wrapped lines are budgetqa.ingest.layout's), `terms` (the question's words), `units` (units and quotes),
`unit_rank` (BM25 over the candidates, the cross-encoder), `sentences` (selecting narrative sentences),
`section_lists` (the list under a heading) and `best_quotes`; the names other modules import from here are
re-exported.
"""
from __future__ import annotations

import logging

from budgetqa.answering import render
from budgetqa.answering.best_quotes import best_quotes as _best_quotes
from budgetqa.answering.catalog import Catalog
from budgetqa.answering.paragraphs import is_heading, paragraphs, sentences, split_sentences
from budgetqa.answering.interpret import interpretation
from budgetqa.answering.unmentioned import unmentioned
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.section_lists import MAX_ITEMS
from budgetqa.answering.sentences import CUES, MAX_QUOTES, MIN_NARRATIVE
from budgetqa.answering.sentences import narrative_quotes as _narrative_quotes
from budgetqa.answering.terms import Terms, content_text, question_terms
from budgetqa.answering.units import Quote, Unit, build_units
from budgetqa.core.records import Answer, Citation, Passage

__all__ = [
    "CUES", "MAX_ITEMS", "MAX_QUOTES", "MAX_SCAN_CHUNKS", "MIN_COVERAGE", "MIN_NARRATIVE", "PassageAnswerer", "Quote",
    "Terms", "Unit", "content_text", "is_heading", "paragraphs", "question_terms", "sentences", "split_sentences",
]

log = logging.getLogger(__name__)

MAX_SCAN_CHUNKS = 5000
MIN_COVERAGE = 0.3  # share of the question's (IDF-weighted) words the best sentence must hold


class PassageAnswerer:
    def __init__(self, store, catalog: Catalog, retriever_factory=None, settings=None):
        self.store = store
        self.catalog = catalog
        self._retriever_factory = retriever_factory
        self.settings = settings
        self.doc_names = catalog.doc_names
        self._ranks: dict[str, int] = {}

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
        """The retriever's passages (best first; `_ranks` keeps their rank) then the other scoped chunks."""
        found: dict[str, Passage] = {}
        self._ranks = {}
        retriever = self._retriever_factory() if self._retriever_factory else None
        if retriever is not None:
            try:
                k = max(20, getattr(self.settings, "candidate_k", 20))
                for p in retriever.search(pq.text, k=k, doc_ids=scope):
                    if p.chunk.id not in found:
                        self._ranks[p.chunk.id] = len(self._ranks)
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

    # --- narrative questions -------------------------------------------------------------------
    def units(self, passages: list[Passage], ranks: dict[str, int] | None = None) -> list[Unit]:
        """Sentences, table rows and headings of the passages in document order, with their context."""
        return build_units(passages, ranks if ranks is not None else self._ranks)

    def narrative_quotes(self, pq: ParsedQuestion, passages: list[Passage], limit: int = MAX_QUOTES,
                         ranks: dict[str, int] | None = None) -> tuple[list[Quote], str]:
        """The quotes answering a narrative question and a note ('' or how many items were left out)."""
        return _narrative_quotes(pq, self.units(passages, ranks), passages, limit, self.settings)

    # --- other questions -------------------------------------------------------------------------
    def best_quotes(self, pq: ParsedQuestion, passages: list[Passage], limit: int = 3,
                    must_contain: list[str] | None = None) -> list[Quote]:
        return _best_quotes(pq, passages, limit, must_contain, self.settings, min_coverage=MIN_COVERAGE)

    # --- the answer -------------------------------------------------------------------------------
    def answer(self, pq: ParsedQuestion, doc_ids: list[str] | None = None) -> tuple[Answer, list[Passage]]:
        scope = self.scope(pq, doc_ids)
        must = None
        org_years = sorted({d.year for d in self.catalog.docs if scope is None or d.id in scope} - {None})
        if pq.years and not set(pq.years) & set(org_years):
            must = [f"{y}年" for y in pq.years] + [str(y) for y in pq.years]
        passages = self.candidates(pq, scope)
        note = ""
        narrative = (pq.ask is not None or pq.intent in ("narrative", "list")) and not must
        absent = unmentioned(pq, passages) if narrative and scope is not None else []
        if absent:  # '为什么要建设地铁' where no document of the organisation speaks of 地铁
            text = render.not_mentioned(absent, "、".join(pq.orgs) if pq.orgs else None)
            return Answer(question=pq.text, answer=text, status="not_found",
                          interpretation=interpretation(pq, pq.orgs)), []
        if narrative:
            quotes, note = self.narrative_quotes(pq, passages)
            quotes = [q for q in quotes if q.coverage >= MIN_NARRATIVE]
        else:
            quotes = self.best_quotes(pq, passages, must_contain=must)
            quotes = [q for q in quotes if q.coverage >= MIN_COVERAGE]
        scope_name = "、".join(pq.orgs) if pq.orgs else None
        interp = interpretation(pq, pq.orgs)
        if not quotes:
            text = render.nothing_relevant(scope_name)
            if pq.orgs and pq.orgs[0] in self.catalog.orgs:
                text += render.coverage_sentence(pq.orgs[0], self.catalog.orgs[pq.orgs[0]].coverage())
            return Answer(question=pq.text, answer=text, status="not_found", interpretation=interp), []
        cites: list[Citation] = []
        lines = [render.passages_intro(len(quotes), pq.ask if narrative else None)]
        several = len({q.passage.org for q in quotes}) > 1  # unscoped: say whose text each quote is
        for i, q in enumerate(quotes, 1):
            qc = q.citations()
            cites.extend(qc)
            lines.append(render.quote_line(i, q.full_text if q.more else q.text, qc,
                                           (q.passage.org or "未识别单位") if several else None))
        if note:
            lines.append(note)
        used = list({q.passage.chunk.id: q.passage for q in quotes}.values())
        used += [p for q in quotes for p, _ in q.more if p not in used]
        return (Answer(question=pq.text, answer="\n".join(lines), status="answered", citations=cites,
                       interpretation=interp), used)
