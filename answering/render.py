"""Chinese answer templates and number formatting. Every sentence the user reads is built here."""
from __future__ import annotations

import re
from decimal import Decimal

from budgetqa.answering.labels import generic_column

from budgetqa.core.measures import measure_name
from budgetqa.core.records import Citation, Fact
from budgetqa.core.units import from_yuan, is_money_unit
from budgetqa.core.vocabulary import get_vocabulary, normalize_label

COMPUTED = "（计算结果）"


def fmt_number(value: Decimal, max_places: int = 6) -> str:
    """Exact decimal with thousands separators, no float noise: 37151.4655 -> '37,151.4655'."""
    q = value.quantize(Decimal(1).scaleb(-max_places)).normalize()
    sign = "-" if q < 0 else ""
    q = abs(q)
    text = format(q, "f")
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return sign + whole + (f".{frac}" if frac else "")


def fmt_value(fact: Fact, unit: str | None = None) -> str:
    """A fact's value as printed (unit as disclosed), or converted exactly when another money unit is asked."""
    if unit and unit != fact.unit and is_money_unit(unit) and fact.value_yuan is not None:
        converted = from_yuan(fact.value_yuan, unit)
        return f"{fmt_number(converted)}{unit}（原文为{printed(fact)}）"
    return printed(fact)


def printed(fact: Fact) -> str:
    text = (fact.value_text or fmt_number(fact.value)).strip()
    if fact.unit and not text.endswith(fact.unit):
        text += fact.unit
    return text


def fmt_money(value_yuan: Decimal, unit: str) -> str:
    return f"{fmt_number(from_yuan(value_yuan, unit))}{unit}"


def fmt_plain(value: Decimal, unit: str) -> str:
    return f"{fmt_number(value)}{unit}"


def clean_label(label: str) -> str:
    """'一、一般公共服务支出' -> '一般公共服务支出'; '其中：公务用车购置费' -> '公务用车购置费'."""
    return normalize_label(label) or label.strip()


_GENERIC_ROW = ("合计", "总计", "小计", "共计", "本年合计")


def fact_label(fact: Fact) -> str:
    row = re.sub(r"[（(][台辆个人件套、平方米]+[)）]$", "", clean_label(fact.row_label)) or clean_label(fact.row_label)
    if "/" in row:  # a spanned header path ('“三公”经费预算数/合计')
        row = fact.item or clean_label(row.split("/")[0])
    if row in _GENERIC_ROW:
        row = fact.item if fact.item and fact.item not in _GENERIC_ROW else f"{clean_label(fact.statement)}{row}"
    row = _with_parent(fact, row)
    col = clean_label(fact.column_label or "")
    if not generic_column(fact.column_label) and col not in row:
        return f"{row}（{re.split(r'[/／]', col)[-1]}）"
    return row


def _with_parent(fact: Fact, row: str) -> str:
    """A subject name used under many headings ('行政运行') gets its parent: '商贸事务（款）行政运行（项）'."""
    if not fact.code or len(fact.code) < 5:
        return row
    voc = get_vocabulary()
    item = voc.item(fact.item) if fact.item else voc.match(row)
    parent = voc.code_name(fact.code[:-2])
    if item is None or len(item.codes) < 2 or not parent or parent in row:
        return row
    level = "款" if len(fact.code) == 7 else "类"
    return f"{parent}（{level}）{row}（{'项' if level == '款' else '款'}）"


def where(c: Citation) -> str:
    """'《file.pdf》第9页' or '《file.txt》' followed by the locator."""
    page = f"第{c.page}页" if c.page else ""
    loc = f"，{c.locator}" if c.locator else ""
    return f"《{c.doc}》{page}{loc}"


def source_line(c: Citation) -> str:
    return f"来源：{where(c)}"


def short_quote(quote: str, limit: int = 120) -> str:
    q = re.sub(r"\s+", " ", quote or "").strip()
    return q if len(q) <= limit else q[: limit - 1] + "…"


def year_text(year: int | None) -> str:
    return f"{year}年" if year else ""


def period_text(fact: Fact) -> str:
    return {"previous": "上年（末）", "change": "增减额", "change_pct": "增减幅度"}.get(fact.period, "")


# --- whole-answer templates ---------------------------------------------------------------

def lookup_sentence(org: str, fact: Fact, unit: str | None, year: int | None, balance: bool = False) -> str:
    label = fact_label(fact)
    at_end = balance and not label.startswith(("年末", "年初", "期末", "期初"))  # the label says when itself
    when = f"{year}年{'末' if at_end else ''}" if year else ""
    measure = measure_label(fact)
    if measure and measure not in label:
        label += f"（{measure}）"
    if fact.blank:
        return f"{org}{when}{label}在表中为空（未填列数字，即未发生或无此项）。"
    text = f"{org}{when}{label}为{fmt_value(fact, unit)}"
    if not unit and fact.unit == "元" and fact.value_yuan is not None and abs(fact.value_yuan) >= 100000:
        text += f"（折合{fmt_money(fact.value_yuan, '万元')}）"
    return text + "。"


def measure_label(fact: Fact) -> str:
    """'决算数', '年初预算数', '2024年执行数' … for the answer sentence ('' for changes, shares and rates)."""
    m = fact.measure
    if not m or fact.period in ("change", "change_pct") or m in ("占比", "执行率", "上年数"):
        return ""
    name = measure_name(m).split("（")[0]
    return name[2:] if name.startswith("上年") else name


def not_found_text(what: str, coverage: str | None = None, hint: str | None = None) -> str:
    text = f"未找到{what}的数据：所收录文件未披露该项。"
    if coverage:
        text += coverage
    if hint:
        text += hint
    return text


def not_mentioned(words: list[str], org: str | None) -> str:
    listed = "、".join(f"“{w}”" for w in words)
    return f"未找到相关内容：所收录的{org or ''}文件中没有提到{listed}，无法回答（未披露）。"


def unknown_org_text(mention: str, known: list[str]) -> str:
    listed = "、".join(known[:12]) + ("等" if len(known) > 12 else "")
    return f"未找到“{mention}”的预算文件：语料中没有该单位。已收录的单位有：{listed}。"


def ambiguous_text(mention: str, candidates: list[tuple[str, str]]) -> str:
    lines = "；".join(f"{name}（{cov}）" for name, cov in candidates)
    return f"问题中的“{mention}”可对应多个单位：{lines}。请说明具体是哪个单位。"


def coverage_sentence(org: str, coverage: str) -> str:
    return f"语料中{org}的文件为：{coverage}。"


def refused_empty() -> str:
    return "请输入一个关于预算公开文件的问题，例如：“鹿泉区信访局2021年三公经费是多少？”"


def refused_too_long(limit: int) -> str:
    return f"问题过长（超过{limit}个字），请精简后再问。"


_INTROS = {"why": "文件中关于原因的说明", "purpose": "文件中关于用途的说明", "duty": "文件中关于职责的说明",
           "how": "文件中关于措施的说明"}


def passages_intro(n: int, kind: str | None = None) -> str:
    """The first line of a quoted answer ('文件中关于原因的说明如下：'); kind is the narrative kind asked."""
    head = _INTROS.get(kind or "", "文件中的相关原文")
    return f"{head}如下：" if n > 1 else f"{head}："


def display_quote(quote: str, limit: int = 300) -> str:
    """A quote for reading: PDF line wraps joined, other whitespace runs as one space. The citation keeps
    the exact text; only whitespace differs."""
    lines = [line.strip() for line in (quote or "").split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out:
            prev = out.rstrip()
            wrapped = prev[-1] in "。；;：:！？!?，、" or len(prev.rsplit(" ", 1)[-1]) >= 20 or line[0] in "。，、；）)”%"
            out += "" if wrapped else " "
        out += line
    out = re.sub(r"[ \t\u3000]+", " ", out).strip()
    if len(out) <= limit:
        return out
    head = limit * 2 // 5  # the subject opens a quote, the reason or use often closes it: keep both ends
    return out[:head] + "…" + out[len(out) - (limit - head - 1):]


def quote_line(i: int, quote: str, cites: list[Citation], org: str | None = None) -> str:
    """'1. “…”（《a.pdf》第7页，…）': one numbered quote with where each of its parts is; `org` names whose
    text it is when an answer quotes several organisations."""
    places = "；".join(dict.fromkeys(where(c) for c in cites))
    who = f"【{org}】" if org else ""
    return f"{i}. {who}“{display_quote(quote)}”（{places}）"


def more_items(shown: int) -> str:
    return f"（以上为原文所列的前{shown}项，其余见原文。）"


def with_text(answer: str, quoted: str) -> str:
    """A figure answer followed by the quoted explanation the question also asked for (the reason, the use)."""
    return f"{answer}\n{quoted}"


def nothing_relevant(scope: str | None) -> str:
    where_ = f"在{scope}的文件中" if scope else "在所收录的文件中"
    return f"{where_}未找到与该问题相关的内容（未披露）。"
