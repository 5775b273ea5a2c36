"""Question parsing: organisations, years, items, intent and requested units, by rules (no LLM).

`parse_question(text, catalog) -> ParsedQuestion`. The organisation part is delegated to
`budgetqa.answering.catalog.Catalog.find_mentions`; items come from the shared vocabulary
(`budgetqa.core.vocabulary.get_vocabulary().find_items`), so questions and facts use the same canonical names.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from budgetqa.answering.catalog import Catalog, OrgMention

from budgetqa.core.measures import measures_in_question
from budgetqa.core.numerals import cn_value, small_int
from budgetqa.core.phrases import get_phrases
from budgetqa.core.vocabulary import get_vocabulary

log = logging.getLogger(__name__)

_W = get_phrases()  # the word lists (budgetqa/core/data/question_words.yaml)
INTENTS = ("lookup", "difference", "growth", "share", "rate", "sum", "ranking", "trend", "list", "narrative")

_YEAR4 = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])\s*(年度|年|届)?")
_YEAR2 = re.compile(r"(?<![\d.])(\d{2})\s*年(?!代)")
_YEAR_CN = re.compile(r"([二〇零一三四五六七八九]{4})年")
_RELATIVE: dict[str, int] = {str(k): int(v) for k, v in _W.mapping("relative_years").items()}
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:到|至|-|—|~|～)\s*((?:19|20)\d{2})\s*年?")
_RECENT = re.compile(r"(?:近|最近)([两二三四五六七八九十\d]{1,3})年")

_UNIT_ASK = [
    (re.compile(r"(?:多少|几)\s*亿元|以亿元|单位[是为：:]?亿元|亿元计"), "亿元"),
    (re.compile(r"(?:多少|几)\s*万元|以万元|单位[是为：:]?万元|万元计|多少万(?!元)"), "万元"),
    (re.compile(r"(?:多少|几)\s*(?:块钱|元)|以元计|单位[是为：:]?元|精确到元"), "元"),
]
_COUNT_ASK = re.compile(rf"(?:多少|几)\s*({_W.alternation('count_units')})")

_DIFF = re.compile(rf"{_W.alternation('difference')}|(?:{_W.alternation('difference_verbs')})了?多少|"
                   r"增长了?多少(?!%|％)|和.{1,20}比|与.{1,20}比|跟.{1,20}比|比.{1,20}(?:多|少|高|低)")
_GROWTH = re.compile(rf"{_W.alternation('growth')}|(?:{_W.alternation('growth_verbs')})了?(?:百分之[几多少]+|多少个?百分点|"
                     r"多少\s*[%％]|几成|的?比例|的?幅度|率)")
_SHARE = re.compile(rf"{_W.alternation('share')}|占.{{0,12}}(?:比例|比重|百分之|百分比|多少|几成)")
_RANK = re.compile(rf"{_W.alternation('ranking')}|前[一二三四五六七八九十\d]+名?")
_RANK_MIN = re.compile(_W.alternation("ranking_ascending"))
_TREND = re.compile(rf"{_W.alternation('trend')}|近[两二三四五六七八九十\d]年")
_SUM = re.compile(_W.alternation("sum"))
_LIST = re.compile(_W.alternation("list"))
_NUMERIC_ASK = re.compile(rf"{_W.alternation('numeric_ask')}|\d")
_TEXT_ASK = re.compile(_W.alternation("text_ask"))
# Narrative kinds, in order of precedence (the data file says what each asks for).
_NARRATIVE_WORDS = _W.groups("narrative_kinds")
NARRATIVE_KINDS = tuple(_NARRATIVE_WORDS)
_ASKS = [(kind, re.compile("|".join(re.escape(w) for w in words) + (r"|怎么(?!会)" if kind == "how" else "")))
         for kind, words in _NARRATIVE_WORDS.items()]
_KIND = [(w, w) for w in _W.words("document_kinds")]
_YEAR_END = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:底|末|年底|年末|12月31日)")
_PREVIOUS = re.compile(_W.alternation("previous_period"))
_FOLLOWUP = re.compile(rf"^(?:{_W.alternation('followup_starts')})|呢[？?！!。.\s]*$")
_PRONOUN = re.compile(_W.alternation("pronouns"))
_WITH_PREVIOUS = re.compile(_W.alternation("compare_with_previous"))

# Words stripped from the topic before label matching (question words, fillers): a count ('几个', '几件')
# and the data file's list.
_FILLERS = re.compile(
    rf"(?:多少|几)\s*个|几(?=\s*(?:{_W.alternation('count_units')}))|{_W.alternation('topic_fillers')}"
)
_EDGE_CHARS = _W.text("topic_edge_chars")
_PUNCT = re.compile(r"[？?！!。，,、；;：:（）()“”\"'‘’《》\s]+")
# A question naming only the budget as a whole ('预算是多少') asks for the overall total.
_WHOLE_BUDGET = re.compile(r"^(?:部门|单位)?(?:预算|决算|总预算|预算总额|总额|收支|收支预算|预算收支|全年预算)$")
TOTAL_ITEMS = ("收支总额", "支出总计", "收入总计", "支出合计", "收入合计")


@dataclass
class ParsedQuestion:
    text: str
    orgs: list[str] = field(default_factory=list)  # resolved organisations, in order of mention
    org_candidates: list[list[str]] = field(default_factory=list)  # ambiguous mentions
    unknown_org: str | None = None  # an organisation mentioned but not in the corpus
    mentions: list[OrgMention] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_note: str | None = None  # how a relative year was read ('今年' -> 2025)
    year_end: bool = False  # '2016年底' (a balance at year end)
    period: str = "current"  # 'previous' for 上年末 / 年初 figures
    items: list[str] = field(default_factory=list)  # canonical items (vocabulary)
    codes: list[str] = field(default_factory=list)  # subject codes (explicit or from an item path)
    terms: list[str] = field(default_factory=list)  # label terms left after removing org, years, fillers
    topic: str = ""  # the label part of the question as one string
    intent: str = "lookup"
    unit: str | None = None  # money unit asked for ('元', '万元', '亿元')
    count_unit: str | None = None  # counting word asked for ('件', '辆', '人')
    kind_hint: str | None = None  # '部门预算' | '单位预算' | '部门决算' | '单位决算' | '决算' | None
    ascending: bool = False  # ranking direction (最少/最低)
    followup: bool = False  # elliptical: leans on the previous turn
    compare_with_previous: bool = False  # '比上年', '较上年'
    wants_text: bool = False  # asks for words (a code, a name, a reason), not a figure
    ask: str | None = None  # narrative kind (NARRATIVE_KINDS): why / purpose / duty / how / list / what
    implied_total: bool = False  # only '预算' was named: any of the overall totals answers
    measures: list[str] = field(default_factory=list)  # measures named, in order (core.measures): '决算数', …

    @property
    def org(self) -> str | None:
        return self.orgs[0] if self.orgs else None

    @property
    def year(self) -> int | None:
        return self.years[0] if self.years else None

    def describe(self) -> str:
        """'鹿泉区信访局本级 2021年 三公经费' (shown to the user as 理解为：…)."""
        parts = []
        if self.orgs:
            parts.append("、".join(self.orgs))
        elif self.org_candidates:
            parts.append("（单位不明确）")
        if self.years:
            parts.append("、".join(f"{y}年" for y in self.years) + ("底" if self.year_end else ""))
        if self.period == "previous":
            parts.append("上年末")
        label = "、".join(self.items) if self.items else self.topic
        if label:
            parts.append(label)
        if self.intent != "lookup":
            parts.append(f"（{INTENT_NAMES[self.intent]}）")
        return " ".join(parts)


INTENT_NAMES = {"lookup": "查询", "difference": "差额比较", "growth": "增减幅度", "share": "占比", "rate": "预算执行率", "sum": "合计",
                "ranking": "排序", "trend": "历年变化", "list": "列举", "narrative": "文字说明"}


def _vocabulary():
    return get_vocabulary()


def _normalize(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "")
    return text.strip()


def parse_question(text: str, catalog: Catalog) -> ParsedQuestion:
    text = _normalize(text)
    pq = ParsedQuestion(text=text)
    consumed: list[tuple[int, int]] = []

    # --- organisations -------------------------------------------------------------------
    pq.mentions = catalog.find_mentions(text)
    for m in pq.mentions:
        consumed.append((m.start, m.end))
        if not m.candidates:
            if pq.unknown_org is None:
                pq.unknown_org = m.text
        elif m.resolved:
            if m.resolved not in pq.orgs:
                pq.orgs.append(m.resolved)
        else:
            pq.org_candidates.append(list(m.candidates))
    # an ambiguous mention consistent with a resolved one ('普陀区' + '商务委') adds nothing
    pq.org_candidates = [c for c in pq.org_candidates if not set(c) & set(pq.orgs)]
    # two ambiguous mentions narrowing each other ('普陀区' … '财政局'): intersect
    if len(pq.org_candidates) > 1:
        common = set.intersection(*map(set, pq.org_candidates))
        if len(common) == 1:
            pq.orgs.append(common.pop())
            pq.org_candidates = []

    # --- years ---------------------------------------------------------------------------
    _parse_years(text, pq, catalog, consumed)

    # --- kind, units, period -----------------------------------------------------------------
    for word, kind in _KIND:
        if word in text:
            pq.kind_hint = kind
            break
    for pattern, unit in _UNIT_ASK:
        if pattern.search(text):
            pq.unit = unit
            break
    m = _COUNT_ASK.search(text)
    if m:
        pq.count_unit = m.group(1)
    if _PREVIOUS.search(text):
        pq.period = "previous"
    pq.measures = measures_in_question(text)

    # --- items and label terms -------------------------------------------------------------
    _parse_items(text, pq, consumed)

    # --- intent ------------------------------------------------------------------------------
    pq.intent = _intent(text, pq)
    pq.compare_with_previous = bool(_WITH_PREVIOUS.search(text))
    pq.followup = bool(_FOLLOWUP.search(text)) or bool(_PRONOUN.search(text) and not pq.orgs)
    pq.ascending = bool(_RANK_MIN.search(text))
    return pq


def _parse_years(text: str, pq: ParsedQuestion, catalog: Catalog, consumed: list[tuple[int, int]]) -> None:
    years: list[int] = []
    for m in _YEAR_CN.finditer(text):
        years.append(int(cn_value(m.group(1)) or 0))
        consumed.append(m.span())
    m = _YEAR_RANGE.search(text)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        if b - a <= 30:
            years.extend(range(a, b + 1))
            consumed.append(m.span())
    end = _YEAR_END.search(text)
    if end:
        years.append(int(end.group(1)))
        consumed.append(end.span())
    for m in _YEAR4.finditer(text):
        if any(s <= m.start() < e for s, e in consumed):
            continue
        # '2019年12月31日' style dates count; so does a bare 2021
        years.append(int(m.group(1)))
        consumed.append(m.span())
    for m in _YEAR2.finditer(text):
        if any(s <= m.start() < e for s, e in consumed):
            continue
        years.append(2000 + int(m.group(1)))
        consumed.append(m.span())
    if end:
        pq.year_end = True
    scope = pq.orgs[0] if len(pq.orgs) == 1 else None
    ref = catalog.latest_year(scope) if (scope or len(catalog.years()) >= 1) else None
    for word, delta in _RELATIVE.items():
        idx = text.find(word)
        if idx < 0 or any(s <= idx < e for s, e in consumed):
            continue
        if "上年末" in text and word == "上一年":
            continue
        if ref is None:
            pq.year_note = f"“{word}”无法确定具体年度"
            continue
        years.append(ref + delta)
        consumed.append((idx, idx + len(word)))
        where = f"{scope}最新文件" if scope else "语料中最新文件"
        pq.year_note = f"“{word}”按{where}年度理解为{ref + delta}年"
    m = _RECENT.search(text)
    if m and not years and ref is not None:
        n = small_int(m.group(1)) or 0
        years.extend(range(ref - n + 1, ref + 1))
        pq.year_note = f"“{m.group(0)}”按最新文件年度理解为{ref - n + 1}—{ref}年"
    pq.years = sorted(dict.fromkeys(y for y in years if 1990 <= y <= 2100), key=years.index)


def _parse_items(text: str, pq: ParsedQuestion, consumed: list[tuple[int, int]]) -> None:
    voc = _vocabulary()
    # explicit subject codes ('2010308', '30208')
    for m in re.finditer(r"(?<!\d)(\d{3}(?:[ \u3000]?\d{2}){0,2})(?!\d)", text):  # '2210201' or '221 02 01'
        if any(s <= m.start() < e for s, e in consumed):
            continue
        code = re.sub(r"[ \u3000]", "", m.group(1))
        after = text[m.end():m.end() + 1]
        if after in "年元万亿%％.个件辆人次名":
            continue  # a year, an amount or a count, not a subject code
        named = bool(re.search(r"(?:科目|编码|代码|功能|经济分类)\s*$", text[:m.start()])
                     or re.match(r"\s*(?:科目|这一?项|项目?|号|款|类)", text[m.end():]))
        if (voc is not None and voc.code_name(code)) or (named and len(code) in (5, 7)):
            pq.codes.append(code)
            consumed.append(m.span())
    if voc is not None:
        found = [(it, s, e) for it, s, e in voc.find_items(text) if not any(a <= s < b for a, b in consumed)]
        for it, s, e in found:
            if it.name not in pq.items:
                pq.items.append(it.name)
        # a 类/款/项 path ('商贸事务行政运行') names one subject: keep the child code under its parent
        coded = [it for it, _, _ in found if it.codes]
        for parent, child in zip(coded, coded[1:]):
            hits = [c for c in child.codes if any(c.startswith(p) and len(c) > len(p) for p in parent.codes)]
            if len(hits) == 1 and hits[0] not in pq.codes:
                pq.codes.append(hits[0])
    # label terms: what is left once organisations, years and question words are removed
    chars = list(text)
    for s, e in consumed:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    rest = "".join(chars)
    rest = re.sub(r"(?:19|20)?\d{2}\s*年(?:度)?|\d+", " ", rest)
    for word, _ in _KIND:
        rest = rest.replace(word, " ")
    rest = _FILLERS.sub(" ", rest)
    terms = [t.strip(_EDGE_CHARS) for t in _PUNCT.split(rest)]
    terms = [t for t in terms if len(t) >= 2]
    pq.terms = terms
    pq.topic = "".join(terms)
    if not pq.items and not pq.codes and (not terms or all(_WHOLE_BUDGET.match(t) for t in terms)):
        if re.search(r"预算|决算|收支", text) and not _TEXT_ASK.search(text):
            pq.items = [TOTAL_ITEMS[0]]
            pq.implied_total = True


def ask_kind(text: str) -> str | None:
    """The narrative kind a question asks for ('why', 'purpose', ...), None when it asks for no text."""
    for kind, pattern in _ASKS:
        if pattern.search(text):
            return kind
    return None


def _intent(text: str, pq: ParsedQuestion) -> str:
    numeric = bool(_NUMERIC_ASK.search(re.sub(r"(?:19|20)\d{2}\s*年?|哪几", "", text)))
    pq.ask = ask_kind(text)
    pq.wants_text = (bool(_TEXT_ASK.search(text)) or pq.ask is not None) and not numeric
    if pq.ask in ("why", "purpose", "duty", "how") and not numeric:
        return "narrative"  # answered from the text first; a figure only when the question also asks 多少
    if _LIST.search(text) and not numeric:
        return "list" if not re.search(r"职责|职能|主要", text) else "narrative"
    if _RANK.search(text):
        return "ranking"
    if "执行率" in pq.measures:
        return "rate"  # '完成年初预算的百分之几', '决算数占全年预算数的比例': actual over budget
    if _GROWTH.search(text):
        return "growth"
    if _SHARE.search(text) and not re.search(r"占用", text):
        return "share"
    if len(pq.years) >= 2 and not _DIFF.search(text) or _TREND.search(text):
        return "trend" if not _DIFF.search(text) else "difference"
    if _DIFF.search(text) or (len(pq.orgs) >= 2 and re.search(r"比|对比|比较|哪个", text)):
        return "difference"
    if _SUM.search(text) and (len(pq.orgs) >= 2 or len(pq.items) >= 2 or len(pq.years) >= 2):
        return "sum"
    if pq.wants_text:
        return "narrative"
    return "lookup"
