"""Floors, not 100% locks: the gold sets are answered over the whole shared corpus and the figures are read from
the eval report (right / wrong figure asserted / abstained). A set may lose a few items to abstention or an
incomplete list as answering changes; no set may assert a wrong figure.

The floors are the rates measured on this store (hash embedder); `budgetqa eval` prints the same report.
dev2.jsonl was written on disclosures nobody tuned for: its floor is what the current code measures, to be
raised as answering improves.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from budgetqa.evaluation import EvalReport, format_report, load_items, run_eval
from tests.conftest import DEV2_SET, DEV_SET

REPO = Path(__file__).resolve().parents[1]
EXTRA_SET = REPO / "tests" / "data" / "eval_extra.jsonl"

DEV_MIN_RIGHT = 0.95  # shared dev set: tuned on, must stay nearly whole
OWN_MIN_RIGHT = 0.90  # the project's own tuning set(s)
DEV2_MIN_RIGHT = 45  # a floor below the 47/48 measured on this store (hash embedder), never a 100% lock

SETS = {"dev": DEV_SET, "extra": EXTRA_SET, "dev2": DEV2_SET}


@pytest.fixture(scope="module")
def reports(shared_engine) -> dict[str, EvalReport]:
    """Each set answered once for the whole module."""
    cache: dict[str, EvalReport] = {}

    def get(name: str) -> EvalReport:
        if name not in cache:
            cache[name] = run_eval(shared_engine, load_items(SETS[name]), name=SETS[name].name)
        return cache[name]

    return get


def _explain(report: EvalReport) -> str:
    return format_report(report, show="failed")


@pytest.mark.parametrize("name, floor", [("dev", DEV_MIN_RIGHT), ("extra", OWN_MIN_RIGHT)])
def test_tuning_sets_stay_above_their_floor(reports, name, floor):
    report = reports(name)
    n, right = report.accuracy
    assert n == len(load_items(SETS[name]))
    assert right / n >= floor, _explain(report)
    assert report.outcomes()["error"] == 0, _explain(report)


@pytest.mark.parametrize("name", ["dev", "extra"])
def test_tuning_sets_assert_no_wrong_figure(reports, name):
    report = reports(name)
    assert report.outcomes()["wrong"] == 0, _explain(report)


def test_dev2_stays_above_its_measured_floor(reports):
    report = reports("dev2")
    assert report.outcomes()["right"] >= DEV2_MIN_RIGHT, _explain(report)
    assert report.outcomes()["error"] == 0, _explain(report)


def test_dev2_asserts_no_wrong_figure(reports):
    report = reports("dev2")
    assert report.outcomes()["wrong"] == 0, _explain(report)
