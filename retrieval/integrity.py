"""`budgetqa check [--repair]`: is the store whole after a crash, a kill or a copy?

Errors (the store is damaged; `--repair` fixes the derivable ones):
- SQLite `integrity_check` / `foreign_key_check` fail (not derivable: restore a backup; PostgreSQL checks its own);
- chunks, pages or facts of a document the store does not hold (orphans; repair deletes them);
- a chunk without its vector that no embedding queue holds (repair re-embeds the document's chunks);
- a BM25 index that claims to match the store but does not list its chunks (repair rebuilds it).

Notes (normal after a crash; the next ingest or query heals them, `--repair` at once):
- vectors of documents the store does not hold (left between the two writes of an interrupted ingest);
- a BM25 index missing or older than the store (rebuilt on the next query).
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field

from budgetqa.core.errors import StoreError
from budgetqa.core.settings import Settings
from budgetqa.store.embed_queue import PENDING, SKIP
from budgetqa.retrieval.lexical import LexicalIndex, Tokenizer, store_fingerprint
from budgetqa.store.lock import store_writer_lock
from budgetqa.store.side_store import SideStore, open_store

log = logging.getLogger(__name__)

_ORPHANS = ("chunks", "pages", "facts")


@dataclass
class Problem:
    code: str
    message: str  # Chinese, shown by the CLI
    error: bool = True  # False: a note, the store is usable as it is
    repairable: bool = True


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.error for p in self.problems)

    def add(self, code: str, message: str, error: bool = True, repairable: bool = True) -> None:
        self.problems.append(Problem(code, message, error, repairable))


def check_store(settings: Settings, repair: bool = False) -> CheckReport:
    """Check (and with `repair`, rebuild what is derivable in) the store of `settings`."""
    if not settings.database_url and not settings.sqlite_path.exists():
        raise StoreError(f"{settings.sqlite_path}: 没有资料库（先运行 budgetqa ingest）")
    if not repair:
        return _check(settings)
    with store_writer_lock(settings):
        first = _check(settings)
        done = _repair(settings, first)
        report = _check(settings)
        report.repaired = done
        return report


def _check(settings: Settings) -> CheckReport:
    report = CheckReport()
    store = open_store(settings)
    try:
        _check_sqlite(store, report)
        if any(p.code == "sqlite" for p in report.problems):
            return report  # nothing else can be trusted
        chunk_ids = {r[0] for r in store.conn.execute("SELECT id FROM chunks")}
        report.counts.update(documents=len(store.document_ids()), chunks=len(chunk_ids),
                             facts=store.conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0])
        _check_vectors(settings, store, chunk_ids, report)
        _check_lexical(settings, store, report)
    finally:
        store.close()
    return report


def _check_sqlite(store: SideStore, report: CheckReport) -> None:
    rows = store.integrity_problems()  # SQLite's integrity_check; PostgreSQL checks its own pages
    if rows:
        report.add("sqlite", "SQLite 完整性检查未通过：" + "; ".join(rows[:5]) + "（无法自动修复：请用 budgetqa restore 恢复备份）",
                   repairable=False)
        return
    for table in _ORPHANS:
        n = store.conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
        if n:
            report.add(f"orphan_{table}", f"{n} 条 {table} 记录所属的文件不在资料库中（孤立记录）")


def queued_chunk_ids(store: SideStore) -> set[str]:
    """Chunk ids that are not expected to have a vector yet: queued for embedding (chunks.embed_state
    'pending', migration 003) or left out of dense retrieval on purpose ('skip')."""
    return {r[0] for r in store.conn.execute("SELECT id FROM chunks WHERE embed_state IN (?, ?)", (PENDING, SKIP))}


def _vectors(settings: Settings):
    from budgetqa.retrieval.embeddings import get_embedder
    from budgetqa.retrieval.vector_store import ChromaVectorStore

    return ChromaVectorStore(settings, get_embedder(settings))


def _check_vectors(settings: Settings, store: SideStore, chunk_ids: set[str], report: CheckReport) -> None:
    try:
        vector_ids = _vectors(settings).chunk_ids()
    except StoreError as exc:
        report.add("vectors_unreadable", f"向量库无法打开：{exc}", repairable=False)
        return
    report.counts["vectors"] = len(vector_ids)
    missing = chunk_ids - vector_ids - queued_chunk_ids(store)
    if missing:
        report.add("missing_vectors", f"{len(missing)} 个文本块没有向量（也不在待嵌入队列中）")
    extra = vector_ids - chunk_ids
    if extra:
        report.add("extra_vectors", f"{len(extra)} 个向量不属于资料库中的文本块（中断的导入留下的，下次导入时自动清除）",
                   error=False)


def _check_lexical(settings: Settings, store: SideStore, report: CheckReport) -> None:
    index = LexicalIndex(settings.bm25_path)
    if not index.load():
        report.add("bm25_missing", "BM25 索引缺失或参数已变（下次查询时自动重建）", error=False)
        return
    if index.fingerprint != store_fingerprint(store):
        report.add("bm25_stale", "BM25 索引早于资料库的最新内容（下次查询时自动重建）", error=False)
        return
    expected = sorted(cid for cid, _ in store.chunk_tokens())
    if sorted(index.chunk_ids) != expected:  # segments list chunks in ingest order
        report.add("bm25_mismatch", "BM25 索引与文本块不一致（索引声明为最新，但所列文本块不同）")


def _repair(settings: Settings, report: CheckReport) -> list[str]:
    codes = {p.code for p in report.problems}
    done: list[str] = []
    if "sqlite" in codes:
        return done
    store = open_store(settings)
    try:
        for table in _ORPHANS:
            if f"orphan_{table}" in codes:
                with store.transaction() as c:
                    n = c.execute(f"DELETE FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)").rowcount
                done.append(f"删除孤立 {table} 记录 {n} 条")
        if codes & {"missing_vectors", "extra_vectors"}:
            done += _repair_vectors(store, settings)
        if codes & {"bm25_missing", "bm25_stale", "bm25_mismatch"}:
            shutil.rmtree(settings.bm25_path, ignore_errors=True)  # derivable: rebuilt from the chunks' tokens
            index = LexicalIndex(settings.bm25_path)
            index.ensure_fresh(store, Tokenizer())
            done.append(f"重建 BM25 索引（{len(index)} 个文本块）")
    finally:
        store.close()
    return done


def _repair_vectors(store: SideStore, settings: Settings) -> list[str]:
    vectors = _vectors(settings)
    have = vectors.chunk_ids()
    chunks = store.chunks()
    known = {c.id for c in chunks}
    done = []
    extra = have - known
    if extra:
        vectors.delete_ids(extra)
        done.append(f"删除多余向量 {len(extra)} 个")
    queued = queued_chunk_ids(store)
    docs = sorted({c.doc_id for c in chunks if c.id not in have and c.id not in queued})
    for doc_id in docs:
        d = store.document(doc_id)
        meta = {"org": d.org, "year": d.year, "kind": d.kind, "name": d.name} if d else {}
        vectors.add([c for c in chunks if c.doc_id == doc_id], meta)
    if docs:
        done.append(f"重新嵌入 {len(docs)} 个文件的文本块")
    return done


def format_report(report: CheckReport) -> str:
    """The report as the CLI prints it (Chinese)."""
    counts = report.counts
    lines = [f"文件 {counts.get('documents', '?')} 个，文本块 {counts.get('chunks', '?')} 个，"
             f"向量 {counts.get('vectors', '?')} 个，数据 {counts.get('facts', '?')} 条"]
    lines += [f"已修复：{d}" for d in report.repaired]
    for p in report.problems:
        tag = "错误" if p.error else "提示"
        fix = "（可用 budgetqa check --repair 修复）" if p.error and p.repairable and not report.repaired else ""
        lines.append(f"{tag}：{p.message}{fix}")
    lines.append("检查通过" if report.ok else "检查未通过")
    return "\n".join(lines)
