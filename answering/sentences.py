"""Narrative questions (why / purpose / duty / how / list / what): the sentences that answer.

Candidates are the units of the scope (sentences, table rows, headings; `units`). They are ranked by BM25 over
the candidates themselves (`unit_rank`: the retrieval tokenizer's tokens of the quoted text and of the headings
above it, a cue token for a unit saying what the asked kind of answer says - why -> 主要原因/由于...,
purpose -> 主要用于..., duty -> 负责/职能..., list -> 包括/下设... - and a direction token for the asked change),
then by the optional cross-encoder. What is structural stays a rule: headings and number rows are no answers
to narrative questions (weak forms come after full sentences), a quote must hold a word of the question itself
and cover a minimum share of it. A cue sentence whose subject is earlier in its paragraph is quoted from the
sentence before it or from the paragraph's (numbered item's) opening, whichever covers more of the question;
a sentence cut by the end of its chunk is continued from the next chunk.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.section_lists import MAX_ITEMS, items_after, quote_list
from budgetqa.answering.terms import Terms, flat, norm, org_names, question_terms
from budgetqa.answering.unit_rank import CUE, DIRECTION, Candidate, Reranker, held_tokens, rerank, tokens_of
from budgetqa.answering.unit_rank import CandidateIndex as _Index
from budgetqa.answering.units import Quote, Unit, continuation
from budgetqa.core.records import Passage
from budgetqa.ingest.layout import LIST_START

MIN_NARRATIVE = 0.34  # share of the question's (IDF-weighted) content words a narrative answer must hold
MAX_QUOTES = 3
NEAR_BEST = 0.7  # a further quote scores at least this share of the best candidate's score

_MAX_SUBJECT_SPAN = 320  # longest quote a cue sentence makes when it takes its subject along
_MIN_CJK = 6  # Chinese characters of a line saying something by itself
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEADERS = re.compile(r"(?:…{2,}|\.{4,}|·{4,})")  # the dot leaders of a table-of-contents line

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
_GLOSSARY = re.compile(r"名词解释|释义")  # a 'what' question is answered under a glossary heading
# A sentence saying what an organisation is ('…是普陀区政府的派出机关').
_BODY = re.compile(r"机关|机构|部门|单位|组织|中心")
_IDENTITY = re.compile(r"(?:是|为|属于|系)[^，。；]{0,30}(?:" + _BODY.pattern + ")")


@dataclass
class Scored:
    score: float  # BM25 over the candidate units
    coverage: float  # IDF-weighted share of the question's content words held (own text and headings above)
    unit: Unit
    start: int  # the quoted span (a cue sentence may start at its subject)
    end: int
    tier: int  # 0: a full answer; 1: a weak form
    says: bool = False  # its text says what the asked kind of answer says (the cue)


def narrative_quotes(pq: ParsedQuestion, units: list[Unit], passages: list[Passage],
                     limit: int = MAX_QUOTES, settings=None, reranker: Reranker | None = None
                     ) -> tuple[list[Quote], str]:
    """The quotes answering a narrative question from the units of `passages` and a note ('' or how many
    items were left out)."""
    if not units:
        return [], ""
    kind = pq.ask or ("list" if pq.intent == "list" else "what")
    terms = question_terms(pq)
    if kind in ("duty", "list", "how"):
        listed, note = quote_list(pq, kind, terms, units)
        if listed:
            return listed, note
    if terms.empty and not terms.direction and kind != "duty":
        return [], ""  # (a duty question without a topic is answered by the sentence saying what it is)
    scored = score_units(pq, kind, terms, units, settings, reranker)
    if not scored:
        return [], ""
    out: list[Quote] = []
    used: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    top = max((x.score for x in scored if x.coverage >= MIN_NARRATIVE), default=0.0)
    first_says, first_tier = False, 0
    for x in scored:
        score, cov, u, s, e = x.score, x.coverage, x.unit, x.start, x.end
        if cov < MIN_NARRATIVE:
            continue  # BM25 orders; the share of the question held decides what may answer at all
        if out and score < NEAR_BEST * top:
            continue  # (the cross-encoder's order need not follow BM25's)
        if out and (first_says and not x.says or x.tier > first_tier):
            continue  # a further quote answers the asked kind too ('主要原因是…', not the figure before it), in
            # a full form when the first is one
        ch = u.passage.chunk
        if any(cid == ch.id and s < b and a < e for cid, a, b in used):
            continue
        text = ch.text[s:e]
        key = flat(text)
        if any(key in k or k in key for k in seen):
            continue
        seen.add(key)
        used.append((ch.id, s, e))
        q = Quote(u.passage, text, score, cov)
        if not out:
            first_says, first_tier = x.says, x.tier
        out.append(q)
        if u.chunk_end and text.rstrip()[-1:] not in "。！？!?；;":
            q.more = continuation(u, passages)  # ('主要用于：' + the use, in the next chunk)
        if not q.more and text.rstrip().endswith(("：", ":")) and u.end == e and len(out) == 1:
            # '具体包括：' is answered by what follows it: the items, each quoted
            items = items_after(u, units, MAX_ITEMS)
            out.extend(Quote(it.passage, it.text, score, cov) for it in items)
            if items:
                break
        if len(out) >= limit:
            break
    return out, ""


def score_units(pq: ParsedQuestion, kind: str, terms: Terms, units: list[Unit], settings=None,
                reranker: Reranker | None = None) -> list[Scored]:
    """The units answering the question, best first: BM25 over the candidate units (the tokens of the quoted
    text, those of the headings above it as a field of their own, a cue token when the text - or, in the
    heading field, the heading - says what the asked kind of answer says, a direction token when the text
    states the asked change), the optional cross-encoder over the best of them, weak forms (`_form`) after
    full sentences."""
    names = org_names(pq)
    cue = CUES.get(kind)
    texts = [u.text for u in units]
    own = [_held(tokens_of(t), t, terms) for t in texts]
    ctx = [_held(tokens_of(u.context), u.context, terms) - {DIRECTION} for u in units]
    plain = _Index([Candidate(sorted(o | c)) for o, c in zip(own, ctx)])  # IDF of the question's words
    content = [*terms.words, *terms.years]

    def cov(tokens: set[str]) -> float:
        c = plain.coverage(content, tokens)
        if terms.direction:  # the asked direction is one more part of the question
            n = len(content) or 1
            c = (c * n + (1.0 if DIRECTION in tokens else 0.0)) / (n + 1)
        return c

    spans: list[tuple[int, int]] = []  # the quoted span of each unit
    bags: list[Candidate] = []
    held: list[set[str]] = []
    says_k: list[bool] = []
    opening = 0  # index of the first sentence of the current paragraph (numbered item)
    prev_opening: int | None = None  # that of the paragraph before, when it is text of the same chunk
    for k, u in enumerate(units):
        prev = units[k - 1] if k else None
        same_para = prev is not None and prev.passage.chunk.id == u.passage.chunk.id and prev.para == u.para \
            and u.form == "sentence" and prev.form == "sentence"
        if not same_para:
            # a paragraph opening with the cue has no subject of its own ('主要用于：…' under the item before)
            follows = prev is not None and prev.passage.chunk.id == u.passage.chunk.id and prev.para == u.para - 1 \
                and u.form == "sentence" and prev.form == "sentence"
            prev_opening, opening = (opening if follows else None), k
        m = cue.search(norm(texts[k])) if cue else None
        says = m is not None
        identity = kind == "duty" and bool(_IDENTITY.search(texts[k])) and (
            not names or any(o in texts[k] for o in names))
        says = says or identity
        if u.form == "row" and terms.focus and any(f in texts[k].split("|", 1)[0] for f in terms.focus):
            says = True  # a row labelled with the asked attribute ('绩效目标 | …' answers '要达到什么目标')
        heading_says = not says and (bool(cue and u.heading and cue.search(u.heading)) or (
            kind == "what" and bool(_GLOSSARY.search(u.context))))  # (only what the text does not say itself)
        s, e, mine = u.start, u.end, own[k]
        # a cue sentence continuing its paragraph takes its subject along: the sentence before it, or the
        # paragraph's (numbered item's) opening sentence ('3、…信息化建设（项）。主要用于：…。年初预算为….
        # 决算数小于预算数的主要原因：…'), whichever makes the quote itself cover more of the question; a
        # paragraph opening with the cue takes them from the paragraph before
        subject = (k - 1, opening) if same_para else (k - 1, prev_opening) if (
            m is not None and m.start() == 0 and prev_opening is not None) else ()
        if says and subject and kind in ("why", "purpose", "how"):
            best = cov(mine)
            for j in dict.fromkeys(subject):
                a = units[j].start
                if j >= k or e - a > _MAX_SUBJECT_SPAN:
                    continue
                span = u.passage.chunk.text[a:e]
                t = _held(tokens_of(span), span, terms)
                if cov(t) > best + 1e-9:
                    best, s, mine = cov(t), a, t
        spans.append((s, e))
        says_k.append(says)
        held.append(mine | ctx[k] | ({_WHOLE} if identity and terms.empty else set()))
        bags.append(Candidate(sorted(mine), [_HEAD + t for t in sorted(ctx[k])],
                              ([CUE] if says else []) + ([_HEAD + CUE] if heading_says else [])
                              + ([_IDENTITY_TOKEN] if identity else [])))
    wanted = [*content, *terms.focus, *(_HEAD + t for t in content)]  # the asked attribute counts twice
    if terms.direction:
        wanted.append(DIRECTION)
    if cue:
        wanted += [CUE, _HEAD + CUE]
    if kind == "duty" and all(_BODY.fullmatch(w) for w in terms.words):
        wanted.append(_IDENTITY_TOKEN)  # the question asks what the organisation is ('是什么性质的机关')
    bm25 = _Index(bags).scores(wanted)
    own_terms = list(terms.gate) or sorted(terms.grams)  # a quote holds one of them itself
    out: list[Scored] = []
    for k, u in enumerate(units):
        s, e = spans[k]
        c = 1.0 if _WHOLE in held[k] else cov(held[k])  # '…是什么性质的机关': the sentence saying what it is
        if c <= 0:
            continue
        if own_terms and not any(t in norm(u.passage.chunk.text[s:e]) for t in own_terms):
            continue  # credit from the headings above alone ('支出。' under '…公用经费…') answers nothing
        tier = _form(u, kind, terms.focus or terms.words)
        if tier is None:
            continue
        out.append(Scored(float(bm25[k]) if len(bm25) else 0.0, c, u, s, e, tier, says_k[k]))
    # full answers before weak forms; of each, those saying what the asked kind says first (a reason for a
    # why-question); then BM25, or the cross-encoder's order over the head
    out.sort(key=lambda t: (*_order(t), -t.score, t.unit.passage.chunk.doc_id, t.unit.passage.chunk.ordinal,
                            t.start))
    texts_out = [x.unit.passage.chunk.text[x.start:x.end] for x in out]
    able = [i for i, x in enumerate(out) if x.coverage >= MIN_NARRATIVE]  # the cross-encoder sees these
    order = rerank(pq.text, texts_out, able, settings, reranker) + [i for i, x in enumerate(out)
                                                                    if x.coverage < MIN_NARRATIVE]
    ranked = [out[i] for i in order]
    ranked.sort(key=_order)  # stable
    return ranked


def _is_text(cell: str) -> bool:
    """A table cell holding running text (a phrase with sentence punctuation), not a label or a number."""
    body = LIST_START.sub("", cell.strip())
    return len(_CJK.findall(body)) >= 2 * _MIN_CJK and bool(re.search(r"[，。；、,;]", body))


def _order(x: Scored) -> tuple[int, int]:
    return x.tier, 0 if x.says else 1


_WHOLE = "\u27e8whole\u27e9"  # an identity sentence answering a duty question without a topic
_HEAD = "h:"  # the heading field: tokens of the headings above a unit
_IDENTITY_TOKEN = "\u27e8identity\u27e9"  # the sentence says what the asked organisation is


def _held(tokens: tuple[str, ...], text: str, terms: Terms) -> set[str]:
    """The tokens a text holds: its own, the question's words found in it (`held_tokens`), the asked
    direction when it states it."""
    out = set(tokens) | held_tokens(text, (*terms.words, *terms.years))
    if terms.direction and any(d in text for d in terms.direction):
        out.add(DIRECTION)
    return out


def _form(u: Unit, kind: str, words: list[str] = ()) -> int | None:
    """0: a full answer (a label row '项目编码 | …' answers 'what'/'list'); 1: a weak one (a heading answering
    'what'/'list', a fragment, a bare document reference, a very short line), quoted only when no full answer
    is; None: no answer at all (headings, table-of-contents lines and rows of numbers answer no narrative
    question; a row of text may: '绩效目标 | …')."""
    text = u.text
    if u.form == "heading":  # a table's first line is its title
        return 1 if kind in ("what", "list") and u.passage.chunk.kind != "table" else None
    if u.fragment:
        return 1
    if "《" in text:  # a reference to a document ('2、《…实施意见》（…〔2023〕3号）。') says nothing itself
        rest = re.sub(r"《[^》]*》|[（(][^）)]*[〔\[][^）)]*[）)]", "", LIST_START.sub("", text))
        if len(_CJK.findall(rest)) < _MIN_CJK:
            return 1
    if _LEADERS.search(text):
        return None  # a table-of-contents entry ('2. 2024年部门收入预算总表 ……')
    if u.form == "row":
        cells = [c.strip() for c in text.split("|")]
        if any(_is_text(c) for c in cells[1:]):
            return 0  # a row of text (a row of labels and numbers is none)
        label_value = any(w in cells[0] for w in words) and any(
            re.search(r"[0-9A-Za-z]", re.sub(r"(?:19|20)\d{2}\s*年度?", "", c)) for c in cells[1:])
        return 0 if kind in ("what", "list") and label_value else None  # '项目编码 | 000-9999-…'
    if len(_CJK.findall(text)) < _MIN_CJK:
        return 1
    return 0
