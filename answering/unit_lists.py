"""'部门预算/决算包括哪些单位': the names of the units a disclosure covers, read from the list that follows its
'…包括：' sentence or '单位名称' table header (one name a line, numbered or not), each with its page cited."""
from __future__ import annotations

import re

from budgetqa.answering.interpret import interpretation
from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.records import Answer, Citation

# A question for the member units of a department (not its internal offices or duties).
UNITS_ASKED = re.compile(r"(?:包括|包含|含|有|下属|所属|纳入).{0,8}(?:哪些|哪几|几个|什么).{0,4}(?:单位|预算单位)"
                         r"|(?:哪些|哪几个?)(?:下属|所属)?(?:单位|预算单位)|单位构成|下属单位")
_INTRO = re.compile(r"(?:包括|具体包括|单位名称|具体如下)[:：]?\s*$|单位名称")
_SERIAL = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]?\s*)")
_ORG_NAME = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,40}?(?:中心|局|所|队|站|院|委员会|办事处|部|处|会|馆|社|办公室|办|委)"
                       r"(?:[（(](?:本级|本部|部门)[）)])?)[。.]?(?:\s+\S.*)?$")
MAX_UNITS = 40


def asks_for_units(pq: ParsedQuestion) -> bool:
    return pq.intent == "list" and bool(UNITS_ASKED.search(pq.text))


def unit_names(page_text: str) -> list[str]:
    """Names listed after an intro line ('…的单位包括：', '序号 单位名称 备注') until the list ends."""
    lines = [ln.strip() for ln in page_text.split("\n")]
    for i, line in enumerate(lines):
        if not _INTRO.search(line):
            continue
        names: list[str] = []
        misses = 0
        for nxt in lines[i + 1:]:
            body = _SERIAL.sub("", nxt)
            if not body or re.fullmatch(r"\d{1,2}", body):
                continue  # a serial number on a line of its own
            m = _ORG_NAME.match(body)
            if m:
                names.append(m.group("name"))
                misses = 0
            else:
                misses += 1
                if misses > 1 or names:
                    break
        if len(names) >= 2:
            return names[:MAX_UNITS]
    return []


def answer_units(store, catalog, pq: ParsedQuestion) -> Answer | None:
    """The units of the organisation's document(s) for the year asked (latest first), or None."""
    if not pq.orgs:
        return None
    org = pq.orgs[0]
    docs = catalog.documents(org, pq.year) or catalog.documents(org)
    names_by_id = catalog.doc_names
    for d in sorted(docs, key=lambda d: -(d.year or 0)):
        for number in range(1, d.pages + 1):
            text = store.page_text(d.id, number) or ""
            names = unit_names(text)
            if names:
                quote = "；".join(names)
                cite = Citation(doc=names_by_id.get(d.id, d.name), page=number if d.pages > 1 else None,
                                locator="单位构成", quote=quote)
                where = f"《{cite.doc}》" + (f"第{number}页" if cite.page else "")
                lines = [f"{org}{d.year or ''}年{d.kind or ''}包括以下{len(names)}个单位（按文件所列）："]
                lines += [f"{i}. {n}" for i, n in enumerate(names, 1)]
                lines.append(f"来源：{where}")
                return Answer(question=pq.text, answer="\n".join(lines), status="answered", citations=[cite],
                              interpretation=interpretation(pq, [org], d.year))
    return None
