"""The fitted weights that rank candidate facts (data in `data/ranking_weights.yaml`, written by `budgetqa refit`).

    from budgetqa.core.ranking_weights import get_ranking_weights
    rw = get_ranking_weights()          # loaded once per process
    rw.weights['item_hits']             # feature name -> weight (answering/features.py names the features)
    rw.margins.conflict                 # score gaps, in the same units, used by answering/select.py

The score of a candidate is the dot product of its features with `weights` (the fitted pairwise logit: the
probability that candidate a is the right figure rather than b is sigmoid(score(a) - score(b))). Margins say
how far below the best a candidate may score and still count as close (`conflict`), as a table cell to lead
instead of the sentence stating the same figure (`promote`), or as corroboration (`corroborate`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from budgetqa.core.errors import ConfigError

DATA_FILE = "data/ranking_weights.yaml"


@dataclass(frozen=True)
class Margins:
    conflict: float
    promote: float
    corroborate: float


@dataclass(frozen=True)
class RankingWeights:
    weights: dict[str, float]
    margins: Margins
    info: dict = field(default_factory=dict)  # how the weights were fitted (date, sets, held-out accuracy)

    def score(self, names: tuple[str, ...], vector: tuple[float, ...]) -> float:
        return sum(self.weights.get(n, 0.0) * v for n, v in zip(names, vector))

    def to_yaml(self, header: str = "") -> str:
        body = {"info": self.info, "weights": {k: round(v, 6) for k, v in self.weights.items()},
                "margins": {k: round(getattr(self.margins, k), 6) for k in ("conflict", "promote", "corroborate")}}
        return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def parse_ranking_weights(text: str, source: str) -> RankingWeights:
    """Read a weights file's text; a ConfigError names `source` and the problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("weights"), dict) or not isinstance(data.get("margins"), dict):
        raise ConfigError(f"{source}: needs the mappings 'weights' (feature -> number) and 'margins'")
    try:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        m = data["margins"]
        margins = Margins(float(m["conflict"]), float(m["promote"]), float(m["corroborate"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: a weight or margin is missing or not a number ({exc})") from None
    return RankingWeights(weights, margins, dict(data.get("info") or {}))


def data_path() -> Path:
    """Where the packaged weights file lives (refit writes it there in a checkout)."""
    return Path(str(resources.files("budgetqa.core").joinpath(DATA_FILE)))


@lru_cache(maxsize=1)
def get_ranking_weights() -> RankingWeights:
    ref = resources.files("budgetqa.core").joinpath(DATA_FILE)
    return parse_ranking_weights(ref.read_text(encoding="utf-8"), str(ref))
