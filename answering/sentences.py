"""Narrative questions (why / purpose / duty / how / list / what): the sentences that answer.

A sentence scores by the question's content words (IDF-weighted over the scope; words present only in the
headings above it count half), a cue of the asked kind (why -> 主要原因/由于..., purpose -> 主要用于..., duty ->
负责/职能..., list -> 包括/下设...), the retrieval rank of its chunk, and its form (headings and number rows are
poor answers to narrative questions); a quote must hold a word of the question itself. A cue sentence whose
subject is earlier in its paragraph is quoted from the sentence before it or from the paragraph's (numbered
item's) opening, whichever covers more of the question; a sentence cut by the end of its chunk is continued
from the next chunk.
"""
from __future__ import annotations

import math
import re

from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.section_lists import MAX_ITEMS, items_after, quote_list
from budgetqa.answering.terms import Terms, bigrams, flat, norm, org_names, question_terms
from budgetqa.answering.units import Quote, Unit, continuation
from budgetqa.core.records import Passage
from budgetqa.ingest.layout import LIST_START

MIN_NARRATIVE = 0.34  # share of the question's (weighted) content words a narrative answer must hold
MAX_QUOTES = 3

_MAX_SUBJECT_SPAN = 320  # longest quote a cue sentence makes when it takes its subject along

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


def narrative_quotes(pq: ParsedQuestion, units: list[Unit], passages: list[Passage],
                     limit: int = MAX_QUOTES) -> tuple[list[Quote], str]:
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
    scored = score_units(pq, kind, terms, units)
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
        key = flat(text)
        if any(key in k or k in key for k in seen):
            continue
        seen.add(key)
        used.append((ch.id, s, e))
        q = Quote(u.passage, text, score, cov)
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


def score_units(pq: ParsedQuestion, kind: str, terms: Terms, units: list[Unit]):
    """(score, coverage, unit, start, end) of the units answering the question, best first."""
    texts = [norm(u.text) for u in units]  # matched without quotes and spaces ('“三公”经费', '2024 年')
    n = len(units)

    def idf(pred) -> float:
        return math.log(1 + n / (1 + sum(1 for t in texts if pred(t))))

    w_word = {w: idf(lambda t, w=w: w in t) * (2.0 if w in terms.focus else 1.0) for w in terms.words}
    w_year = {y: 0.3 * idf(lambda t, y=y: y in t) for y in terms.years}
    grams = [bigrams(t) for t in texts]
    w_gram = {g: math.log(1 + n / (1 + sum(1 for gs in grams if g in gs))) for g in terms.grams}
    w_dir = (sum(w_word.values()) / len(w_word) if w_word else 1.0) if terms.direction else 0.0
    total_w = (sum(w_word.values()) + sum(w_year.values()) + w_dir) or 0.0
    total_g = sum(w_gram.values()) or 0.0
    names = org_names(pq)
    cue = CUES.get(kind)

    def coverage(text: str, ctx: str, gs: set[str]) -> float:
        cgs = bigrams(ctx) if ctx else set()
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
        ctx = norm(u.context)
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
        if kind == "duty" and _IDENTITY.search(text) and (not names or any(o in text for o in names)):
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
                span = norm(u.passage.chunk.text[a:e])
                c = coverage(span, ctx, bigrams(span))
                c = 0.85 * c + 0.15 * cov
                if c > best_cov + 1e-9:
                    best_cov, s = c, a
            cov = best_cov
        prev = u
        if cov <= 0:
            continue
        if own_terms and not any(t in norm(u.passage.chunk.text[s:e]) for t in own_terms):
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


def _form_penalty(u: Unit, kind: str, words: list[str] = ()) -> float | None:
    """Headings and rows of numbers answer no narrative question (None: not an answer at all); a row of
    text may ('绩效目标 | …')."""
    text = u.text
    if u.form == "heading":  # a table's first line is its title
        return 0.35 if kind in ("what", "list") and u.passage.chunk.kind != "table" else None
    if u.fragment:
        return 0.15
    if "《" in text:  # a reference to a document ('2、《…实施意见》（…〔2023〕3号）。') says nothing itself
        rest = re.sub(r"《[^》]*》|[（(][^）)]*[〔\[][^）)]*[）)]", "", LIST_START.sub("", text))
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
