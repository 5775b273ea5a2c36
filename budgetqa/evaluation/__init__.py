"""Evaluation over gold question sets (see `budgetqa.evaluation.scoring` for the item format and outcomes)."""
from budgetqa.evaluation.report import SHOW_CHOICES, format_report, format_reports, reports_json
from budgetqa.evaluation.scoring import (
    KIND_CHECKS,
    OUTCOMES,
    EvalReport,
    ItemResult,
    load_items,
    merge_reports,
    run_eval,
    score_item,
)

__all__ = ["KIND_CHECKS", "OUTCOMES", "SHOW_CHOICES", "EvalReport", "ItemResult", "format_report", "format_reports",
           "load_items", "merge_reports", "reports_json", "run_eval", "score_item"]
