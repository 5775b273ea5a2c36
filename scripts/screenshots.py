#!/usr/bin/env python
"""Take the documentation screenshots of the app in headless Chromium: docs/screenshots/*.png.

    python scripts/screenshots.py [--out docs/screenshots] [--store DIR]

Without --store, the bundled sample corpus is ingested into a temporary store with the 'hash' embedder
(no model download). Starts `streamlit run app.py` itself (full mode, then kiosk mode).
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from budgetqa.webui.browser import ask, chromium, serve, wait_app_ready, wait_grids, wait_idle  # noqa: E402

log = logging.getLogger("screenshots")

Q_FUND = "2021年示例区信访局信访专项经费是多少？"
Q_FOLLOW = "那2020年呢？"
Q_PDF = "2021年示例区商务委员会“三公”经费是多少？"
Q_COMPARE = "示例区信访局2021年预算收入比2020年增加多少？"


def build_store(folder: Path) -> Path:
    from budgetqa.core.settings import Settings
    from budgetqa.ingest.pipeline import Ingestor

    store = folder / "store"
    results = Ingestor(Settings(store=store, embedding_model="hash")).ingest([REPO / "samples" / "corpus"])
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"ingestion failed: {[r.error for r in failed]}")
    return store


def full_mode(url: str, out: Path) -> None:
    with chromium(1280, 1000) as page:
        page.goto(url)
        wait_app_ready(page)
        page.screenshot(path=str(out / "start.png"))
        ask(page, Q_FUND, "80")
        ask(page, Q_FOLLOW, "75")
        page.screenshot(path=str(out / "chat.png"))
    with chromium(1280, 1500) as page:
        page.goto(url)
        wait_app_ready(page)
        ask(page, Q_PDF, "12.6")
        message = page.locator('[data-testid="stChatMessage"]').last
        message.locator('[data-testid="stExpander"] summary').first.click()
        message.locator('[data-testid="stImage"] img, [data-testid="stFullScreenFrame"] img').first.wait_for(
            timeout=20000)
        wait_idle(page)
        page.wait_for_timeout(600)  # the expander's opening animation
        message.scroll_into_view_if_needed()
        message.screenshot(path=str(out / "citation.png"))
    with chromium(1280, 1300) as page:
        page.goto(url)
        wait_app_ready(page)
        ask(page, Q_COMPARE, "12.41")
        message = page.locator('[data-testid="stChatMessage"]').last
        message.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(
            timeout=20000)
        page.wait_for_timeout(500)
        message.screenshot(path=str(out / "compare.png"))
    with chromium(1400, 900) as page:
        for name in ("facts", "documents", "upload", "audit"):
            page.goto(f"{url}/{name}")
            wait_app_ready(page)
            wait_grids(page)
            page.screenshot(path=str(out / f"{name}.png"))


def kiosk_mode(url: str, out: Path) -> None:
    with chromium(1080, 1300) as page:
        page.goto(url)
        wait_app_ready(page)
        ask(page, Q_FUND, "80")
        page.screenshot(path=str(out / "kiosk.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--store", type=Path, help="an existing store (default: ingest samples/corpus)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(Path(tmp))
        env = {"BUDGETQA_STORE": str(store), "BUDGETQA_EMBEDDING_MODEL": "hash", "BUDGETQA_MODE": "full"}
        with serve(env, log_path=Path(tmp) / "full.log") as url:
            full_mode(url, args.out)
        with serve({**env, "BUDGETQA_MODE": "kiosk"}, log_path=Path(tmp) / "kiosk.log") as url:
            kiosk_mode(url, args.out)
    for png in sorted(args.out.glob("*.png")):
        log.info("wrote %s", png.relative_to(REPO) if png.is_relative_to(REPO) else png)


if __name__ == "__main__":
    main()
