"""Consistency audit of budget disclosures: declared rules over the fact store, findings with citations.

    from audit import run_audit, findings_for_facts, notice_for
    findings = run_audit(store)                     # all stored documents (or doc_names=[...])
    mine = findings_for_facts(findings, [f.fact_id for f in answer_facts])
    notice = notice_for(mine)                       # '注意：该文件中…' or ''
"""
from audit.findings import Finding, export, findings_for_facts, group_by_doc, notice_for, to_json
from audit.rules import RULES, Rule
from audit.runner import audit_document, audit_facts, cached_audit, run_audit

__all__ = [
    "Finding", "RULES", "Rule", "audit_document", "audit_facts", "cached_audit", "export", "findings_for_facts",
    "group_by_doc", "notice_for", "run_audit", "to_json",
]
