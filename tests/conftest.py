"""Fixtures shared by the test suite: paths to the shared corpus, a settings factory, and one engine over the
whole shared corpus built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetqa.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
PDFS = SHARED / "corpus" / "pdf"
DEV_SET = SHARED / "eval" / "dev.jsonl"
DEV2_SET = SHARED / "eval" / "dev2.jsonl"


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


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """`settings` on the SQLite backend, for tests of the file itself (where a module runs on both backends)."""
    return Settings(store=tmp_path / "store", embedding_model="hash")


@pytest.fixture(scope="session")
def shared_engine(tmp_path_factory):
    """An engine over the whole shared corpus (seeds and PDFs), ingested once per test session with the
    deterministic 'hash' embedder (the real model is measured by `budgetqa eval`, see README)."""
    from budgetqa.answering.engine import Engine
    from budgetqa.ingest.pipeline import Ingestor

    settings = Settings(store=tmp_path_factory.mktemp("shared") / "store", embedding_model="hash")
    results = Ingestor(settings).ingest(sorted(SEEDS.glob("*.txt")) + sorted(PDFS.glob("*.pdf")))
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return Engine(settings)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with two seed disclosures (a text budget and a tab-table one), copied for the test to change."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for prefix in ("000", "003"):
        shutil.copy(seed(prefix), folder)
    return folder


# --- the side store on both backends (issue 12: BUDGETQA_DATABASE_URL) --------------------------------------
BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster for the session (skips where Debian's `postgresql` is not installed)."""
    from tests.postgres_server import PostgresServer

    bindir = PostgresServer.find()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin/initdb; "
                    "`bash scripts/setup.sh --test` installs Debian's postgresql): PostgreSQL store tests skipped")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_server):
    """The URL of an empty database of its own for one test (dropped afterwards)."""
    name = postgres_server.new_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def backend_settings(request, tmp_path: Path) -> Settings:
    """`settings` on each side-store backend: the SQLite file, and an empty PostgreSQL database."""
    base = Settings(store=tmp_path / "store", embedding_model="hash")
    if request.param == "postgres":
        return base.model_copy(update={"database_url": request.getfixturevalue("pg_url")})
    return base


def backend_env(settings: Settings) -> dict[str, str]:
    """Environment for a CLI subprocess on the same side store as `settings`."""
    return {"BUDGETQA_DATABASE_URL": settings.database_url} if settings.database_url else {}
