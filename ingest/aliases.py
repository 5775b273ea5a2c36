"""Other names a disclosure declares for its organisation: '加挂上海市普陀区经济委员会、…牌子', '（以下简称“区商务委”）',
'简称“群工局”'. Found once at ingest and stored with the document, so questions using them find the organisation."""
from __future__ import annotations

import re

_SPACE = re.compile(r"[\s\u3000]+")
# '加挂A、B牌子' / '挂A牌子' (the names may wrap across PDF lines)
_PLAQUE = re.compile(r"(?:加挂|挂)(?P<names>[^。；;：:]{4,80}?)(?:的)?牌子")
# '（以下简称“X”）', '（简称X）', '简称“X”'
_SHORT = re.compile(r"(?:以下)?简称[为：:]?[“\"‘']?(?P<name>[\u4e00-\u9fff（）()]{2,16}?)[”\"’']?[）)，,。；;]")
_ORG_END = re.compile(r"(?:委员会|局|委|办公室|办|中心|厅|院|部|署|处|所|站|队|街道办事处|人民政府)$")
MAX_ALIASES = 8


def declared_aliases(text: str, org: str | None = None) -> list[str]:
    """Names the text declares for the organisation, in order, without the organisation's own name."""
    flat = _SPACE.sub("", text or "")
    found: list[str] = []
    for m in _PLAQUE.finditer(flat):
        for part in re.split(r"[、，,]", m.group("names")):
            names = re.split(r"[和及]", part)
            if not all(_ORG_END.search(n) for n in names):
                names = [part]  # '粮食和物资储备局' is one name
            for name in (n.strip("“”\"‘’") for n in names):
                if len(name) >= 3 and _ORG_END.search(name):
                    found.append(name)
    for m in _SHORT.finditer(flat):
        name = m.group("name")
        if len(name) >= 2 and not re.search(r"\d", name):
            found.append(name)
    out: list[str] = []
    for name in found:
        if name != org and name not in out:
            out.append(name)
    return out[:MAX_ALIASES]
