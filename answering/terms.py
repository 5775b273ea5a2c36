"""The question's words: what a quote must be about.

Organisation names of the corpus, years and question words are removed (an unresolved organisation-like phrase
stays); what is left is tokenized (vocabulary-aware jieba) into content words and bigrams, with the asked
direction ('为什么减少') and the asked attribute ('要达到什么目标' -> 目标).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.answering.question import ParsedQuestion
from budgetqa.retrieval.lexical import Tokenizer

_NOISE = re.compile(r"[\s\d０-９,，.。、；;：:（）()“”\"'‘’《》|｜%％\-—－/]+")
GENERIC = {"主要", "情况", "多少", "哪些", "什么", "是否", "说明", "有关", "相关", "部门", "单位", "预算", "年度"}


def bigrams(text: str) -> set[str]:
    out = set()
    for part in _NOISE.split(text):
        out.update(part[i:i + 2] for i in range(len(part) - 1))
    return out


# Question words and the words of the asked kind: not content ('为什么', '用于', '负责', '有哪些').
_QWORDS = re.compile(
    r"为什么|为何|为啥|什么原因|啥原因|的原因是什么|原因是什么|的原因|原因|何故|缘何|怎么会|理由|"
    r"是做什么用的|做什么用的|做什么用|是干什么的|干什么的|干什么|干嘛|做什么|什么用|用于什么|用于哪些方面|用于哪些|"
    r"用在哪些方面|用在哪里|用在哪|用在|用于|用途|用来|花在哪些方面|花在哪里|花在哪|花在|花到|哪些方面|什么方面|"
    r"主要职责|主要职能|职责|职能|负责|主管|承担|是什么性质的|什么性质的|什么性质|性质|介绍|简介|概况|"
    r"有哪些|有哪几|包括哪些|包含哪些|哪几个|哪几项|哪些|列出|列举|分别是什么|都有什么|包括什么|包括|"
    r"是什么|指什么|什么是|是指|什么意思|含义|定义|什么|如何|怎样|怎么|多少|请问|告诉我|我想知道|"
    r"吗|呢|吧|那么多|那么|这么多|主要|具体|分别|方面|要达到|达到|一下|了"
)
GENERIC_N = GENERIC | {"工作", "内容", "哪个", "有关", "是否", "方面", "问题", "为了", "要求", "我们", "它们"}
_UP = re.compile(r"多|增|涨|高|升|翻倍|翻番|扩大")
_DOWN = re.compile(r"少|减|降|低|压缩|缩")
_UP_WORDS = ("增加", "增长", "上升", "提高", "增幅", "翻倍", "新增", "扩大")
_DOWN_WORDS = ("减少", "下降", "降低", "压减", "缩减", "减幅", "压缩", "节约")


_TOKENIZER = None


def tokenize(text: str) -> list[str]:
    """The retrieval tokenizer's tokens (budgetqa.retrieval.lexical.Tokenizer, one instance per process)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = Tokenizer()
    return _TOKENIZER.tokenize(text)


_tokenize = tokenize


def content_text(pq: ParsedQuestion) -> str:
    """The question without organisation names, its own years and question words: what the answer is about."""
    text = pq.text
    for m in sorted(_named(pq), key=lambda m: -len(m.text)):
        text = text.replace(m.text, " ")
    text = re.sub(r"(?:19|20)\d{2}\s*(?:年度|年)?", lambda m: " " + m.group(0)[:4] + " ", text)
    text = _QWORDS.sub(" ", text)
    return re.sub(r"[？?！!。，,、；;：:\s]+", " ", text).strip()


@dataclass
class Terms:
    words: list[str]  # content words
    years: list[str]  # years named in the question (weak words)
    grams: set[str]  # content bigrams
    direction: tuple[str, ...] = ()  # words of the asked direction ('为什么减少' -> 减少/下降/...)
    focus: tuple[str, ...] = ()  # the asked attribute ('要达到什么目标' -> 目标), weighted double
    gate: tuple[str, ...] = ()  # every word of the question's content (generic ones too): a quote holds one

    @property
    def empty(self) -> bool:
        return not self.words and not self.grams


def question_terms(pq: ParsedQuestion) -> Terms:
    text = content_text(pq)
    years = sorted(set(re.findall(r"(?:19|20)\d{2}", text)))
    plain = re.sub(r"(?:19|20)\d{2}", " ", text)
    tokens = [t for t in _tokenize(plain) if len(t) >= 2 and not t.isdigit()]
    words = sorted({t for t in tokens if t not in GENERIC_N})
    if not words and pq.items:  # a follow-up ('为什么比上年少'): the item it borrowed is the topic
        tokens = [t for it in pq.items for t in _tokenize(it) if len(t) >= 2]
        words = sorted({t for t in tokens if t not in GENERIC_N})
    if not words:  # '预算为什么比上年少': the generic word is all there is
        words = sorted({t for t in tokens if t not in ("什么", "哪些", "多少", "情况", "是否")})
    grams = bigrams(plain) - GENERIC_N
    direction: tuple[str, ...] = ()
    if pq.ask == "why":
        rest = text  # organisation names removed ('高新区' says no direction)
        if _DOWN.search(rest):
            direction = _DOWN_WORDS
        elif _UP.search(rest):
            direction = _UP_WORDS
        if direction:  # '下降', '增加' in the question are the direction, not a topic
            words = [w for w in words if w not in direction and not any(w in d for d in direction)] or words
            grams = {g for g in grams if not any(g in d for d in direction)} or grams
    # the words a quote must hold one of: the content words, and the question's other (generic) words, but
    # not the asked direction ('减少') unless it is all the question says ('预算为什么比上年增加')
    gate = {t for t in tokens if t not in ("什么", "哪些", "多少", "是否") and not any(t in d for d in direction)}
    gate = tuple(sorted(gate | set(words)))
    return Terms(words, years, grams, direction, _focus(pq, words), gate)


_FOCUS_AFTER = re.compile(r"什么([\u4e00-\u9fff]{1,8})")
_FOCUS_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,16}?)(?:是什么|是指什么|指什么|有哪些|包括哪些|包含哪些|是哪些)")


def _focus(pq: ParsedQuestion, words: list[str]) -> tuple[str, ...]:
    """The attribute a question asks for: the noun after '什么' or the last one before '是什么/有哪些'."""
    text = pq.text
    for m in sorted(_named(pq), key=lambda m: -len(m.text)):
        text = text.replace(m.text, " ")
    m = _FOCUS_AFTER.search(text)
    if m:
        toks = [t for t in _tokenize(m.group(1)) if t in words]
        if toks:
            return tuple(toks)
    m = _FOCUS_BEFORE.search(text)
    if m:
        toks = [t for t in _tokenize(m.group(1)) if t in words]
        if toks:
            return (toks[-1],)
    return ()


def norm(text: str) -> str:
    return re.sub(r"[“”\"‘’「」『』\s\u3000]+", "", text or "")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _named(pq: ParsedQuestion) -> list:
    """The organisation mentions naming organisations of the corpus. An unresolved phrase stays in the
    question's words: what it names is what the answer is about ('新建社区公共服务中心')."""
    return [m for m in pq.mentions if m.candidates]


def org_names(pq: ParsedQuestion) -> list[str]:
    names = [m.text for m in _named(pq) if m.text] + list(pq.orgs)
    short = [re.sub(r"^(?:中共)?.{2,3}?[省市区县]", "", o) for o in pq.orgs]
    return [n for n in dict.fromkeys(names + short) if len(n) >= 2]


_MODIFIERS = re.compile(r"^(?:主要|具体|相关|有关|全部|所有|各项|哪些|基本|本部门|本单位|部门|单位)+")


def core_terms(pq: ParsedQuestion) -> list[str]:
    """The asked topic without modifiers: '主要职责' -> ['职责']."""
    out = []
    for t in pq.terms:
        core = _MODIFIERS.sub("", t)
        if len(core) >= 2:
            out.append(core)
    return out


def query_words(pq: ParsedQuestion) -> list[str]:
    """Content words of the question (vocabulary-aware jieba), without stop and generic words."""
    tokens = _tokenize(query_text(pq))
    return sorted({t for t in tokens if len(t) >= 2 and not t.isdigit() and t not in GENERIC})


def query_text(pq: ParsedQuestion) -> str:
    """The question without organisation names and years: the words to look for in the text."""
    text = pq.text
    for m in _named(pq):
        text = text.replace(m.text, " ")
    text = re.sub(r"(?:19|20)\d{2}\s*年?|是多少|多少|是什么|有哪些|哪些|什么|请问|吗|呢", " ", text)
    extra = " ".join(pq.items)
    return f"{text} {extra}"
