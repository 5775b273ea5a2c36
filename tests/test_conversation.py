"""Follow-up questions resolved from the conversation, without an LLM."""
from __future__ import annotations

import pytest

from budgetqa.answering.conversation import Session
from budgetqa.answering.engine import Engine
from budgetqa.core.settings import Settings
from tests.answering_fixtures import build_store


@pytest.fixture
def engine(tmp_path):
    store = build_store(tmp_path / "x.sqlite")
    eng = Engine(Settings(store=tmp_path, embedding_model="hash"), store=store)
    eng._retriever_failed = True  # hand-built store: passages come from the chunk scan
    return eng


def test_three_turn_conversation(engine):
    s = Session()
    a1 = engine.ask("鹿泉区信访局2021年取暖费预算是多少？", session=s)
    assert a1.status == "answered" and "7.09万元" in a1.answer

    a2 = engine.ask("那它的三公经费呢", session=s)  # same organisation and year, new item
    assert a2.status == "answered" and "3.7万元" in a2.answer
    assert a2.interpretation.startswith("理解为：石家庄市鹿泉区信访局本级 2021年 三公经费")
    assert "沿用上一问" in a2.interpretation

    a3 = engine.ask("和广阳区比呢", session=s)  # compare with another organisation
    assert a3.status == "answered" and a3.computed
    assert [f.org for f in a3.facts] == ["石家庄市鹿泉区信访局本级", "廊坊市广阳区信访局"]
    assert "1.51万元" in a3.answer and "（计算结果）" in a3.answer


def test_new_year_same_org_and_item(engine):
    s = Session()
    engine.ask("广阳区信访局2022年机关运行经费是多少", session=s)
    a = engine.ask("那2019年呢？", session=s)
    assert a.status == "not_found"  # the corpus has no 2019 document: never the 2022 figure
    assert "2019" in a.interpretation and "机关运行经费" in a.interpretation


def test_other_org_and_year(engine):
    s = Session()
    engine.ask("鹿泉区信访局2021年机关运行经费是多少", session=s)
    a = engine.ask("广阳区信访局2022年的呢？", session=s)
    assert a.status == "answered" and "28.47万元" in a.answer


def test_a_full_question_is_not_bent_by_the_previous_turn(engine):
    s = Session()
    engine.ask("鹿泉区信访局2021年取暖费是多少", session=s)
    a = engine.ask("普陀区商务委2025年收入预算是多少？", session=s)
    assert a.status == "answered" and a.citations[0].doc == "shangwu2025.pdf"


def test_unknown_org_is_never_replaced_by_the_previous_one(engine):
    s = Session()
    engine.ask("鹿泉区信访局2021年三公经费是多少", session=s)
    a = engine.ask("上海市信访办的呢？", session=s)
    assert a.status == "not_found" and not a.facts


def test_idle_session_expires():
    s = Session()
    s.turns.append(object())  # type: ignore[arg-type]
    s.last_active -= 1000
    assert s.expire(180) and s.turns == []
