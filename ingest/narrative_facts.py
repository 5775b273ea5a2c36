"""Facts from sentences: '正常公用经费支出11.06万元', '办公费1.65万元、邮电费1.5万元', '较2020年减少53.49万元'.

Conventions:
- one Fact per number that carries a unit (money 元/万元/亿元, %, or a count 件/人/名/辆/台/平方米/家/户/套/份);
  years and other unit-less numbers are not facts; statement is 'narrative', column_label '';
- row_label: the phrase the number belongs to (the clause before it, without '其中：', the subject '我单位' and
  verbs like '预算安排'); item: the last vocabulary item in that phrase, else the subject of an earlier clause
  of the sentence (for '…，占98.5%' / '…，较2020年减少53.49万元'), else the first item of the previous
  sentence ('（二）公务接待费。安排0万元。');
- 类/款/项 paths ('一般公共服务支出（类）商贸事务（款）行政运行（项）') give code and item (vocabulary.resolve_path);
- changes: '增加/增长/上升/提高' -> period 'change' ('change_pct' for %), value positive; '减少/下降/降低/压减/节约'
  -> the value is NEGATIVE (value and value_yuan); value_text stays as printed ('53.49万元') and the row_label
  keeps the printed direction ('预算收支安排…较2020年减少'). '占98.5%' -> a share: unit '%', period 'current',
  row_label '<subject>占比';
- year: the sentence's own year ('2021年机关运行经费…', not a comparison year '较2020年'), else the document
  year; '上年末/上年度/去年' -> period 'previous', year - 1; 'YYYY年底/年末' before the document year -> 'previous';
- quote: the exact sentence as it stands in the page text (PDF line breaks included); locator: the section
  heading path + ' / 第N句' (N counts sentences within the section); page: the PDF page, None for text files.
"""
from __future__ import annotations

import logging
import re

from budgetqa.records import Document, Fact
from ingest.numbers import MONEY_FACTORS, find_numbers, to_yuan
from ingest.vocabulary import Item, get_vocabulary

log = logging.getLogger(__name__)

_UNITS = set(MONEY_FACTORS) | {"%", "件", "人", "人次", "名", "辆", "台", "平方米", "家", "户", "套", "份"}
_HEADING = re.compile(r"^\s*(?:(第[一二三四五六七八九十]+部分)|([一二三四五六七八九十]+、)|([（(][一二三四五六七八九十]+[）)])"
                      r"|(\d{1,2}[、.．](?!\d))|([（(]\d{1,2}[）)]))")
_LIST_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)|[①-⑳]|-\s)")
_SENT_END = "。；;！？!?"
_CLAUSE_SPLIT = re.compile(r"[，,、；;：:（）()]|其中|包括|主要用于|以及|和(?=[^和]{2,}?\d)")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年(?!\d)")
_CMP_YEAR = re.compile(r"(?:较|比|与|同|对比|相对于?)\s*(\d{4})\s*年")
_UP = re.compile(r"(增加|增长|上升|提高|增)\s*$")
_DOWN = re.compile(r"(减少|下降|降低|压减|节约|减)\s*$")
_SHARE = re.compile(r"占(?:[^，。；]{0,12}?的)?(?:比(?:重|例)?)?为?\s*$")
_PREV = re.compile(r"上年末|上年底|上年度|去年|上一年|上年(?=预算数|决算数|执行数)")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|12月31日)")
_SUBJECT = re.compile(r"^(?:\d{4}\s*年(?:度)?[，,]?)?\s*(?:我(?:部门|单位|局|委|中心|办)|本(?:部门|单位)|该(?:部门|单位))")
_TRAIL = re.compile(r"(?:共计安排|计划安排|预算安排|安排|金额为|总额为|共计|合计|总计|为|是|达到|约|共)\s*$")
_LEAD = re.compile(r"^[\s，,、：:；;]*(?:\d{1,2}[.．、](?!\d))?(?:其中|包括|含|分别是|分别为|主要是)?[：:，,\s]*")
_ORPHAN_UNIT = re.compile(r"(?<=[\u4e00-\u9fff，。：])[ \t]+万?元")
_GENERIC = re.compile(r"(?:\d{4}年(?:度)?)?(?:当年|本年|全年|年初)?(?:支出)?(?:预算|决算)?(?:执行数|安排|数)?")
_ATTRIBUTE = {"价值", "金额", "价值为", "总价值", "原值", "账面价值"}
_SHORT_PAREN = re.compile(r"[（(][^（）()，,。；]{1,2}[）)]")
_QUALIFIERS = {"财政拨款收入", "一般公共预算拨款", "政府性基金", "国有资本经营预算"}
_PATH = re.compile(r"“?([^，。；、“”\"（）()]{2,30}?)[（(]类[）)]([^，。；、“”\"（）()]{2,40}?)[（(]款[）)]"
                   r"([^，。；、“”\"（）()]{2,40}?)[（(]项[）)]”?")


def extract_narrative_facts(doc: Document, ctx: dict) -> list[Fact]:
    voc = get_vocabulary()
    facts: list[Fact] = []
    section: list[tuple[int, str]] = []
    counter: dict[str, int] = {}
    for page in doc.pages:
        if page.needs_ocr or not page.text:
            continue
        if len(_ORPHAN_UNIT.findall(page.text)) >= 2:
            log.info("%s p.%d: numbers printed apart from their words (text layer out of order); "
                     "no sentence facts taken from this page", doc.name, page.number)
            continue
        spans = [(t.char_start, t.char_end) for t in page.tables if t.char_start is not None]
        prev_items: list[Item] = []
        prev_subject: tuple | None = None
        for start, end, heading in _paragraphs(page.text, spans, doc.paged):
            if heading:
                level, title = heading
                section = [s for s in section if s[0] < level] + [(level, title)]
                prev_items, prev_subject = [], _path_subject(voc, title)
                continue
            path = " > ".join(t for _, t in section) or "正文"
            topic = next((found[-1][0] for _, t in reversed(section) if (found := voc.find_items(t))), None)
            for s_start, s_end in _sentences(page.text, start, end):
                sentence = page.text[s_start:s_end]
                counter[path] = counter.get(path, 0) + 1
                locator = f"{path} / 第{counter[path]}句"
                page_no = page.number if doc.paged else None
                new, items, subject = _sentence_facts(sentence, ctx, locator, page_no, prev_items, topic,
                                                      prev_subject)
                facts.extend(new)
                prev_items = items or prev_items
                prev_subject = subject or prev_subject
    return facts


def _paragraphs(text: str, table_spans: list[tuple[int, int]], paged: bool):
    """(start, end, heading) of paragraphs outside tables; heading = (level, title) for heading lines."""
    pos, para_start, para_end = 0, None, None
    lines = text.split("\n")
    full = max((_width(x) for x in lines), default=0) if paged else 0
    for line in lines:
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        in_table = "\t" in line or any(a <= start < b for a, b in table_spans)
        wrapped = paged and (_width(stripped) >= 0.85 * full > 40 or  # a full-width line continues below
                             ("类）" in stripped and "项）" not in stripped.replace(")", "）")))
        head = None if wrapped else _heading(stripped)
        ends_para = not paged or not stripped or stripped[-1] in _SENT_END + "：:"
        if in_table or not stripped or head or (paged and _LIST_START.match(line) and para_start is not None):
            if para_start is not None:
                yield para_start, para_end, None
                para_start = None
            if in_table or not stripped:
                continue
            if head:
                yield start, end, head
                continue
        if para_start is None:
            para_start = start + (len(line) - len(line.lstrip()))
        para_end = start + len(line.rstrip())
        if ends_para:
            yield para_start, para_end, None
            para_start = None
    if para_start is not None:
        yield para_start, para_end, None


def _width(line: str) -> int:
    """Printed width: CJK and full-width characters count 2."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in line.strip())


def _heading(line: str) -> tuple[int, str] | None:
    m = _HEADING.match(line)
    if not m or len(line) > 40 or "。" in line[:-1] or any(n.unit for n in find_numbers(line)):
        return None
    level = next(i for i in range(1, 6) if m.group(i))
    level = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4}[level]
    return level, line.rstrip("。：:")


def _sentences(text: str, start: int, end: int):
    s = start
    for i in range(start, end):
        if text[i] in _SENT_END:
            if text[s:i + 1].strip():
                yield s, i + 1
            s = i + 1
    if text[s:end].strip():
        yield s + (len(text[s:end]) - len(text[s:end].lstrip())), end


def _sentence_facts(sentence: str, ctx: dict, locator: str, page: int | None, prev_items: list[Item],
                    topic: Item | None, prev_subject: tuple | None) -> tuple[list[Fact], list[Item], tuple | None]:
    """Facts of one sentence; `prev_items`: items of the previous sentence; `topic`: the section's item;
    `prev_subject`: (item, code, label) the previous sentence was about ('“…（项）”25.77万元。2023年当年预算
    执行数为60.13万元' -> the 60.13 is about that 项)."""
    voc = get_vocabulary()
    numbers = [n for n in find_numbers(sentence) if n.unit in _UNITS]
    found = voc.find_items(sentence)
    items = [it for it, _, _ in found]
    if not numbers:
        return [], items, _path_subject(voc, sentence)
    flat = sentence.replace("（", "(").replace("）", ")")
    paths = [(m.start(), m.end(), m) for m in _PATH.finditer(flat)]
    own_year = _own_year(sentence)
    facts: list[Fact] = []
    last_end = 0
    here: tuple | None = None  # (item, code, label, year) of the last level figure of this sentence
    subject: tuple | None = None  # the same, for the next sentence (only figures with an item)
    for n in numbers:
        clause, c_start = _clause(sentence, last_end, n.start)
        before = sentence[last_end:n.start]
        item, code, label = _named(voc, sentence, found, paths, last_end, c_start, n.start)
        earlier = [(it, a, b) for it, a, b in found if b <= n.start and it.name not in _QUALIFIERS]
        up, down = _UP.search(before), _DOWN.search(before)
        share = not (up or down) and n.unit == "%" and _SHARE.search(before)
        period, sign = "current", 1
        year, period = _year(sentence, clause, _own_year(clause) or own_year, ctx["year"], period)
        if up or down or share:
            if item is None and here is not None:
                item, code, year = here[0], here[1], here[3] or year
            if item is None:
                item = (earlier[-1][0] if earlier else None) or topic or (prev_items[0] if prev_items else None)
            if not label:
                base = here[2] if here else (item.name if item else "")
                label = base + ("占比" if share else re.sub(r"\s+", "", clause))
            elif share:
                label += "占比"
            if not share:
                period, sign = ("change_pct" if n.unit == "%" else "change"), (-1 if down else 1)
        else:
            own = _clean(clause)
            if item is None and not own and earlier:
                item, a, b = earlier[-1]
                label = _label(sentence, a, b, b)
            if item is None and not own and prev_items:
                item, label = prev_items[0], prev_items[0].name
            label = label or own
            if prev_subject and _GENERIC.fullmatch(label) and (item is None or item.group == "total"):
                item, code, label = prev_subject[0], prev_subject[1], prev_subject[2] + label
            elif item is None and here is not None and here[0] is not None and label in _ATTRIBUTE:
                item, code, label = here[0], here[1], here[2] + label  # '车辆1辆，价值11.23万元
            here = (item, code, label, year)
            if item is not None and code is not None and "（类）" in label.replace("(", "（").replace(")", "）"):
                subject = (item, code, label)
        last_end = n.end
        if not label:
            continue
        if code is None and item is not None and "functional" in item.kinds and len(item.codes) == 1:
            code = item.codes[0]
        value = n.value * sign
        facts.append(Fact(
            doc_id=ctx["doc_id"], org=ctx["org"], year=year, doc_kind=ctx["doc_kind"], statement="narrative",
            item=item.name if item else None, row_label=label, column_label="", code=code,
            value_text=re.sub(r"\s+", "", n.text), value=value, unit=n.unit, value_yuan=to_yuan(value, n.unit),
            page=page, table_index=None, row_index=None, col_index=None, quote=sentence, locator=locator,
            period=period,
        ))
    return facts, items, subject


def _path_subject(voc, text: str) -> tuple | None:
    """(item, code, label) of a 类/款/项 path in a heading or a sentence without figures."""
    flat = text.replace("（", "(").replace("）", ")")
    m = next(_PATH.finditer(flat), None)
    if m is None:
        return None
    code = voc.resolve_path([m.group(1), m.group(2), m.group(3)])
    label = _clean(re.sub(r"\s+", "", text[m.start():m.end()]).strip("“”\""))
    return (voc.match(m.group(3)), code, label) if code else None


def _named(voc, sentence: str, found, paths, last_end: int, c_start: int, end: int):
    """(item, code, label) named right before a number: a 类/款/项 path, else the last item of the clause."""
    path = next((m for a, b, m in paths if last_end <= b <= end), None)
    if path is not None:
        code = voc.resolve_path([path.group(1), path.group(2), path.group(3)])
        label = _clean(re.sub(r"\s+", "", sentence[path.start():path.end()]).strip("“”\""))
        return voc.match(path.group(3)), code, label
    in_clause = [(it, a, b) for it, a, b in found if a >= c_start and b <= end]
    if in_clause:
        main = [f for f in in_clause if f[0].name not in _QUALIFIERS] or in_clause
        item, a, b = main[-1]
        return item, None, _label(sentence, a, b, end)
    return None, None, ""


def _clause(sentence: str, start: int, end: int) -> tuple[str, int]:
    """The text between the previous number (or a clause boundary) and this number. Short parentheses
    that belong to a name ('因公出国（境）费', '维修（护）费', '（类）') do not split it."""
    text = sentence[start:end]
    masked = _SHORT_PAREN.sub(lambda m: "□" * len(m.group()), text)
    parts = _CLAUSE_SPLIT.split(masked)
    keep = parts[-1] if parts[-1].strip() else (parts[-2] if len(parts) > 1 else "")
    at = masked.rfind(keep) if keep else len(text)
    return text[at:at + len(keep)], start + at


def _label(sentence: str, a: int, b: int, end: int) -> str:
    """The printed name of an item (at a..b) with what follows it up to the number, minus verbs."""
    a -= 1 if a > 0 and sentence[a - 1] in "“\"" else 0
    tail = _TRAIL.sub("", sentence[b:end])
    return _clean(sentence[a:b] + tail)


def _clean(label: str) -> str:
    label = _LEAD.sub("", label)
    label = _SUBJECT.sub("", label).strip()
    label = _TRAIL.sub("", label).strip(" ，,：:")
    label = re.sub(r"\s+", "", label)
    for left, right in (("（", "）"), ("(", ")")):
        if label.count(right) > label.count(left):
            label = label.rstrip(right)
        if label.count(left) > label.count(right):
            label = label.lstrip(left)
    return label


def _own_year(sentence: str) -> int | None:
    cmp_spans = [m.span(1) for m in _CMP_YEAR.finditer(sentence)]
    for m in _YEAR.finditer(sentence):
        if m.span(1) not in cmp_spans:
            return int(m.group(1))
    return None


def _year(sentence: str, clause: str, own: int | None, doc_year: int | None, period: str) -> tuple[int | None, str]:
    if period != "current":
        return own or doc_year, period
    m = _YEAR_END.search(clause) or _YEAR_END.search(sentence)
    if m and doc_year and int(m.group(1)) < doc_year:
        return int(m.group(1)), "previous"
    if _PREV.search(clause) or (_PREV.search(sentence) and not own):
        base = own or doc_year
        return (base - 1 if base else None), "previous"
    if own and doc_year and own < doc_year:
        return own, "previous"
    return own or doc_year, "current"

