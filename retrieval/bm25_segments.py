"""BM25 over immutable segments, scored at query time with the statistics of the whole index.

A segment holds the term frequencies of the chunks added by one ingest (scipy CSC: rows = chunks, columns =
the segment's own vocabulary) and their lengths in tokens. Scores use the live chunk count, document
frequencies and mean length over all segments, so several segments score exactly like one index built over
the same chunks (Lucene BM25 as bm25s computes it: idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
tf part = tf / (tf + k1 (1 - b + b len / avg len))). Adding chunks writes one new segment; removed chunks
are masked and their terms subtracted from the document frequencies; `merged` rewrites segments without them.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse


class SegmentBuilder:
    """Collects (chunk id, tokens) as files are written; `build()` makes the segment."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.vocab: dict[str, int] = {}
        self._lengths: list[int] = []
        self._keys: list[np.ndarray] = []  # (row << 32) | column, unique per chunk
        self._counts: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: Sequence[str], token_lists: Sequence[Sequence[str]]) -> None:
        vocab, first = self.vocab, len(self.ids)
        sizes = [len(t) for t in token_lists]
        total = sum(sizes)
        self.ids.extend(ids)
        self._lengths.extend(sizes)
        if not total:
            return
        cols = np.fromiter((vocab.setdefault(t, len(vocab)) for toks in token_lists for t in toks), np.int64, total)
        rows = np.repeat(np.arange(first, first + len(sizes), dtype=np.int64), sizes)
        keys, counts = np.unique((rows << 32) | cols, return_counts=True)
        self._keys.append(keys)
        self._counts.append(counts.astype(np.float32))

    def build(self, name: str) -> "Segment":
        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, np.int64)
        counts = np.concatenate(self._counts) if self._counts else np.zeros(0, np.float32)
        shape = (len(self.ids), len(self.vocab))
        tf = sparse.csc_matrix((counts, ((keys >> 32).astype(np.int64), (keys & 0xFFFFFFFF).astype(np.int64))),
                               shape=shape, dtype=np.float32)
        terms = [""] * len(self.vocab)
        for term, col in self.vocab.items():
            terms[col] = term
        return Segment(name, list(self.ids), terms, tf, np.asarray(self._lengths, dtype=np.float32))


@dataclass
class Segment:
    name: str
    ids: list[str]
    terms: list[str]
    tf: sparse.csc_matrix  # rows = chunks, columns = terms
    lengths: np.ndarray  # tokens per chunk
    dead: np.ndarray = field(default=None)  # type: ignore[assignment]  # removed rows
    dead_df: np.ndarray = field(default=None)  # type: ignore[assignment]  # per column, removed rows holding it
    vocab: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.vocab = {t: i for i, t in enumerate(self.terms)}
        self.df = np.diff(self.tf.indptr).astype(np.int64)
        self.mark_dead(np.zeros(len(self.ids), dtype=bool))

    def mark_dead(self, dead: np.ndarray) -> None:
        self.dead = dead
        if dead.any():
            self.dead_df = np.asarray((self.tf[np.flatnonzero(dead), :] != 0).sum(axis=0)).ravel().astype(np.int64)
        else:
            self.dead_df = np.zeros(len(self.terms), dtype=np.int64)

    @property
    def live(self) -> int:
        return len(self.ids) - int(self.dead.sum())

    @property
    def live_length(self) -> float:
        return float(self.lengths[~self.dead].sum(dtype=np.float64))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=False)
        np.savez(folder / "tf.npz", data=self.tf.data, indices=self.tf.indices, indptr=self.tf.indptr,
                 lengths=self.lengths, shape=np.asarray(self.tf.shape))
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        (folder / "terms.json").write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Segment":
        with np.load(folder / "tf.npz") as z:
            tf = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            lengths = z["lengths"]
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        terms = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        if tf.shape != (len(ids), len(terms)) or len(lengths) != len(ids):
            raise ValueError(f"segment {folder.name}: {tf.shape} matrix for {len(ids)} chunks, {len(terms)} terms")
        return cls(folder.name, ids, terms, tf, lengths)


def merged(segments: Sequence[Segment], name: str) -> Segment:
    """One segment holding the live rows of the given ones (their vocabularies united), in their order."""
    builder_vocab: dict[str, int] = {}
    ids: list[str] = []
    parts, lengths = [], []
    for seg in segments:
        keep = np.flatnonzero(~seg.dead)
        remap = np.fromiter((builder_vocab.setdefault(t, len(builder_vocab)) for t in seg.terms), np.int64,
                            len(seg.terms))
        coo = seg.tf[keep, :].tocoo()
        parts.append((coo.data, coo.row.astype(np.int64) + len(ids), remap[coo.col]))
        ids.extend(seg.ids[i] for i in keep)
        lengths.append(seg.lengths[keep])
    data = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.float32)
    rows = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    cols = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
    tf = sparse.csc_matrix((data, (rows, cols)), shape=(len(ids), len(builder_vocab)), dtype=np.float32)
    terms = [""] * len(builder_vocab)
    for term, col in builder_vocab.items():
        terms[col] = term
    return Segment(name, ids, terms, tf, np.concatenate(lengths) if lengths else np.zeros(0, np.float32))


class SegmentedBM25:
    """The segments of one index, searched as one: global row = segment offset + row, in segment order."""

    def __init__(self, segments: Iterable[Segment], k1: float, b: float):
        self.segments = list(segments)
        self.k1, self.b = k1, b
        self.offsets = np.cumsum([0] + [len(s.ids) for s in self.segments])
        self.ids = [cid for s in self.segments for cid in s.ids]
        live = sum(s.live for s in self.segments)
        self.live = live
        self.avg_length = (sum(s.live_length for s in self.segments) / live) if live else 0.0
        self.dead = np.concatenate([s.dead for s in self.segments]) if self.segments else np.zeros(0, bool)
        self._norms = [self.k1 * (1 - self.b + self.b * s.lengths / self.avg_length) if live else s.lengths
                       for s in self.segments]

    def has_token(self, token: str) -> bool:
        return any(token in s.vocab for s in self.segments)

    def df(self, token: str) -> int:
        total = 0
        for s in self.segments:
            col = s.vocab.get(token)
            if col is not None:
                total += int(s.df[col] - s.dead_df[col])
        return total

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row (0 for removed rows) for the distinct known tokens."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        if not self.live:
            return out
        for token in dict.fromkeys(tokens):
            df = self.df(token)
            if df <= 0:
                continue
            idf = math.log(1 + (self.live - df + 0.5) / (df + 0.5))
            for s, start, norm in zip(self.segments, self.offsets, self._norms):
                col = s.vocab.get(token)
                if col is None:
                    continue
                lo, hi = s.tf.indptr[col], s.tf.indptr[col + 1]
                rows, tf = s.tf.indices[lo:hi], s.tf.data[lo:hi]
                out[start + rows] += (idf * tf / (tf + norm[rows])).astype(np.float32)
        out[self.dead] = 0.0
        return out
