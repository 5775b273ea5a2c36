"""Run the app on a free port and drive it in headless Chromium (browser tests and screenshots).

Uses Debian's /usr/bin/chromium through playwright (never `playwright install`; no network needed).
"""
from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

log = logging.getLogger(__name__)

APP_SCRIPT = Path(__file__).resolve().with_name("main.py")  # the Streamlit script (budgetqa.webui.main)
CHROMIUM = os.environ.get("BUDGETQA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(env: dict[str, str], timeout_s: float = 40.0, log_path: Path | None = None,
          on_start: Callable[[int], None] | None = None) -> Iterator[str]:
    """`streamlit run app.py` in a child process with extra env; yields the base URL; stops it after.
    `on_start` gets the server's process id (e.g. to read its memory)."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if on_start:
        on_start(proc.pid)
    try:
        _wait_healthy(url, proc, timeout_s)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if log_path:
            out.close()


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout_s:.0f}s")


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[object]:
    """A playwright page in headless Debian Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            yield context.new_page()
        finally:
            browser.close()


def wait_app_ready(page, timeout_ms: int = 30000) -> None:
    """Until the chat input (or a page title) is there and no script is running."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('h1', timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def wait_idle(page, timeout_ms: int = 30000) -> None:
    """Until the script run is over: Streamlit's status widget shows 'Stop' (or 'Running…') meanwhile, and
    skeletons stand in for elements not yet sent."""
    page.wait_for_timeout(300)  # a run triggered just before may not have shown its indicator yet
    page.wait_for_function(
        "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " const busy = w && /Stop|Running/.test(w.innerText);"
        " return !busy && !document.querySelector('[data-testid=\"stSkeleton\"]'); }",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)


def wait_grids(page, timeout_ms: int = 15000) -> None:
    """Until every st.dataframe grid has been laid out (the canvas paints after the first frame)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stDataFrame\"]')]"
        ".every(e => e.querySelector('[data-testid=\"stDataFrameResizable\"]'))",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(500)


def ask(page, question: str, expect: str, timeout_ms: int = 45000) -> None:
    """Type a question into the chat input, send it, wait until `expect` shows in an answer."""
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.click()
    box.fill(question)
    box.press("Enter")
    # the final rendering of an answer (after the rerun that follows it) carries its status caption
    done = page.locator('[data-testid="stChatMessage"]').filter(has_text=expect).filter(has_text="状态：")
    done.last.wait_for(timeout=timeout_ms)
    wait_idle(page, timeout_ms)
