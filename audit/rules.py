"""Declared consistency checks: one `Rule` per check (id, Chinese description, severity, rounding tolerance).

Severities, from strongest to weakest:
    确定 - the document contradicts itself; the cited figures prove it.
    疑似 - probably a contradiction, but extraction or scope is uncertain (a reader should look).
    提示 - worth knowing (missing or unexplained empty statement), not a contradiction.

Money is compared in 元. The tolerance is `TOLERANCE` (0.01) in the coarsest printed unit among the figures
compared, multiplied by the number of summed operands (each rounded figure may be off by half a unit).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from typing import Callable

CERTAIN, SUSPECTED, NOTE = "确定", "疑似", "提示"
SEVERITIES = (CERTAIN, SUSPECTED, NOTE)
SEVERITY_RANK = {CERTAIN: 0, SUSPECTED: 1, NOTE: 2}
TOLERANCE = Decimal("0.01")  # in the printed unit, per summed operand
ROUGHLY_EQUAL = Decimal("0.02")  # '基本持平'/'相当': within 2% of the budget figure


@dataclass(frozen=True)
class Relation:
    """total = sum(parts); `optional` parts are added when disclosed; `children` may stand in for a part."""

    totals: tuple[str, ...]  # canonical items that can state the total
    parts: tuple[str, ...]
    optional: tuple[str, ...] = ()
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # short Chinese name
    description: str  # what is checked, in Chinese
    severity: str  # the strongest severity the rule can give
    check: str  # 'module:function' taking a DocContext (and the rule), returning findings
    relation: Relation | None = None

    def run(self, ctx) -> list:
        module, func = self.check.split(":")
        fn: Callable = getattr(import_module(module), func)
        return fn(ctx, self)


_SANGONG = ("因公出国（境）费", "公务接待费", "公务用车购置及运行维护费")
_VEHICLE = ("公务用车购置费", "公务用车运行维护费")

RULES: tuple[Rule, ...] = (
    Rule("sangong_sum", "“三公”经费合计与分项", "“三公”经费合计应等于因公出国（境）费、公务接待费与公务用车购置及运行维护费之和",
         CERTAIN, "budgetqa.audit.checks_parts:check_relation",
         Relation(("三公经费",), _SANGONG, children={"公务用车购置及运行维护费": _VEHICLE})),
    Rule("vehicle_sum", "公务用车费合计与分项", "公务用车购置及运行维护费应等于公务用车购置费与公务用车运行维护费之和",
         CERTAIN, "budgetqa.audit.checks_parts:check_relation", Relation(("公务用车购置及运行维护费",), _VEHICLE)),
    Rule("expenditure_sum", "支出合计与基本、项目支出", "支出合计应等于基本支出与项目支出之和（另有经营支出等时一并计入）",
         CERTAIN, "budgetqa.audit.checks_parts:check_relation",
         Relation(("支出合计", "支出总计"), ("基本支出", "项目支出"),
                  optional=("经营支出", "上缴上级支出", "对附属单位补助支出"),
                  children={"基本支出": ("人员经费", "公用经费")})),
    Rule("basic_sum", "基本支出与人员、公用经费", "基本支出应等于人员经费与公用经费之和",
         CERTAIN, "budgetqa.audit.checks_parts:check_relation", Relation(("基本支出",), ("人员经费", "公用经费"))),
    Rule("subset", "“其中”项大于总数", "表中“其中：”行的数值不应大于其所属行（同一表同一列）",
         CERTAIN, "budgetqa.audit.checks_subset:check_subset"),
    Rule("balance", "收支平衡", "收入总计应等于支出总计",
         CERTAIN, "budgetqa.audit.checks_balance:check_balance"),
    Rule("code_sum", "分类科目小计", "功能/经济分类表中，类应等于所属款之和，款应等于所属项之和，合计应等于各类之和（同一表同一列）",
         CERTAIN, "budgetqa.audit.checks_codes:check_codes"),
    Rule("restated", "同一数字两处不一致", "同一机构、同一年度、同一口径的同一项目在文件不同位置（正文与表格、不同章节）数值不同",
         CERTAIN, "budgetqa.audit.checks_restated:check_restated"),
    Rule("unit_slip", "单位错用", "同一项目两处数值在印刷精度内相差一万倍（元/万元/亿元混用）",
         CERTAIN, "budgetqa.audit.checks_restated:check_unit_slips"),
    Rule("change", "增减额与增减率", "文中所述比上年增减额、增减率应与两年数字相符",
         CERTAIN, "budgetqa.audit.checks_changes:check_changes"),
    Rule("year", "年度不一致", "文件内所述年度应与文件年度一致（如2021年预算中写“2019年…预算安排”）",
         CERTAIN, "budgetqa.audit.checks_years:check_years"),
    Rule("direction", "所述增减方向与数字不符", "文中“决算数大于/小于/等于预算数”“持平”“增加/减少”等方向表述应与所列数字相符",
         CERTAIN, "budgetqa.audit.checks_direction:check_directions"),
    Rule("blank_cell", "正文数字在表中为空", "正文所述数字对应的表格单元格为空（同一表格该列其他行有数字）",
         SUSPECTED, "budgetqa.audit.checks_blank:check_blank_cells"),
    Rule("row_sum", "行内合计与各栏之和", "表中合计栏（合计、本年支出合计、小计）应等于同一行其后各分栏之和（空栏按零计）",
         CERTAIN, "budgetqa.audit.checks_rows:check_row_sums"),
    Rule("title_year", "标题年度不一致", "章节标题、表格标题中的年度应与文件年度一致",
         CERTAIN, "budgetqa.audit.checks_titles:check_title_years"),
    Rule("placeholder", "标题含占位符", "标题、表格标题中不应留有“XX”“××”“某某”“〇〇”等占位符",
         CERTAIN, "budgetqa.audit.checks_titles:check_placeholders"),
    Rule("toc_missing", "目录所列表格缺失", "目录列出的表格应在正文中出现",
         SUSPECTED, "budgetqa.audit.checks_titles:check_toc"),
    Rule("completeness", "公开表缺失或空表未说明", "预算/决算应公开的标准表格缺失，或空表未说明原因（“空表列示”“无…预算”等说明可接受）",
         NOTE, "budgetqa.audit.checks_completeness:check_completeness"),
    Rule("note_conflict", "表注与数据矛盾", "表注称本表无数据/为空表，但表内列有数字",
         SUSPECTED, "budgetqa.audit.checks_completeness:check_note_conflicts"),
)

RULES_BY_ID = {r.id: r for r in RULES}


def rule(rule_id: str) -> Rule:
    return RULES_BY_ID[rule_id]
