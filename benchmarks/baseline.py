"""The plain LangChain pattern, as a baseline: fixed-size chunks (langchain-text-splitters'
RecursiveCharacterTextSplitter), one Chroma collection, similarity search with the same embedder, the top
passage returned as the answer. (The langchain-chroma wrapper is not a dependency; its similarity search is
the same collection.query call made here.)"""
from __future__ import annotations

import time
from pathlib import Path

from budgetqa.benchmarks.measure import percentile
from budgetqa.benchmarks.synthetic import Question, correct

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50  # LangChain's usual example values
_ADD_BATCH = 1000


def run_baseline(files: list[Path], embedder, questions: list[Question], folder: Path) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_or_create_collection("baseline", configuration={"hnsw": {"space": "cosine"}},
                                          embedding_function=None)
    t0 = time.perf_counter()
    if col.count() == 0:
        ids, texts = [], []
        for f in files:
            for i, piece in enumerate(splitter.split_text(f.read_text(encoding="utf-8"))):
                ids.append(f"{f.name}-{i}")
                texts.append(piece)
        for s in range(0, len(texts), _ADD_BATCH):
            col.add(ids=ids[s : s + _ADD_BATCH], documents=texts[s : s + _ADD_BATCH],
                    embeddings=embedder.embed_documents(texts[s : s + _ADD_BATCH]))
    index_s = time.perf_counter() - t0
    out: dict = {"chunks": col.count(), "index_seconds": round(index_s, 1)}
    for kind in ("fact", "passage"):
        qs = [q for q in questions if q.kind == kind]
        timings, right = [], 0
        for q in qs:
            t = time.perf_counter()
            res = col.query(query_embeddings=[embedder.embed_query(q.text)], n_results=1, include=["documents"])
            timings.append((time.perf_counter() - t) * 1000)
            top = (res["documents"][0] or [""])[0]
            right += correct(q, top)
        out[kind] = {"n": len(qs), "accuracy": round(right / len(qs), 3) if qs else None,
                     "p50_ms": percentile(timings, 50), "p95_ms": percentile(timings, 95)}
    return out
