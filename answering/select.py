"""Choosing the facts that answer a question: scoring by item, subject code, label text, column, period,
document kind and unit. Pure functions over `Fact` records; no store access here."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.measures import accepts, default_measure
from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit
from budgetqa.core.vocabulary import get_vocabulary, normalize_label

log = logging.getLogger(__name__)

_GENERIC_ROWS = re.compile(r"^(?:合计|总计|小计|资产总额|本年合计|共计|总额)$")
_GENERIC_COLS = ("", "合计", "金额", "预算数", "决算数", "本年预算数", "本年预算", "本年决算数", "数值", "值", "小计",
                 "总计", "预算", "决算", "全年预算数", "年初预算数", "一般公共预算财政拨款", "本年收入", "本年支出")
_COUNT_COL = re.compile(r"数量|件数|人数|辆数|台数|个数|面积")
_PUNCT = re.compile(r"[\s、，,。；;：:（）()“”\"'‘’《》\-—－/]|[（(](?:类|款|项)[)）]")
_TAIL_WORDS = re.compile(r"(?:预算数|预算|决算数|决算|安排|支出数)$")
MIN_LABEL_SIM = 0.55  # a fact without a matching item must resemble the question at least this much


def norm(text: str) -> str:
    return _PUNCT.sub("", normalize_label(text or ""))


_QUALIFIERS = (("年初预算", ("年初预算", "预算数", "预算")), ("调整预算", ("调整预算",)), ("预算数", ("预算",)))


_CHANGE_WORDS = re.compile(r"增加|减少|增长|下降|压减|降低|上升|增减|新增")


def _in_change_clause(fact: Fact) -> bool:
    """The figure sits in a clause about a change ('比2019年…增加14.07万元', '增加…人员经费14.07万元')."""
    if fact.table_index is not None or not fact.quote or not fact.value_text:
        return False
    idx = fact.quote.find(fact.value_text)
    if idx < 0:
        return False
    start = max(fact.quote.rfind(p, 0, idx) for p in "，,；;。：:")
    return bool(_CHANGE_WORDS.search(fact.quote[start + 1:idx]))


def _shares_noun(topic: str, label: str, count_unit: str) -> bool:
    rest = re.sub(rf"[几多少个{count_unit}]", "", topic or "")
    return any("\u4e00" <= ch <= "\u9fff" and ch in label for ch in rest)


RATE_MEASURES = ("执行率",)
SHARE_MEASURES = ("占比",)


def code_matches(fact: Fact, codes: list[str]) -> bool:
    """The fact is the row of one of the subject codes: its own code, or (a sentence naming the subject by
    its 类/款/项 path) a label holding the names of the code and of its parents."""
    if fact.code is not None:
        return fact.code in codes
    voc = get_vocabulary()
    label = norm(f"{fact.row_label}{fact.column_label}")
    for code in codes:
        names = [voc.code_name(code[:n]) for n in range(3, len(code) + 1, 2)]
        if len(code) > 3 and all(names) and all(norm(n) in label for n in names):
            return True
    return False


def measure_allowed(fact: Fact, pq: ParsedQuestion, kind: str | None) -> bool:
    """The figure measures what the question asks (core.measures): a 决算数 never answers '预算是多少', a 预算数
    never answers '实际花了多少'; a question naming no measure asks for the document's own (预算数 of a budget,
    决算数 of a final account). Shares and rates answer only questions about shares and rates."""
    m = fact.measure
    if m is None or fact.period in ("change", "change_pct"):
        return True  # changes are matched by period; facts stored before measures existed are not refused
    if m in SHARE_MEASURES:
        return pq.intent == "share"
    if m in RATE_MEASURES:
        return any(a in RATE_MEASURES for a in pq.measures) or pq.intent == "share"
    if pq.intent == "rate" and all(a in RATE_MEASURES for a in pq.measures):
        return False  # a rate question is answered by a printed rate or computed from named operands
    asked = [a for a in pq.measures if a not in RATE_MEASURES]
    if not asked:
        default = default_measure(kind)
        asked = [default] if default else []
    return not asked or any(accepts(a, m) for a in asked)


def kind_allowed(kind: str | None, pq: ParsedQuestion) -> bool:
    """'决算' asked: only final accounts answer (a plan is not an outcome), and the reverse."""
    if not kind or not pq.kind_hint:
        return True
    return ("决算" in pq.kind_hint) == ("决算" in kind)


def qualifier_allowed(fact: Fact, kind: str | None, pq: ParsedQuestion) -> bool:
    """In a final account, '年初预算' asks for the budget column, not the outturn."""
    if not kind or "决算" not in kind:
        return True
    text = f"{fact.column_label} {fact.row_label}" + (f" {fact.quote}" if fact.table_index is None else "")
    for asked, accepted in _QUALIFIERS:
        if asked in pq.text:
            return any(a in text for a in accepted)
    return True


def clean_row(label: str) -> str:
    return re.sub(r"^[一二三四五六七八九十\d]+[、.．]|^其中[:：]", "", label.strip())


def generic_column(col: str | None) -> bool:
    """'合计', '预算数', '本年收入/预算数', '一般公共预算基本支出/合计', '价值（金额单位：万元）' name no sub-item."""
    if not col:
        return True
    parts = [norm(p) for p in re.split(r"[/／]", col) if p.strip()]
    if not parts:
        return True
    last = parts[-1]
    return last in _GENERIC_COLS or last.startswith(("价值", "金额")) or all(p in _GENERIC_COLS for p in parts)


def _bigram_cover(a: str, b: str) -> int:
    """Characters of `a` covered by bigrams that also occur in `b`."""
    if len(a) < 2 or len(b) < 2:
        return len(a) if a and a == b else 0
    grams = {b[i:i + 2] for i in range(len(b) - 1)}
    covered = [False] * len(a)
    for i in range(len(a) - 1):
        if a[i:i + 2] in grams:
            covered[i] = covered[i + 1] = True
    return sum(covered)


def similarity(topic: str, label: str) -> float:
    """How well a printed label answers the question's topic, 0..1 (label coverage weighs most)."""
    t, lab = norm(topic), norm(label)
    t2 = _TAIL_WORDS.sub("", t) or t
    if not t or not lab:
        return 0.0
    if lab in (t, t2):
        return 1.0
    cov_l = _bigram_cover(lab, t) / len(lab)
    cov_t = _bigram_cover(t2, lab) / len(t2)
    return 0.6 * cov_l + 0.4 * cov_t


@dataclass
class Scored:
    fact: Fact
    score: float
    sim: float
    item_hits: int
    reasons: list[str] = field(default_factory=list)


def column_item(fact: Fact) -> str | None:
    voc = get_vocabulary()
    col = (fact.column_label or "").strip()
    if not col or voc is None:
        return None
    it = voc.match(col)
    if it is None and re.search(r"[/／]", col):
        it = voc.match(re.split(r"[/／]", col)[-1])  # '支出预算/基本支出'
    return it.name if it else None


def score_fact(fact: Fact, pq: ParsedQuestion, items: list[str] | None = None, kind: str | None = None,
               period: str | None = None) -> Scored | None:
    """Score one fact for the question (None = cannot answer it). `items` overrides the question's items."""
    overridden = items is not None and list(items) != list(pq.items)
    topic = "".join(items) if overridden else pq.topic
    items = pq.items if items is None else items
    topic = topic or pq.topic or "".join(items)
    want_period = period or pq.period
    if not kind_allowed(kind, pq) or not qualifier_allowed(fact, kind, pq) or not measure_allowed(fact, pq, kind):
        return None
    reasons: list[str] = []
    if fact.period in ("change", "change_pct") and want_period not in ("change", "change_pct"):
        return None
    if want_period in ("change", "change_pct") and fact.period != want_period:
        return None
    col_item = column_item(fact)
    row_hit = any(it == fact.item for it in items)
    col_hit = col_item is not None and col_item != fact.item and col_item in items
    if col_hit and not row_hit and not _GENERIC_ROWS.match(norm(fact.row_label)) \
            and norm(clean_row(fact.row_label)) not in norm(pq.text):
        col_hit = False  # '卫生健康支出 / 基本支出' does not answer '基本支出'
    hits = int(row_hit) + int(col_hit)
    code_hit = bool(pq.codes) and code_matches(fact, pq.codes)
    code_miss = bool(pq.codes) and not code_hit
    if code_miss and (fact.code is not None or not items):
        return None  # a subject code given is the identifier: only its own row answers
    label = fact.row_label
    sim = similarity(topic, label)
    if _GENERIC_ROWS.match(norm(label)):
        sim = max(sim * 0.5, 0.9 * similarity(topic, f"{fact.statement}{label}"))
    if not generic_column(fact.column_label):
        sim = max(sim, 0.95 * similarity(topic, f"{label}{fact.column_label}"))
    if pq.count_unit and fact.unit == pq.count_unit and _shares_noun(pq.topic, label, pq.count_unit):
        sim = max(sim, 0.6)  # '几辆车' -> '车辆（台、辆）'
    if code_hit:
        pass  # the code identifies the row whatever its printed label
    elif items:
        if not hits and sim < 0.8:
            return None
    elif sim < MIN_LABEL_SIM:
        return None
    score = 3.0 * hits + 2.0 * sim
    if want_period not in ("change", "change_pct") and _in_change_clause(fact):
        score -= 1.0  # '增加…人员经费14.07万元' is an increase, not the amount
    if code_hit:
        score += 4.0
        reasons.append("code")
    elif code_miss:
        score -= 3.0
    # the column: a named column must be asked for; otherwise prefer totals
    col = norm(fact.column_label or "")
    if not generic_column(fact.column_label):
        if col_item and col_item in items and col_item != fact.item:
            score += 0.5
        elif _COUNT_COL.search(col) and pq.count_unit:
            score += 2.0
        elif col not in norm(pq.text):
            score -= 1.5
    # period
    if want_period == "previous":
        score += 1.5 if fact.period == "previous" else -0.5
    elif fact.period == "previous":
        score -= 2.0
    # counts vs money
    is_count = not is_money_unit(fact.unit) and fact.unit != "%" and (
        bool(_COUNT_COL.search(fact.column_label or "")) or fact.unit == pq.count_unit)
    if pq.count_unit:
        score += 2.5 if is_count or fact.unit == pq.count_unit else -3.0
    elif is_count:
        score -= 2.0
    if fact.unit == "%" and not re.search(r"%|％|率|比例|比重|百分|满意度|占", pq.text):
        score -= 1.5
    if pq.unit and fact.unit == pq.unit:
        score += 0.3
    # document kind
    if kind:
        hint = pq.kind_hint
        if hint and hint in kind:
            score += 0.8
        elif hint and hint not in kind:
            score -= 0.8
        elif "部门" in kind:
            score += 0.3
    if fact.table_index is not None:
        score += 0.05  # a table cell is the primary record; narrative corroborates
    if fact.blank:
        score -= 0.5  # a figure printed elsewhere for the same thing says more than a blank cell
    return Scored(fact, score, sim, hits, reasons)


def rank(facts: list[Fact], pq: ParsedQuestion, kinds: dict[str, str | None], items: list[str] | None = None,
         period: str | None = None) -> list[Scored]:
    """Facts able to answer, best first; ties go to the earlier page/table (summary tables come first)."""
    scored = []
    for f in facts:
        if pq.count_unit and is_money_unit(f.unit):
            continue  # '多少人次/辆/件' is never answered with money ('因公出国多少人次' is not 0.00万元)
        if f.blank and pq.intent != "lookup":
            continue  # a blank cell answers 'how much' (nothing); it is no operand of a computation
        s = score_fact(f, pq, items=items, kind=kinds.get(f.doc_id), period=period)
        if s is not None:
            scored.append(s)
    scored.sort(key=lambda s: (-round(s.score, 6), s.fact.page or 0, s.fact.table_index if s.fact.table_index is not None else 999,
                               s.fact.row_index or 0, s.fact.fact_id or 0))
    return scored


def _half_ulp_yuan(f: Fact) -> Decimal:
    """Half a unit of the last printed digit, in 元 ('37,151.47' 万元 -> 50 元)."""
    exp = f.value.as_tuple().exponent
    scale = (f.value_yuan / f.value) if f.value else Decimal(1)
    return Decimal(1).scaleb(exp if isinstance(exp, int) else 0) * abs(scale) / 2


def same_value(a: Fact, b: Fact) -> bool:
    """Equal figures, allowing for one of them being printed rounded in a larger unit."""
    if a.value_yuan is not None and b.value_yuan is not None:
        if a.value_yuan == b.value_yuan:
            return True
        tol = max(_half_ulp_yuan(a), _half_ulp_yuan(b))
        return abs(a.value_yuan - b.value_yuan) <= tol
    return a.value == b.value and a.unit == b.unit


def promote_table(ranked: list[Scored]) -> list[Scored]:
    """A narrative figure stated also in a table cell (same item, same value): the cell leads, the
    sentence corroborates."""
    if not ranked or ranked[0].fact.table_index is not None:
        return ranked
    best = ranked[0]
    for s in ranked[1:6]:
        f = s.fact
        if f.table_index is not None and not f.blank and f.doc_id == best.fact.doc_id and s.item_hits >= best.item_hits \
                and best.item_hits and f.item == best.fact.item and f.period == best.fact.period \
                and same_value(f, best.fact) and s.score >= best.score - 1.5:
            return [s] + [r for r in ranked if r is not s]
    return ranked


def corroborating(best: Scored, others: list[Scored], limit: int = 2) -> list[Fact]:
    """Other sources printing the same figure for the same label (another table or the narrative)."""
    out: list[Fact] = []
    seen = {(best.fact.doc_id, best.fact.page, best.fact.table_index, best.fact.quote)}
    for s in others:
        if s is best or not same_value(s.fact, best.fact) or s.score < best.score - 3.0:
            continue
        key = (s.fact.doc_id, s.fact.page, s.fact.table_index, s.fact.quote)
        if key in seen or s.fact.doc_id != best.fact.doc_id:
            continue
        seen.add(key)
        out.append(s.fact)
        if len(out) >= limit:
            break
    return out


def conflicting(best: Scored, others: list[Scored]) -> list[Fact]:
    """Close candidates with another value for the same label: shown so the reader can judge."""
    out = []
    for s in others[1:4]:
        if s.fact.doc_id == best.fact.doc_id and not same_value(s.fact, best.fact) and s.score >= best.score - 0.3 \
                and s.fact.unit == best.fact.unit and norm(s.fact.row_label) == norm(best.fact.row_label):
            out.append(s.fact)
    return out
