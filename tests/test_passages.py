"""Quoted answers to narrative questions: sentence selection on small hand-built documents (no retriever)."""
from __future__ import annotations

import pytest

from budgetqa.answering.catalog import Catalog
from budgetqa.answering.engine import Engine
from budgetqa.answering.passages import PassageAnswerer, paragraphs, split_sentences
from budgetqa.answering.question import parse_question
from budgetqa.answering.render import display_quote
from budgetqa.core.records import Chunk, Page, Passage
from budgetqa.core.settings import Settings
from budgetqa.ingest.layout import line_width, page_widths, running_width
from budgetqa.store.side_store import SideStore
from tests.answering_fixtures import add_doc, build_store

# A final-accounts PDF page: lines wrap at the text width (about 40 characters here).
WHY_PAGE = (
    "（一）机关运行经费支出情况\n"
    "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。主要原因是\n"
    "优化办公环境、提升照明效率，更换了老旧照明设施，导致相关支出略有增加。"
)
TABLE_ROWS = "财政拨款收支总表\n财政拨款收入 | | 财政拨款支出 | |\n机关运行经费 | 184.65 | 合计 | 184.65"
PURPOSE = [
    "三、机关运行经费安排情况",
    "机关运行经费共计安排75.77万元，主要用于办公区的日常维修、办公用房水电费、办公用房取暖费等日常运行支出。",
    "名词解释：机关运行经费指行政单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费支出。",
    "2017年机关运行经费比2016年增加3万元。",
]
DUTIES = [
    "一、部门职责及机构设置情况",
    "部门职责：\n（1）负责处理群众来信，接待群众来访。\n（2）负责研究提出全市信访工作的思路。\n"
    "（3）负责督促检查全市信访工作。\n（4）负责协助处理进京赴省上访问题。",
    "（5）负责综合研判信访信息。\n（6）负责信访工作年度考核。\n（7）完成交办的其他事项。\n机构设置：",
    "二、部门预算安排的总体情况",
    "2017年预算收入2941.59万元。",
]
ORG_TEXT = [
    "万里街道办事处（部门）主要职能",
    "上海市普陀区人民政府万里街道办事处是普陀区政府的派出机关，依据法律法规的规定履行相应的政府服务管理职能。",
    "2024年万里街道办事处下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为443.18万元。",
]
UNITS = ["二、部门预算单位构成", "区委群工局是一级预算单位，下设3个股室，分别是办公室、群众来访接待中心、督查督办股。",
         "三、收入说明", "2020年收入预算174.3万元，比上年增加14.07万元。"]


@pytest.fixture
def store(tmp_path):
    st = SideStore(tmp_path / "p.sqlite")
    add_doc(st, "caizheng2024.pdf", "上海市普陀区财政局", 2024, "部门决算", [], texts=[WHY_PAGE, TABLE_ROWS], paged=True)
    add_doc(st, "langfang2017.txt", "中共廊坊市委信访局", 2017, "部门预算", [], texts=PURPOSE + DUTIES)
    add_doc(st, "wanli2024.pdf", "上海市普陀区人民政府万里街道办事处", 2024, "部门预算", [], texts=ORG_TEXT, paged=True)
    add_doc(st, "zhaohua2020.txt", "中共广元市昭化区委群众工作局", 2020, "部门预算", [], texts=UNITS)
    # a second organisation with the same kind of sentence: a scoped question must never quote it
    add_doc(st, "guangyang2022.txt", "廊坊市广阳区信访局", 2022, "部门预算", [],
            texts=["机关运行经费共计安排28.47万元，主要用于办公用房物业管理费和差旅费。"])
    return st


def ask(store, question: str):
    catalog = Catalog.from_store(store)
    pq = parse_question(question, catalog)
    return pq, PassageAnswerer(store, catalog).answer(pq)[0]


def chunk_texts(store) -> list[str]:
    return [c.text for c in store.chunks()]


def assert_exact(store, answer):
    """Every citation quotes an exact span of a stored chunk."""
    texts = chunk_texts(store)
    for c in answer.citations:
        assert any(c.quote in t for t in texts), c.quote


# --- intent -----------------------------------------------------------------------------------

@pytest.mark.parametrize("question, ask_kind, intent", [
    ("普陀区财政局2024年机关运行经费为什么增加？", "why", "narrative"),
    ("廊坊市委信访局2017年预算为什么比2016年少？", "why", "narrative"),
    ("万里街道办事处2024年收入预算减少的原因是什么？", "why", "narrative"),
    ("廊坊市委信访局的机关运行经费是做什么用的？", "purpose", "narrative"),
    ("鹿泉区信访局的项目支出主要花在哪些方面？", "purpose", "narrative"),
    ("普陀区财政局在政府债务管理方面负责什么？", "duty", "narrative"),
    ("万里街道办事处是什么性质的机关？", "duty", "narrative"),
    ("高新区群众工作中心的工作保障措施有哪些？", "how", "narrative"),
    ("昭化区群工局有哪些股室？", "list", "list"),
    ("普陀区财政局2024年机关运行经费是多少？", None, "lookup"),
])
def test_narrative_intents(store, question, ask_kind, intent):
    pq = parse_question(question, Catalog.from_store(store))
    assert pq.ask == ask_kind
    if pq.orgs or intent != "lookup":
        assert pq.intent == intent


def test_a_question_asking_a_figure_and_a_reason_keeps_the_figure_intent(store):
    pq = parse_question("普陀区财政局2024年机关运行经费是多少？为什么增加？", Catalog.from_store(store))
    assert pq.ask == "why" and pq.intent == "lookup"


# --- paragraphs -------------------------------------------------------------------------------

def test_wrapped_lines_join_but_headings_and_items_stay_apart():
    spans = paragraphs(WHY_PAGE, width=40)
    paras = [WHY_PAGE[s:e] for s, e in spans]
    assert paras[0] == "（一）机关运行经费支出情况"
    assert paras[1].startswith("机关运行经费支出") and paras[1].endswith("略有增加。")
    assert "主要原因是\n优化" in paras[1]  # exact text: the line break is kept inside the span
    items = "部门职责：\n（1）负责处理群众来信。\n（2）负责研究提出工作思路。"
    assert len(paragraphs(items, width=40)) == 3


def test_sentences_split_after_full_stops_not_inside_a_clause_list():
    text = "2017年预算较2016年减少1683.37万元，其中：基本支出增加，主要为人员经费；项目支出减少，主要为装修经费。下一句。"
    spans = split_sentences(text, 0, len(text))
    assert [text[s:e] for s, e in spans][1] == "下一句。"
    assert "项目支出减少" in text[spans[0][0]:spans[0][1]]


def test_display_joins_wraps_and_keeps_both_ends_of_a_long_quote():
    line = "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。主要原因是"
    assert display_quote(line + "\n优化办公环境。") == line + "优化办公环境。"
    assert display_quote("（一）机关运行经费\n机关运行经费支出184.65万元。") == "（一）机关运行经费 机关运行经费支出184.65万元。"
    shown = display_quote("甲" * 200 + "主要原因是厉行节约。", 100)
    assert shown.endswith("主要原因是厉行节约。") and shown.startswith("甲") and "…" in shown


# --- selection ---------------------------------------------------------------------------------

def test_why_quotes_the_reason_not_the_heading_or_a_table_row(store):
    _, a = ask(store, "普陀区财政局2024年机关运行经费为什么增加？")
    assert a.status == "answered"
    first = a.citations[0]
    assert "主要原因是" in first.quote and "照明" in first.quote
    assert "|" not in first.quote and first.quote != "（一）机关运行经费支出情况"
    assert "照明" in a.answer and a.answer.startswith("文件中关于原因的说明")
    assert_exact(store, a)


def test_purpose_quotes_the_use_sentence(store):
    _, a = ask(store, "廊坊市委信访局的机关运行经费主要用于哪些方面？")
    assert a.status == "answered"
    assert "主要用于办公区的日常维修" in a.citations[0].quote
    assert_exact(store, a)


def test_broad_duty_question_lists_the_items_under_the_heading(store):
    _, a = ask(store, "廊坊市委信访局的主要职责有哪些？")
    assert a.status == "answered"
    quotes = [c.quote for c in a.citations]
    assert quotes[0].startswith("部门职责：") and "（1）负责处理群众来信" in quotes[0]
    assert any(q.startswith("（5）") for q in quotes)
    assert not any(q.startswith("（6）") for q in quotes)  # at most five items
    assert not any("机构设置" in q or "2941.59" in q for q in quotes)
    assert "其余见原文" in a.answer
    assert_exact(store, a)


def test_list_question_quotes_the_listing_sentence(store):
    _, a = ask(store, "昭化区群工局有哪些股室？")
    assert a.status == "answered" and "分别是办公室" in a.citations[0].quote
    assert {c.doc for c in a.citations} == {"zhaohua2020.txt"}


def test_identity_question_quotes_what_the_organisation_is(store):
    _, a = ask(store, "万里街道办事处是什么性质的机关？")
    assert a.status == "answered"
    assert "派出机关" in a.citations[0].quote
    assert a.answer.startswith("文件中关于职责的说明")


def test_specific_duty_question_scores_sentences(store):
    _, a = ask(store, "廊坊市委信访局在信访信息方面负责什么？")
    assert a.status == "answered" and "综合研判信访信息" in a.citations[0].quote


def test_scoped_question_never_cites_another_organisation(store):
    for question in ("廊坊市委信访局的机关运行经费主要用于哪些方面？", "广阳区信访局的机关运行经费主要用于什么？"):
        pq, a = ask(store, question)
        assert a.status == "answered"
        docs = {c.doc for c in a.citations}
        expected = "langfang2017.txt" if "廊坊市委" in question else "guangyang2022.txt"
        assert docs == {expected}, (question, docs)


def test_nothing_relevant_is_not_found(store):
    _, a = ask(store, "廊坊市委信访局为什么要购买无人机？")
    assert a.status == "not_found" and not a.citations
    assert "未找到" in a.answer


def test_unscoped_answer_from_several_organisations_names_each(store):
    _, a = ask(store, "机关运行经费主要用于什么？")
    assert a.status == "answered"
    if len({c.doc for c in a.citations}) > 1:
        assert "【" in a.answer


# --- the engine ----------------------------------------------------------------------------------

@pytest.fixture
def small(tmp_path):
    eng = Engine(Settings(store=tmp_path, embedding_model="hash"), store=build_store(tmp_path / "x.sqlite"))
    eng._retriever_failed = True
    return eng


def test_engine_answers_a_purpose_question_from_the_text(small):
    a = small.ask("鹿泉区信访局的机关运行经费主要用于什么？")
    assert a.status == "answered" and "日常维修" in a.answer and not a.facts
    assert a.citations[0].doc == "luquan2021.txt"


def test_engine_adds_the_use_to_a_figure_when_both_are_asked(small):
    a = small.ask("鹿泉区信访局2021年机关运行经费是多少？主要用于什么？")
    assert a.status == "answered"
    assert a.facts and "68.71" in a.answer  # the figure, from the facts
    assert "文件中关于用途的说明" in a.answer and "日常维修" in a.answer
    assert any(c.quote.endswith("主要用于日常维修。") for c in a.citations)


# --- narrow columns, line widths, '：' line ends ------------------------------------------------

# A narrow final-accounts column (about 30 characters): the first line has no punctuation.
NARROW = (
    "一、主要职能\n"
    "中共上海市普陀区委社会工作部负责贯彻落实党中央有关方针\n"
    "政策、决策部署和市委、区委有关工作要求，在履行职责过程中坚\n"
    "持和加强党中央的集中统一领导。主要职责是：统筹指导人民信访\n"
    "工作，指导人民建议征集工作；负责志愿服务工作的统筹规划。"
)


def test_a_line_filling_a_narrow_column_wraps_even_without_punctuation():
    paras = [NARROW[s:e] for s, e in paragraphs(NARROW, width=30)]
    assert paras[0] == "一、主要职能"  # a short heading stays apart
    assert len(paras) == 2 and paras[1].startswith("中共上海市") and paras[1].endswith("统筹规划。")


def test_line_width_counts_cjk_widths_and_ignores_an_inflated_line():
    assert line_width("中文 2024 年") == 3 + 0.5 * 6  # CJK 1, digits and spaces 0.5
    body = ["政策、决策部署和市委、区委有关工作要求，在履行职责过程中坚"] * 9  # 29 wide
    noisy = "合计 1,234,567.89 2,345,678.90 3,456,789.01 4,567,890.12 5,678,901.23"  # 69 characters
    page = "\n".join(body[:4] + [noisy] + body[4:])
    assert len(noisy) > 60 and running_width("\n".join(body)) == 29
    assert running_width(page) == 0  # one inflated line: the page's own width cannot be told ...
    widths = page_widths([Page(1, "\n".join(body)), Page(2, page), Page(3, "\n".join(body))])
    assert widths == {1: 29, 2: 29, 3: 29}  # ... and it takes the document's
    # a wrapped line of 27 CJK widths is a wrap at that width (the longest line would make it short)
    text = "中共上海市普陀区委社会工作部 2024 年度预算绩效管理工作开\n展情况如下：本部门建立了制度。"
    assert len(paragraphs(text, width=widths[2])) == 1
    assert len(paragraphs(text, width=len(noisy))) == 2


def test_a_table_of_contents_sets_no_text_width():
    """Its longest entry stands alone: no measure (its entries are no wrapped lines)."""
    toc = ["目 录", "一、部门主要职能", "1. 2025年部门财务收支预算总表", "4．2025年部门财政拨款收支预算总表",
           "5．2025年部门一般公共预算支出功能分类预算表", "6．2025年部门政府性基金预算支出功能分类预算表",
           "7．2025年部门国有资本经营预算支出功能分类预算表", "8．2025年部门一般公共预算基本支出部门预算经济分类预算表",
           "9．2025年部门“三公”经费和机关运行经费预算表", "六、其他相关情况说明"]
    assert running_width("\n".join(toc)) == 0


def test_a_page_of_a_few_lines_takes_the_documents_width():
    prose = "\n".join(["年" * 60] * 9)  # a page of running text 60 wide
    page = "2024年部门一般公共预算基本支出部门预算经济分类预算表\n编制部门：上海市普陀区人民政府万里街道办事处 单位：元"
    widths = page_widths([Page(1, prose), Page(2, page)])
    assert widths == {1: 60, 2: 60}
    assert len(paragraphs(page, widths[2])) == 2  # the table title does not fill its own column


def test_answering_joins_lines_at_the_width_measured_at_ingest_whatever_the_other_candidates():
    """The text width stored with a chunk decides its paragraphs: other chunks of its page among the
    candidates (here a block of wider lines) do not change them."""
    wide = Chunk("d" * 64, 0, "\n".join(["宽" * 60] * 9), 1, "正文", 0, 549, text_width=40)
    text = "本部门二〇二四年度预算绩效管理工作按照区财政局的统一部署开展了全面的自评\n工作。"
    mine = Chunk("d" * 64, 1, text, 1, "正文", 549, 549 + len(text), text_width=40)
    catalog_free = PassageAnswerer.__new__(PassageAnswerer)

    def paras(passages):
        return [(u.start, u.end, u.para) for u in catalog_free.units(passages, {}) if u.passage.chunk is mine]

    alone = paras([Passage(mine, "a.pdf", None, None, None, 0.0)])
    with_wide = paras([Passage(wide, "a.pdf", None, None, None, 0.0), Passage(mine, "a.pdf", None, None, None, 0.0)])
    assert alone == with_wide
    assert len({p for _, _, p in alone}) == 1  # the line wraps at the stored width (40): one paragraph


def test_a_colon_ends_a_paragraph_only_before_a_list_item():
    use = ("4、一般公共服务支出（类）财政事务（款）财政委托业务支出（项）。主要用于：\n"
           "委托中介机构开展各类审计及绩效评价工作。年初预算为450.52万元。")
    assert len(paragraphs(use, width=40)) == 1
    listed = ("本部门中，行政单位1家，事业单位4家，纳入部门预算编制范围的单位具体包括：\n"
              "1. 上海市普陀区人民政府万里街道办事处（本部）。")
    assert len(paragraphs(listed, width=40)) == 2


# --- a quote holds a word of the question; a reason takes its numbered item's subject ------------

PAGE_USES = (  # a page about 40 characters wide, lines as printed
    "（三）一般公共预算财政拨款支出决算具体情况\n"
    "一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完\n"
    "成年初预算的98.20%。决算数小于预算数的主要原因：因年度工作计划安排，个别信\n"
    "息化项目和中介机构服务调减。其中：\n"
    "3、一般公共服务支出（类）财政事务（款）信息化建设（项）。主要用于：信息化\n"
    "系统日常维护费等支出。年初预算为135.90万元，支出决算为135.25万元。决算数小于\n"
    "预算数的主要原因：因产业政策扶持资金管理系统项目进度，调减相关经费。\n"
    "4、一般公共服务支出（类）财政事务（款）财政委托业务支出（项）。主要用于：\n"
    "委托中介机构开展各类审计及绩效评价工作。年初预算为450.52万元，支出决算为\n"
    "449.52万元。决算数小于预算数的主要原因：因个别项目评审费未能实施。\n"
)


@pytest.fixture
def fin(tmp_path):
    st = SideStore(tmp_path / "f.sqlite")
    add_doc(st, "caizheng2024.pdf", "上海市普陀区财政局", 2024, "部门决算", [], texts=[PAGE_USES], paged=True)
    add_doc(st, "wanli2024.pdf", "上海市普陀区人民政府万里街道办事处", 2024, "部门预算", [], texts=[
        "二、立项依据\n本工程是为了整合社区公共服务资源，为周边居民提供便捷的社区服务，根据《关于万里街道社区公共"
        "服务中心新建工程可行性研究报告的批复》进行建设。",
        "三、年度预算安排\n全年用款计划632.20万元。",
    ], paged=True)
    add_doc(st, "shegong2024.txt", "中共上海市普陀区委社会工作部", 2024, "部门决算", [], texts=[
        "（二）日常公用经费情况", "按规定安排相关支出。"])
    return st


def test_reason_takes_the_subject_from_the_start_of_its_numbered_item(fin):
    _, a = ask(fin, "普陀区财政局信息化建设支出决算为什么小于预算？")
    assert a.status == "answered"
    first = a.citations[0].quote
    assert first.startswith("3、一般公共服务支出") and first.endswith("调减相关经费。")
    assert_exact(fin, a)


def test_a_use_after_a_colon_at_the_end_of_a_line_is_quoted(fin):
    _, a = ask(fin, "普陀区财政局的财政委托业务支出是用来做什么的？")
    assert a.status == "answered"
    assert "审计及绩效评价" in a.citations[0].quote


def test_a_quote_holds_a_word_of_the_question_itself(fin):
    # '按规定安排相关支出。' sits under a heading naming the topic but says nothing of it
    _, a = ask(fin, "社会工作部的公用经费主要用于什么？")
    assert a.status == "not_found" and not a.citations, a.answer


def test_an_unresolved_phrase_stays_in_the_question(fin):
    pq, a = ask(fin, "万里街道为什么要新建社区公共服务中心？")
    assert pq.unknown_org is None and pq.orgs == ["上海市普陀区人民政府万里街道办事处"]
    assert a.status == "answered" and "整合社区公共服务资源" in a.citations[0].quote


def test_a_list_items_number_is_no_figure():
    from budgetqa.answering.engine import _quote_has_figure
    from budgetqa.core.records import Answer, Citation

    def answer(quote: str) -> Answer:
        return Answer(question="q", answer="a", status="answered", citations=[Citation("d.pdf", 4, "正文", quote)])

    assert not _quote_has_figure(answer("3. 上海市普陀区万里街道社区党群服务中心。"))
    assert _quote_has_figure(answer("3. 城市运行管理中心预算28.47万元。"))
