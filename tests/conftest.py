"""Fixtures shared by the test suite: paths to the shared corpus and a settings factory."""
from __future__ import annotations

from pathlib import Path

import pytest

from budgetqa.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
PDFS = SHARED / "corpus" / "pdf"
DEV_SET = SHARED / "eval" / "dev.jsonl"


def seed(name_prefix: str) -> Path:
    """A seed text by its numeric prefix, e.g. seed('003')."""
    return next(SEEDS.glob(f"{name_prefix}_*.txt"))


def pdf(name_part: str) -> Path:
    """A shared PDF by a unique part of its name, e.g. pdf('商务委员会25年预算')."""
    hits = [p for p in PDFS.glob("*.pdf") if name_part in p.name]
    assert len(hits) == 1, f"{name_part!r} matches {hits}"
    return hits[0]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh store folder with the deterministic fake embedder."""
    return Settings(store=tmp_path / "store", embedding_model="hash")
