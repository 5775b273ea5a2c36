"""Consistency audit of budget disclosures: declared rules over the fact store, findings with citations.

    from budgetqa.audit import run_audit, cached_audit, findings_for_facts, notice_for
    findings = run_audit(store)                     # all stored documents (or doc_names=['004', ...])
    mine = findings_for_facts(cached_audit(store), [f.fact_id for f in answer_facts])
    notice = notice_for(mine)                       # '注意：该文件中“三公”经费（32.78万元）与分项之和…' or ''

Rules are declared in audit/rules.py (id, Chinese description, severity 确定/疑似/提示, tolerance) and
implemented in audit/checks_*.py. CLI: audit/command.py (`budgetqa audit`); precision/recall over labelled
cases: `python -m budgetqa.audit.measure [--perturb N]` (labels in tests/data/audit_labels.yaml).
"""
from budgetqa.audit.export import write as export
from budgetqa.audit.findings import Finding, findings_for_facts, group_by_doc, notice_for, to_json
from budgetqa.audit.rules import RULES, Rule
from budgetqa.audit.runner import audit_document, audit_facts, cached_audit, cached_doc_audit, run_audit

__all__ = [
    "Finding", "RULES", "Rule", "audit_document", "audit_facts", "cached_audit", "cached_doc_audit", "export", "findings_for_facts",
    "group_by_doc", "notice_for", "run_audit", "to_json",
]
