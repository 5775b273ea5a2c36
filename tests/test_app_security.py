"""The app under hostile use: kiosk rate limits that survive a page reload (per client address and overall),
and markup in document text or file names shown literally (no link, image or script is ever rendered)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetqa.core.settings import Settings
from budgetqa.webui.kiosk import SharedRateLimits, client_key
from tests.test_app import Q_FUND, _answers, _app, _ask, app_env, sample_store  # noqa: F401 - fixtures

MARKUP_NAME = "[点我](javascript:alert(1))<img src=x onerror=alert(1)>示例局2024年部门预算.txt"
MARKUP_TEXT = """示例局2024年部门预算
一、收支预算总体情况
示例局2024年收入预算合计100.5万元。![追踪](http://127.0.0.1:9/evil.png) <script>alert(1)</script> <img src="http://127.0.0.1:9/e.png"> **粗体** [链接](http://127.0.0.1:9/x)
"""


# --- rate limits ---------------------------------------------------------------------------------------------
def test_limits_per_client_and_overall():
    limits = SharedRateLimits(per_client=2, overall=3, window_s=60)
    assert limits.allow("a", now=0).allowed and limits.allow("a", now=1).allowed
    refused = limits.allow("a", now=2)
    assert not refused.allowed and refused.scope == "client" and 57 <= refused.retry_after <= 59
    assert limits.allow("b", now=3).allowed
    busy = limits.allow("c", now=4)
    assert not busy.allowed and busy.scope == "all"
    assert limits.allow("c", now=61).allowed  # the window slides


def test_tracked_clients_are_bounded():
    limits = SharedRateLimits(per_client=1, overall=10**6, max_clients=100)
    for i in range(1000):
        limits.allow(f"10.0.{i // 256}.{i % 256}", now=0)
    assert limits.clients() == 100


@pytest.mark.parametrize("headers, header, expected", [
    ({"X-Forwarded-For": "1.2.3.4, 10.0.0.9"}, "X-Forwarded-For", "10.0.0.9"),  # the proxy's own entry
    ({"x-real-ip": "10.0.0.7"}, "X-Real-IP", "10.0.0.7"),
    ({"X-Forwarded-For": "6.6.6.6"}, None, "127.0.0.1"),  # header not configured: not trusted
    ({}, "X-Real-IP", "127.0.0.1"),
])
def test_client_key(headers, header, expected):
    assert client_key(headers, "127.0.0.1", header) == expected


def test_kiosk_limit_survives_a_page_reload(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    app_env.setenv("BUDGETQA_KIOSK_RATE_LIMIT_PER_MIN", "2")
    app_env.setenv("BUDGETQA_KIOSK_GLOBAL_RATE_LIMIT_PER_MIN", "997")  # its own limiter in this process
    from budgetqa.webui import services

    services._rate_limits.clear()
    first = _app().run()
    _ask(first, Q_FUND)
    _ask(first, "那2020年呢？")
    assert len(_answers(first)) == 2
    reloaded = _app().run()  # a new browser session, as after a page reload
    _ask(reloaded, Q_FUND)
    assert any("太频繁" in w.value for w in reloaded.warning)
    assert not _answers(reloaded)


def test_kiosk_overall_limit(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    app_env.setenv("BUDGETQA_KIOSK_RATE_LIMIT_PER_MIN", "50")
    app_env.setenv("BUDGETQA_KIOSK_GLOBAL_RATE_LIMIT_PER_MIN", "1")
    from budgetqa.webui import services

    services._rate_limits.clear()
    at = _app().run()
    _ask(at, Q_FUND)
    _ask(at, Q_FUND)
    assert any("人较多" in w.value for w in at.warning)


# --- markup shown literally ----------------------------------------------------------------------------------
@pytest.fixture
def markup_env(tmp_path, monkeypatch):
    from budgetqa.ingest.pipeline import Ingestor

    path = tmp_path / MARKUP_NAME
    path.write_text(MARKUP_TEXT, encoding="utf-8")
    store = tmp_path / "store"
    [result] = Ingestor(Settings(store=store, embedding_model="hash")).ingest([path])
    assert result.ok, result.error
    monkeypatch.setenv("BUDGETQA_STORE", str(store))
    monkeypatch.setenv("BUDGETQA_EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("BUDGETQA_MODE", "full")
    return monkeypatch


_LIVE = [
    re.compile(r"(?<!\\)!(?<!\\)\[[^\]]*(?<!\\)\]\((?!\\)"),  # a Markdown image
    re.compile(r"(?<![\\!])\[[^\]]*(?<!\\)\]\("),  # a Markdown link
    re.compile(r"(?<!\\)<(?:script|img|a)\b", re.I),  # raw HTML (escaped HTML is &lt;…)
    re.compile(r"(?<!\\)\*\*粗体(?<!\\)\*\*"),
]


def _live_markup(values: list[str]) -> list[str]:
    return [v for v in values if any(p.search(v) for p in _LIVE)]


def test_markup_in_documents_is_shown_literally(markup_env):
    at = _app().run()
    _ask(at, "示例局2024年收入预算合计是多少？")
    values = [m.value for m in at.markdown] + [e.label for e in at.expander] + [c.value for c in at.caption] \
        + [w.value for w in at.warning]
    assert "100.5" in "\n".join(values)
    assert _live_markup(values) == []
    at.switch_page("webui/pages/documents.py").run()
    assert not at.exception, at.exception
    values = [m.value for m in at.markdown] + [w.value for w in at.warning] + [c.value for c in at.caption]
    assert _live_markup(values) == []
