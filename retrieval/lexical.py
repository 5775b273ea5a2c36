"""BM25 over jieba tokens: the tokenizer (budget vocabulary as user dictionary) and a persisted bm25s index.

The pipeline stores each chunk's tokens in SQLite (chunks.tokens) and adds each ingest's chunks to the index
as one more segment (`LexicalIndex.add`). `LexicalIndex.ensure_fresh(side_store)` reloads what another
process added, and rebuilds from the stored tokens only when the index does not match the store.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from budgetqa.retrieval.bm25_segments import Segment, SegmentBuilder, SegmentedBM25, merged
from budgetqa.retrieval.normalize import chunk_index_text, normalize_text, unquote_terms, vocabulary_terms

log = logging.getLogger(__name__)

_WORD = re.compile(r"[0-9a-z\u3400-\u9fff]")  # a token must contain one of these to be kept
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")  # what jieba can keep in one piece
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Question words and particles: frequent in questions, rare (hence wrongly weighty) in documents.
STOPWORDS = frozenset("的 了 是 吗 呢 啊 吧 请问 多少 什么 哪些 哪个 怎么 如何 怎样 几 有 和 与 及 或".split())
FORMAT = 2  # bump when the on-disk layout changes (2: segments + manifest)
MAX_SEGMENTS = 8  # more than this after an ingest: the smaller segments are merged
# BM25 parameters, chosen on dev.jsonl and a 144-question silver set of table-row questions:
# low k1 (near-binary term frequency) and weak length normalisation suit long table chunks.
BM25_K1 = 0.6
BM25_B = 0.3


class Tokenizer:
    """jieba (own instance) with the budget terms as user words; lower-case; punctuation dropped.

    `search_mode` adds the dictionary words inside each long word (like jieba's cut_for_search, but for
    words of any length, so '三公经费支出' also yields '三公经费');
    `keep_single_chars` keeps one-character Chinese tokens.
    """

    def __init__(
        self,
        terms: Iterable[str] | None = None,
        search_mode: bool = True,
        keep_single_chars: bool = True,
        stopwords: frozenset[str] = STOPWORDS,
    ):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.search_mode = search_mode
        self.keep_single_chars = keep_single_chars
        self.stopwords = stopwords
        self._lock = threading.Lock()  # jieba's lazy structures are not thread-safe
        added = 0
        for term in vocabulary_terms() if terms is None else terms:
            term = unquote_terms(normalize_text(term)).lower()
            if len(term) >= 2 and _JIEBA_WORD.match(term):
                # suggest_freq(tune=False) returns the frequency that keeps the word whole
                self._jieba.add_word(term, freq=self._jieba.suggest_freq(term, False) * 2)
                added += 1
        log.debug("tokenizer: %d user words", added)

    def prepare(self, text: str) -> str:
        """The text as the tokenizer cuts it: normalised, quotes around terms and thousands commas removed."""
        return _THOUSANDS.sub("", unquote_terms(normalize_text(text))).lower()

    def tokenize(self, text: str) -> list[str]:
        text = self.prepare(text)
        with self._lock:
            pieces = list(self._jieba.cut(text))
            if self.search_mode:
                pieces = [p for piece in pieces for p in self._with_subwords(piece)]
        out = []
        for tok in pieces:
            tok = tok.strip()
            if not tok or tok in self.stopwords or not _WORD.search(tok):
                continue
            if len(tok) == 1 and not self.keep_single_chars and not tok.isdigit():
                continue
            out.append(tok)
        return out

    def _with_subwords(self, word: str) -> list[str]:
        """The word, then every shorter dictionary word inside it ('机关运行经费' -> 机关, 运行, 经费, ...)."""
        if len(word) <= 2 or word.isascii():
            return [word]
        freq = self._jieba.FREQ
        subs = [word[i : i + n] for n in range(2, len(word)) for i in range(len(word) - n + 1)]
        return [word, *[w for w in subs if freq.get(w)]]

    def tokenize_many(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    def tokenize_chunks(self, chunks: Sequence, doc_meta: dict | None = None) -> list[list[str]]:
        """Tokens of each chunk as indexed (with the document header), for SideStore.replace_document(tokens=)."""
        return [self.tokenize(chunk_index_text(c, doc_meta)) for c in chunks]


_SHARED: Tokenizer | None = None
_SHARED_LOCK = threading.Lock()


def shared_tokenizer() -> Tokenizer:
    """The process's default tokenizer (jieba + the vocabulary, ≈ 1-2 s to build): built once, shared by the
    retriever, the question terms and the ingest, so a cold start loads the dictionary once."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Tokenizer()
        return _SHARED


def store_fingerprint(side_store) -> str:
    """A stable (cross-process) token of the stored documents; changes whenever one is added or removed."""
    return side_store.fingerprint()


def chunk_prefix(doc_id: str) -> str:
    """What the ids of a document's chunks start with (the form of `Chunk.id`: first 16 of the doc id, '-')."""
    return f"{doc_id[:16]}-"


class LexicalIndex:
    """BM25 over chunk ids, persisted in `path` as segments (retrieval/bm25_segments.py) + a manifest.

    An ingest adds one segment with its chunks and masks the chunks of the documents it replaced; nothing is
    re-read or re-tokenized. Another process reloads only the segments it has not seen. When there are more
    than MAX_SEGMENTS, the smaller ones are merged (a matrix rewrite, no tokenizing).
    """

    def __init__(self, path: Path | str, k1: float = BM25_K1, b: float = BM25_B):
        self.path = Path(path)
        self.k1, self.b = k1, b
        self._segments: list[Segment] = []
        self._deleted: dict[str, set[str]] = {}  # segment name -> its removed chunk ids
        self._bm25 = SegmentedBM25([], k1, b)
        self._pos: dict[str, int] = {}
        self._doc_rows: dict[str, np.ndarray] | None = None
        self.fingerprint: str | None = None
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return self._bm25.live

    @property
    def chunk_ids(self) -> list[str]:
        """The indexed (live) chunk ids, in index order."""
        bm25 = self._bm25
        return [cid for cid, dead in zip(bm25.ids, bm25.dead) if not dead]

    @property
    def segment_count(self) -> int:
        return len(self._segments)

    # --- build / add / persist ---------------------------------------------------------------
    def build(self, items: list[tuple[str, list[str]]], fingerprint: str | None = None, save: bool = True) -> None:
        """Index (chunk id, tokens) pairs, replacing the whole index; saved to `path` unless save=False."""
        builder = SegmentBuilder()
        builder.add([cid for cid, _ in items], [tokens for _, tokens in items])
        with self._lock:
            self._set([builder.build(_new_name())] if items else [], {}, fingerprint)
            if save:
                self.save()
        log.info("BM25 index built over %d chunks", len(items))

    def add(self, builder: SegmentBuilder, removed_docs: Iterable[str], fingerprint: str | None,
            save: bool = True) -> None:
        """Add the builder's chunks as one segment and remove the chunks of `removed_docs` (document ids)."""
        prefixes = {chunk_prefix(d) for d in removed_docs}
        with self._lock:
            segments = list(self._segments)
            deleted = {name: set(ids) for name, ids in self._deleted.items()}
            if prefixes:
                for seg in segments:  # only the segments present before this add: a new one is never masked
                    gone = {cid for cid in seg.ids if cid[:17] in prefixes}
                    if gone:
                        deleted.setdefault(seg.name, set()).update(gone)
            if len(builder):
                segments.append(builder.build(_new_name()))
            if len(segments) > MAX_SEGMENTS:
                segments, deleted = self._merge_small(segments, deleted)
            self._set(segments, deleted, fingerprint)
            if save:
                self.save()
        log.info("BM25 index: %d chunks added, %d documents removed, %d segments", len(builder), len(prefixes),
                 len(self._segments))

    def _merge_small(self, segments: list[Segment], deleted: dict[str, set[str]]
                     ) -> tuple[list[Segment], dict[str, set[str]]]:
        """All segments but the largest merged into one, dropping removed chunks."""
        self._apply_deleted(segments, deleted)
        largest = max(segments, key=lambda s: s.live)
        rest = [s for s in segments if s is not largest]
        return [largest, merged(rest, _new_name())], {k: v for k, v in deleted.items() if k == largest.name}

    def _set(self, segments: list[Segment], deleted: dict[str, set[str]], fingerprint: str | None) -> None:
        self._apply_deleted(segments, deleted)
        bm25 = SegmentedBM25(segments, self.k1, self.b)
        self._segments, self._deleted, self.fingerprint = segments, deleted, fingerprint
        self._bm25, self._pos = bm25, {cid: i for i, cid in enumerate(bm25.ids)}
        self._doc_rows: dict[str, np.ndarray] | None = None  # chunk prefix -> rows, built on first scoped search

    def _rows_of_docs(self, doc_ids: set[str]) -> np.ndarray:
        """Index rows of the documents' chunks (by chunk id prefix; no store read)."""
        with self._lock:
            if self._doc_rows is None:
                groups: dict[str, list[int]] = {}
                for i, cid in enumerate(self._bm25.ids):
                    groups.setdefault(cid[:17], []).append(i)
                self._doc_rows = {p: np.asarray(rows, dtype=np.int64) for p, rows in groups.items()}
            doc_rows = self._doc_rows
        parts = [doc_rows[p] for p in sorted({chunk_prefix(d) for d in doc_ids}) if p in doc_rows]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    @staticmethod
    def _apply_deleted(segments: list[Segment], deleted: dict[str, set[str]]) -> None:
        for seg in segments:
            gone = deleted.get(seg.name)
            dead = np.fromiter((cid in gone for cid in seg.ids), bool, len(seg.ids)) if gone else \
                np.zeros(len(seg.ids), bool)
            if not np.array_equal(dead, seg.dead):
                seg.mark_dead(dead)

    def save(self) -> None:
        """New segment folders first, then the manifest (atomic rename), then unreferenced folders removed:
        a reader sees the old index or the new one, never half of one."""
        self.path.mkdir(parents=True, exist_ok=True)
        for seg in self._segments:
            if not (self.path / seg.name).exists():
                seg.save(self.path / seg.name)
        meta = {"format": FORMAT, "fingerprint": self.fingerprint, "chunks": len(self), "k1": self.k1, "b": self.b,
                "segments": [s.name for s in self._segments],
                "deleted": {name: sorted(ids) for name, ids in self._deleted.items() if ids}}
        tmp = self.path / f"meta.json.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        tmp.replace(self.path / "meta.json")
        keep = {s.name for s in self._segments} | {"meta.json"}
        for child in self.path.iterdir():
            if child.name not in keep and not child.name.startswith("meta.json.tmp"):
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)

    def load(self) -> bool:
        """Load the saved index (only segments not already in memory); False (index unchanged) when there is
        none or it is unreadable."""
        with self._lock:
            for _attempt in range(2):  # a concurrent merge may remove a segment between manifest and read
                try:
                    meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
                    if meta.get("format") != FORMAT:
                        raise ValueError(f"index format {meta.get('format')}, expected {FORMAT}")
                    if (meta.get("k1"), meta.get("b")) != (self.k1, self.b):
                        log.info("BM25 parameters changed; the index will be rebuilt")
                        return False
                    have = {s.name: s for s in self._segments}
                    segments = [have.get(n) or Segment.load(self.path / n) for n in meta["segments"]]
                except FileNotFoundError:
                    continue
                except Exception as exc:  # corrupt or foreign folder: rebuilt from the side store
                    log.warning("BM25 index at %s unreadable (%s); it will be rebuilt", self.path, exc)
                    return False
                deleted = {name: set(ids) for name, ids in (meta.get("deleted") or {}).items()}
                self._set(segments, deleted, meta.get("fingerprint"))
                return True
            return False

    def ensure_fresh(self, side_store, tokenizer: Tokenizer | None = None) -> bool:
        """Make the index match the side store; True if it had to be rebuilt.

        Chunks stored without tokens are tokenized from their text when a tokenizer is given.
        """
        fp = store_fingerprint(side_store)
        with self._lock:
            if self.fingerprint == fp:
                return False
            if self.load() and self.fingerprint == fp:
                return False
            items = side_store.chunk_tokens()
            missing = [cid for cid, toks in items if not toks]
            if missing and tokenizer is not None:
                texts = {c.id: c.text for c in side_store.chunks(ids=missing)}
                fill = {cid: tokenizer.tokenize(texts.get(cid, "")) for cid in missing}
                items = [(cid, toks or fill.get(cid, [])) for cid, toks in items]
                log.info("tokenized %d chunks stored without tokens", len(missing))
            self.build(items, fp)
            return True

    # --- search ------------------------------------------------------------------------
    def has_token(self, token: str) -> bool:
        """True when some indexed chunk contains the token (used to expand only unseen query terms)."""
        return self._bm25.has_token(token.lower())

    def search(
        self, tokens: Sequence[str], k: int, allowed_ids: set[str] | None = None,
        allowed_docs: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) with score > 0, restricted to allowed_ids (chunk ids) or allowed_docs
        (document ids) when given."""
        with self._lock:
            bm25, pos = self._bm25, self._pos
        if not bm25.live or k <= 0:
            return []
        scores = bm25.scores(tokens)
        ids = bm25.ids
        if allowed_docs is not None:
            rows = self._rows_of_docs(allowed_docs)
            if rows.size == 0:
                return []
            sub = scores[rows]
        elif allowed_ids is not None:
            rows = np.fromiter((pos[c] for c in allowed_ids if c in pos), dtype=np.int64)
            if rows.size == 0:
                return []
            sub = scores[rows]
        else:
            rows, sub = np.arange(len(ids)), scores
        k = min(k, sub.size)
        top = np.argpartition(-sub, k - 1)[:k]
        top = top[np.lexsort((rows[top], -sub[top]))]  # score desc, then index order for stable ties
        return [(ids[rows[i]], float(sub[i])) for i in top if sub[i] > 0]


def _new_name() -> str:
    return f"seg-{time.time_ns():x}-{uuid.uuid4().hex[:6]}"
