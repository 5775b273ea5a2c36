"""Process-wide resources (settings, engine, stores, ingestor), loaded once with st.cache_resource.

The cached factories take the settings as JSON text, so two stores (or a test's temporary store) never share
an engine. Modules that the other packages provide are imported lazily: a page that needs a missing module
shows a notice instead of failing at import time.
"""
from __future__ import annotations

import json
import logging
from typing import Any

import streamlit as st

from budgetqa.core.settings import Settings
from budgetqa.answering.conversation import Session

log = logging.getLogger(__name__)


# The process's configured values (config.toml / flags), captured before a kiosk run overrides them.
_CONFIGURED = {name: st.get_option(name) for name in ("client.showErrorDetails", "client.toolbarMode")}
_KIOSK_OPTIONS = {"client.showErrorDetails": "none", "client.toolbarMode": "minimal"}


def apply_mode_options(kiosk: bool) -> None:
    """Kiosk: no error details and no developer toolbar in the browser; else the configured values."""
    for name, value in (_KIOSK_OPTIONS if kiosk else _CONFIGURED).items():
        if st.get_option(name) != value:
            st.set_option(name, value)


def configure_logging() -> None:
    """Log budgetqa's own messages (INFO and up) to stderr, once per process, unless already configured."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def load_settings() -> Settings:
    """Settings from the environment (BUDGETQA_*); a kiosk never calls an LLM (template answers only)."""
    settings = Settings()
    if settings.mode == "kiosk":
        settings = settings.model_copy(update={"llm_base_url": None, "llm_model": None, "llm_api_key": None})
    return settings


def is_kiosk(settings: Settings) -> bool:
    return settings.mode == "kiosk"


def _key(settings: Settings) -> str:
    return settings.model_dump_json()


def _from_key(key: str) -> Settings:
    return Settings(**json.loads(key))


@st.cache_resource(show_spinner="正在加载问答引擎……")
def _engine(key: str) -> Any:
    from budgetqa.answering.engine import Engine

    settings = _from_key(key)
    log.info("loading engine on store %s (embedding %s, mode %s)", settings.store, settings.embedding_model,
             settings.mode)
    return Engine(settings)


def engine(settings: Settings) -> Any:
    return _engine(_key(settings))


@st.cache_resource(show_spinner=False)
def _side_store(location: str) -> Any:
    from budgetqa.store.side_store import open_store

    return open_store(location)


def store(settings: Settings) -> Any:
    """The side store (SQLite or PostgreSQL), for pages that browse documents and facts without the engine."""
    return _side_store(settings.side_store_location)


@st.cache_resource(show_spinner="正在准备导入……")
def _ingestor(key: str) -> Any:
    from budgetqa.ingest.pipeline import Ingestor

    # its own SQLite connection: a write transaction must not interleave with the pages' reads
    return Ingestor(_from_key(key))


def ingestor(settings: Settings) -> Any:
    return _ingestor(_key(settings))


@st.cache_resource(show_spinner=False)
def _rate_limits(per_client: int, overall: int, store: str) -> Any:
    from budgetqa.webui.kiosk import SharedRateLimits

    return SharedRateLimits(per_client, overall)


def rate_limits(settings: Settings) -> Any:
    """The kiosk's rate limits: one object per app process, shared by every browser session."""
    return _rate_limits(settings.kiosk_rate_limit_per_min, settings.kiosk_global_rate_limit_per_min,
                        str(settings.store))


@st.cache_resource(show_spinner=False)
def _app_lock(store: str) -> Any:
    from budgetqa.store.lock import AppLock

    return AppLock(store)


def hold_app_lock(settings: Settings) -> None:
    """Mark the store as served by this process for its lifetime (`budgetqa restore` refuses meanwhile)."""
    try:
        _app_lock(str(settings.store))
    except OSError:
        log.warning("cannot take the app lock in %s (read-only store?)", settings.store)


def new_session() -> Any:
    """A follow-up state for one browser session."""
    return Session()


def after_ingest(settings: Settings) -> None:
    """Make the engine see newly ingested documents.

    The engine notices new documents itself (its catalog and BM25 index follow the store's fingerprint;
    Chroma is shared on disk), so this only calls an explicit `refresh()` when the engine offers one, and
    rebuilds the engine when that fails.
    """
    try:
        refresh = getattr(engine(settings), "refresh", None)
        if callable(refresh):
            refresh()
    except Exception:
        log.exception("engine refresh after ingestion failed; it will be rebuilt")
        _engine.clear()


@st.cache_resource(show_spinner=False)
def _embed_worker(key: str) -> Any:
    from budgetqa.ingest.background import EmbedWorker

    return EmbedWorker(_from_key(key)).start()


def start_embed_worker(settings: Settings) -> None:
    """Once per process and store: the background thread that completes the queued dense vectors."""
    if settings.embed_in_app and not is_kiosk(settings):
        _embed_worker(_key(settings))
