"""Fitting the ranking weights: a pairwise logistic regression (scipy L-BFGS) on the rankings of labelled
questions (`ranking_data.Group`): for each ranking, every (right, wrong) candidate pair says the right one
should score higher, so P(a beats b) = sigmoid(w·(x_a - x_b)). No intercept (only differences within one
ranking matter), L2 regularisation (`Settings.refit_c`) toward a prior: the hand-set weights rescaled to the
logit scale (`prior='hand'`, the default: a feature seen in one question only, a subject code or a previous-year
column, keeps its known direction) or zero (`prior='zero'`). Each question weighs the same however many
rankings and candidates it has, so no single question is memorised.

Accuracy is top-1 over rankings of questions the fit did not see (question-grouped K-fold), beside the
hand-set weights on the same rankings. Margins (how far below the best a close candidate may score) keep the
meaning they had on the hand-set scale: a one-parameter fit of the hand-set score difference gives the logit
per hand-set point, and the margins are scaled by it.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from budgetqa.answering.features import FEATURE_NAMES
from budgetqa.core.ranking_weights import Margins, RankingWeights
from budgetqa.evaluation.ranking_data import Group

log = logging.getLogger(__name__)

# The weights answering used before they were fitted: the baseline the fitted ones are compared with.
HAND_SET = RankingWeights(
    weights={"item_hits": 3.0, "label_sim": 2.0, "change_clause": -1.0, "code_hit": 4.0, "code_miss": -3.0,
             "column_asked": 0.5, "count_column": 2.0, "column_unasked": -1.5, "previous_match": 1.5,
             "previous_miss": -0.5, "previous_unasked": -2.0, "count_match": 2.5, "count_mismatch": -3.0,
             "count_unasked": -2.0, "percent_unasked": -1.5, "unit_match": 0.3, "kind_hint_match": 0.8,
             "kind_hint_mismatch": -0.8, "department_doc": 0.3, "blank": -0.5},
    margins=Margins(conflict=0.3, promote=1.5, corroborate=3.0),
)


@dataclass
class FoldResult:
    fold: int
    questions: int
    rankings: int
    fitted_right: int
    hand_right: int
    fitted_pairs: float  # held-out (right, wrong) pairs put in the right order, each question weighing the same
    hand_pairs: float


@dataclass
class FitReport:
    weights: RankingWeights
    folds: list[FoldResult] = field(default_factory=list)
    rankings: int = 0
    questions: int = 0
    pairs: int = 0

    def totals(self) -> tuple[int, int, int]:
        """(held-out rankings, fitted top-1 right, hand-set top-1 right) over all folds."""
        return (sum(f.rankings for f in self.folds), sum(f.fitted_right for f in self.folds),
                sum(f.hand_right for f in self.folds))


def top1_right(group: Group, rw: RankingWeights) -> bool:
    """The candidate the weights put first (ties as `select.rank` breaks them) is a right one."""
    w = np.array([rw.weights.get(n, 0.0) for n in FEATURE_NAMES])
    scores = np.asarray(group.vectors) @ w
    best = min(range(len(scores)), key=lambda i: (-round(float(scores[i]), 6), group.ties[i]))
    return group.labels[best]


def pair_accuracy(groups: list[Group], rw: RankingWeights) -> float:
    """Share of (right, wrong) candidate pairs the weights order rightly (a tie counts half); each question
    weighs the same."""
    w = np.array([rw.weights.get(n, 0.0) for n in FEATURE_NAMES])
    per_question: dict[str, list[float]] = defaultdict(list)
    for g in groups:
        s = np.asarray(g.vectors) @ w
        y = np.asarray(g.labels)
        diff = np.round(s[y][:, None] - s[~y][None, :], 6)
        per_question[g.question_id].append(float(np.mean((diff > 0) + 0.5 * (diff == 0))))
    return float(np.mean([np.mean(v) for v in per_question.values()])) if per_question else 0.0


def _pairs(groups: list[Group], max_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Difference vectors (right - wrong) and their weights: each question sums to 1."""
    rng = np.random.default_rng(seed)
    per_question = Counter(g.question_id for g in groups)
    diffs, weights = [], []
    for g in groups:
        x = np.asarray(g.vectors, dtype=float)
        pos = [i for i, y in enumerate(g.labels) if y]
        neg = [i for i, y in enumerate(g.labels) if not y]
        pairs = [(p, n) for p in pos for n in neg]
        if len(pairs) > max_pairs:
            pairs = [pairs[i] for i in sorted(rng.choice(len(pairs), max_pairs, replace=False))]
        d = np.array([x[p] - x[n] for p, n in pairs])
        keep = np.any(d != 0, axis=1)  # identical features teach nothing
        if keep.any():
            diffs.append(d[keep])
            weights.append(np.full(int(keep.sum()), 1.0 / (len(pairs) * per_question[g.question_id])))
    if not diffs:
        return np.zeros((0, len(FEATURE_NAMES))), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


def _logistic(d: np.ndarray, w: np.ndarray, c: float, prior: np.ndarray | None = None) -> np.ndarray:
    """argmin_b  c * sum_i w_i * log(1 + exp(-d_i . b)) + |b - prior|^2 / 2  (L-BFGS, deterministic).
    The weights are rescaled to mean 1, so `c` means the same whatever the number of pairs."""
    from scipy.optimize import minimize

    w = w * (len(w) / w.sum())
    prior = np.zeros(d.shape[1]) if prior is None else prior

    def loss(b: np.ndarray) -> tuple[float, np.ndarray]:
        m = d @ b
        value = c * float(w @ np.logaddexp(0.0, -m)) + 0.5 * float((b - prior) @ (b - prior))
        grad = -c * (d.T @ (w * _sigmoid(-m))) + (b - prior)
        return value, grad

    res = minimize(loss, prior.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 5000, "gtol": 1e-10})
    return res.x


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def fit_weights(groups: list[Group], c: float, max_pairs: int, seed: int, info: dict | None = None,
                prior: str = "hand") -> RankingWeights:
    """Fitted weights; `prior` 'hand' shrinks toward the hand-set weights (on the logit scale), 'zero' toward 0."""
    d, w = _pairs(groups, max_pairs, seed)
    if len(d) == 0:
        raise ValueError("no ranking holds both a right and a wrong candidate: nothing to fit")
    hand = np.array([HAND_SET.weights[n] for n in FEATURE_NAMES])
    scale = float(_logistic((d @ hand)[:, None], w, c)[0])  # logit per hand-set point
    scale = scale if scale > 0 else 1.0
    coef = _logistic(d, w, c, prior=hand * scale if prior == "hand" else None)
    m = HAND_SET.margins
    margins = Margins(m.conflict * scale, m.promote * scale, m.corroborate * scale)
    return RankingWeights({n: float(v) for n, v in zip(FEATURE_NAMES, coef)}, margins,
                          {**(info or {}), "logit_per_hand_point": round(scale, 6), "prior": prior})


def folds_of(groups: list[Group], k: int) -> list[set[str]]:
    """Questions split into k folds, deterministic: sorted by id, dealt round robin."""
    questions = sorted({g.question_id for g in groups})
    k = max(2, min(k, len(questions)))
    out: list[set[str]] = [set() for _ in range(k)]
    for i, q in enumerate(questions):
        out[i % k].add(q)
    return out


def refit(groups: list[Group], c: float, k: int, max_pairs: int, seed: int, info: dict | None = None,
          prior: str = "hand") -> FitReport:
    """Held-out top-1 per fold (fitted beside hand-set), then the weights fitted on every ranking."""
    report = FitReport(weights=HAND_SET, rankings=len(groups), questions=len({g.question_id for g in groups}))
    report.pairs = len(_pairs(groups, max_pairs, seed)[0])
    for n, held in enumerate(folds_of(groups, k), 1):
        train = [g for g in groups if g.question_id not in held]
        test = [g for g in groups if g.question_id in held]
        rw = fit_weights(train, c, max_pairs, seed, prior=prior)
        report.folds.append(FoldResult(n, len(held), len(test), sum(top1_right(g, rw) for g in test),
                                       sum(top1_right(g, HAND_SET) for g in test),
                                       pair_accuracy(test, rw), pair_accuracy(test, HAND_SET)))
    total, fitted, hand = report.totals()
    report.weights = fit_weights(groups, c, max_pairs, seed, info, prior=prior)
    train_right = sum(top1_right(g, report.weights) for g in groups)
    report.weights.info.update({
        "rankings": len(groups), "questions": report.questions, "pairs": report.pairs, "C": c, "folds": len(report.folds),
        "heldout_top1_fitted": f"{fitted}/{total}", "heldout_top1_hand_set": f"{hand}/{total}",
        "train_top1_fitted": f"{train_right}/{len(groups)}",
        "heldout_pairs_fitted": round(float(np.mean([f.fitted_pairs for f in report.folds])), 4),
        "heldout_pairs_hand_set": round(float(np.mean([f.hand_pairs for f in report.folds])), 4),
    })
    return report

