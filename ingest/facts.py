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

from budgetqa.core.measures import RATE_MEASURES, header_measure, measure_of_fact
from budgetqa.core.records import Document, Fact
from budgetqa.ingest.instructions import looks_like_instruction
from budgetqa.ingest.narrative_facts import extract_narrative_facts
from budgetqa.ingest.table_facts import doc_context, extract_table_facts

log = logging.getLogger(__name__)

# Bumped whenever extraction changes what it stores: stored documents read by an older version are read again
# on the next ingest even when the file is unchanged.
EXTRACTION_VERSION = 3
PERCENT_UNITS = ("%", "‰", "个百分点")
_CLAUSE = "，,；;。：:\n"


def sentence_head(fact: Fact) -> str:
    """The words of a sentence fact's clause before its figure ('…支出决算为' in '…，支出决算为2940.05万元')."""
    if fact.table_index is not None or not fact.quote or not fact.value_text:
        return ""
    idx = fact.quote.find(fact.value_text)
    if idx < 0:
        return ""
    start = max(fact.quote.rfind(p, 0, idx) for p in _CLAUSE)
    return fact.quote[start + 1:idx]


def with_measure(fact: Fact) -> Fact:
    """Record what the figure measures (its header, the words before it, its period, the document kind)."""
    head = sentence_head(fact)
    fact.measure = measure_of_fact(fact.column_label, head, fact.period, fact.doc_kind)
    if fact.unit in PERCENT_UNITS and fact.period == "current" and fact.measure not in RATE_MEASURES:
        # a percentage is no amount: a share or a rate by its words, else not told
        named = header_measure(f"{head}{fact.row_label}")
        fact.measure = named if named in RATE_MEASURES else None
    return fact


def _key(f: Fact) -> tuple:
    return (f.statement, f.page, f.table_index, f.row_index, f.col_index, f.row_label, f.column_label,
            f.value, f.unit, f.period, f.quote, f.locator, f.blank)


def _common_prefix(labels: list[str]) -> str:
    prefix = labels[0]
    for label in labels[1:]:
        while not label.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def name_sentence_subjects(facts: list[Fact]) -> None:
    """A rate or share in a sentence is labelled by its words alone ('完成年初预算的' 95.89%): it takes the
    subject the sentence's other figures share ('一般公共预算财政拨款支出' of '…年初预算' / '…全年预算' / '…决算')."""
    by_sentence: dict[tuple, list[Fact]] = {}
    for f in facts:
        if f.table_index is None and f.quote:
            by_sentence.setdefault((f.page, f.quote), []).append(f)
    for group in by_sentence.values():
        bare = [f for f in group if f.row_label.startswith(("完成", "占")) or f.measure == "执行率"]
        named = [f.row_label for f in group if f not in bare and f.period == "current"]
        if not bare or len(named) < 2:
            continue
        subject = _common_prefix(named)
        if len(subject) < 4:
            continue
        item = next((f.item for f in group if f not in bare and f.item), None)
        for f in bare:
            if not f.row_label.startswith(subject):
                f.row_label = f"{subject}{f.row_label}"
                f.item = f.item or item


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
            out.append(with_measure(f))
    name_sentence_subjects(out)
    log.debug("%s: %d facts (%d tables)", doc.name, len(out), len(doc.tables))
    return out
