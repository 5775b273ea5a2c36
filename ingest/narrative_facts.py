"""Facts from sentences: '正常公用经费支出11.06万元', '办公费1.65万元、邮电费1.5万元', '较2020年减少53.49万元'.

Conventions:
- one Fact per number that carries a unit (money 元/万元/亿元, %, or a count 件/人/名/辆/台/平方米/家/户/套/份);
  years and other unit-less numbers are not facts; statement is 'narrative', column_label ''
  (except budget/outturn figures of 决算 documents, below);
- row_label: the phrase the number belongs to (the clause before it, without '其中：', the subject '我单位' and
  verbs like '预算安排'); item: the last vocabulary item in that phrase, else the subject of an earlier clause
  of the sentence (for '…，占98.5%' / '…，较2020年减少53.49万元'), else the first item of the previous
  sentence ('（二）公务接待费。安排0万元。');
- 类/款/项 paths ('一般公共服务支出（类）商贸事务（款）行政运行（项）') give code and item (vocabulary.resolve_path);
  a path names the figures after it until another subject is named: '年初预算为X万元，支出决算为Y万元' after
  '…行政运行（项）。' are that 项's figures (also when the path is printed across a page break); a bare
  '全年预算为X万元' after '一般公共预算财政拨款支出年初预算为0万元，' is about the same subject;
- 决算 documents: figures named as budget or outturn get column_label '年初预算数' / '全年预算数' / '调整预算数' /
  '预算数' or '决算数' ('年初预算为1560.05万元，支出决算为1511.89万元');
- a parenthesised qualifier right before the figure stays with its label: '预算收入（一般预算拨款）279.61万元' is
  about 预算收入 (item 收入总计), qualified;
- changes: '增加/增长/上升/提高' -> period 'change' ('change_pct' for %), value positive; '减少/下降/降低/压减/节约'
  -> the value is NEGATIVE (value and value_yuan); value_text stays as printed ('53.49万元') and the row_label
  keeps the printed direction ('预算收支安排…较2020年减少'). '占98.5%' -> a share: unit '%', period 'current',
  row_label '<subject>占比';
- year: the sentence's own year ('2021年机关运行经费…', not a comparison year '较2020年'), else the document
  year; '上年末/上年度/去年' -> period 'previous', year - 1; 'YYYY年底/年末' before the document year -> 'previous';
- quote: the exact sentence as it stands in the page text (PDF line breaks included); locator: the section
  heading path + ' / 第N句' (N counts sentences within the section); page: the PDF page, None for text files.
  Section headings are read by budgetqa.ingest.chunker.HeadingReader (shared with the chunker: list items such as
  '九、承办…事项。' or '（二）事业收入：指…' are not sections; unnumbered titles such as '名词解释' are).
"""
from __future__ import annotations

import logging
import re

from budgetqa.core.records import Document, Fact
from budgetqa.ingest.headings import HeadingReader
from budgetqa.ingest.layout import WRAP_RATIO, first_text_line, line_width, running_width
from budgetqa.core.numbers import MONEY_FACTORS, find_numbers, to_yuan
from budgetqa.core.vocabulary import Item, get_vocabulary

log = logging.getLogger(__name__)

_UNITS = set(MONEY_FACTORS) | {"%", "件", "人", "人次", "名", "辆", "台", "平方米", "家", "户", "套", "份"}
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
_AS_OF = re.compile(r"截[至止]到?\s*(\d{4})\s*年")  # '截至2023年8月31日，…共有车辆7辆': a stock at that date
_SUBJECT = re.compile(r"^(?:\d{4}\s*年(?:度)?[，,]?)?\s*(?:我(?:部门|单位|局|委|中心|办)|本(?:部门|单位)|该(?:部门|单位))")
_TRAIL = re.compile(r"(?:共计安排|计划安排|预算安排|安排|金额为|总额为|共计|合计|总计|为|是|达到|约|共)\s*$")
_LEAD = re.compile(r"^[\s，,、：:；;]*(?:\d{1,2}[.．、](?!\d))?(?:其中|包括|含|分别是|分别为|主要是)?[：:，,\s]*")
_ORPHAN_UNIT = re.compile(r"(?<=[\u4e00-\u9fff，。：])[ \t]+万?元")
_GENERIC = re.compile(r"(?:\d{4}年(?:度)?)?(?:当年|本年|全年|年初)?(?:支出)?(?:预算|决算)?(?:执行数|安排|数)?")
_ACTION = re.compile(r"(?:购置|新购|购买|采购|处置|报废|更新)$")  # an action before an item changes what is counted
_ATTRIBUTE = {"价值", "金额", "价值为", "总价值", "原值", "账面价值"}
_SHORT_PAREN = re.compile(r"[（(][^（）()，,。；]{1,2}[）)]")
_TRAILING_PAREN = re.compile(r"[（(][^（）()，,。；;：:]{1,12}[）)]\s*$")  # '预算收入（一般预算拨款）' + figure
_MEASURE = re.compile(r"(年初预算|全年预算|调整预算|预算|决算)(?:数|金额|额)?\s*(?:为|是|共计|合计)?\s*[：:]?\s*$")
_MEASURE_COLUMN = {"年初预算": "年初预算数", "全年预算": "全年预算数", "调整预算": "调整预算数", "预算": "预算数",
                   "决算": "决算数"}
_QUALIFIER_TAIL = re.compile(r"(?:(?:\d{4}年(?:度)?)?(?:当年|本年|全年|年初|调整)?(?:支出)?(?:预算|决算)(?:执行)?数?"
                             r"|(?:预算)?安排|执行数)$")
_QUALIFIERS = {"财政拨款收入", "财政拨款支出", "一般公共预算拨款", "政府性基金", "国有资本经营预算"}
_PATH = re.compile(r"“?([^，。；、“”\"（）()]{2,30}?)[（(]类[）)]([^，。；、“”\"（）()]{2,40}?)[（(]款[）)]"
                   r"([^，。；、“”\"（）()]{2,40}?)[（(]项[）)]”?")


def extract_narrative_facts(doc: Document, ctx: dict) -> list[Fact]:
    voc = get_vocabulary()
    facts: list[Fact] = []
    section: list[tuple[int, str]] = []
    counter: dict[str, int] = {}
    reader = HeadingReader(figures=False)
    prev_items: list[Item] = []
    prev_subject: tuple | None = None
    lead = ""  # an unfinished sentence at the foot of the previous page (it goes on at the top of this one)
    pages = [p for p in doc.pages if not p.needs_ocr and p.text]
    for n, page in enumerate(pages):
        if len(_ORPHAN_UNIT.findall(page.text)) >= 2:
            log.info("%s p.%d: numbers printed apart from their words (text layer out of order); "
                     "no sentence facts taken from this page", doc.name, page.number)
            lead = ""
            continue
        spans = [(t.char_start, t.char_end) for t in page.tables if t.char_start is not None]
        following = first_text_line(pages[n + 1]) if doc.paged and n + 1 < len(pages) else None
        page_lead, last = lead, ""
        for start, end, heading in _paragraphs(page.text, spans, doc.paged, reader, following):
            if heading:
                level, title = heading
                section = [s for s in section if s[0] < level] + [(level, title)]
                prev_items, prev_subject, page_lead, last = [], _path_subject(voc, title), "", ""
                continue
            path = " > ".join(t for _, t in section) or "正文"
            topic = next((found[-1][0] for _, t in reversed(section) if (found := voc.find_items(t))), None)
            for s_start, s_end in _sentences(page.text, start, end):
                sentence = page.text[s_start:s_end]
                counter[path] = counter.get(path, 0) + 1
                locator = f"{path} / 第{counter[path]}句"
                page_no = page.number if doc.paged else None
                new, items, subject = _sentence_facts(sentence, ctx, locator, page_no, prev_items, topic,
                                                      prev_subject, page_lead)
                facts.extend(new)
                prev_items = items or prev_items
                prev_subject = subject or prev_subject
                page_lead, last = "", sentence
        # a sentence cut by the page break goes on at the top of the next page
        lead = last if doc.paged and last and last.rstrip()[-1] not in _SENT_END else ""
    return facts


def _paragraphs(text: str, table_spans: list[tuple[int, int]], paged: bool, reader: HeadingReader | None = None,
                following: str | None = None):
    """(start, end, heading) of paragraphs outside tables; heading = (level, title) for heading lines.
    `following`: the first line of the next page (a heading may run on into it)."""
    reader = reader or HeadingReader(figures=False)
    pos, para_start, para_end = 0, None, None
    lines = text.split("\n")
    full = running_width(text, table_spans) if paged else 0
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    outside = [k for k, (ln, st) in enumerate(zip(lines, starts))
               if ln.strip() and "\t" not in ln and not any(a <= st < b for a, b in table_spans)]
    next_of = {k: (lines[outside[i + 1]] if i + 1 < len(outside) else following) for i, k in enumerate(outside)}
    prev_open = False
    for k, line in enumerate(lines):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        in_table = "\t" in line or any(a <= start < b for a, b in table_spans)
        flat = stripped.replace(")", "）")
        path_open = paged and "类）" in flat and "项）" not in flat  # a 类/款/项 path goes on below
        wraps = paged and bool(stripped) and full > 0 and line_width(stripped) >= WRAP_RATIO * full \
            and stripped[-1] not in _SENT_END + "：:"
        head = None
        if stripped and not in_table and not path_open:
            head = reader.read(stripped, wraps=wraps, continues=prev_open, next_line=next_of.get(k))
        if stripped and not in_table:
            prev_open = wraps
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
                    topic: Item | None, prev_subject: tuple | None,
                    lead: str = "") -> tuple[list[Fact], list[Item], tuple | None]:
    """Facts of one sentence; `prev_items`: items of the previous sentence; `topic`: the section's item;
    `prev_subject`: (item, code, label) the previous sentence was about ('“…（项）”25.77万元。2023年当年预算
    执行数为60.13万元' -> the 60.13 is about that 项); `lead`: the beginning of the sentence printed at the foot
    of the previous page (read with the sentence, quoted without it)."""
    voc = get_vocabulary()
    quote, off = sentence, len(lead)
    sentence = lead + sentence
    numbers = [n for n in find_numbers(sentence) if n.unit in _UNITS and n.start >= off]
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
    last_named: tuple | None = None  # the same for the last figure with an item (level or change)
    about: tuple | None = None  # (item, code, label) the figures of this sentence are about so far
    subject: tuple | None = None  # what the next sentence may be about: a 类/款/项 path named here
    for n in numbers:
        clause, c_start = _clause(sentence, last_end, n.start)
        before = sentence[last_end:n.start]
        item, code, label, path_label = _named(voc, sentence, found, paths, last_end, c_start, n.start)
        earlier = [(it, a, b) for it, a, b in found if b <= n.start and it.name not in _QUALIFIERS]
        up, down = _UP.search(before), _DOWN.search(before)
        share = not (up or down) and n.unit == "%" and _SHARE.search(before)
        period, sign = "current", 1
        year, period = _year(sentence, clause, _own_year(clause) or own_year, ctx["year"], period)
        if up or down or share:
            ref = here or last_named  # '…支出增加307.82万元，增长100.00%': the growth of the same item
            if item is None and ref is not None:
                item, code, year = ref[0], ref[1], ref[3] or year
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
            generic = bool(_GENERIC.fullmatch(label)) and (item is None or item.group == "total")
            context = about or prev_subject
            if generic and context:  # '全年预算为…' / '支出决算为…': about what was named before
                item, code, label = context[0], context[1], _join(context[2], label)
            elif item is None and here is not None and here[0] is not None and label in _ATTRIBUTE:
                item, code, label = here[0], here[1], here[2] + label  # '车辆1辆，价值11.23万元
            here = (item, code, label, year)
            if path_label:
                about = subject = (item, code, path_label)
            elif generic and context:
                about = context
            elif item is not None:
                about = (item, code, _QUALIFIER_TAIL.sub("", label) or label)
        last_end = n.end
        if item is not None:
            last_named = (item, code, label, year)
        if not label:
            continue
        if code is None and item is not None and "functional" in item.kinds and len(item.codes) == 1:
            code = item.codes[0]
        column = ""
        if ctx.get("doc_kind") == "决算" and n.unit in MONEY_FACTORS and period in ("current", "previous"):
            m = _MEASURE.search(before)
            column = _MEASURE_COLUMN[m.group(1)] if m else ""
        value = n.value * sign
        facts.append(Fact(
            doc_id=ctx["doc_id"], org=ctx["org"], year=year, doc_kind=ctx["doc_kind"], statement="narrative",
            item=item.name if item else None, row_label=label, column_label=column, code=code,
            value_text=re.sub(r"\s+", "", n.text), value=value, unit=n.unit, value_yuan=to_yuan(value, n.unit),
            page=page, table_index=None, row_index=None, col_index=None, quote=quote, locator=locator,
            period=period,
        ))
    return facts, items, subject


def _join(base: str, label: str) -> str:
    """'一般公共预算财政拨款支出' + '支出决算' -> '一般公共预算财政拨款支出决算' (no doubled words)."""
    for k in range(min(len(base), len(label)), 1, -1):
        if base.endswith(label[:k]):
            return base + label[k:]
    return base + label


def _path_subject(voc, text: str) -> tuple | None:
    """(item, code, label) of a 类/款/项 path in a heading or a sentence without figures (code None when the
    vocabulary does not know every level: the path still replaces the previous subject)."""
    flat = text.replace("（", "(").replace("）", ")")
    m = next(_PATH.finditer(flat), None)
    if m is None:
        return None
    code = voc.resolve_path([m.group(1), m.group(2), m.group(3)])
    label = _clean(re.sub(r"\s+", "", text[m.start():m.end()]).strip("“”\""))
    return voc.match(m.group(3)), code, label


def _named(voc, sentence: str, found, paths, last_end: int, c_start: int, end: int):
    """(item, code, label, path label) named right before a number: a 类/款/项 path (its label is also the
    4th value), else the last item of the clause."""
    path = next((m for a, b, m in paths if last_end <= b <= end), None)
    if path is not None:
        code = voc.resolve_path([path.group(1), path.group(2), path.group(3)])
        label = _clean(re.sub(r"\s+", "", sentence[path.start():path.end()]).strip("“”\""))
        return voc.match(path.group(3)), code, label, label
    in_clause = [(it, a, b) for it, a, b in found if a >= c_start and b <= end]
    if in_clause:
        # qualifiers ('财政拨款支出', '一般公共预算拨款') and measure words ('支出决算', '支出预算') name the
        # figure only when nothing else does: '“三公”经费财政拨款支出年初预算为', '维护费支出决算为'
        main = [f for f in in_clause if f[0].name not in _QUALIFIERS
                and not _GENERIC.fullmatch(re.sub(r"\s+", "", sentence[f[1]:f[2]]))] \
            or [f for f in in_clause if f[0].name not in _QUALIFIERS] or in_clause
        item, a, b = main[-1]
        action = _ACTION.search(sentence[:a])
        if action:  # '安排购置车辆1辆' is a purchase, not the stock of 车辆: no canonical item
            return None, None, _label(sentence, action.start(), b, end), ""
        return item, None, _label(sentence, a, b, end), ""
    return None, None, "", ""


def _clause(sentence: str, start: int, end: int) -> tuple[str, int]:
    """The text between the previous number (or a clause boundary) and this number. Short parentheses
    that belong to a name ('因公出国（境）费', '维修（护）费', '（类）') or qualify it right before the number
    ('预算收入（一般预算拨款）279.61万元') do not split it."""
    text = sentence[start:end]
    masked = _SHORT_PAREN.sub(lambda m: "□" * len(m.group()), text)
    masked = _TRAILING_PAREN.sub(lambda m: "□" * len(m.group()), masked)  # a qualifier: '预算收入（一般预算拨款）'
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
    m = _YEAR_END.search(clause) or _YEAR_END.search(sentence) or _AS_OF.search(sentence)
    if m and doc_year and int(m.group(1)) < doc_year:
        return int(m.group(1)), "previous"
    if _PREV.search(clause) or (_PREV.search(sentence) and not own):
        base = own or doc_year
        return (base - 1 if base else None), "previous"
    if own and doc_year and own < doc_year:
        return own, "previous"
    return own or doc_year, "current"

