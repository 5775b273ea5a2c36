"""`budgetqa refit`: training rankings from the labelled dev sets over the shared corpus, a deterministic fit,
held-out accuracy per question-grouped fold, and fitted weights that keep every eval floor with no wrong
figure."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetqa.answering.select import using_weights
from budgetqa.core.errors import BudgetQAError
from budgetqa.core.settings import Settings
from budgetqa.evaluation import load_items, run_eval
from budgetqa.evaluation.ranking_data import collect_groups, is_right, target_of
from budgetqa.evaluation.ranking_fit import HAND_SET, folds_of, refit
from budgetqa.evaluation.refit import check_sets
from tests.answering_fixtures import fact
from tests.test_eval_floors import DEV2_MIN_RIGHT, DEV_MIN_RIGHT, OWN_MIN_RIGHT, SETS

SETTINGS = Settings(store=Path("unused"))


@pytest.fixture(scope="module")
def groups(shared_engine):
    out = []
    for path in SETS.values():
        out += collect_groups(shared_engine, load_items(path), path.name)
    return out


def _fit(groups):
    return refit(groups, c=SETTINGS.refit_c, k=SETTINGS.refit_folds, max_pairs=SETTINGS.refit_max_pairs,
                 seed=SETTINGS.refit_seed)


def test_training_rankings_hold_right_and_wrong_candidates(groups):
    assert len({g.question_id for g in groups}) >= 20
    assert all(g.informative for g in groups)
    assert {g.set_name for g in groups} == {p.name for p in SETS.values()}


def test_folds_split_by_question(groups):
    folds = folds_of(groups, 5)
    assert len(folds) == 5 and set().union(*folds) == {g.question_id for g in groups}
    assert sum(len(f) for f in folds) == len(set().union(*folds))  # no question in two folds


def test_refit_is_deterministic_and_keeps_the_floors(shared_engine, groups):
    first, second = _fit(groups), _fit(groups)
    assert first.weights.weights == second.weights.weights
    assert first.weights.margins == second.weights.margins
    total, fitted, hand = first.totals()
    assert total == len(groups)
    info = first.weights.info
    # on questions the fit did not see, the fitted weights order (right, wrong) pairs at least as well
    assert info["heldout_pairs_fitted"] >= info["heldout_pairs_hand_set"]
    assert fitted >= hand - 1
    with using_weights(first.weights):
        reports = {name: run_eval(shared_engine, load_items(path), name=path.name) for name, path in SETS.items()}
    for name, report in reports.items():
        assert report.outcomes()["wrong"] == 0, name
        assert report.outcomes()["error"] == 0, name
    n, right = reports["dev"].accuracy
    assert right / n >= DEV_MIN_RIGHT
    n, right = reports["extra"].accuracy
    assert right / n >= OWN_MIN_RIGHT
    assert reports["dev2"].outcomes()["right"] >= DEV2_MIN_RIGHT


def test_labels_follow_the_gold_figure_document_and_operands():
    item = {"kind": "compare", "doc": "a.pdf", "question": "q", "gold": {"value": 53.87, "unit": "万元"},
            "note": "年初预算2993.92万元，支出决算2940.05万元。计算：【2993.92】-【2940.05】=53.87"}
    target = target_of(item)
    assert target.operands == (Decimal("2993.92"), Decimal("2940.05"))
    operand = fact("d" * 64, "一般公共预算财政拨款支出", "2,993.92")
    in_yuan = fact("d" * 64, "一般公共预算财政拨款支出", "29,939,200.00", unit="元")
    other = fact("d" * 64, "一般公共预算财政拨款支出", "2,993.93")
    change = fact("d" * 64, "差额", "-53.87")
    assert is_right(operand, target, "a.pdf") and is_right(in_yuan, target, "a.pdf")
    assert is_right(change, target, "a.pdf")  # a compare answer is signless
    assert not is_right(other, target, "a.pdf")
    assert not is_right(operand, target, "b.pdf")  # another document
    assert target_of({"kind": "list", "gold": {"items": ["x"]}}) is None
    assert target_of({"kind": "lookup", "question": "q", "gold": {"value": 3, "unit": "件"}}).operands == ()


def test_held_aside_sets_are_never_fitted_on(tmp_path):
    held = tmp_path / "eval_heldout9.jsonl"
    held.write_text("", encoding="utf-8")
    with pytest.raises(BudgetQAError, match="留出集"):
        check_sets([held])
    with pytest.raises(BudgetQAError, match="不存在"):
        check_sets([tmp_path / "missing.jsonl"])


def test_hand_set_baseline_names_every_feature():
    from budgetqa.answering.features import FEATURE_NAMES

    assert set(HAND_SET.weights) == set(FEATURE_NAMES)


def test_refit_command_refuses_a_held_aside_set(tmp_path, capsys):
    from budgetqa.cli import main

    held = tmp_path / "eval_heldout9.jsonl"
    held.write_text("", encoding="utf-8")
    out = tmp_path / "w.yaml"
    assert main(["--store", str(tmp_path / "s"), "refit", "--sets", str(held), "--out", str(out)]) == 2
    assert "留出集" in capsys.readouterr().err and not out.exists()


def test_refit_command_writes_the_weights_it_reports(shared_engine, tmp_path, capsys):
    from budgetqa.cli import main
    from budgetqa.core.ranking_weights import parse_ranking_weights

    out = tmp_path / "w.yaml"
    store = shared_engine.settings.store
    assert main(["--store", str(store), "--embedding-model", "hash", "refit", "--sets", str(SETS["dev"]),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "合计留出 top-1" in printed and str(out) in printed
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Ranking weights") and "dev.jsonl" in text.splitlines()[1]
    rw = parse_ranking_weights(text, str(out))
    assert rw.info["sets"] == ["dev.jsonl"] and rw.info["heldout_top1_fitted"]
