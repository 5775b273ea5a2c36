"""The catalog of ingested organisations, and matching of organisation mentions in questions.

Matching is rule based, never a hand list of names: a mention matches an organisation when its characters
appear in order in the organisation's full name (so '群工局' matches '…群众工作局', '商务委' matches
'…商务委员会', '广阳信访局' matches '廊坊市广阳区信访局'), provided the alignment does not jump over a
whole place name inside the matched span ('石家庄市信访局' is not '石家庄市鹿泉区信访局本级').
A phrase matching no organisation is declared an organisation outside the corpus only when it stands as the
subject organisation (see `Catalog.find_mentions`): '普陀区教育局' is one, '鹿泉区信访局加强群众工作中心'
and '万里街道社区公共服务中心' (with '…万里街道办事处' in the corpus) are about known organisations.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from budgetqa.answering.org_names import (
    ADMIN,
    COMMON_PLACE_WORDS,
    MAX_NAME_CHARS,
    NON_ORG_WORDS,
    NOT_AN_END,
    ORG_SUFFIXES,
    PLACE_SUFFIX,
    STOP_CHARS,
    align,
    clean_name,
    is_name_char,
    place_spans,
    place_stem,
    same_head,
)

from budgetqa.core.records import StoredDocument

log = logging.getLogger(__name__)


@dataclass
class OrgEntry:
    name: str
    docs: list[StoredDocument] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({d.year for d in self.docs if d.year is not None})

    @property
    def kinds(self) -> list[str]:
        return sorted({d.kind for d in self.docs if d.kind})

    @property
    def doc_ids(self) -> list[str]:
        return [d.id for d in self.docs]

    def coverage(self) -> str:
        """'2021年单位预算、2022年部门预算' (what the corpus holds for this organisation)."""
        parts = sorted({(d.year or 0, d.kind or "文件") for d in self.docs})
        return "、".join(f"{y}年{k}" if y else k for y, k in parts)


@dataclass
class OrgMention:
    text: str  # the mention as written (cleaned of lead-in words)
    start: int
    end: int
    candidates: list[str]  # organisation full names; empty = an organisation not in the corpus
    kind: str = "name"  # 'name' (ends with an organisation word) | 'place' (a place name only)

    @property
    def resolved(self) -> str | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


class Catalog:
    """Organisations of the corpus with their documents, years and kinds."""

    def __init__(self, docs: list[StoredDocument]):
        self.docs = list(docs)
        self.orgs: dict[str, OrgEntry] = {}
        self.aliases: dict[str, set[str]] = {}  # declared other name -> organisations ('…经济委员会' -> '…商务委员会')
        for d in self.docs:
            if d.org:
                self.orgs.setdefault(d.org, OrgEntry(d.org)).docs.append(d)
                for alias in d.aliases:
                    self.aliases.setdefault(alias, set()).add(d.org)
        self._places = self._place_index()
        self._seats = self._seat_index()
        self._place_keys = sorted(set(self._places) | set(self._seats), key=len, reverse=True)
        self._place_order = sorted(self._places, key=len, reverse=True)
        self.by_id = {d.id: d for d in self.docs}  # built once: questions look documents up by id
        self.doc_names = {d.id: d.name for d in self.docs}
        self.doc_kinds = {d.id: d.kind for d in self.docs}

    @classmethod
    def from_store(cls, store) -> "Catalog":
        return cls(store.list_documents())

    # --- queries -----------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self.orgs)

    def years(self, org: str | None = None) -> list[int]:
        docs = self.orgs[org].docs if org in self.orgs else self.docs
        return sorted({d.year for d in docs if d.year is not None})

    def latest_year(self, org: str | None = None) -> int | None:
        ys = self.years(org)
        return ys[-1] if ys else None

    def documents(self, org: str | None = None, year: int | None = None, kind: str | None = None) -> list[StoredDocument]:
        docs = self.orgs[org].docs if org else self.docs
        if org and org not in self.orgs:
            return []
        out = [d for d in docs if (year is None or d.year == year) and (kind is None or kind in (d.kind or ""))]
        return out

    def doc(self, doc_id: str) -> StoredDocument | None:
        return self.by_id.get(doc_id)

    # --- matching ----------------------------------------------------------------------
    def match(self, mention: str) -> list[str]:
        """Organisations the mention can abbreviate, best first; ties are all returned."""
        mention = clean_name(mention)
        if len(mention) < 2:
            return []
        best: dict[str, int] = {}
        names = [(name, name) for name in self.orgs] + [(a, o) for a, orgs in self.aliases.items() for o in orgs]
        for name, org in names:  # an organisation's own name or a name its documents declare for it
            cost = align(mention, name)
            if cost is None and mention.endswith("委员会"):
                cost = align(mention[:-2], name)
            if cost is not None and cost < best.get(org, 1 << 30):
                best[org] = cost
        scored = [(cost, org) for org, cost in best.items()]
        if not scored:
            return []
        scored.sort()
        exact = [n for c, n in scored if c == 0 and (mention in clean_name(n) or mention in clean_name(n).replace("委员会", "委"))]
        if len(exact) == 1 and len(scored) > 1 and len(mention) >= 4 and all(c > 0 for c, n in scored if n != exact[0]):
            return exact
        return [n for _, n in scored]

    def find_mentions(self, text: str) -> list[OrgMention]:
        """Organisation mentions in a question: names ending with an organisation word, then place names.

        A phrase ending with an organisation word that matches no organisation is an organisation outside
        the corpus only when it stands as the subject organisation:
        - a phrase opened by a known organisation ('鹿泉区信访局加强群众工作中心') is about that organisation
          (a unit, a project or a task of it): the mention is the known organisation;
        - a phrase opened by the place a known organisation administers ('万里街道社区公共服务中心' with
          '…万里街道办事处' in the corpus) is about that organisation: the mention is the place;
        - a phrase opened by any other place name ('普陀区教育局', '石家庄市信访局') is an unknown organisation;
        - a phrase without a place ('要新建社区公共服务中心') is an unknown organisation only when the
          question names no known organisation; otherwise it is what the question asks about.
        """
        text = text.replace("\u3000", " ")
        mentions: list[OrgMention] = []
        taken: list[tuple[int, int]] = []
        unplaced: list[OrgMention] = []  # unresolved phrases not opened by a place name
        for end in self._suffix_ends(text):
            if any(s <= end - 1 < e for s, e in taken):
                continue
            m = self._mention_ending_at(text, end)
            if m is None:
                continue
            taken.append((m.start, m.end))
            if not m.candidates:
                m = self._subject_of(text, m)
                if not m.candidates and not self.leading_places(m.text):
                    unplaced.append(m)
            mentions.append(m)
        for stem, (start, end) in self._place_hits(text):
            if any(s < end and start < e for s, e in taken):
                continue
            deeper = self._unknown_subplace(text, start, end)
            if deeper is not None:  # '普陀区长征镇': a place of the district that no organisation here has
                mentions.append(OrgMention(text[start:deeper], start, deeper, [], kind="place"))
                taken.append((start, deeper))
                continue
            cands = sorted(self._places[stem])
            mentions.append(OrgMention(text[start:end], start, end, cands, kind="place"))
            taken.append((start, end))
        if any(m.candidates for m in mentions):
            mentions = [m for m in mentions if not any(m is u for u in unplaced)]
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _unknown_subplace(self, text: str, start: int, end: int) -> int | None:
        """End of a place named right after the place hit at text[start:end] that no organisation of the
        catalog is in, if any."""
        spans = self.leading_places(text[start:])
        inner = [(a + start, b + start) for a, b in spans if a + start >= end]
        if not inner:
            return None
        a, b = inner[0]
        place = text[a:b]
        known = set(self._places) | set(self._seats)
        return None if place in known or place_stem(place) in known else b

    def _subject_of(self, text: str, m: OrgMention) -> OrgMention:
        """An unresolved phrase read for the organisation it is about: a known organisation opening it (the
        longest), the place of a known administration opening it, else the phrase itself (unknown)."""
        for end in self._suffix_ends(text[m.start:m.end]):
            if m.start + end >= m.end:
                continue
            inner = self._mention_ending_at(text[:m.start + end], m.start + end)
            if inner is not None and inner.candidates:
                # the opening names an organisation itself, not its parent ('普陀区委' of '…区委宣传部')
                heads = [c for c in inner.candidates if same_head(inner.text, c)]
                if heads:
                    inner.candidates = heads
                    return inner
        places = self.leading_places(m.text)
        for a, b in reversed(places):  # the innermost place first ('普陀区万里街道…' -> 万里街道)
            orgs = self._seats.get(m.text[a:b]) or self._seats.get(place_stem(m.text[a:b]))
            if orgs:
                return OrgMention(m.text[:b], m.start, m.start + b, sorted(orgs), kind="place")
        return m

    def leading_places(self, phrase: str) -> list[tuple[int, int]]:
        """Spans of the place names a phrase opens with ('上海市普陀区教育局' -> 上海市, 普陀区); a lead-in
        '中共' is skipped. A place is a place of the catalog ('鹿泉', '万里街道') or two to four characters
        before a place word, not a common noun ending in one ('社区', '城市')."""
        spans: list[tuple[int, int]] = []
        i = 2 if phrase.startswith("中共") else 0
        while i < len(phrase):
            end = None
            for key in self._place_keys:  # longest first
                if phrase.startswith(key, i):
                    end = i + len(key)
                    if phrase.startswith("街道", end) or (end < len(phrase) and phrase[end] in PLACE_SUFFIX):
                        end += 2 if phrase.startswith("街道", end) else 1
                    break
            if end is None:
                for n in range(2, 5):
                    j = i + n
                    if phrase.startswith("街道", j):
                        end = j + 2
                    elif j < len(phrase) and phrase[j] in PLACE_SUFFIX:
                        end = j + 1
                    if end is not None:
                        if phrase[end - 2:end] in COMMON_PLACE_WORDS or any(c in STOP_CHARS for c in phrase[i:end]):
                            end = None
                        break
            if end is None:
                break
            spans.append((i, end))
            i = end
        return spans

    def _suffix_ends(self, text: str) -> list[int]:
        ends = []
        for i in range(len(text)):
            for suf in ORG_SUFFIXES:  # longest first at each position ('委员会' before '委')
                if text.startswith(suf, i):
                    if not any(w.startswith(suf) and len(w) > len(suf) and text.startswith(w, i) for w in NOT_AN_END):
                        ends.append(i + len(suf))
                    break
        return sorted(set(ends), reverse=True)

    def _mention_ending_at(self, text: str, end: int) -> OrgMention | None:
        start = end
        while start > 0 and is_name_char(text[start - 1]):
            start -= 1
        span = text[start:end]
        if end < len(text) and text.startswith("本级", end):
            end += 2
            span += "本级"
        if len(span) < 3 or any(w in span for w in NON_ORG_WORDS):
            return None
        # try the whole span, then shorter tails whose cut-off head is lead-in words or a province
        # (names usually omit the province); a cut-off head holding another place name is not allowed
        for cut in range(0, len(span) - 2):
            head, tail = span[:cut], span[cut:]
            if any(c in PLACE_SUFFIX for c in head) and not re.fullmatch(r".*?[\u4e00-\u9fff]{2,3}省", head):
                break
            if cut and tail[0] in PLACE_SUFFIX:
                continue  # never cut a place name in two ('石家庄|市信访局')
            cands = self.match(tail)
            if cands:
                # a mention ending in an organisation word names an organisation of that kind: '…区人民政府'
                # is not its '…街道办事处', '…区委' not its '…社会工作部'
                heads = [c for c in cands if same_head(tail, c)]
                if heads or not any(tail.endswith(w) for w in ORG_SUFFIXES):
                    return OrgMention(tail, start + cut, end, heads or cands)
                break
        # nothing matches: an organisation outside the corpus (when it reads like one)
        if len(span) > MAX_NAME_CHARS:
            return None
        return OrgMention(span, start, end, [])

    # --- places ------------------------------------------------------------------------
    def _place_index(self) -> dict[str, set[str]]:
        """Place stem ('鹿泉', '广阳区', '普陀区') -> organisations whose name holds that place."""
        index: dict[str, set[str]] = {}
        for name in self.orgs:
            for s, e in place_spans(name):
                place = name[s:e]
                stem = place[:-2] if place.endswith("街道") else place[:-1]
                for key in {place, stem}:
                    if len(key) >= 2:
                        index.setdefault(key, set()).add(name)
        return index

    def _seat_index(self) -> dict[str, set[str]]:
        """Place ('万里街道', '万里') -> organisations administering it (its 办事处, 人民政府, 管委会)."""
        index: dict[str, set[str]] = {}
        for name in self.orgs:
            m = ADMIN.search(name)
            if not m:
                continue
            head = [p for p in re.split(r"人民政府|政府", name[:m.start()]) if p][-1:]
            spans = place_spans(head[0]) if head else ()
            if not spans or spans[-1][1] != len(head[0]):
                continue
            place = head[0][spans[-1][0]:spans[-1][1]]
            for key in {place, place_stem(place)}:
                if len(key) >= 2:
                    index.setdefault(key, set()).add(name)
        return index

    def _place_hits(self, text: str) -> list[tuple[str, tuple[int, int]]]:
        hits = []
        for key in self._place_order:  # longest first; non-overlapping occurrences, as re.finditer finds them
            start = text.find(key)
            while start != -1:
                span = (start, start + len(key))
                if not any(a <= span[0] < b or a < span[1] <= b for _, (a, b) in hits):
                    hits.append((key, span))
                start = text.find(key, span[1])
        return hits


