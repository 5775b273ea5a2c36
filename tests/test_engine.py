"""The engine: input validation, the `ask --json` contract, and end to end over the shared corpus (the eval
sets' floors are in tests/test_eval_floors.py)."""
from __future__ import annotations

import json

import pytest

from budgetqa.answering.engine import Engine
from budgetqa.core.settings import Settings
from tests.answering_fixtures import build_store


@pytest.fixture
def small(tmp_path):
    eng = Engine(Settings(store=tmp_path, embedding_model="hash"), store=build_store(tmp_path / "x.sqlite"))
    eng._retriever_failed = True
    return eng


@pytest.mark.parametrize("question", ["", "   ", "？？？"])
def test_empty_question_is_refused(small, question):
    a = small.ask(question)
    assert a.status == "refused" and "请输入" in a.answer


def test_too_long_question_is_refused(small):
    a = small.ask("鹿泉区信访局" * 100)
    assert a.status == "refused" and "过长" in a.answer


def test_json_contract(small):
    data = small.ask("鹿泉区信访局2021年取暖费预算是多少？").to_json()
    json.dumps(data, ensure_ascii=False)  # serialisable as is
    assert {"question", "answer", "status", "facts", "citations", "interpretation", "mode"} <= set(data)
    assert data["status"] == "answered" and data["mode"] == "template"
    fact = data["facts"][0]
    assert {"org", "year", "item", "value", "unit", "value_wan", "citation"} <= set(fact)
    assert set(fact["citation"]) == {"doc", "page", "locator", "quote"}
    assert set(data["citations"][0]) == {"doc", "page", "locator", "quote"}


def test_empty_store_says_so(tmp_path):
    a = Engine(Settings(store=tmp_path / "empty", embedding_model="hash")).ask("三公经费是多少")
    assert a.status == "not_found"


def test_passage_answer_quotes_the_sentence_of_the_named_org(small):
    a = small.ask("鹿泉区信访局有哪些科室？")
    assert a.status == "answered"
    assert a.citations[0].doc == "luquan2021.txt" and a.citations[0].quote == "区信访局下设办公室、接待科两个科室。"


# --- end to end ----------------------------------------------------------------------------

def test_named_org_is_never_answered_from_another_document(shared_engine):
    a = shared_engine.ask("廊坊市委信访局的主要职责有哪些？")
    assert a.status == "answered"
    assert {c.doc for c in a.citations} == {"004_883ce0a57a2316ce.txt"}


def test_unit_budget_pdf_not_preferred_when_unspecified(shared_engine):
    a = shared_engine.ask("普陀区商务委2025年收入预算是多少？")
    assert a.citations[0].doc == "上海市普陀区商务委员会25年预算.pdf"
