"""Running the declared rules over documents: from the side store, or from facts in memory."""
from __future__ import annotations

import logging
import time
from typing import Iterable

from budgetqa.core.records import Document, Fact

from budgetqa.audit.context import DocContext
from budgetqa.audit.findings import Finding, dedupe, sort_findings
from budgetqa.audit.rules import RULES, Rule
from budgetqa.audit.stored_tables import stored_tables

log = logging.getLogger(__name__)


def audit_context(ctx: DocContext, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Every rule over one document; a rule that fails is logged and skipped, never fatal."""
    out: list[Finding] = []
    for rule in rules:
        try:
            out.extend(rule.run(ctx))
        except Exception:  # noqa: BLE001 - one broken rule must not hide the others' findings
            log.exception("audit rule %s failed on %s", rule.id, ctx.name)
    return sort_findings(dedupe(out))


def audit_facts(facts: list[Fact], name: str, pages: dict[int, str] | None = None, kind: str | None = None,
                year: int | None = None, org: str | None = None, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Audit one document given its facts (and page texts for the year and completeness rules)."""
    ctx = DocContext(doc_id=facts[0].doc_id if facts else name, name=name, facts=facts, pages=pages or {},
                     kind=kind, year=year, org=org)
    return audit_context(ctx, rules)


def audit_document(doc: Document, facts: list[Fact], rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Audit a loaded Document with its extracted facts (no store needed)."""
    pages = {p.number: p.text for p in doc.pages}
    ctx = DocContext(doc_id=doc.id, name=doc.name, facts=facts, pages=pages, paged=doc.paged,
                     kind=doc.meta.kind, year=doc.meta.year, org=doc.meta.org, tables=doc.tables, format=doc.format)
    return audit_context(ctx, rules)


def _selected(docs, doc_names: list[str] | None):
    if not doc_names:
        return docs
    wanted = [n.strip() for n in doc_names if n and n.strip()]
    return [d for d in docs if any(w == d.name or w == d.id or w in d.name for w in wanted)]


_CACHE: dict[tuple, list[Finding]] = {}


def cached_audit(store) -> list[Finding]:
    """All findings of a store, recomputed only when its set of documents changes (for the answer engine)."""
    key = (store.location, store.fingerprint())
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = run_audit(store)
    return _CACHE[key]


_DOC_CACHE: dict[tuple, list[Finding]] = {}


def cached_doc_audit(store, doc_ids: Iterable[str]) -> list[Finding]:
    """Findings of just these documents, each audited once per stored version (a document id is its
    content hash, so a cached entry never goes stale): the answer engine's cost no longer grows with the store."""
    out: list[Finding] = []
    for doc_id in dict.fromkeys(doc_ids):
        key = (store.location, doc_id)
        if key not in _DOC_CACHE:
            doc = store.document(doc_id)
            _DOC_CACHE[key] = sort_findings(_audit_stored(store, doc, RULES)) if doc else []
        out.extend(_DOC_CACHE[key])
    return out


def run_audit(store, doc_names: list[str] | None = None, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Audit the stored documents (all, or those whose name/id matches one of `doc_names`)."""
    rules = list(rules)
    out: list[Finding] = []
    t0 = time.perf_counter()
    docs = _selected(store.list_documents(), doc_names)
    for d in docs:
        out.extend(_audit_stored(store, d, rules))
    log.info("audited %d documents in %.2fs: %d findings", len(docs), time.perf_counter() - t0, len(out))
    return sort_findings(out)


def _audit_stored(store, d, rules: Iterable[Rule]) -> list[Finding]:
    facts = store.facts(doc_ids=[d.id])
    pages = {n: store.page_text(d.id, n) or "" for n in range(1, (d.pages or 0) + 1)}
    ctx = DocContext(doc_id=d.id, name=d.name, facts=facts, pages=pages, paged=d.format == "pdf",
                     kind=d.kind, year=d.year, org=d.org, tables=stored_tables(store, d.id), format=d.format)
    return audit_context(ctx, rules)
