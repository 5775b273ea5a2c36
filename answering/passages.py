"""Answers by quoting the document: the sentences that answer, each with its own citation.

Candidates are the retriever's ranked passages (scoped to the named organisations' documents) plus, when the
question is scoped or the corpus is small, every chunk of the scope, so the document order (headings, the
sentence before, the chunk after) is known.

Narrative questions (`ParsedQuestion.ask`: why / purpose / duty / how / list / what) are answered by
`narrative_quotes`:
- chunk text is split into paragraphs (PDF line wraps joined: a line break is a wrap when the line before
  runs to the page's text width - measured in CJK widths, a high percentile of the page's lines - and does
  not end a sentence; a line filling a narrow column wraps even when it looks like a heading; a final '：'
  ends a paragraph only before a list item) and paragraphs into sentences; table rows are units of their
  own; every quote is an exact span of the chunk text (line breaks included);
- a sentence scores by the question's content words (organisation names of the corpus, years and question
  words removed - an unresolved organisation-like phrase stays; IDF-weighted over the scope; words present
  only in the headings above it count half), a cue of the asked kind (why -> 主要原因/由于..., purpose ->
  主要用于..., duty -> 负责/职能..., list -> 包括/下设...), the retrieval rank of its chunk, and its form
  (headings and number rows are poor answers to narrative questions); a quote must hold a word of the
  question itself (credit from the headings above alone answers nothing);
- a cue sentence whose subject is earlier in its paragraph ('机关运行经费…增加2.55万元。主要原因是…',
  '3、…信息化建设（项）。主要用于：…。年初预算为…。决算数小于预算数的主要原因：…') is quoted from the
  sentence before it or from the paragraph's (numbered item's) opening, whichever covers more of the
  question; a sentence cut by the end of its chunk is continued from the next chunk;
- broad duty / list / how questions ('主要职责有哪些', '保障措施有哪些') quote the items under the matching
  heading (up to MAX_ITEMS, each with its citation).
Other questions (a figure the facts could not answer) use `best_quotes`: the sentence holding most of the
question's (weighted) words and bigrams.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field, replace

from answering import render
from answering.catalog import Catalog
from answering.question import ParsedQuestion
from budgetqa.records import Answer, Chunk, Citation, Passage

log = logging.getLogger(__name__)

MAX_SCAN_CHUNKS = 5000
MIN_COVERAGE = 0.3  # share of the question's (weighted) bigrams the best sentence must hold
MIN_NARRATIVE = 0.34  # share of the question's (weighted) content words a narrative answer must hold
MAX_ITEMS = 5  # items quoted under a heading
MAX_QUOTES = 3
_MAX_SUBJECT_SPAN = 320  # longest quote a cue sentence makes when it takes its subject along
_SPLIT = re.compile(r"(?<=[。；;！!？?])|\n")
_NOISE = re.compile(r"[\s\d０-９,，.。、；;：:（）()“”\"'‘’《》|｜%％\-—－/]+")
_GENERIC = {"主要", "情况", "多少", "哪些", "什么", "是否", "说明", "有关", "相关", "部门", "单位", "预算", "年度"}


@dataclass
class Quote:
    passage: Passage
    text: str  # exact text of the chunk (one or more whole sentences / table rows)
    score: float
    coverage: float
    more: list[tuple[Passage, str]] = field(default_factory=list)  # continuation in the following chunk(s)

    def citations(self) -> list[Citation]:
        return [self.passage.citation(self.text)] + [p.citation(t) for p, t in self.more]

    @property
    def full_text(self) -> str:
        return self.text + "".join(t for _, t in self.more)


def _bigrams(text: str) -> set[str]:
    out = set()
    for part in _NOISE.split(text):
        out.update(part[i:i + 2] for i in range(len(part) - 1))
    return out


def sentences(chunk: Chunk) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences (text) or rows (tables) of a chunk's text."""
    spans, start = [], 0
    text = chunk.text
    for m in _SPLIT.finditer(text):
        end = m.start() if text[m.start():m.start() + 1] == "\n" else m.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n\r\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\n\r\u3000":
        end -= 1
    return start, end


# --- paragraphs, sentences and headings ------------------------------------------------------

_END = "。！？!?；;：:"
_PARA_END = "。！？!?：:"  # a full line ending in '；' still wraps (the next line starts no new item)
_LIST_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[、.．](?!\d)|"
                         r"[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+[部章节条]|其中[：:]|[一二三四五六七八九十]是)")
_CLOSERS = "。，、；;：:）)”’%％"
_SENT_END = re.compile(r"[。！？!?]+[”’）)]*")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．])")


def text_units(line: str) -> float:
    """The printed width of a line in CJK character widths: CJK characters and full-width punctuation count
    1; digits, Latin letters, half-width punctuation and the spaces PDF extraction puts around them 0.5."""
    return sum(1.0 if (ord(c) >= 0x2E80 or 0x2010 <= ord(c) <= 0x206F) else 0.5 for c in line.strip())


def _line_widths(texts: list[str]) -> list[float]:
    return sorted((text_units(line) for t in texts for line in t.split("\n") if line.strip()), reverse=True)


_MIN_LINES = 8  # lines a page needs to set its own text width


def line_width(texts: list[str], typical: float | None = None) -> float:
    """The text width of a page in CJK widths: a high percentile of its line widths, so that a line inflated
    by digits and spaces does not set it. On a page of a few lines (a table's title, a heading) `typical`
    (the document's width) stands in: a lone line does not fill its own column."""
    ws = _line_widths(texts)
    if not ws:
        return 0.0
    if len(ws) < _MIN_LINES and typical:
        return typical
    return ws[min(len(ws) - 1, len(ws) // 8)]


def _full(line: str, width: float | None) -> bool:
    """The line runs (nearly) to the text width (unpaged text: a long line)."""
    return text_units(line) >= (max(12.0, 0.8 * width) if width else 30.0)


def _fills(line: str, width: float | None) -> bool:
    """The line fills the column: wrapped text even without punctuation (a narrow column's first line)."""
    return bool(width) and text_units(line) >= max(12.0, 0.9 * width)


def _ends_paragraph(line: str, nxt: str | None) -> bool:
    """The line ends its paragraph by its last character: a sentence end, or a '：' the next line answers with
    a list item ('部门职责：' + '（1）…'); a '：' followed by running text ('主要用于：' + '委托…') does not."""
    last = line.rstrip()[-1:]
    if last in "：:":
        return nxt is None or bool(_LIST_START.match(nxt))
    return last in _PARA_END


def _wraps(line: str, nxt: str, width: float | None) -> bool:
    """The break after `line` (the last line of a paragraph so far) is a PDF line wrap before `nxt`."""
    if nxt[:1] and nxt[0] in _CLOSERS:
        return True
    if _ends_paragraph(line, nxt) or _LIST_START.match(nxt):
        return False
    return _fills(line, width) or (_full(line, width) and not is_heading(line))


def paragraphs(text: str, width: float | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a text: lines joined across PDF line wraps.

    A line break is a wrap when the next line continues a sentence (starts with closing punctuation), or
    when the line before does not end a sentence (a final '：' ends one only before a list item), runs
    (nearly) to the text width and the next line does not start a list item; a line looking like a heading
    wraps only when it fills the column. `width` (CJK widths, `line_width`) None: an unpaged text, where
    only long lines can wrap."""
    lines = []  # (start, end) of the non-empty lines, stripped
    pos = 0
    for raw in text.split("\n"):
        s, e = _trim(text, pos, pos + len(raw))
        if e > s:
            lines.append((s, e))
        pos += len(raw) + 1
    out: list[tuple[int, int]] = []
    for s, e in lines:
        if out:
            ps, pe = out[-1]
            last_line = text[ps:pe].rsplit("\n", 1)[-1].strip()
            if _wraps(last_line, text[s:e], width):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def split_sentences(text: str, s: int, e: int, long: int = 220) -> list[tuple[int, int]]:
    """Sentence spans of text[s:e] (after 。！？ and closing quotes); very long sentences also at ；."""
    spans, start = [], s
    for m in _SENT_END.finditer(text, s, e):
        a, b = _trim(text, start, m.end())
        if b > a:
            spans.append((a, b))
        start = m.end()
    a, b = _trim(text, start, e)
    if b > a:
        spans.append((a, b))
    out = []
    for a, b in spans:
        if b - a <= long:
            out.append((a, b))
            continue
        start = a
        for m in re.finditer(r"[；;]", text[a:b]):
            out.append(_trim(text, start, a + m.end()))
            start = a + m.end()
        if start < b:
            out.append(_trim(text, start, b))
    return [(a, b) for a, b in out if b > a]


def is_heading(line: str) -> bool:
    """A heading line: short and without sentence punctuation ('（一）机关运行经费支出情况', '部门职责：')."""
    t = line.strip()
    if not t or len(t) > 40:
        return False
    body = t[:-1] if t[-1] in "：:" else t
    if re.search(r"[，。；,;！？!?]", body):
        return False
    return len(t) <= 30 or bool(_HEADING.match(t))


def _heading_level(line: str) -> int:
    """0: a title ('科技创新专项经费情况说明'); 1: '一、'; 2: '（一）'; 3: '1、', '（1）'."""
    t = line.strip()
    if re.match(r"^[一二三四五六七八九十]+[、.．]", t) or re.match(r"^第[一二三四五六七八九十]+部分", t):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十]+[）)]", t):
        return 2
    if re.match(r"^(?:[（(]\d{1,2}[）)]|\d{1,2}\s*[、.．])", t):
        return 3
    return 0


@dataclass
class Unit:
    """A sentence (or table row, or heading) of a chunk, with what the document says above it."""

    passage: Passage
    start: int
    end: int
    para: int  # paragraph index in the chunk
    form: str  # 'sentence' | 'heading' | 'row'
    context: str = ""  # headings above it (title, numbered headings, section path)
    rank: int | None = None  # retrieval rank of its chunk
    chunk_end: bool = False  # the last unit of its chunk
    heading: str = ""  # the nearest heading above it
    fragment: bool = False  # starts mid-sentence (the chunk before ends without ending its sentence)
    width: float | None = None  # the text width of its page (CJK widths; None: unpaged)

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


# --- the question's words ------------------------------------------------------------------------

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
_GENERIC_N = _GENERIC | {"工作", "内容", "哪个", "有关", "是否", "方面", "问题", "为了", "要求", "我们", "它们"}
_UP = re.compile(r"多|增|涨|高|升|翻倍|翻番|扩大")
_DOWN = re.compile(r"少|减|降|低|压缩|缩")
_UP_WORDS = ("增加", "增长", "上升", "提高", "增幅", "翻倍", "新增", "扩大")
_DOWN_WORDS = ("减少", "下降", "降低", "压减", "缩减", "减幅", "压缩", "节约")

# What an answering sentence of each kind says.
CUES = {
    "why": re.compile(r"主要原因|原因是|原因为|原因[：:]|原因在于|由于|因为|主要是|主要为|导致|所致|因(?!公|素)|是为了"),
    "purpose": re.compile(r"主要用于|用于|用途|主要是|主要为|主要包括|主要内容|旨在|目的|为了|概述|"
                          r"促进|推动|支持|扶持|保障|用作|后作为|作为[^，。；]{0,30}(?:场所|场地|用房|设施|平台|基地|载体|阵地)"),
    "duty": re.compile(r"负责|职能|职责|承担|主管|履行|派出机关|工作部门|管理|组织|协调|指导"),
    "how": re.compile(r"措施|保障|通过|加强|确保|推进|完善|建立|落实|强化|规范"),
    "list": re.compile(r"包括|分别是|分别为|下设|设有|内设|设置|具体包括|主要有|如下|以下|[：:]$|、.+、"),
    "what": re.compile(r"[：:]\s*(?:是)?指|是指|系指|指的是|含义|^[^，。]{2,20}[：:]"),
}
# A sentence saying what an organisation is ('…是普陀区政府的派出机关').
_IDENTITY = re.compile(r"(?:是|为|属于|系)[^，。；]{0,30}(?:机关|机构|部门|单位|组织|中心)")


def _tokenize(text: str) -> list[str]:
    global _TOKENIZER
    try:
        if _TOKENIZER is None:
            from retrieval.lexical import Tokenizer

            _TOKENIZER = Tokenizer()
        return _TOKENIZER.tokenize(text)
    except Exception:  # noqa: BLE001 - bigrams alone still rank sentences
        return []


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
    words = sorted({t for t in tokens if t not in _GENERIC_N})
    if not words and pq.items:  # a follow-up ('为什么比上年少'): the item it borrowed is the topic
        tokens = [t for it in pq.items for t in _tokenize(it) if len(t) >= 2]
        words = sorted({t for t in tokens if t not in _GENERIC_N})
    if not words:  # '预算为什么比上年少': the generic word is all there is
        words = sorted({t for t in tokens if t not in ("什么", "哪些", "多少", "情况", "是否")})
    grams = _bigrams(plain) - _GENERIC_N
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


class PassageAnswerer:
    def __init__(self, store, catalog: Catalog, retriever_factory=None, settings=None):
        self.store = store
        self.catalog = catalog
        self._retriever_factory = retriever_factory
        self.settings = settings
        self.doc_names = store.doc_names()
        self._ranks: dict[str, int] = {}

    def scope(self, pq: ParsedQuestion, doc_ids: list[str] | None = None) -> list[str] | None:
        """Document ids the question is about: the named organisations' documents (None = whole corpus)."""
        if doc_ids is not None:
            return list(doc_ids)
        if not pq.orgs:
            return None
        docs = [d for org in pq.orgs for d in self.catalog.documents(org)]
        covered = [d for d in docs if d.year in pq.years] if pq.years else []
        return [d.id for d in (covered or docs)]

    def candidates(self, pq: ParsedQuestion, scope: list[str] | None) -> list[Passage]:
        """The retriever's passages (best first; `_ranks` keeps their rank) then the other scoped chunks."""
        found: dict[str, Passage] = {}
        self._ranks = {}
        retriever = self._retriever_factory() if self._retriever_factory else None
        if retriever is not None:
            try:
                k = max(20, getattr(self.settings, "candidate_k", 20))
                for p in retriever.search(pq.text, k=k, doc_ids=scope):
                    if p.chunk.id not in found:
                        self._ranks[p.chunk.id] = len(self._ranks)
                    found[p.chunk.id] = p
            except Exception:  # noqa: BLE001 - the scan below still answers
                log.warning("retriever failed; scanning chunks", exc_info=True)
        docs = {d.id: d for d in self.catalog.docs}
        if scope is not None or sum(d.chunks for d in self.catalog.docs) <= MAX_SCAN_CHUNKS:
            for ch in self.store.chunks(doc_ids=scope) if scope is not None else self.store.chunks():
                if ch.id not in found:
                    d = docs.get(ch.doc_id)
                    found[ch.id] = Passage(ch, self.doc_names.get(ch.doc_id, ch.doc_id[:12]), d.org if d else None,
                                           d.year if d else None, d.kind if d else None, 0.0)
        if scope is not None:
            allowed = set(scope)
            return [p for p in found.values() if p.chunk.doc_id in allowed]
        return list(found.values())

    # --- narrative questions -------------------------------------------------------------------
    def units(self, passages: list[Passage], ranks: dict[str, int] | None = None) -> list[Unit]:
        """Sentences, table rows and headings of the passages in document order, with their context."""
        ranks = ranks if ranks is not None else self._ranks
        by_doc: dict[str, list[Passage]] = {}
        for p in passages:
            by_doc.setdefault(p.chunk.doc_id, []).append(p)
        out: list[Unit] = []
        for doc_id in sorted(by_doc):
            ps = sorted(by_doc[doc_id], key=lambda p: p.chunk.ordinal)
            page_texts: dict[int, list[str]] = {}
            for p in ps:
                if p.chunk.kind == "text" and p.chunk.page is not None:
                    page_texts.setdefault(p.chunk.page, []).append(p.chunk.text)
            typical = line_width([t for ts in page_texts.values() for t in ts])
            widths = {page: line_width(ts, typical) for page, ts in page_texts.items()}
            title, levels, last, last_form = "", {}, "", ""
            open_sentence = False  # the previous text chunk ended mid-sentence
            for p in ps:
                ch = p.chunk
                rank = ranks.get(ch.id)
                if ch.kind == "table":
                    rows = sentences(ch)
                    for i, (s, e) in enumerate(rows):
                        s, e = _trim(ch.text, s, e)
                        out.append(Unit(p, s, e, i, "row" if i else "heading", _ctx(title, levels, ch), rank,
                                        chunk_end=i == len(rows) - 1, heading=last))
                    open_sentence = False
                    continue
                width = widths.get(ch.page) if ch.page is not None else None
                paras = paragraphs(ch.text, width)
                for i, (ps_, pe) in enumerate(paras):
                    line = ch.text[ps_:pe]
                    if is_heading(line):
                        out.append(Unit(p, ps_, pe, i, "heading", _ctx(title, levels, ch), rank,
                                        chunk_end=i == len(paras) - 1, heading=last, width=width))
                        level = _heading_level(line)
                        # the body of a numbered heading ('三、实施主体' + '上海市普陀区商务委员会') is no title
                        under_numbered = i > 0 and last_form == "heading" and _heading_level(last) > 0
                        if level == 0 and not line.rstrip().endswith(("：", ":")) and not under_numbered:
                            title, levels = line, {}
                        elif level:
                            levels = {k: v for k, v in levels.items() if k < level}
                            levels[level] = line
                        last, last_form = line, "heading"
                        continue
                    spans = split_sentences(ch.text, ps_, pe)
                    for j, (s, e) in enumerate(spans):
                        out.append(Unit(p, s, e, i, "sentence", _ctx(title, levels, ch), rank,
                                        chunk_end=i == len(paras) - 1 and j == len(spans) - 1,
                                        heading=last, fragment=i == 0 and j == 0 and open_sentence, width=width))
                    last_form = "sentence"
                # the chunk stops mid-sentence: its last line runs to the text width without ending a sentence
                last_line = ch.text.rstrip().rsplit("\n", 1)[-1].strip()
                nxt = next((q.chunk for q in ps if q.chunk.ordinal == ch.ordinal + 1), None)
                first = nxt.text.strip().split("\n", 1)[0].strip() if nxt is not None and nxt.kind == "text" else ""
                open_sentence = bool(last_line) and bool(first) and _wraps(last_line, first, width)
        return out

    def narrative_quotes(self, pq: ParsedQuestion, passages: list[Passage], limit: int = MAX_QUOTES,
                         ranks: dict[str, int] | None = None) -> tuple[list[Quote], str]:
        """The quotes answering a narrative question and a note ('' or how many items were left out)."""
        units = self.units(passages, ranks)
        if not units:
            return [], ""
        kind = pq.ask or ("list" if pq.intent == "list" else "what")
        terms = question_terms(pq)
        if kind in ("duty", "list", "how"):
            listed, note = self._listed(pq, kind, terms, units)
            if listed:
                return listed, note
        if terms.empty and not terms.direction and kind != "duty":
            return [], ""  # (a duty question without a topic is answered by the sentence saying what it is)
        scored = self._score(pq, kind, terms, units)
        if not scored:
            return [], ""
        out: list[Quote] = []
        used: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        top = scored[0][0]
        for score, cov, u, s, e in scored:
            if out and (score < 0.7 * top or cov < MIN_NARRATIVE):
                break
            ch = u.passage.chunk
            if any(cid == ch.id and s < b and a < e for cid, a, b in used):
                continue
            text = ch.text[s:e]
            key = _flat(text)
            if any(key in k or k in key for k in seen):
                continue
            seen.add(key)
            used.append((ch.id, s, e))
            q = Quote(u.passage, text, score, cov)
            out.append(q)
            if u.chunk_end and text.rstrip()[-1:] not in "。！？!?；;":
                q.more = self._continuation(u, passages)  # ('主要用于：' + the use, in the next chunk)
            if not q.more and text.rstrip().endswith(("：", ":")) and u.end == e and len(out) == 1:
                # '具体包括：' is answered by what follows it: the items, each quoted
                items = self._items_after(u, units, MAX_ITEMS)
                out.extend(Quote(it.passage, it.text, score, cov) for it in items)
                if items:
                    break
            if len(out) >= limit:
                break
        return out, ""

    def _score(self, pq: ParsedQuestion, kind: str, terms: Terms, units: list[Unit]):
        texts = [_norm(u.text) for u in units]  # matched without quotes and spaces ('“三公”经费', '2024 年')
        n = len(units)

        def idf(pred) -> float:
            return math.log(1 + n / (1 + sum(1 for t in texts if pred(t))))

        w_word = {w: idf(lambda t, w=w: w in t) * (2.0 if w in terms.focus else 1.0) for w in terms.words}
        w_year = {y: 0.3 * idf(lambda t, y=y: y in t) for y in terms.years}
        grams = [_bigrams(t) for t in texts]
        w_gram = {g: math.log(1 + n / (1 + sum(1 for gs in grams if g in gs))) for g in terms.grams}
        w_dir = (sum(w_word.values()) / len(w_word) if w_word else 1.0) if terms.direction else 0.0
        total_w = (sum(w_word.values()) + sum(w_year.values()) + w_dir) or 0.0
        total_g = sum(w_gram.values()) or 0.0
        org_names = _org_names(pq)
        cue = CUES.get(kind)

        def coverage(text: str, ctx: str, gs: set[str]) -> float:
            cgs = _bigrams(ctx) if ctx else set()
            got_w = sum(w * (1.0 if word in text else 0.5 if word in ctx else 0.0) for word, w in w_word.items())
            got_w += sum(w for y, w in w_year.items() if y in text)
            if terms.direction and any(d in text for d in terms.direction):
                got_w += w_dir
            got_g = sum(w * (1.0 if g in gs else 0.5 if g in cgs else 0.0) for g, w in w_gram.items())
            if total_w and total_g:
                return 0.7 * got_w / total_w + 0.3 * got_g / total_g
            if total_w:
                return got_w / total_w
            if total_g:
                return got_g / total_g
            return 0.0

        own_terms = list(terms.gate) or sorted(terms.grams)  # a quote holds one of them itself

        scored = []
        prev: Unit | None = None
        opening: int = 0  # index of the first sentence of the current paragraph (numbered item)
        for k, (u, text, gs) in enumerate(zip(units, texts, grams)):
            ctx = _norm(u.context)
            cov = coverage(text, ctx, gs)
            s, e = u.start, u.end
            same_para = prev is not None and prev.passage.chunk.id == u.passage.chunk.id and prev.para == u.para \
                and u.form == "sentence" and prev.form == "sentence"
            if not same_para:
                opening = k
            cue_w = 1.0 if cue and cue.search(text) else 0.5 if cue and u.heading and cue.search(u.heading) else 0.0
            if not cue_w and kind == "what" and re.search(r"名词解释|释义", u.context):
                cue_w = 0.5
            has_cue = cue_w == 1.0
            if kind == "duty" and _IDENTITY.search(text) and (not org_names or any(o in text for o in org_names)):
                has_cue, cue_w, cov = True, 1.0, max(cov, 0.5 if terms.empty else cov)
            # a cue sentence continuing its paragraph takes its subject along: the sentence before it, or the
            # paragraph's (numbered item's) opening sentence ('3、…信息化建设（项）。主要用于：…。年初预算为….
            # 决算数小于预算数的主要原因：…'), whichever makes the quote cover more of the question
            if has_cue and same_para and kind in ("why", "purpose", "how"):
                best_cov = cov
                for j in dict.fromkeys((k - 1, opening)):
                    a = units[j].start
                    if j >= k or e - a > _MAX_SUBJECT_SPAN:
                        continue
                    span = _norm(u.passage.chunk.text[a:e])
                    c = coverage(span, ctx, _bigrams(span))
                    c = 0.85 * c + 0.15 * cov
                    if c > best_cov + 1e-9:
                        best_cov, s = c, a
                cov = best_cov
            prev = u
            if cov <= 0:
                continue
            if own_terms and not any(t in _norm(u.passage.chunk.text[s:e]) for t in own_terms):
                continue  # credit from the headings above alone ('支出。' under '…公用经费…') answers nothing
            score = cov + 0.3 * cue_w
            if u.rank is not None:
                score += 0.2 / (1 + u.rank / 4)
            penalty = _form_penalty(u, kind, terms.focus or terms.words)
            if penalty is None:
                continue
            score -= penalty
            if u.form == "row" and terms.focus and any(f in text.split("|", 1)[0] for f in terms.focus):
                score += 0.2  # '绩效目标 | …' answers '要达到什么目标'
            score -= 0.0005 * (e - s) ** 0.5
            scored.append((score, cov, u, s, e))
        scored.sort(key=lambda t: (-t[0], t[2].passage.chunk.doc_id, t[2].passage.chunk.ordinal, t[3]))
        return scored

    def _listed(self, pq: ParsedQuestion, kind: str, terms: Terms, units: list[Unit]) -> tuple[list[Quote], str]:
        """Broad duty / list / how questions: the items under the heading naming the asked topic."""
        cores = [w for w in terms.words if w not in _GENERIC_N]
        heading_cue = {"duty": re.compile(r"职责|职能|工作职责|主要任务"),
                       "how": re.compile(r"措施|举措|办法|保障"),
                       "list": None}[kind]
        best: tuple[float, Unit] | None = None
        for u in units:
            if u.form != "heading" or u.passage.chunk.kind == "table":
                continue
            line = u.text
            if cores and not all(c in line for c in cores):
                continue
            if heading_cue is not None and not heading_cue.search(line):
                continue
            if heading_cue is None and not cores:
                continue
            score = (1.0 / (1 + u.rank / 4)) if u.rank is not None else 0.0
            score -= 0.001 * len(line) + (0.05 if line.rstrip().endswith(("：", ":")) else 0.0)
            if best is None or score > best[0]:
                best = (score, u)
        if best is None:
            return [], ""
        keep = heading_cue or re.compile("|".join(map(re.escape, cores)))
        items = self._items_after(best[1], units, 30, keep)
        if not items:
            return [], ""
        intro = 0 if _is_item(items[0].text) else 1  # an intro paragraph before the items
        shown = items[:MAX_ITEMS + intro]
        out = []
        for it in shown:
            q = Quote(it.passage, it.text, 1.0, 1.0)
            if it.chunk_end and it.text.rstrip()[-1:] not in "。！？!?；;：:":
                nxt = [x for x in items if x.passage.chunk.ordinal > it.passage.chunk.ordinal]
                if nxt and not _is_item(nxt[0].text) and nxt[0] not in shown:
                    q.more = [(nxt[0].passage, nxt[0].text)]
            out.append(q)
        note = ""
        if any(_is_item(it.text) for it in items[len(shown):]):
            note = render.more_items(sum(1 for it in shown if _is_item(it.text)))
        return out, note

    def _items_after(self, head: Unit, units: list[Unit], limit: int, keep: re.Pattern | None = None) -> list[Unit]:
        """The paragraphs following a heading (or an intro sentence ending in '：') up to the next heading of
        the same or a higher level, as units spanning whole paragraphs, across chunk boundaries. An intro
        line ('第三条…的主要职责是：') continues the list when nothing was listed yet or it matches `keep`."""
        doc = head.passage.chunk.doc_id
        level = _heading_level(head.text) if head.form == "heading" else 9
        seq = [u for u in units if u.passage.chunk.doc_id == doc]
        try:
            i = next(k for k, u in enumerate(seq) if u is head)
        except StopIteration:
            return []
        out: list[Unit] = []
        last_ord = head.passage.chunk.ordinal
        for u in seq[i + 1:]:
            ch = u.passage.chunk
            if ch.ordinal > last_ord + 1 or ch.kind == "table":
                break
            if u.form == "heading":
                lv = _heading_level(u.text)
                intro = u.text.rstrip().endswith(("：", ":")) and (
                    not out or (keep is not None and bool(keep.search(u.text))))
                if not intro and (lv == 0 or (level == 9 and lv <= 2) or (level < 9 and lv <= level)):
                    break
            last_ord = ch.ordinal
            if out and out[-1].passage.chunk.id == ch.id and out[-1].para == u.para:
                out[-1] = replace(out[-1], end=u.end, chunk_end=u.chunk_end)  # the rest of the paragraph
                continue
            if len(out) >= limit:
                break
            out.append(u)
        # an intro line ending in '：' reads with the line after it
        merged: list[Unit] = []
        for u in out:
            m = merged[-1] if merged else None
            if m is not None and m.text.rstrip().endswith(("：", ":")) and m.passage.chunk.id == u.passage.chunk.id:
                merged[-1] = replace(m, end=u.end, chunk_end=u.chunk_end)
            else:
                merged.append(u)
        return merged

    def _continuation(self, u: Unit, passages: list[Passage]) -> list[tuple[Passage, str]]:
        """The rest of a sentence cut by the end of its chunk: the head of the next text chunk."""
        ch = u.passage.chunk
        nxt = next((p for p in passages if p.chunk.doc_id == ch.doc_id and p.chunk.ordinal == ch.ordinal + 1), None)
        if nxt is None or nxt.chunk.kind != "text":
            return []
        text = nxt.chunk.text
        s, _ = _trim(text, 0, len(text))
        first = text[s:].split("\n", 1)[0]
        if not first or _LIST_START.match(first) or (is_heading(first) and not _fills(first, u.width)):
            return []
        m = _SENT_END.search(text, s)
        end = m.end() if m else len(text)
        s, end = _trim(text, s, min(end, s + 300))
        return [(nxt, text[s:end])] if end > s else []

    # --- other questions -------------------------------------------------------------------------
    def best_quotes(self, pq: ParsedQuestion, passages: list[Passage], limit: int = 3,
                    must_contain: list[str] | None = None) -> list[Quote]:
        units = []  # (passage, start, end)
        for p in passages:
            for s, e in sentences(p.chunk):
                s, e = _trim(p.chunk.text, s, e)
                if e > s and (not must_contain or any(w in p.chunk.text[s:e] for w in must_contain)):
                    units.append((p, s, e))
        if not units:
            return []
        if pq.intent in ("narrative", "list") and not must_contain:
            headed = self._under_heading(pq, units, limit)
            if headed:
                return headed
        words = _query_words(pq)
        qgrams = _bigrams(_query_text(pq)) - _GENERIC
        if not words and not qgrams:
            return []
        texts = [p.chunk.text[s:e] for p, s, e in units]
        grams = [_bigrams(t) for t in texts]
        n = len(units)
        w_word = {w: math.log(1 + n / (1 + sum(1 for t in texts if w in t))) for w in words}
        w_gram = {g: math.log(1 + n / (1 + sum(1 for gs in grams if g in gs))) for g in qgrams}
        tw, tg = sum(w_word.values()) or 1.0, sum(w_gram.values()) or 1.0
        numeric = pq.intent not in ("narrative", "list") and not pq.wants_text
        scored = []
        for (p, s, e), text, gs in zip(units, texts, grams):
            cov_w = sum(w for word, w in w_word.items() if word in text) / tw if words else 0.0
            cov_g = sum(w_gram[g] for g in qgrams & gs) / tg if qgrams else 0.0
            cov = 0.7 * cov_w + 0.3 * cov_g if words else cov_g
            if cov <= 0:
                continue
            bonus = 0.05 if numeric and re.search(r"\d", text) else 0.0  # a figure question wants a figure
            scored.append((cov + bonus - 0.0005 * len(text) ** 0.5, cov, p, s, e))
        scored.sort(key=lambda t: (-t[0], t[2].chunk.doc_id, t[2].chunk.ordinal, t[3]))
        out: list[Quote] = []
        spans: list[tuple[str, int, int]] = []
        for sc, cov, p, s, e in scored:
            if out and cov < 0.7 * out[0].coverage:
                break
            s, e = self._expand(p.chunk, s, e, pq)
            text = p.chunk.text[s:e]
            if any(text in q.text or q.text in text for q in out) or \
                    any(cid == p.chunk.id and s < b and a < e for cid, a, b in spans):
                continue
            spans.append((p.chunk.id, s, e))
            out.append(Quote(p, text, sc, cov))
            if len(out) >= limit:
                break
        return out

    def _under_heading(self, pq: ParsedQuestion, units, limit: int) -> list[Quote]:
        """Broad questions ('主要职责有哪些'): the text under a heading naming the asked topic."""
        cores = _core_terms(pq)
        if not cores:
            return []
        out: list[Quote] = []
        for p, s, e in sorted(units, key=lambda u: (u[0].chunk.doc_id, u[0].chunk.ordinal, u[1])):
            line = p.chunk.text[s:e]
            heading = len(line) <= 24 and (line.endswith(("：", ":")) or _is_heading(line))
            if not heading or not all(c in line for c in cores):
                continue
            s2, e2 = self._expand(p.chunk, s, e, pq, force=True)
            text = p.chunk.text[s2:e2]
            if any(q.passage.chunk.id == p.chunk.id and (text in q.text or q.text in text) for q in out):
                continue
            out.append(Quote(p, text, 1.0, 1.0))
            if len(out) >= limit:
                break
        return out

    def _expand(self, chunk: Chunk, s: int, e: int, pq: ParsedQuestion, force: bool = False) -> tuple[int, int]:
        """A heading-like line ('部门职责：') is extended with what follows it in the chunk."""
        text = chunk.text
        if chunk.kind == "table" and not force:
            return s, e
        short = (e - s) < 20 or text[s:e].rstrip().endswith(("：", ":"))
        if not (short or force):
            return s, e
        limit = 400 if (force or pq.intent in ("narrative", "list")) else 300
        end = e
        for s2, e2 in sentences(chunk):
            if s2 >= e and e2 - s <= limit:
                end = e2
            elif s2 >= e:
                break
        return _trim(text, s, end)

    # --- the answer -------------------------------------------------------------------------------
    def answer(self, pq: ParsedQuestion, doc_ids: list[str] | None = None) -> tuple[Answer, list[Passage]]:
        from answering.figures import interpretation

        scope = self.scope(pq, doc_ids)
        must = None
        org_years = sorted({d.year for d in self.catalog.docs if scope is None or d.id in scope} - {None})
        if pq.years and not set(pq.years) & set(org_years):
            must = [f"{y}年" for y in pq.years] + [str(y) for y in pq.years]
        passages = self.candidates(pq, scope)
        note = ""
        narrative = (pq.ask is not None or pq.intent in ("narrative", "list")) and not must
        if narrative:
            quotes, note = self.narrative_quotes(pq, passages)
            quotes = [q for q in quotes if q.coverage >= MIN_NARRATIVE]
        else:
            quotes = self.best_quotes(pq, passages, must_contain=must)
            quotes = [q for q in quotes if q.coverage >= MIN_COVERAGE]
        scope_name = "、".join(pq.orgs) if pq.orgs else None
        interp = interpretation(pq, pq.orgs)
        if not quotes:
            text = render.nothing_relevant(scope_name)
            if pq.orgs and pq.orgs[0] in self.catalog.orgs:
                text += render.coverage_sentence(pq.orgs[0], self.catalog.orgs[pq.orgs[0]].coverage())
            return Answer(question=pq.text, answer=text, status="not_found", interpretation=interp), []
        cites: list[Citation] = []
        lines = [render.passages_intro(len(quotes), pq.ask if narrative else None)]
        several = len({q.passage.org for q in quotes}) > 1  # unscoped: say whose text each quote is
        for i, q in enumerate(quotes, 1):
            qc = q.citations()
            cites.extend(qc)
            lines.append(render.quote_line(i, q.full_text if q.more else q.text, qc,
                                           (q.passage.org or "未识别单位") if several else None))
        if note:
            lines.append(note)
        used = list({q.passage.chunk.id: q.passage for q in quotes}.values())
        used += [p for q in quotes for p, _ in q.more if p not in used]
        return (Answer(question=pq.text, answer="\n".join(lines), status="answered", citations=cites,
                       interpretation=interp), used)


def _is_item(text: str) -> bool:
    """A list item: a paragraph (or a line of it, after an intro '…包括：') opening with an item marker."""
    return any(_LIST_START.match(line) for line in text.split("\n"))


def _ctx(title: str, levels: dict[int, str], chunk: Chunk) -> str:
    return " ".join([title] + [levels[k] for k in sorted(levels)] + [chunk.section or ""])


def _norm(text: str) -> str:
    return re.sub(r"[“”\"‘’「」『』\s\u3000]+", "", text or "")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _named(pq: ParsedQuestion) -> list:
    """The organisation mentions naming organisations of the corpus. An unresolved phrase stays in the
    question's words: what it names is what the answer is about ('新建社区公共服务中心')."""
    return [m for m in pq.mentions if m.candidates]


def _org_names(pq: ParsedQuestion) -> list[str]:
    names = [m.text for m in _named(pq) if m.text] + list(pq.orgs)
    short = [re.sub(r"^(?:中共)?.{2,3}?[省市区县]", "", o) for o in pq.orgs]
    return [n for n in dict.fromkeys(names + short) if len(n) >= 2]


def _form_penalty(u: Unit, kind: str, words: list[str] = ()) -> float | None:
    """Headings and rows of numbers answer no narrative question (None: not an answer at all); a row of
    text may ('绩效目标 | …')."""
    text = u.text
    if u.form == "heading":  # a table's first line is its title
        return 0.35 if kind in ("what", "list") and u.passage.chunk.kind != "table" else None
    if u.fragment:
        return 0.15
    if "《" in text:  # a reference to a document ('2、《…实施意见》（…〔2023〕3号）。') says nothing itself
        rest = re.sub(r"《[^》]*》|[（(][^）)]*[〔\[][^）)]*[）)]", "", _LIST_START.sub("", text))
        if len(re.findall(r"[\u4e00-\u9fff]", rest)) < 6:
            return 0.3
    if u.form == "row":
        cells = [c.strip() for c in text.split("|")]
        n_words = sum(len(re.findall(r"[\u4e00-\u9fff]", c)) for c in cells[1:])
        if n_words >= 12:
            return 0.1
        label_value = any(w in cells[0] for w in words) and any(
            re.search(r"[0-9A-Za-z]", re.sub(r"(?:19|20)\d{2}\s*年度?", "", c)) for c in cells[1:])
        return 0.15 if kind in ("what", "list") and label_value else None  # '项目编码 | 000-9999-…'
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < 6:
        return 0.2
    return 0.0


_MODIFIERS = re.compile(r"^(?:主要|具体|相关|有关|全部|所有|各项|哪些|基本|本部门|本单位|部门|单位)+")
_TOKENIZER = None


def _is_heading(line: str) -> bool:
    return bool(_HEADING.match(line)) and not re.search(r"[，。；]", line)


def _core_terms(pq: ParsedQuestion) -> list[str]:
    """The asked topic without modifiers: '主要职责' -> ['职责']."""
    out = []
    for t in pq.terms:
        core = _MODIFIERS.sub("", t)
        if len(core) >= 2:
            out.append(core)
    return out


def _query_words(pq: ParsedQuestion) -> list[str]:
    """Content words of the question (vocabulary-aware jieba), without stop and generic words."""
    tokens = _tokenize(_query_text(pq))
    return sorted({t for t in tokens if len(t) >= 2 and not t.isdigit() and t not in _GENERIC})


def _query_text(pq: ParsedQuestion) -> str:
    """The question without organisation names and years: the words to look for in the text."""
    text = pq.text
    for m in _named(pq):
        text = text.replace(m.text, " ")
    text = re.sub(r"(?:19|20)\d{2}\s*年?|是多少|多少|是什么|有哪些|哪些|什么|请问|吗|呢", " ", text)
    extra = " ".join(pq.items)
    return f"{text} {extra}"
