"""Retrieval evaluation on a gold jsonl (fields id, doc, kind, question, gold, optional pages).

For every item with a gold document: the rank of the first retrieved passage from that document
(and, when `pages` is given, from that document on one of those pages) among the top `depth`
passages. Reported per method: recall@1, recall@5 and MRR (reciprocal rank, 0 beyond `depth`).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

log = logging.getLogger(__name__)


@dataclass
class EvalItem:
    id: str
    question: str
    doc: str | None  # gold document base name; None = unanswerable, skipped here
    kind: str = ""
    pages: list[int] | None = None


@dataclass
class ItemResult:
    id: str
    doc_rank: int | None  # 1-based rank of the first passage from the gold document, None if not retrieved
    page_rank: int | None  # same for gold document + page; None when not found or no pages given
    top_doc: str | None  # document of the first passage (for looking at misses)


@dataclass
class MethodScores:
    method: str
    n: int = 0
    recall_at_1: float = 0.0
    recall_at_5: float = 0.0
    mrr: float = 0.0
    page_n: int = 0  # items with gold pages
    page_recall_at_1: float = 0.0
    page_recall_at_5: float = 0.0
    page_mrr: float = 0.0
    items: list[ItemResult] = field(default_factory=list)


@dataclass
class RetrievalReport:
    methods: dict[str, MethodScores]
    depth: int
    skipped_no_doc: int = 0  # items without a gold document (unanswerable)
    skipped_missing: list[str] = field(default_factory=list)  # gold documents not in the store


def load_items(path: Path | str) -> list[EvalItem]:
    items = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{line_no}: not JSON ({exc.msg})") from exc
        items.append(EvalItem(
            id=str(raw.get("id", line_no)), question=raw["question"], doc=raw.get("doc"),
            kind=raw.get("kind", ""), pages=raw.get("pages"),
        ))
    return items


def _rank(hits: Sequence[bool]) -> int | None:
    return next((i for i, hit in enumerate(hits, start=1) if hit), None)


def _summarise(method: str, results: list[ItemResult], with_pages: set[str]) -> MethodScores:
    s = MethodScores(method=method, items=results, n=len(results))
    if results:
        s.recall_at_1 = sum(r.doc_rank == 1 for r in results) / s.n
        s.recall_at_5 = sum(r.doc_rank is not None and r.doc_rank <= 5 for r in results) / s.n
        s.mrr = sum(1 / r.doc_rank for r in results if r.doc_rank) / s.n
    paged = [r for r in results if r.id in with_pages]
    s.page_n = len(paged)
    if paged:
        s.page_recall_at_1 = sum(r.page_rank == 1 for r in paged) / s.page_n
        s.page_recall_at_5 = sum(r.page_rank is not None and r.page_rank <= 5 for r in paged) / s.page_n
        s.page_mrr = sum(1 / r.page_rank for r in paged if r.page_rank) / s.page_n
    return s


def evaluate_retrieval(
    retriever, items: Iterable[EvalItem | dict], methods: Sequence[str] = ("bm25", "dense", "hybrid"),
    depth: int = 10,
) -> RetrievalReport:
    """Score each method on the items that name a gold document present in the retriever's store."""
    items = [i if isinstance(i, EvalItem) else EvalItem(
        id=str(i.get("id")), question=i["question"], doc=i.get("doc"), kind=i.get("kind", ""),
        pages=i.get("pages")) for i in items]
    names = set(retriever.side_store.doc_names().values())
    report = RetrievalReport(methods={}, depth=depth)
    usable = []
    for item in items:
        if not item.doc:
            report.skipped_no_doc += 1
        elif item.doc not in names:
            report.skipped_missing.append(item.doc)
        else:
            usable.append(item)
    if report.skipped_missing:
        log.warning("gold documents not in the store: %s", sorted(set(report.skipped_missing)))
    with_pages = {i.id for i in usable if i.pages}
    for method in methods:
        results = []
        for item in usable:
            passages = retriever.search(item.question, k=depth, method=method)
            doc_hits = [p.doc_name == item.doc for p in passages]
            page_hits = [p.doc_name == item.doc and p.chunk.page in (item.pages or []) for p in passages]
            results.append(ItemResult(
                id=item.id, doc_rank=_rank(doc_hits), page_rank=_rank(page_hits) if item.pages else None,
                top_doc=passages[0].doc_name if passages else None,
            ))
        report.methods[method] = _summarise(method, results, with_pages)
    return report


def format_report(report: RetrievalReport) -> str:
    """A plain-text table: one row per method, document-level then page-level metrics."""
    head = f"{'method':<8} {'n':>3} {'R@1':>6} {'R@5':>6} {'MRR':>6} | {'pages n':>7} {'R@1':>6} {'R@5':>6} {'MRR':>6}"
    lines = [head, "-" * len(head)]
    for s in report.methods.values():
        page = (f"{s.page_n:>7} {s.page_recall_at_1:>6.3f} {s.page_recall_at_5:>6.3f} {s.page_mrr:>6.3f}"
                if s.page_n else f"{0:>7} {'-':>6} {'-':>6} {'-':>6}")
        lines.append(f"{s.method:<8} {s.n:>3} {s.recall_at_1:>6.3f} {s.recall_at_5:>6.3f} {s.mrr:>6.3f} | {page}")
    lines.append(f"(MRR over the top {report.depth} passages; {report.skipped_no_doc} items without a gold document skipped)")
    if report.skipped_missing:
        missing = ", ".join(sorted(set(report.skipped_missing)))
        lines.append(f"gold documents not in the store, {len(report.skipped_missing)} items skipped: {missing}")
    misses = {
        s.method: [r.id for r in s.items if r.doc_rank != 1] for s in report.methods.values()
    }
    for method, ids in misses.items():
        if ids:
            lines.append(f"{method}: gold document not first for {', '.join(ids)}")
    return "\n".join(lines)
