"""Nothing crashes on a question: random mixes of Chinese text, digits, Chinese numerals, punctuation, full-width
characters and ASCII, asked alone and as follow-ups in a conversation, always give a valid Answer.

The store is the bundled sample corpus with the 'hash' embedder, ingested once for the module. The examples are
bounded (max_examples, no deadline) so the property runs in well under a minute.
"""
from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from budgetqa.answering.conversation import Session
from budgetqa.answering.engine import Engine
from budgetqa.core.records import Answer, Citation, Status
from budgetqa.core.settings import Settings

CORPUS = Path(__file__).resolve().parents[1] / "samples" / "corpus"

STATUSES = set(typing.get_args(Status))

# words a user of these documents types: organisations (full and short), years, items, codes, question words
WORDS = [
    "示例区信访局", "示例区", "信访局", "商务委", "示例区商务委员会", "鹿泉区信访局", "普陀区", "财政局", "社工部",
    "2020年", "2021年", "21年", "今年", "去年", "上年", "近三年", "近十年", "近两年", "二〇二一年", "年底", "上年末",
    "三公经费", "“三公”经费", "机关运行经费", "基本支出", "项目支出", "收入预算", "支出预算", "决算", "预算", "执行数",
    "年初预算", "2010308", "30208", "201", "人员经费", "公用经费", "政府采购", "固定资产", "车辆", "科室",
    "是多少", "多少万元", "多少元", "几辆", "多少件", "占比", "占多少比例", "比上年增加了多少", "增长率", "百分之几",
    "有哪些", "为什么", "用于什么", "职责", "最多", "排名前三", "历年变化", "合计", "和", "比", "那", "它的", "呢",
    "截至", "共有", "一共", "分别", "对比", "差多少", "加起来",
]
CN_NUMERALS = "零〇一二两三四五六七八九十百千万亿廿卅点"
PUNCT = "，。？！、；：（）“”‘’《》【】—…·,.?!;:()[]{}<>/\\|-_+=*&^%$#@~`'\"％＋－＝　 \t\n"
FULL_WIDTH = "０１２３４５６７８９ＡＢＣａｂｃ％．，"
ASCII = "abcXYZ0123456789 "

fragment = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=CN_NUMERALS, min_size=1, max_size=4),
    st.text(alphabet=CN_NUMERALS + "年月日底末期", min_size=1, max_size=5),
    st.integers(min_value=-10, max_value=10**12).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=10**9).map(str),
    st.text(alphabet=PUNCT, min_size=1, max_size=3),
    st.text(alphabet=FULL_WIDTH, min_size=1, max_size=4),
    st.text(alphabet=ASCII, min_size=1, max_size=6),
    st.text(min_size=1, max_size=3),  # anything at all, controls and astral characters included
)
ORGS = ["示例区信访局", "示例区商务委员会", "商务委", "信访局", "鹿泉区信访局", "", "它的", "那"]
ITEMS = ["三公经费", "机关运行经费", "基本支出", "收入预算", "公务用车", "科室", "固定资产", "信访专项经费", ""]
ASKS = ["是多少？", "多少万元", "几辆", "占比多少", "比上年增加了多少？", "有哪些", "为什么增加", "呢", "变化趋势", ""]
# a time phrase built around a numeral: '近十年', '最近廿年', '前两年', '十年前', '二〇二一年', '21年底'
numeral = st.one_of(st.sampled_from(["十", "两", "廿", "十五", "二十", "三", "一百", "千", "0", "10", "１２"]),
                    st.text(alphabet=CN_NUMERALS + "0123456789０１２", min_size=1, max_size=3))
time_phrase = st.tuples(st.sampled_from(["近", "最近", "前", "第", ""]), numeral,
                        st.sampled_from(["年", "年前", "年底", "名", "个"])).map("".join)
templated = st.tuples(st.sampled_from(ORGS), time_phrase, st.sampled_from(ITEMS), st.sampled_from(ASKS)).map("".join)
question = st.one_of(templated, st.lists(fragment, min_size=0, max_size=8).map("".join))


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    from budgetqa.ingest.pipeline import Ingestor

    settings = Settings(store=tmp_path_factory.mktemp("robust") / "store", embedding_model="hash")
    results = Ingestor(settings).ingest([CORPUS])
    assert all(r.ok for r in results), [r.error for r in results]
    return Engine(settings)


def _valid(answer, asked: str) -> None:
    assert isinstance(answer, Answer), asked
    assert answer.status in STATUSES, asked
    assert isinstance(answer.answer, str) and answer.answer.strip(), asked
    assert all(isinstance(c, Citation) for c in answer.citations), asked
    json.dumps(answer.to_json(), ensure_ascii=False, default=str)


@hsettings(max_examples=150, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(turns=st.lists(question, min_size=1, max_size=3))
def test_any_question_gets_a_valid_answer(engine, turns):
    session = Session()
    for q in turns:
        _valid(engine.ask(q), q)  # alone
        _valid(engine.ask(q, session=session), q)  # as a turn of a conversation


# --- regressions: crashes the property found ----------------------------------------------------

@pytest.mark.parametrize("q", [
    "鹿泉区信访局近十年的三公经费",
    "示例区信访局近十年的三公经费",
])
def test_regressions(engine, q):
    _valid(engine.ask(q), q)
    s = Session()
    _valid(engine.ask("示例区信访局2021年三公经费是多少？", session=s), q)
    _valid(engine.ask(q, session=s), q)
