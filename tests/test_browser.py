"""End to end: `streamlit run app.py` on the sample corpus, driven in headless Debian Chromium via playwright.

The screenshot goes to test-output/ (gitignored). Skipped only when Chromium (or playwright) is missing.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from budgetqa.core.settings import Settings
from budgetqa.webui.browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "test-output"
Q_FUND = "2021年示例区信访局信访专项经费是多少？"
DOC_2021 = "示例区信访局2021年部门预算.txt"


def _require_browser() -> None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with `bash scripts/setup.sh --test` (Debian package chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def browser_store(tmp_path_factory) -> Path:
    from budgetqa.ingest.pipeline import Ingestor

    store = tmp_path_factory.mktemp("browserstore") / "store"
    results = Ingestor(Settings(store=store, embedding_model="hash")).ingest([REPO / "samples" / "corpus"])
    assert all(r.ok for r in results), [r.error for r in results]
    return store


def test_ask_in_the_browser(browser_store, tmp_path):
    _require_browser()
    from budgetqa.webui.browser import ask, chromium, serve, wait_app_ready

    t0 = time.monotonic()
    OUT.mkdir(exist_ok=True)
    env = {"BUDGETQA_STORE": str(browser_store), "BUDGETQA_EMBEDDING_MODEL": "hash", "BUDGETQA_MODE": "full"}
    with serve(env, log_path=OUT / "browser-streamlit.log") as url, chromium() as page:
        page.goto(url)
        wait_app_ready(page)
        ask(page, Q_FUND, "80")
        page.screenshot(path=str(OUT / "browser-answer.png"))
        answer = page.locator('[data-testid="stChatMessage"]').last
        assert "80万元" in answer.inner_text()
        source = answer.locator('[data-testid="stExpander"]').filter(has_text=DOC_2021).first
        assert source.is_visible()
        source.locator("summary").click()
        mark = answer.locator("mark").first
        mark.wait_for(timeout=10000)
        assert mark.inner_text() == "80"
        page.wait_for_timeout(500)  # the expander's opening animation
        page.screenshot(path=str(OUT / "browser-citation.png"))
    assert time.monotonic() - t0 < 60


def test_kiosk_has_no_upload_or_audit_page(browser_store, tmp_path):
    """The public kiosk serves only the chat and the document list: the upload, audit and facts pages are not
    registered, so neither the navigation nor their URLs reach them."""
    _require_browser()
    from budgetqa.core.errors import StoreError
    from budgetqa.store.backup import backup, restore
    from budgetqa.webui.browser import ask, chromium, serve, wait_app_ready

    OUT.mkdir(exist_ok=True)
    env = {"BUDGETQA_STORE": str(browser_store), "BUDGETQA_EMBEDDING_MODEL": "hash", "BUDGETQA_MODE": "kiosk"}
    with serve(env, log_path=OUT / "browser-kiosk.log") as url, chromium() as page:
        page.goto(url)
        wait_app_ready(page)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text() if page.locator(
            '[data-testid="stSidebarNav"]').count() else ""
        for title in ("上传文件", "一致性审核", "数字库"):
            assert title not in nav and page.get_by_text(title, exact=True).count() == 0, title
        for path in ("upload", "audit", "facts"):
            page.goto(f"{url}/{path}")
            wait_app_ready(page)
            assert page.locator('[data-testid="stFileUploader"]').count() == 0
            assert page.get_by_role("heading", name="上传文件").count() == 0
            assert page.get_by_role("heading", name="一致性审核").count() == 0
        page.goto(url)
        wait_app_ready(page)
        ask(page, Q_FUND, "80")
        page.screenshot(path=str(OUT / "browser-kiosk.png"))
        settings = Settings(store=browser_store, embedding_model="hash")
        backup(settings, tmp_path / "backup")
        with pytest.raises(StoreError, match="正被运行中的问答应用使用"):  # the running app holds its lock
            restore(settings, tmp_path / "backup")
