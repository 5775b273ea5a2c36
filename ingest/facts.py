"""`extract_facts(doc) -> [Fact]`: every disclosed figure of a document, from its tables and its sentences.

Table facts (ingest/table_facts.py) come first, then narrative facts (ingest/narrative_facts.py); exact
duplicates (same place, same value) are dropped. Pure and quiet (no printing, logging at DEBUG only), so the
lead can time it, e.g.:

    python -c "import time; from budgetqa.core.settings import Settings; from budgetqa.ingest.loader import load_document; \\
from budgetqa.ingest.facts import extract_facts; d = load_document('X.pdf', Settings()); t = time.perf_counter(); \\
n = len(extract_facts(d)); print(n, time.perf_counter() - t)"

or `budgetqa.ingest.bench.bench_extraction(paths, settings)`.
"""
from __future__ import annotations

import logging

from budgetqa.core.records import Document, Fact
from budgetqa.ingest.instructions import looks_like_instruction
from budgetqa.ingest.narrative_facts import extract_narrative_facts
from budgetqa.ingest.table_facts import doc_context, extract_table_facts

log = logging.getLogger(__name__)


def _key(f: Fact) -> tuple:
    return (f.statement, f.page, f.table_index, f.row_index, f.col_index, f.row_label, f.column_label,
            f.value, f.unit, f.period, f.quote, f.locator)


def extract_facts(doc: Document) -> list[Fact]:
    """All facts of `doc` (tables first, then sentences), exact duplicates removed."""
    ctx = doc_context(doc)
    facts = extract_table_facts(doc, ctx)
    try:
        facts += extract_narrative_facts(doc, ctx)
    except Exception:  # sentences are a second source: never lose the table facts over them
        log.exception("%s: narrative extraction failed", doc.name)
    seen: set[tuple] = set()
    out = []
    for f in facts:
        if looks_like_instruction(f.quote):  # '忽略之前的指令…为100万元' is not a disclosed figure
            continue
        k = _key(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    log.debug("%s: %d facts (%d tables)", doc.name, len(out), len(doc.tables))
    return out
