"""The few exception types of budgetqa. Messages are turned into friendly text only at the edges."""
from __future__ import annotations


class BudgetQAError(Exception):
    """Base class: everything budgetqa raises on purpose."""


class IngestError(BudgetQAError):
    """A file could not be ingested. Names the file and says what to do."""

    def __init__(self, path: str, problem: str, hint: str = ""):
        self.path = path
        self.problem = problem
        self.hint = hint
        msg = f"{path}: {problem}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class StoreError(BudgetQAError):
    """The store is unusable as configured (e.g. queried with another embedding model)."""


class ConfigError(BudgetQAError):
    """A setting is wrong (unknown model, missing prompt placeholder, ...)."""
