"""Dense chunk vectors: the `VectorStore` protocol and its Chroma implementation.

The collection records which embedding model (name and dimension) filled it; opening it with another
model raises StoreError, because vectors of two models are not comparable.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, is_dataclass
from typing import Any, Iterable, Protocol
from urllib.parse import urlsplit

from budgetqa.core.errors import ConfigError, StoreError
from budgetqa.core.records import Chunk
from budgetqa.core.settings import Settings
from budgetqa.retrieval.embeddings import Embedder
from budgetqa.retrieval.normalize import chunk_index_text

log = logging.getLogger(__name__)

UPSERT_BATCH = 256
_META_MODEL, _META_DIM = "embedding_model", "embedding_dim"


class VectorStore(Protocol):
    def add(self, chunks: list[Chunk], doc_meta: dict) -> None: ...

    def delete_docs(self, doc_ids: Iterable[str]) -> None: ...

    def query(
        self, text: str, k: int, doc_ids: list[str] | None = None, kind: str | None = None
    ) -> list[tuple[str, float]]: ...

    def doc_ids(self) -> set[str]: ...


def _meta_dict(doc_meta: Any) -> dict:
    if doc_meta is None:
        return {}
    if is_dataclass(doc_meta):
        return asdict(doc_meta)
    return dict(doc_meta)


class ChromaVectorStore:
    """Chunks in a persistent Chroma collection (cosine space), embedded by our own embedder.

    Chunk metadata: doc_id, ordinal, page, kind (text/table), org, year, doc_kind (部门预算, ...);
    missing values are left out (Chroma metadata cannot hold None everywhere).
    """

    def __init__(self, settings: Settings, embedder: Embedder):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedder = embedder
        self.path = settings.chroma_path
        self.name = settings.chroma_collection
        where = settings.chroma_url or self.path
        try:
            if settings.chroma_url:
                url = urlsplit(settings.chroma_url)
                if url.scheme not in ("http", "https") or not url.hostname:
                    raise ConfigError(f"BUDGETQA_CHROMA_URL={settings.chroma_url}: expected http://HOST:PORT")
                self._client = chromadb.HttpClient(
                    host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https", settings=ChromaSettings(anonymized_telemetry=False),
                )
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(
                    path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
                )
            self._col = self._open_collection()
        except (StoreError, ConfigError):
            raise
        except Exception as exc:
            raise StoreError(
                f"{where}: cannot open the vector store ({type(exc).__name__}: {exc}); "
                "point --store at another folder or re-ingest"
            ) from exc

    def _open_collection(self):
        existing = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        wanted = {_META_MODEL: self.embedder.name, _META_DIM: int(self.embedder.dim)}
        if self.name not in existing:
            log.info("creating Chroma collection %r for %s (%d dims)", self.name, self.embedder.name, self.embedder.dim)
            return self._client.create_collection(
                self.name, metadata=wanted, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        col = self._client.get_collection(self.name, embedding_function=None)
        meta = col.metadata or {}
        stored_model, stored_dim = meta.get(_META_MODEL), meta.get(_META_DIM)
        if stored_model is None and col.count() == 0:
            col.modify(metadata={**meta, **wanted})  # an empty collection without a model: adopt it
            return col
        if stored_model != self.embedder.name or stored_dim != self.embedder.dim:
            raise StoreError(
                f"the store at {self.path.parent} was built with embedding model '{stored_model}' "
                f"({stored_dim} dims), but the configured model is '{self.embedder.name}' "
                f"({self.embedder.dim} dims). Re-ingest the documents into a new --store folder, or set "
                f"BUDGETQA_EMBEDDING_MODEL={stored_model} to use this store."
            )
        return col

    def add(self, chunks: list[Chunk], doc_meta: dict) -> None:
        """Embed and upsert the chunks of one document (earlier vectors of that document are dropped)."""
        if not chunks:
            return
        meta = _meta_dict(doc_meta)
        self.delete_docs({c.doc_id for c in chunks})
        for start in range(0, len(chunks), UPSERT_BATCH):
            batch = chunks[start : start + UPSERT_BATCH]
            vectors = self.embedder.embed_documents([chunk_index_text(c, meta) for c in batch])
            self._col.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors,
                metadatas=[_chunk_metadata(c, meta) for c in batch],
            )
        log.debug("vector store: %d chunks of %s", len(chunks), chunks[0].doc_id[:12])

    def upsert(self, items: list[tuple[Chunk, dict]]) -> None:
        """Embed and upsert (chunk, document meta) pairs of any documents; idempotent per chunk id."""
        for start in range(0, len(items), UPSERT_BATCH):
            batch = items[start : start + UPSERT_BATCH]
            vectors = self.embedder.embed_documents([chunk_index_text(c, m) for c, m in batch])
            self._col.upsert(
                ids=[c.id for c, _ in batch],
                embeddings=vectors,
                metadatas=[_chunk_metadata(c, m) for c, m in batch],
            )

    def delete_docs(self, doc_ids: Iterable[str]) -> None:
        ids = sorted(set(doc_ids))
        if ids:
            self._col.delete(where={"doc_id": {"$in": ids}})

    def query(
        self, text: str, k: int, doc_ids: list[str] | None = None, kind: str | None = None
    ) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity), only from `doc_ids` when given (an empty list = nothing),
        only chunks of `kind` ('text' / 'table') when given."""
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        count = self._col.count()
        if count == 0:
            return []
        clauses = []
        if doc_ids is not None:
            ids = sorted(set(doc_ids))
            clauses.append({"doc_id": ids[0]} if len(ids) == 1 else {"doc_id": {"$in": ids}})
        if kind is not None:
            clauses.append({"kind": kind})
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        res = self._col.query(
            query_embeddings=[self.embedder.embed_query(text)],
            n_results=min(k, count),
            where=where,
            include=["distances"],
        )
        ids_out, dists = res["ids"][0], res["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids_out, dists)]

    def doc_ids(self) -> set[str]:
        out: set[str] = set()
        offset, page = 0, 5000
        while True:
            res = self._col.get(include=["metadatas"], limit=page, offset=offset)
            metas = res["metadatas"] or []
            out.update(m["doc_id"] for m in metas if m and "doc_id" in m)
            if len(metas) < page:
                return out
            offset += page

    def chunk_ids(self) -> set[str]:
        """Ids of every stored vector (chunk ids), for the integrity check."""
        out: set[str] = set()
        offset, page = 0, 5000
        while True:
            ids = self._col.get(include=[], limit=page, offset=offset)["ids"] or []
            out.update(ids)
            if len(ids) < page:
                return out
            offset += page

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = sorted(set(ids))
        for start in range(0, len(ids), UPSERT_BATCH):
            self._col.delete(ids=ids[start : start + UPSERT_BATCH])

    def count(self) -> int:
        return self._col.count()


def _chunk_metadata(chunk: Chunk, meta: dict) -> dict:
    values = {
        "doc_id": chunk.doc_id,
        "ordinal": chunk.ordinal,
        "page": chunk.page,
        "kind": chunk.kind,
        "org": meta.get("org"),
        "year": meta.get("year"),
        "doc_kind": meta.get("kind"),
    }
    return {k: v for k, v in values.items() if v is not None}
