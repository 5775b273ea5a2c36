"""`budgetqa refit`: rebuild the ranking training data from labelled question sets over a store, fit the
weights (`ranking_fit`), report held-out accuracy per fold beside the hand-set weights, and write the weights
file with a header saying when, on which sets, and how well.

    report = run_refit(engine, [Path('dev.jsonl'), ...], settings)
    print(format_fit(report)); write_weights(report.weights, data_path())
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

from budgetqa.core.errors import BudgetQAError
from budgetqa.core.ranking_weights import RankingWeights
from budgetqa.core.settings import Settings
from budgetqa.evaluation.ranking_data import collect_groups
from budgetqa.evaluation.ranking_fit import FitReport, refit
from budgetqa.evaluation.scoring import load_items

log = logging.getLogger(__name__)

_REPO = Path(__file__).resolve().parents[2]
_FORBIDDEN = "heldout"  # held-aside sets estimate accuracy on unseen questions: never trained on


def default_sets(settings: Settings) -> list[Path]:
    """The development sets of a checkout: ../shared/eval/dev*.jsonl and tests/data/eval_extra.jsonl."""
    shared = settings.shared_dir or _REPO.parent / "shared"
    paths = [shared / "eval" / "dev.jsonl", shared / "eval" / "dev2.jsonl", _REPO / "tests" / "data" / "eval_extra.jsonl"]
    return [p for p in paths if p.is_file()]


def check_sets(paths: list[Path]) -> None:
    if not paths:
        raise BudgetQAError("没有可用的标注题集：请用 --sets 指定 jsonl 文件")
    for p in paths:
        if _FORBIDDEN in p.name.lower():
            raise BudgetQAError(f"{p}：留出集只用于估计，不能用来拟合权重")
        if not p.is_file():
            raise BudgetQAError(f"{p}：文件不存在")


def run_refit(engine, paths: list[Path], settings: Settings, prior: str = "hand",
              on_item: Callable[[dict], None] | None = None) -> FitReport:
    check_sets(paths)
    groups = []
    for p in paths:
        try:
            items = load_items(p)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise BudgetQAError(f"{p}：无法读取（{exc}）") from None
        groups += collect_groups(engine, items, p.name, on_item=on_item)
    if not groups:
        raise BudgetQAError("题集中没有能区分对错候选的排序：无法拟合（检查库中是否已导入题集所问的文件）")
    info = {"fitted": dt.date.today().isoformat(), "sets": [p.name for p in paths]}
    return refit(groups, c=settings.refit_c, k=settings.refit_folds, max_pairs=settings.refit_max_pairs,
                 seed=settings.refit_seed, info=info, prior=prior)


def format_fit(report: FitReport) -> str:
    lines = [f"训练数据：{report.questions} 题，{report.rankings} 个排序，{report.pairs} 个（对，错）候选对",
             "留出折（按题划分，拟合时未见）：",
             "  折  题数  排序数  拟合权重 top-1  手设权重 top-1  拟合成对正确率  手设成对正确率"]
    for f in report.folds:
        lines.append(f"  {f.fold:>2}  {f.questions:>4}  {f.rankings:>6}  {f.fitted_right:>8}/{f.rankings:<5}"
                     f"  {f.hand_right:>8}/{f.rankings:<5}  {f.fitted_pairs:>14.1%}  {f.hand_pairs:>14.1%}")
    total, fitted, hand = report.totals()
    info = report.weights.info
    lines.append(f"合计留出 top-1：拟合 {fitted}/{total}，手设 {hand}/{total}；成对正确率：拟合 "
                 f"{info['heldout_pairs_fitted']:.1%}，手设 {info['heldout_pairs_hand_set']:.1%}")
    lines.append(f"全部数据拟合后训练集 top-1：{info['train_top1_fitted']}")
    lines.append("权重：" + "，".join(f"{k}={v:+.2f}" for k, v in report.weights.weights.items()))
    return "\n".join(lines)


def write_weights(rw: RankingWeights, path: Path) -> None:
    """Replace the weights file in one step (a temporary file renamed over it)."""
    info = rw.info
    header = (f"# Ranking weights of candidate facts (features: answering/features.py), written by `budgetqa refit`.\n"
              f"# fitted {info.get('fitted')} on {', '.join(info.get('sets', []))}; held-out top-1 (question-grouped "
              f"folds): fitted {info.get('heldout_top1_fitted')}, hand-set {info.get('heldout_top1_hand_set')}.\n")
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(rw.to_yaml(header), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BudgetQAError(f"{path}：无法写入权重文件（{exc.strerror or exc}）") from None
