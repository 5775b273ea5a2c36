"""The units quoted from a document (sentences, table rows, headings with what the document says above them)
and the quotes made of them."""
from __future__ import annotations

from dataclasses import dataclass, field

from budgetqa.answering.paragraphs import SENT_END, is_heading, paragraphs, sentences, split_sentences, trim
from budgetqa.core.records import Chunk, Citation, Passage
from budgetqa.ingest.layout import LIST_START, fills, marker_level, wraps


@dataclass
class Quote:
    passage: Passage
    text: str  # exact text of the chunk (one or more whole sentences / table rows)
    score: float
    coverage: float
    more: list[tuple[Passage, str]] = field(default_factory=list)  # continuation in the following chunk(s)

    def citations(self) -> list[Citation]:
        return [self.passage.citation(self.text)] + [p.citation(t) for p, t in self.more]

    @property
    def full_text(self) -> str:
        return self.text + "".join(t for _, t in self.more)


@dataclass
class Unit:
    """A sentence (or table row, or heading) of a chunk, with what the document says above it."""

    passage: Passage
    start: int
    end: int
    para: int  # paragraph index in the chunk
    form: str  # 'sentence' | 'heading' | 'row'
    context: str = ""  # headings above it (title, numbered headings, section path)
    rank: int | None = None  # retrieval rank of its chunk
    chunk_end: bool = False  # the last unit of its chunk
    heading: str = ""  # the nearest heading above it
    fragment: bool = False  # starts mid-sentence (the chunk before ends without ending its sentence)
    width: float | None = None  # the text width of its page (CJK widths; None: unpaged)

    @property
    def text(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


def build_units(passages: list[Passage], ranks: dict[str, int]) -> list[Unit]:
    """Sentences, table rows and headings of the passages in document order, with their context."""
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.chunk.doc_id, []).append(p)
    out: list[Unit] = []
    for doc_id in sorted(by_doc):
        ps = sorted(by_doc[doc_id], key=lambda p: p.chunk.ordinal)
        title, levels, last, last_form = "", {}, "", ""
        open_sentence = False  # the previous text chunk ended mid-sentence
        for p in ps:
            ch = p.chunk
            rank = ranks.get(ch.id)
            if ch.kind == "table":
                rows = sentences(ch)
                for i, (s, e) in enumerate(rows):
                    s, e = trim(ch.text, s, e)
                    out.append(Unit(p, s, e, i, "row" if i else "heading", _ctx(title, levels, ch), rank,
                                    chunk_end=i == len(rows) - 1, heading=last))
                open_sentence = False
                continue
            width = ch.text_width if ch.page is not None else None  # measured at ingest
            paras = paragraphs(ch.text, width)
            for i, (ps_, pe) in enumerate(paras):
                line = ch.text[ps_:pe]
                if is_heading(line):
                    out.append(Unit(p, ps_, pe, i, "heading", _ctx(title, levels, ch), rank,
                                    chunk_end=i == len(paras) - 1, heading=last, width=width))
                    level = marker_level(line)  # None: an unnumbered heading line
                    # the body of a numbered heading ('三、实施主体' + '上海市普陀区商务委员会') is no title
                    under_numbered = i > 0 and last_form == "heading" and marker_level(last) is not None
                    if level is None and not line.rstrip().endswith(("：", ":")) and not under_numbered:
                        title, levels = line, {}
                    elif level is not None:
                        levels = {k: v for k, v in levels.items() if k < level}
                        levels[level] = line
                    last, last_form = line, "heading"
                    continue
                spans = split_sentences(ch.text, ps_, pe)
                for j, (s, e) in enumerate(spans):
                    out.append(Unit(p, s, e, i, "sentence", _ctx(title, levels, ch), rank,
                                    chunk_end=i == len(paras) - 1 and j == len(spans) - 1,
                                    heading=last, fragment=i == 0 and j == 0 and open_sentence, width=width))
                last_form = "sentence"
            # the chunk stops mid-sentence: its last line runs to the text width without ending a sentence
            last_line = ch.text.rstrip().rsplit("\n", 1)[-1].strip()
            nxt = next((q.chunk for q in ps if q.chunk.ordinal == ch.ordinal + 1), None)
            first = nxt.text.strip().split("\n", 1)[0].strip() if nxt is not None and nxt.kind == "text" else ""
            open_sentence = bool(last_line) and bool(first) and wraps(last_line, first, width)
    return out


def continuation(u: Unit, passages: list[Passage]) -> list[tuple[Passage, str]]:
    """The rest of a sentence cut by the end of its chunk: the head of the next text chunk."""
    ch = u.passage.chunk
    nxt = next((p for p in passages if p.chunk.doc_id == ch.doc_id and p.chunk.ordinal == ch.ordinal + 1), None)
    if nxt is None or nxt.chunk.kind != "text":
        return []
    text = nxt.chunk.text
    s, _ = trim(text, 0, len(text))
    first = text[s:].split("\n", 1)[0]
    if not first or LIST_START.match(first) or (is_heading(first) and not fills(first, u.width)):
        return []
    m = SENT_END.search(text, s)
    end = m.end() if m else len(text)
    s, end = trim(text, s, min(end, s + 300))
    return [(nxt, text[s:end])] if end > s else []


def _ctx(title: str, levels: dict[int, str], chunk: Chunk) -> str:
    return " ".join([title] + [levels[k] for k in sorted(levels)] + [chunk.section or ""])
