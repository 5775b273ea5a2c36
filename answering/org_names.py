"""Organisation names: the words that end them, the places inside them, and reading a mention as an
abbreviation of a full name (`align`). Used by `budgetqa.answering.catalog`."""
from __future__ import annotations

import re
from functools import lru_cache

# Words that end an organisation name ('…局', '…商务委', '…工作中心', '…街道办事处').
ORG_SUFFIXES = (
    "街道办事处", "办事处", "委员会", "人民政府", "政府", "中心", "街道", "局", "委", "办", "部", "厅", "院",
    "所", "站", "队", "署", "社", "馆",
)
# suffix + next character pairs that are ordinary words, not the end of a name ('办公费', '部门预算').
NOT_AN_END = (
    "办公", "办理", "办法", "局部", "局面", "委托", "部门", "部分", "部署", "所属", "所有", "所得", "所需",
    "院校", "站点", "社会", "社保", "中心城", "处置", "处理", "街道办",
)
# Short organisation words and the full ones they abbreviate ('商务委' names '…商务委员会').
HEAD_FORMS = {"委": ("委员会",), "办": ("办事处", "办公室"), "街道": ("街道办事处",), "政府": ("人民政府",)}
MAX_NAME_CHARS = 30  # a full name with its province, city and district ('中共上海市普陀区委…') fits
# Characters that cannot be part of a mention: a mention never runs across them.
STOP_CHARS = set("的和与及跟同比在是年月日了呢吗吧把对向从为给那这其它他她请问查我您你看么啥哪谁几各该")
PLACE_SUFFIX = "省市区县州旗镇乡"
# Common nouns ending in a place word: never the end of a place name ('新建社区', '城市管理').
COMMON_PLACE_WORDS = (
    "社区", "小区", "园区", "辖区", "市区", "地区", "街区", "景区", "校区", "片区", "营区", "灾区", "分区", "专区",
    "城市", "都市", "超市", "门市", "上市", "城乡", "下乡", "家乡", "老乡", "城镇", "乡镇", "集镇", "全市", "全区",
    "全县", "全省", "本市", "本区", "本县", "我市", "我区", "我县", "各区", "各县", "各市", "各省", "该区", "该县",
    "该市", "县区", "区县",
)
# The name of an organisation administering a place: '…万里街道办事处', '…区人民政府', '…管理委员会' of a zone.
ADMIN = re.compile(r"(?:办事处|人民政府|政府|管理委员会|管委会)$")
# Words that show a span is about money or figures, not an organisation.
NON_ORG_WORDS = ("经费", "支出", "收入", "预算", "决算", "资金", "资产", "多少", "费用", "金额")


def clean_name(text: str) -> str:
    return re.sub(r"[\s\u3000“”\"'‘’《》]", "", text)


@lru_cache(maxsize=4096)
def place_spans(name: str) -> tuple[tuple[int, int], ...]:
    """Spans of complete place names inside an organisation name ('石家庄市', '鹿泉区', '万里街道')."""
    spans = []
    start = 2 if name.startswith("中共") else 0
    i = start
    while i < len(name):
        end = None
        gov = next((w for w in ("人民政府", "政府") if name.startswith(w, i)), None)
        if gov:  # '…普陀区人民政府万里街道办事处': the government is no part of the next place
            i = start = i + len(gov)
            continue
        if name.startswith("街道", i):
            end = i + 2
        elif name[i] in PLACE_SUFFIX:
            end = i + 1
        if end is not None:
            if end - start >= 3:  # a place has at least two characters before its suffix
                spans.append((start, end))
                start = end
            i = end
        else:
            i += 1
    return tuple(spans)


@lru_cache(maxsize=65536)
def align(mention: str, name: str) -> int | None:
    """Cost of reading `mention` as an abbreviation of `name`, or None when it cannot be.

    All mention characters must occur in order in the name. The cost counts name characters skipped
    between the first and the last matched character; skipping a whole place name there is forbidden.
    """
    mention, name = clean_name(mention), clean_name(name)
    if not mention:
        return None
    places = place_spans(name)
    best: int | None = None

    def internal_ok(prev: int, nxt: int) -> bool:
        return not any(prev < s and e <= nxt for s, e in places)

    # dynamic programme over (mention index, name index of the previous match)
    # states: dict name_pos -> min cost having matched mention[:k] with mention[k-1] at name_pos
    states = {j: 0 for j, ch in enumerate(name) if ch == mention[0]}
    for ch in mention[1:]:
        nxt: dict[int, int] = {}
        for prev, cost in states.items():
            for j in range(prev + 1, len(name)):
                if name[j] != ch:
                    continue
                if not internal_ok(prev, j):
                    break
                c = cost + (j - prev - 1)
                if c < nxt.get(j, 1 << 30):
                    nxt[j] = c
        states = nxt
        if not states:
            return None
    best = min(states.values())
    return best


def same_head(mention: str, name: str) -> bool:
    """The mention ends with the organisation word the name ends with ('鹿泉区信访局' / '…信访局本级',
    '商务委' / '…商务委员会', '街道办' / '…街道办事处', '万里街道' / '…万里街道办事处')."""
    name = name[:-2] if name.endswith("本级") else name
    mention = mention[:-2] if mention.endswith("本级") else mention
    suf = next((w for w in ORG_SUFFIXES if mention.endswith(w)), None)
    if suf is None:
        return False
    return name.endswith(suf) or any(name.endswith(w) for w in HEAD_FORMS.get(suf, ()))


def place_stem(place: str) -> str:
    return place[:-2] if place.endswith("街道") else place[:-1] if place[-1:] in PLACE_SUFFIX else place


def is_name_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" and ch not in STOP_CHARS
