"""The question-answering engine: validate, parse, resolve follow-ups, figures first, passages second,
then the optional LLM rewrite (`budgetqa.answering.synthesis.maybe_synthesize`).

    engine = Engine(settings)
    answer = engine.ask("鹿泉区信访局2021年三公经费是多少？", session=Session())
    answer.to_json()  # the `ask --json` contract
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Callable

from budgetqa.answering import render
from budgetqa.answering.catalog import Catalog
from budgetqa.answering.conversation import Session
from budgetqa.answering.figures import FigureAnswerer
from budgetqa.answering.injection import strip_injection
from budgetqa.answering.interpret import interpretation
from budgetqa.answering.match import check_fact
from budgetqa.answering.passages import PassageAnswerer
from budgetqa.answering.question import ParsedQuestion, parse_question
from budgetqa.answering.related import UNMET_NAMES, related_figures, related_text
from budgetqa.answering.synthesis import maybe_synthesize
from budgetqa.answering.unit_lists import answer_units, asks_for_units
from budgetqa.audit import cached_doc_audit, findings_for_facts, notice_for
from budgetqa.ingest.layout import LIST_START
from budgetqa.retrieval.embeddings import get_embedder
from budgetqa.retrieval.hybrid import Retriever
from budgetqa.retrieval.lexical import LexicalIndex, shared_tokenizer
from budgetqa.retrieval.vector_store import ChromaVectorStore

from budgetqa.core.measures import disclosed_by
from budgetqa.core.records import Answer, Passage
from budgetqa.core.settings import Settings
from budgetqa.store.side_store import open_store

log = logging.getLogger(__name__)

NOT_IN_TABLES = "数据表中未找到该数字，以下为文件中的相关原文（请核对）："
INDEX_BUILDING = "语义索引仍在建立中：本回答来自数据表和关键词检索，语义检索完成后结果可能更全。"


class Engine:
    def __init__(self, settings: Settings, store=None):
        self.settings = settings
        self.store = store if store is not None else open_store(settings)
        self._catalog: Catalog | None = None
        self._fingerprint: str | None = None
        self._retriever = None
        self._retriever_failed = False
        self._lock = threading.Lock()

    # --- components --------------------------------------------------------------------
    def catalog(self) -> Catalog:
        """The organisations of the store; rebuilt when documents were added or removed."""
        fp = self.store.fingerprint()
        with self._lock:
            if self._catalog is None or fp != self._fingerprint:
                self._catalog = Catalog.from_store(self.store)
                self._fingerprint = fp
        return self._catalog

    @property
    def retriever(self):
        """The hybrid retriever, built on first use; None when the retrieval modules cannot be loaded."""
        if self._retriever is not None or self._retriever_failed:
            return self._retriever
        try:
            tokenizer = shared_tokenizer()
            lexical = LexicalIndex(self.settings.bm25_path)
            lexical.ensure_fresh(self.store, tokenizer)
            vectors = ChromaVectorStore(self.settings, get_embedder(self.settings))
            self._retriever = Retriever(self.settings, self.store, vectors, lexical, tokenizer)
        except Exception:  # noqa: BLE001 - answers fall back to scanning the scoped chunks
            log.warning("retriever unavailable; passages come from a scan of the chunks", exc_info=True)
            self._retriever_failed = True
        return self._retriever

    def refresh(self) -> None:
        """Pick up documents ingested since the engine was built (catalog and lexical index)."""
        with self._lock:
            self._catalog = None
        if self._retriever is not None:
            try:
                self._retriever.lexical.ensure_fresh(self.store, self._retriever.tokenizer)
            except Exception:  # noqa: BLE001
                log.warning("lexical index refresh failed", exc_info=True)

    # --- asking ------------------------------------------------------------------------
    def ask(self, question: str, session: Session | None = None, doc_ids: list[str] | None = None,
            on_token: Callable[[str], None] | None = None) -> Answer:
        text = re.sub(r"\s+", " ", question or "").strip()
        if not text or not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
            return Answer(question=question or "", answer=render.refused_empty(), status="refused")
        if len(text) > self.settings.max_question_chars:
            return Answer(question=text, answer=render.refused_too_long(self.settings.max_question_chars),
                          status="refused")
        catalog = self.catalog()
        if doc_ids is not None:
            allowed = set(doc_ids)
            catalog = Catalog([d for d in catalog.docs if d.id in allowed])
        if not catalog.docs:
            return Answer(question=text, answer="尚未导入任何预算文件，无法回答（未找到）。", status="not_found")
        if session is not None and self.settings.mode == "kiosk":
            session.expire(self.settings.kiosk_idle_reset_s)
        parsed = parse_question(strip_injection(text), catalog)  # instructions in a question are not obeyed
        resolved = session.resolve(parsed, catalog) if session is not None else parsed
        answer, passages = self._answer(resolved, catalog, doc_ids)
        if resolved is not parsed and answer.status == "not_found" and not parsed.unknown_org \
                and resolved.orgs != parsed.orgs and not parsed.followup:
            # the borrowed organisation did not fit: the question stands on its own
            retry, retry_passages = self._answer(parsed, catalog, doc_ids)
            if retry.status in ("answered", "ambiguous"):
                resolved, answer, passages = parsed, retry, retry_passages
        if not answer.interpretation:
            answer.interpretation = interpretation(resolved, resolved.orgs)
        self._attach_match(answer, resolved, catalog)
        answer = self._full_match_only(answer)
        self._add_related(answer, resolved, catalog)
        answer.question = text  # as asked (parsing normalises full-width punctuation)
        answer = _synthesize(answer, passages, self.settings, on_token)
        self._add_audit_notice(answer)
        self._add_index_notice(answer)
        if session is not None:
            session.record(resolved, answer, doc_ids)
        log.info("ask %r -> %s", text, answer.status)
        return answer

    def _attach_match(self, answer: Answer, pq: ParsedQuestion, catalog: Catalog) -> None:
        """Each cited fact checked against the question's constraints (`ask --json` 'match')."""
        rows = [f for f in answer.facts if f.fact_id is not None]
        if not rows:
            return
        by_id = {f.fact_id: f for f in self.store.facts_by_id([r.fact_id for r in rows])}
        for row in rows:
            fact = by_id.get(row.fact_id)
            if fact is None:
                continue
            doc = catalog.doc(fact.doc_id)
            answer.match.append(check_fact(fact, pq, row.org, row.year, doc.kind if doc else None, row.citation,
                                           operand=answer.computed is not None))

    def _full_match_only(self, answer: Answer) -> Answer:
        """A figure is asserted only when it meets every constraint of the question; otherwise the answer says
        so and the figure is listed under '相关数字' with the constraints it misses."""
        if answer.status != "answered" or not answer.match or answer.computed is not None:
            return answer
        misses = [m for m in answer.match if not m.full]
        if not misses:
            return answer
        why = "、".join(dict.fromkeys(UNMET_NAMES.get(n, n) for m in misses for n in m.unmet))
        log.info("figure not asserted (%s): %s", why, answer.question)
        return Answer(question=answer.question, status="not_found", interpretation=answer.interpretation,
                      answer=f"未找到完全符合问题的数字（已找到的数字{why}）。", related=answer.match)

    def _add_related(self, answer: Answer, pq: ParsedQuestion, catalog: Catalog) -> None:
        """'相关数字' under a not_found or ambiguous answer: the closest disclosed figures, cited, never the answer."""
        if answer.status not in ("not_found", "ambiguous") or pq.unknown_org:
            return
        ambiguous = answer.status == "ambiguous"
        if not answer.related:
            orgs = pq.org_candidates[0] if ambiguous and pq.org_candidates else list(pq.orgs)
            try:
                answer.related = related_figures(self.store, catalog, pq, orgs, self.settings)
            except Exception:  # noqa: BLE001 - related figures are an aid; the answer stands without them
                log.warning("related figures unavailable", exc_info=True)
                return
        if answer.related:
            answer.answer = f"{answer.answer}\n{related_text(answer.related, ambiguous)}"

    def _add_index_notice(self, answer: Answer) -> None:
        """While dense vectors are still queued, an answer that relied on retrieval says so."""
        from budgetqa.store.embed_queue import has_pending

        if answer.facts or answer.status not in ("answered", "not_found") or not has_pending(self.store):
            return
        answer.notices.append(INDEX_BUILDING)
        answer.answer = f"{answer.answer}\n{INDEX_BUILDING}"

    def _add_audit_notice(self, answer: Answer) -> None:
        """When a figure the answer uses is involved in an audit finding, the answer says so."""
        ids = [f.fact_id for f in answer.facts if f.fact_id is not None]
        if not ids:
            return
        try:
            doc_ids = {f.doc_id for f in self.store.facts_by_id(ids)}
            note = notice_for(findings_for_facts(cached_doc_audit(self.store, doc_ids), ids))
        except Exception:  # noqa: BLE001 - a broken check must not cost the user the answer
            log.warning("audit notice unavailable", exc_info=True)
            return
        if note:
            answer.notices.append(note)
            answer.answer = f"{answer.answer}\n{note}"

    def _answer(self, pq: ParsedQuestion, catalog: Catalog, doc_ids: list[str] | None) -> tuple[Answer, list[Passage]]:
        figures = FigureAnswerer(self.store, catalog)
        passages = PassageAnswerer(self.store, catalog, lambda: self.retriever, self.settings)
        if pq.org_candidates and not pq.orgs and pq.intent != "ranking":
            cands = pq.org_candidates[0]
            mention = next((m.text for m in pq.mentions if len(m.candidates) > 1), "（单位）")
            return figures.ambiguous(pq, mention, cands), []
        if asks_for_units(pq):
            units = answer_units(self.store, catalog, pq)
            if units is not None:
                return units, []
        fig = figures.answer(pq)
        if fig is not None and fig.status == "answered" and pq.ask in ("why", "purpose"):
            # '…是多少？为什么增加？': the figure, then the document's reason (or use) with its citations
            quoted, found = passages.answer(pq, doc_ids)
            if quoted.status == "answered":
                fig.answer = render.with_text(fig.answer, quoted.answer)
                fig.citations = fig.citations + quoted.citations
                return fig, found
            return fig, []
        if fig is not None and fig.status in ("answered", "ambiguous", "refused"):
            return fig, []
        if fig is not None and pq.unknown_org and not pq.orgs:
            return fig, []
        if fig is not None and _measure_undisclosed(pq, catalog):
            return fig, []  # a quote of another measure ('预算…0万元' for '决算数') would cross measures
        quoted, found = passages.answer(pq, doc_ids)
        if fig is None:
            return quoted, found
        # figures found nothing: a quote may still hold the number (a table the extractor could not read)
        if quoted.status == "answered" and _quote_has_figure(quoted, pq.count_unit):
            quoted.answer = NOT_IN_TABLES + "\n" + quoted.answer.split("\n", 1)[-1]
            quoted.notices.append("该回答为原文摘录，未经数据表核对")
            return quoted, found
        return fig, []


def _measure_undisclosed(pq: ParsedQuestion, catalog: Catalog) -> bool:
    """The question asks for a measure that no document of its organisation and year prints (a 决算数 where
    the year has only a budget)."""
    if not pq.orgs or not pq.year:
        return False
    for asked in pq.measures:
        kinds = disclosed_by(asked)
        if not kinds:
            continue
        docs = [d for y in (pq.year, pq.year + 1) for d in catalog.documents(pq.orgs[0], y)]
        if not any(k in (d.kind or "") for d in docs for k in kinds):
            return True
    return False


def _quote_has_figure(answer: Answer, count_unit: str | None = None) -> bool:
    """The first quote holds a figure (a list item's number '3. ' is none); for '多少人次/辆/件' questions,
    a number counted in that unit."""
    figure = rf"\d\s*{re.escape(count_unit)}" if count_unit else r"\d"
    return any(re.search(figure, LIST_START.sub("", c.quote or "", count=1)) for c in answer.citations[:1])


def _synthesize(answer: Answer, passages: list[Passage], settings: Settings, on_token) -> Answer:
    return maybe_synthesize(answer, passages, settings, on_token)
