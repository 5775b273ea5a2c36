"""The kiosk load test, small: concurrent sessions over Streamlit's websocket on loopback, each from its own
client address (proxy header); the limits hold, answers are right, and the figures are reported."""
from __future__ import annotations

import pytest

from budgetqa.ingest.pipeline import Ingestor
from budgetqa.webui.loadtest import run_load_test
from tests.conftest import REPO


@pytest.mark.slow
def test_kiosk_under_load_keeps_its_limits(settings):
    assert all(r.ok for r in Ingestor(settings).ingest([REPO / "samples" / "corpus"]))
    limited = settings.model_copy(update={"kiosk_rate_limit_per_min": 3, "kiosk_global_rate_limit_per_min": 8})
    report = run_load_test(limited, sessions=4, seconds=8, pause_s=0.3, max_requests=12)
    assert report.errors == 0, report.summary()
    assert report.requests >= 12 and report.answered + report.refused_client + report.refused_overall == report.requests
    assert report.correct == report.answered > 0
    assert report.max_answered_per_client_60s <= 3 and report.max_answered_60s <= 8 - 1  # the warm-up used one
    assert report.refused_client + report.refused_overall > 0 and report.limits_held
    assert report.p95_ms > 0 and report.server_peak_rss_mb > 0
