"""Extraction of every shared document equals its golden snapshot (rewrite: `python -m tests.golden`)."""
from __future__ import annotations

import difflib

import pytest

from tests.golden import documents, golden_path, snapshot


@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.stem)
def test_extraction_matches_golden(doc):
    golden = golden_path(doc)
    assert golden.exists(), f"no snapshot for {doc.name}: run `python -m tests.golden`"
    want = golden.read_text(encoding="utf-8").splitlines()
    got = snapshot(doc)
    if got != want:
        diff = "\n".join(list(difflib.unified_diff(want, got, "golden", "now", lineterm="", n=0))[:40])
        pytest.fail(f"{doc.name}: extraction changed ({len(want)} -> {len(got)} facts); review and rewrite "
                    f"with `python -m tests.golden` if intended:\n{diff}")
