"""Typed records passed between modules: Document, Chunk, Fact, Citation, Answer."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Literal

from budgetqa.core.units import from_yuan

DocKind = Literal["部门预算", "单位预算", "部门决算", "单位决算", "other"]
UNKNOWN = None  # metadata that could not be inferred is stored as NULL, never guessed


@dataclass
class Table:
    """A table as rows of cells (strings, '' for an empty cell), with what was printed around it."""

    index: int  # 0-based index of the table within the document
    rows: list[list[str]]
    unit: str | None = None  # money unit in force: '元', '万元', '亿元' or None if not stated
    title: str | None = None  # nearest heading above the table, e.g. '单位预算收支总表'
    page: int | None = None  # 1-based page (PDF) or None
    char_start: int | None = None  # span of the table inside its page text, when known
    char_end: int | None = None


@dataclass
class Page:
    number: int  # 1-based; a text file is a single page 1
    text: str
    tables: list[Table] = field(default_factory=list)
    needs_ocr: bool = False  # text garbled ((cid:, U+FFFD) or empty: would need OCR to be indexed
    name: str | None = None  # the page's own name when it has one: an XLSX sheet title


@dataclass
class DocMeta:
    org: str | None = None
    year: int | None = None
    kind: DocKind | None = None
    aliases: list[str] = field(default_factory=list)  # other names the document declares (加挂…牌子, 简称)
    # where each known field came from: 'content' | 'file_name' | 'user' (budgetqa.core.meta_override); provenance,
    # not value, so it takes no part in equality
    sources: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class Document:
    path: str  # absolute path as ingested
    name: str  # base name, used in citations
    sha256: str  # document id
    format: str  # 'pdf' | 'docx' | 'xlsx' | 'txt' | 'md'
    pages: list[Page]
    meta: DocMeta = field(default_factory=DocMeta)
    warnings: list[str] = field(default_factory=list)
    paged: bool = False  # True when page numbers are real (PDF); citations then carry the page

    @property
    def id(self) -> str:
        return self.sha256

    @property
    def tables(self) -> list[Table]:
        return [t for p in self.pages for t in p.tables]


@dataclass
class Chunk:
    doc_id: str
    ordinal: int  # position in the document
    text: str
    page: int | None  # 1-based page for paged documents, else None
    section: str  # section path, e.g. '二、部门预算安排的总体情况 > 2、支出说明'
    char_start: int  # span in the page text (paged) or in the whole text (unpaged)
    char_end: int
    kind: Literal["text", "table"] = "text"
    table_index: int | None = None
    # the text width of its page in CJK character widths, measured at ingest (budgetqa.ingest.layout); None:
    # unpaged text, or a store ingested before it was measured
    text_width: float | None = None

    @property
    def id(self) -> str:
        return f"{self.doc_id[:16]}-{self.ordinal:05d}"


@dataclass
class Citation:
    doc: str  # file base name as ingested
    page: int | None  # 1-based page or None for unpaged documents
    locator: str  # section / table / row / column text
    quote: str  # exact source text

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Fact:
    """One disclosed figure with cell-level (or sentence-level) provenance."""

    doc_id: str
    org: str | None
    year: int | None
    doc_kind: str | None  # '预算' | '决算' | None
    statement: str  # e.g. '收支总表', '支出功能分类表', '三公经费表', '机关运行经费', 'narrative'
    item: str | None  # canonical item from the vocabulary, None when the label maps to none
    row_label: str  # as printed
    column_label: str  # as printed ('' for narrative)
    code: str | None  # subject code (功能分类/经济分类), repaired ('210110 1' -> '2101101')
    value_text: str  # the value as printed, e.g. '371,514,655.00', '80'
    value: Decimal  # numeric value in the printed unit
    unit: str  # unit as printed: 元, 万元, 亿元, %, 件, 人, 辆, 平方米, '' when none
    value_yuan: Decimal | None  # money normalised to 元; None for non-money
    page: int | None
    table_index: int | None
    row_index: int | None
    col_index: int | None
    quote: str  # the printed string (sentence or table row) the value comes from
    locator: str  # human-readable place: table title / row / column, or section
    period: str = "current"  # 'current' | 'previous' (上年/上年末) | 'change' (增减额) | 'change_pct'
    measure: str | None = None  # 预算数 / 年初预算数 / 调整预算数 / 决算数 / 上年执行数 / 增减额 / 增减率 … (core.measures)
    blank: bool = False  # a blank cell of a printed data row: nothing disclosed there (value 0, value_text '')
    fact_id: int | None = None  # assigned by the store

    @property
    def value_kind(self) -> str:
        """'money' | 'share' (%) | 'count' (件, 辆, 人 …) | 'number' (no unit)."""
        if self.value_yuan is not None:
            return "money"
        if self.unit in ("%", "‰", "个百分点"):
            return "share"
        return "count" if self.unit else "number"

    @property
    def value_wan(self) -> Decimal | None:
        return None if self.value_yuan is None else from_yuan(self.value_yuan, "万元")

    def citation(self, doc_name: str) -> Citation:
        return Citation(doc=doc_name, page=self.page, locator=self.locator, quote=self.quote)


@dataclass
class StoredDocument:
    """A row of the documents table, as listed by `budgetqa docs`."""

    id: str
    name: str
    path: str
    format: str
    org: str | None
    year: int | None
    kind: str | None
    pages: int
    tables: int
    chunks: int
    facts: int
    warnings: list[str]
    ingested_at: str
    aliases: list[str] = field(default_factory=list)
    meta_sources: dict[str, str] = field(default_factory=dict)  # org/year/kind -> 'content' | 'file_name' | 'user'


@dataclass
class Passage:
    """A retrieved chunk with its score and document metadata."""

    chunk: Chunk
    doc_name: str
    org: str | None
    year: int | None
    kind: str | None
    score: float

    def citation(self, quote: str | None = None) -> Citation:
        return Citation(
            doc=self.doc_name,
            page=self.chunk.page,
            locator=self.chunk.section or ("表格" if self.chunk.kind == "table" else "正文"),
            quote=quote if quote is not None else self.chunk.text,
        )


Status = Literal["answered", "not_found", "refused", "ambiguous"]


@dataclass
class AnswerFact:
    """A disclosed figure an answer uses (the answer itself, or an operand of a computed one), with its
    citation; `ask --json` 'facts'."""

    org: str | None
    year: int | None  # the year the value belongs to
    item: str  # canonical item, else the printed row label
    label: str  # as shown to the user
    value: int | float | None  # in the printed unit
    unit: str
    value_wan: int | float | None  # money in 万元; None for non-money
    period: str | None
    fact_id: int | None
    citation: Citation

    def to_json(self) -> dict:
        out = asdict(self)
        out["citation"] = self.citation.to_json()
        return out


@dataclass
class ConstraintCheck:
    """One constraint of the question checked against one fact."""

    name: str  # 'org' | 'year' | 'item' | 'measure' | 'kind' | 'doc_kind'
    asked: str | None  # what the question asked; None when it set no such constraint
    found: str | None  # what the fact is
    met: bool | None  # None: the question did not constrain it

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class FactMatch:
    """Which constraints of the question one cited (or related) fact satisfies (`ask --json` 'match')."""

    fact_id: int | None
    org: str | None
    year: int | None
    label: str
    printed: str  # the value as printed, with its unit
    measure: str | None
    citation: Citation
    checks: list[ConstraintCheck] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Every constraint the question set is met."""
        return all(c.met is not False for c in self.checks)

    @property
    def unmet(self) -> list[str]:
        return [c.name for c in self.checks if c.met is False]

    def to_json(self) -> dict:
        return {
            "fact_id": self.fact_id, "org": self.org, "year": self.year, "label": self.label,
            "printed": self.printed, "measure": self.measure, "full": self.full,
            "constraints": {c.name: c.to_json() for c in self.checks},
            "citation": self.citation.to_json(),
        }


@dataclass
class Answer:
    question: str
    answer: str
    status: Status
    facts: list[AnswerFact] = field(default_factory=list)  # the figures used, each cited
    citations: list[Citation] = field(default_factory=list)
    interpretation: str | None = None  # how the question was understood, e.g. '鹿泉区信访局 2021年 三公经费'
    mode: str = "template"  # 'template' | 'llm' | 'llm_fallback'
    computed: str | None = None  # arithmetic shown for computed answers
    notices: list[str] = field(default_factory=list)  # audit warnings, fallbacks
    match: list[FactMatch] = field(default_factory=list)  # per cited fact: the question's constraints it meets
    related: list[FactMatch] = field(default_factory=list)  # '相关数字' of a not_found/ambiguous answer, never the answer

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "status": self.status,
            "facts": [f.to_json() for f in self.facts],
            "citations": [c.to_json() for c in self.citations],
            "interpretation": self.interpretation,
            "mode": self.mode,
            "computed": self.computed,
            "notices": self.notices,
            "match": {"full": all(m.full for m in self.match) if self.match else None,
                      "facts": [m.to_json() for m in self.match]},
            "related": [m.to_json() for m in self.related],
        }
