"""The dense-embedding queue kept in the side store (chunks.embed_state, migration 003).

Ingest writes every chunk as 'pending' (or 'skip' when the policy leaves it to BM25 and the fact store);
`budgetqa embed` takes pending chunks in batches, upserts their vectors and marks them 'done'. A crash
between the upsert and the mark only repeats that batch (upserts are idempotent), so the queue resumes
where it stopped.
"""
from __future__ import annotations

from dataclasses import dataclass

from budgetqa.core.records import Chunk

PENDING, DONE, SKIP = "pending", "done", "skip"


@dataclass(frozen=True)
class QueuedChunk:
    """A chunk waiting for its vector, with the document header it is embedded with."""

    chunk: Chunk
    doc_meta: dict  # org, year, kind, name: as given to chunk_index_text and the vector metadata


@dataclass(frozen=True)
class EmbedStatus:
    pending: int
    done: int
    skipped: int

    @property
    def complete(self) -> bool:
        return self.pending == 0


def status(store) -> EmbedStatus:
    counts = dict(store.conn.execute("SELECT embed_state, COUNT(*) FROM chunks GROUP BY embed_state").fetchall())
    return EmbedStatus(counts.get(PENDING, 0), counts.get(DONE, 0), counts.get(SKIP, 0))


def pending_count(store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM chunks WHERE embed_state = ?", (PENDING,)).fetchone()[0]


def has_pending(store) -> bool:
    """Cheap (one index probe): is any chunk still waiting for its vector?"""
    row = store.conn.execute("SELECT 1 FROM chunks WHERE embed_state = ? LIMIT 1", (PENDING,)).fetchone()
    return row is not None


def next_batch(store, limit: int) -> list[QueuedChunk]:
    """Up to `limit` pending chunks, in document order (one document's chunks stay together)."""
    rows = store.conn.execute(
        """SELECT c.*, d.org AS d_org, d.year AS d_year, d.kind AS d_kind, d.name AS d_name
           FROM chunks c JOIN documents d ON d.id = c.doc_id
           WHERE c.embed_state = ? ORDER BY c.doc_id, c.ordinal LIMIT ?""",
        (PENDING, limit),
    ).fetchall()
    return [
        QueuedChunk(
            chunk=Chunk(
                doc_id=r["doc_id"], ordinal=r["ordinal"], text=r["text"], page=r["page"], section=r["section"],
                char_start=r["char_start"], char_end=r["char_end"], kind=r["kind"], table_index=r["table_index"],
            ),
            doc_meta={"org": r["d_org"], "year": r["d_year"], "kind": r["d_kind"], "name": r["d_name"]},
        )
        for r in rows
    ]


def mark(store, chunk_ids: list[str], state: str = DONE) -> None:
    """Set the state of these chunks in one transaction (ids of since-deleted chunks are ignored)."""
    if not chunk_ids:
        return
    with store.transaction() as c:
        c.executemany("UPDATE chunks SET embed_state = ? WHERE id = ?", [(state, cid) for cid in chunk_ids])


def requeue_all(store) -> int:
    """Mark every embedded chunk pending again (after the vector store was lost or the model changed)."""
    with store.transaction() as c:
        return c.execute("UPDATE chunks SET embed_state = ? WHERE embed_state = ?", (PENDING, DONE)).rowcount
