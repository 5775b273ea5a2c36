"""BM25 over jieba tokens: the tokenizer (budget vocabulary as user dictionary) and a persisted bm25s index.

The pipeline stores each chunk's tokens in SQLite (chunks.tokens), so rebuilding the index after an
ingest reads tokens instead of re-tokenizing. `LexicalIndex.ensure_fresh(side_store)` rebuilds only
when the set of stored documents changed since the index was written.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import uuid
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from budgetqa.retrieval.normalize import chunk_index_text, normalize_text, unquote_terms, vocabulary_terms

log = logging.getLogger(__name__)

_WORD = re.compile(r"[0-9a-z\u3400-\u9fff]")  # a token must contain one of these to be kept
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")  # what jieba can keep in one piece
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Question words and particles: frequent in questions, rare (hence wrongly weighty) in documents.
STOPWORDS = frozenset("的 了 是 吗 呢 啊 吧 请问 多少 什么 哪些 哪个 怎么 如何 怎样 几 有 和 与 及 或".split())
FORMAT = 1  # bump when the on-disk layout changes
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


def store_fingerprint(side_store) -> str:
    """A stable (cross-process) token of the stored documents; changes whenever one is added or removed."""
    return side_store.fingerprint()


class LexicalIndex:
    """bm25s index over chunk ids, persisted in `path` (bm25s files + chunk ids + fingerprint)."""

    def __init__(self, path: Path | str, k1: float = BM25_K1, b: float = BM25_B):
        self.path = Path(path)
        self.k1, self.b = k1, b
        self._bm25 = None
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self.fingerprint: str | None = None
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def chunk_ids(self) -> list[str]:
        """The indexed chunk ids, in index order."""
        return list(self._ids)

    # --- build / persist ---------------------------------------------------------------
    def build(self, items: list[tuple[str, list[str]]], fingerprint: str | None = None, save: bool = True) -> None:
        """Index (chunk id, tokens) pairs, replacing the whole index; saved to `path` unless save=False."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import

        bm25 = None
        if items:
            bm25 = bm25s.BM25(k1=self.k1, b=self.b)
            bm25.index([list(tokens) for _, tokens in items], show_progress=False)
        with self._lock:
            self._bm25 = bm25
            self._ids = [cid for cid, _ in items]
            self._pos = {cid: i for i, cid in enumerate(self._ids)}
            self.fingerprint = fingerprint
            if save:
                self.save()
        log.info("BM25 index built over %d chunks", len(items))

    def save(self) -> None:
        """Write to a sibling folder, then swap it in, so readers never see half an index."""
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        tmp.mkdir(parents=True)
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "chunk_ids.json").write_text(json.dumps(self._ids), encoding="utf-8")
            meta = {"format": FORMAT, "fingerprint": self.fingerprint, "chunks": len(self._ids),
                    "k1": self.k1, "b": self.b}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            old = self.path.with_name(f"{self.path.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
            if self.path.exists():
                self.path.rename(old)
            tmp.rename(self.path)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def load(self) -> bool:
        """Load the saved index; False (and an empty index) when there is none or it is unreadable."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import

        with self._lock:
            try:
                meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
                if meta.get("format") != FORMAT:
                    raise ValueError(f"index format {meta.get('format')}, expected {FORMAT}")
                if (meta.get("k1"), meta.get("b")) != (self.k1, self.b):
                    log.info("BM25 parameters changed; the index will be rebuilt")
                    return False
                ids = json.loads((self.path / "chunk_ids.json").read_text(encoding="utf-8"))
                bm25 = bm25s.BM25.load(str(self.path / "bm25"), show_progress=False) if ids else None
            except FileNotFoundError:
                return False
            except Exception as exc:  # corrupt or foreign folder: rebuilt from the side store
                log.warning("BM25 index at %s unreadable (%s); it will be rebuilt", self.path, exc)
                return False
            self._bm25, self._ids = bm25, ids
            self._pos = {cid: i for i, cid in enumerate(ids)}
            self.fingerprint = meta.get("fingerprint")
            return True

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
        bm25 = self._bm25
        return bm25 is not None and token.lower() in bm25.vocab_dict

    def search(
        self, tokens: Sequence[str], k: int, allowed_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) with score > 0, restricted to allowed_ids when given."""
        with self._lock:
            bm25, ids, pos = self._bm25, self._ids, self._pos
        if bm25 is None or k <= 0:
            return []
        token_ids = bm25.get_tokens_ids(list(dict.fromkeys(tokens)))  # unknown tokens dropped, no repeats
        if not token_ids:
            return []
        scores = bm25.get_scores_from_ids(token_ids)
        if allowed_ids is not None:
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
