"""The question's words: what a quote must be about.

Organisation names of the corpus, years and question words are removed (an unresolved organisation-like phrase
stays); what is left is tokenized (vocabulary-aware jieba) into content words and bigrams, with the asked
direction ('为什么减少') and the asked attribute ('要达到什么目标' -> 目标).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.phrases import get_phrases
from budgetqa.retrieval.lexical import shared_tokenizer

_W = get_phrases()  # the word lists (budgetqa/core/data/question_words.yaml)
_NOISE = re.compile(r"[\s\d０-９,，.。、；;：:（）()“”\"'‘’《》|｜%％\-—－/]+")
GENERIC = set(_W.words("generic_words"))


def bigrams(text: str) -> set[str]:
    out = set()
    for part in _NOISE.split(text):
        out.update(part[i:i + 2] for i in range(len(part) - 1))
    return out


# Question words and the words of the asked kind: not content ('为什么', '用于', '负责', '有哪些').
_QWORDS = re.compile(_W.alternation("question_words"))
GENERIC_N = GENERIC | set(_W.words("generic_nouns"))
_UP = re.compile(_W.alternation("direction_up"))
_DOWN = re.compile(_W.alternation("direction_down"))
_UP_WORDS = _W.words("rise_words")
_DOWN_WORDS = _W.words("fall_words")


_TOKENIZER = None


def tokenize(text: str) -> list[str]:
    """The retrieval tokenizer's tokens (budgetqa.retrieval.lexical.Tokenizer, one instance per process)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = shared_tokenizer()
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
