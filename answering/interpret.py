"""How a question was read, shown to the user as '理解为：…' (organisations, years, item, intent)."""
from __future__ import annotations

from budgetqa.answering.question import INTENT_NAMES, ParsedQuestion


def interpretation(pq: ParsedQuestion, orgs: list[str], year: int | None = None) -> str:
    """'理解为：石家庄市鹿泉区信访局本级 2021年 取暖费'."""
    parts = ["、".join(o for o in orgs if o)] if orgs and any(orgs) else []
    if pq.unknown_org and not orgs:
        parts.append(f"{pq.unknown_org}（语料中无此单位）")
    years = pq.years or ([year] if year else [])
    if years:
        parts.append("、".join(f"{y}年" for y in years) + ("底" if pq.year_end else ""))
    if pq.period == "previous" and not pq.year_end:
        parts[-1:] = [parts[-1] + "末"] if not pq.years and year else parts[-1:] + ["上年末"]
    label = "、".join(pq.items) if pq.items else pq.topic
    if label:
        parts.append(label)
    if pq.intent != "lookup":
        parts.append(f"（{INTENT_NAMES[pq.intent]}）")
    text = "理解为：" + " ".join(p for p in parts if p)
    if pq.year_note:
        text += f"；{pq.year_note}"
    return text
