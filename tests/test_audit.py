"""Audit rules: hand-built facts for each rule (fast), then the shared corpus with its known cases."""
from __future__ import annotations

import argparse
import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetqa.audit import audit_facts, export, findings_for_facts, notice_for, run_audit, to_json
from budgetqa.audit.rules import RULES
from budgetqa.core.records import Fact
from tests.conftest import pdf, seed

_FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}


def fact(item, value, unit="万元", *, label=None, quote=None, table=None, row=None, col=None, column="",
         code=None, period="current", statement=None, locator=None, fid=None, page=None) -> Fact:
    value = Decimal(str(value))
    text = f"{value}{unit}" if table is None else str(value)
    label = label if label is not None else (item or "")
    narrative = table is None
    return Fact(
        doc_id="d1", org="某局", year=2021, doc_kind="预算", statement=statement or ("narrative" if narrative else "表格"),
        item=item, row_label=label, column_label=column, code=code, value_text=text, value=value, unit=unit,
        value_yuan=value * _FACTORS[unit] if unit in _FACTORS else None, page=page, table_index=table,
        row_index=row, col_index=col, quote=quote or (f"{label}{text}。" if narrative else f"{label} | {text}"),
        locator=locator or ("正文" if narrative else f"表{table} / 第{row}行 {label} / 列 {column}"),
        period=period, fact_id=fid,
    )


def rules_of(findings, severity=None):
    return {(f.rule, f.item) for f in findings if severity is None or f.severity == severity}


# --- parts vs totals ----------------------------------------------------------------------------
SANGONG_2017 = "2017年，我局“三公”经费预算安排32.78万元，其中因公出国（境）费0万元；"


def sangong_facts(total="32.78"):
    return [
        fact("三公经费", total, label="“三公”经费预算", quote=SANGONG_2017.replace("32.78", total), fid=1),
        fact("因公出国（境）费", 0, quote=SANGONG_2017.replace("32.78", total), fid=2),
        fact("公务用车购置及运行维护费", "38.28", label="公务用车购置及运维费",
             quote="公务用车购置及运维费38.28万元（其中：公务用车购置费为0万元，公务用车运行费38.28万元)；", fid=3),
        fact("公务接待费", "0.5", fid=4),
    ]


def test_sangong_total_that_is_not_the_sum_of_its_parts_is_certain_with_every_value_cited():
    found = [f for f in audit_facts(sangong_facts(), "004.txt") if f.rule == "sangong_sum"]
    assert len(found) == 1 and found[0].severity == "确定"
    f = found[0]
    assert "32.78" in f.message and "38.78" in f.message and "6万元" in f.message
    assert sorted(f.fact_ids) == [1, 2, 3, 4] and len(f.citations) == 4
    assert all(c.doc == "004.txt" and c.quote for c in f.citations)


def test_parts_that_add_up_give_nothing():
    assert not [f for f in audit_facts(sangong_facts("38.78"), "x.txt") if f.rule == "sangong_sum"]


def test_table_row_checks_total_against_basic_plus_project_and_tolerates_rounding():
    ok = [fact("支出合计", "2940.05", table=5, row=3, col=4, column="本年支出合计", label="合计"),
          fact("基本支出", "2336.91", table=5, row=3, col=5, column="基本支出", label="合计"),
          fact("项目支出", "603.15", table=5, row=3, col=6, column="项目支出", label="合计")]  # off by 0.01
    assert not audit_facts(ok, "x.pdf")
    bad = ok[:2] + [fact("项目支出", "613.14", table=5, row=3, col=6, column="项目支出", label="合计")]
    assert ("expenditure_sum", "支出合计") in rules_of(audit_facts(bad, "x.pdf"), "确定")


def test_shifted_columns_are_taken_as_an_extraction_problem_not_an_error():
    shifted = [fact("支出合计", "2336.91", table=5, row=3, col=4, column="本年支出合计", label="合计"),
               fact("基本支出", "603.14", table=5, row=3, col=5, column="基本支出", label="合计"),
               fact("项目支出", "2940.05", table=5, row=3, col=6, column="项目支出", label="合计")]
    assert not audit_facts(shifted, "x.pdf")


# --- same figure stated twice, unit slips --------------------------------------------------------
def test_basic_expenditure_stated_twice_is_found_and_the_parts_tell_which_value_adds_up():
    facts = [
        fact("基本支出", "171.7", quote="群工局2020年支出预算174.3万元，其中：基本支出171.7万元，占98.5%；", fid=1),
        fact("基本支出", "171.6", label="一般公共预算基本支出", quote="群工局2020年一般公共预算基本支出171.6万元，其中：", fid=2),
        fact("人员经费", "107.2", fid=3), fact("公用经费", "64.4", fid=4),
        fact("人员经费", "14.07", quote="主要原因是2020年部门预算中增加2个三支一扶的人员经费14.07万元，", fid=5),
    ]
    found = [f for f in audit_facts(facts, "001.txt") if f.rule == "restated"]
    assert [(f.item, f.severity) for f in found] == [("基本支出", "确定")]  # the qualified 14.07 is no restatement
    assert "171.7" in found[0].message and "171.6" in found[0].message and "107.2" in found[0].message


def test_same_amount_in_wan_and_yuan_within_rounding_is_not_a_contradiction():
    facts = [fact("行政运行", "938.99", code="2011301", label="行政运行（项）", quote="“行政运行（项）”938.99万元，"),
             fact("行政运行", "9389913", unit="元", code="2011301", table=3, row=6, col=3, column="合计",
                  statement="支出总表", locator="部门支出预算总表 / 第6行 行政运行 / 列 合计")]
    assert not audit_facts(facts, "x.pdf")


def test_a_figure_ten_thousand_times_another_is_a_unit_slip():
    facts = [fact("公务接待费", "1", table=14, row=6, col=2, column="合计", statement="三公经费表", label="三、公务接待费"),
             fact("公务接待费", "10000", quote="3.公务接待费10000万元。")]
    assert rules_of(audit_facts(facts, "x.txt")) >= {("unit_slip", "公务接待费")}
    assert not rules_of(audit_facts(facts, "x.txt")) & {("restated", "公务接待费")}


def test_two_cells_of_one_row_naming_the_same_item_are_a_reading_problem():
    facts = [fact("公务用车购置及运行维护费", "46.56", table=21, row=3, col=3, column="公务用车购置及运行费/小计"),
             fact("公务用车购置及运行维护费", "21.56", table=21, row=3, col=5, column="公务用车购置及运行费/运行费"),
             fact("公务用车购置及运行维护费", "46.56", label="公务用车购置及运行费")]
    assert not [f for f in audit_facts(facts, "x.pdf") if f.rule == "restated"]


# --- classification subtotals --------------------------------------------------------------------
def coded(code, name, value, row, table=2, col=3):
    return fact(name, value, table=table, row=row, col=col, column="合计", code=code, label=name, statement="支出总表",
                locator=f"支出总表 / 第{row}行 {name} / 列 合计")


def test_class_subtotals_follow_codes_across_a_page_break():
    facts = [coded(None, "合计", "63.84", 3), coded("208", "社会保障和就业支出", "63.84", 4),
             coded("20805", "行政事业单位养老支出", "53.13", 5), coded("2080501", "行政单位离退休", "39.38", 6),
             coded("2080505", "机关事业单位基本养老保险缴费支出", "13.75", 3, table=3),  # continued on the next page
             coded("20809", "退役安置", "10.71", 4, table=3), coded("2080901", "退役士兵安置", "10.71", 5, table=3)]
    facts[0].row_label = "合计"
    assert not audit_facts(facts, "x.txt")
    facts[4] = coded("2080505", "机关事业单位基本养老保险缴费支出", "15.75", 3, table=3)
    found = [f for f in audit_facts(facts, "x.txt") if f.rule == "code_sum"]
    assert [(f.item, f.severity) for f in found] == [("20805", "确定")]
    assert "53.13" in found[0].message and "55.13" in found[0].message


def test_rows_whose_code_was_not_read_explain_a_gap_instead_of_raising_it():
    facts = [coded("301", "工资福利支出", "100", 3), coded("30101", "基本工资", "60", 4), coded(None, "津贴补贴", "40", 5)]
    assert not [f for f in audit_facts(facts, "x.pdf") if f.rule == "code_sum"]


# --- balance, changes, years, completeness -------------------------------------------------------
def test_income_total_must_equal_expenditure_total_in_one_row():
    facts = [fact("收入总计", "451.83", table=1, row=18, col=2, column="收入/预算数", label="收入总计"),
             fact("支出总计", "461.83", table=1, row=18, col=4, column="支出/预算数", label="支出总计")]
    assert ("balance", "收支平衡") in rules_of(audit_facts(facts, "x.txt"), "确定")


def test_growth_rate_is_checked_with_rounding_and_growth_from_zero_is_left_alone():
    q = "2020年，群工局行政机关运行经费财政拨款预算为64.2万元，比2019年预算同口径减少2.5万元，下降{}%。"

    def facts(rate):
        return [fact("机关运行经费", "64.2", label="行政机关运行经费财政拨款", quote=q.format(rate)),
                fact("机关运行经费", "-2.5", label="行政机关运行经费财政拨款比2019年预算同口径减少", period="change",
                     quote=q.format(rate)),
                fact("机关运行经费", f"-{rate}", unit="%", period="change_pct", quote=q.format(rate))]

    assert not audit_facts(facts("3.7"), "x.txt")
    found = [f for f in audit_facts(facts("5.7"), "x.txt") if f.rule == "change"]
    assert found and "3.75" in found[0].message
    zero = "机关运行经费支出 10.23 万元，比 2023 年度增加 10.23 万元，增长 100.00%。"
    assert not audit_facts([fact("机关运行经费", "10.23", label="机关运行经费支出", quote=zero),
                            fact("机关运行经费", "10.23", period="change", quote=zero),
                            fact("机关运行经费", "100.00", unit="%", period="change_pct", quote=zero)], "x.pdf")


def test_a_paragraph_about_another_year_is_found_but_comparisons_are_not():
    text = ("2021年机关运行经费11.06万元。\n2021年我部门无政府采购预算。\n"
            "2019年我部门“三公”经费预算安排4.5万元。\n与2020年相比增加0.03%。\n比\n2020年预算增加25万元。")
    found = [f for f in audit_facts([], "000.txt", pages={1: text}, year=2021) if f.rule == "year"]
    assert [(f.severity, "2019" in f.message) for f in found] == [("确定", True)]


def test_empty_table_is_acceptable_with_an_explanation_and_a_template_is_one_note():
    base = "单位预算政府基金预算财政拨款支出表\n单位：万元\n序号 | 功能分类科目 | 合计\n"
    explained = audit_facts([], "x.txt", pages={1: base + "注：无政府基金预算，空表列示。\n"}, year=2021)
    unexplained = audit_facts([], "x.txt", pages={1: base + "\n"}, year=2021)
    assert not [f for f in explained if "政府性基金" in (f.item or "")]
    assert [f.severity for f in unexplained if f.item == "政府性基金预算支出表"] == ["提示"]
    template = "上海市 XX 局\nXX 局 2024 年度部门决算\n收入支出决算总表\n总计 XXX 万元 XX% XXX\n"
    assert [(f.rule, f.item) for f in audit_facts([], "t.pdf", pages={1: template}, kind="部门决算")] == [
        ("completeness", "模板")]


# --- API: answer notices, export -----------------------------------------------------------------
def test_findings_for_facts_and_the_notice_an_answer_shows():
    findings = audit_facts(sangong_facts(), "004.txt")
    assert findings_for_facts(findings, [3]) and not findings_for_facts(findings, [99])
    text = notice_for(findings_for_facts(findings, [1]))
    assert text.startswith("注意：该文件中") and "“三公”经费" in text and "不一致" in text
    assert notice_for([]) == ""


def test_json_csv_and_xlsx_working_papers(tmp_path):
    findings = audit_facts(sangong_facts(), "004.txt")
    data = to_json(findings)
    row = data["findings"][0]
    assert {"doc", "page", "rule", "severity", "message", "values", "citations"} <= set(row)
    json.dumps(data, ensure_ascii=False)
    with export(findings, tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "文件" and rows[1][2] == "sangong_sum"
    from openpyxl import load_workbook

    ws = load_workbook(export(findings, tmp_path / "a.xlsx")).active
    assert ws["C2"].value == "sangong_sum" and "32.78" in ws["G2"].value
    with pytest.raises(ValueError):
        export(findings, tmp_path / "a.pdf")


def test_every_rule_is_declared_with_chinese_description_and_severity():
    assert len({r.id for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.severity in ("确定", "疑似", "提示") and any("\u4e00" <= ch <= "\u9fff" for ch in r.description)


# --- the shared corpus ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus_findings():
    from budgetqa.audit.measure import audit_file
    from budgetqa.core.settings import Settings

    settings = Settings(embedding_model="hash")
    cache: dict[str, list] = {}

    def get(path: Path):
        if path.name not in cache:
            cache[path.name] = audit_file(path, settings)
        return cache[path.name]

    return get


def test_seed_004_sangong_total_32_78_against_parts_38_78(corpus_findings):
    found = [f for f in corpus_findings(seed("004")) if f.rule == "sangong_sum"]
    assert len(found) == 1 and found[0].severity == "确定"
    values = {v["value"] for v in found[0].values}
    assert {"32.78万元", "0万元", "38.28万元", "0.5万元"} <= values
    assert all(c.quote for c in found[0].citations)


def test_seed_001_basic_expenditure_171_7_against_171_6(corpus_findings):
    found = [f for f in corpus_findings(seed("001")) if f.rule == "restated" and f.item == "基本支出"]
    assert len(found) == 1 and found[0].severity == "确定"
    assert "171.7" in found[0].message and "171.6" in found[0].message and "107.2" in found[0].message


def test_seed_000_three_public_paragraph_dated_2019_in_a_2021_budget(corpus_findings):
    found = [f for f in corpus_findings(seed("000")) if f.rule == "year" and f.severity == "确定"]
    assert len(found) == 1 and "2019" in found[0].message and found[0].fact_ids


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_other_seeds_raise_nothing_certain(corpus_findings, prefix):
    assert not [f for f in corpus_findings(seed(prefix)) if f.severity == "确定"]


@pytest.mark.parametrize("part", ["部门决算模板", "社会工作部2024年度部门决算"])
def test_correct_final_accounts_and_the_blank_template_raise_nothing_certain(corpus_findings, part):
    findings = corpus_findings(pdf(part))
    assert not [f for f in findings if f.severity in ("确定", "疑似")], [f.message for f in findings]


def test_finance_bureau_final_accounts_only_finding_is_its_printed_unit_slip(corpus_findings):
    """p.21 prints "财政拨款收入支出总计0.3万元"; the table on p.13 totals 2,961.68万元. Nothing else is flagged."""
    findings = [f for f in corpus_findings(pdf("上海市普陀区财政局2024年度部门决算")) if f.severity in ("确定", "疑似")]
    assert [(f.rule, f.severity) for f in findings] == [("unit_slip", "确定")], [f.message for f in findings]
    assert "0.3万元" in findings[0].message and "2,961.68万元" in findings[0].message
    assert {c.page for c in findings[0].citations} == {21, 13}


# --- store and command line ----------------------------------------------------------------------
def test_run_audit_over_the_store_and_the_audit_command(settings, capsys):
    from budgetqa.ingest.facts import extract_facts
    from budgetqa.ingest.loader import load_document
    from budgetqa.store.side_store import open_store

    from budgetqa.audit.command import run

    store = open_store(settings.sqlite_path)
    for prefix in ("001", "004"):
        doc = load_document(seed(prefix), settings)
        store.replace_document(doc, [], extract_facts(doc))
    findings = run_audit(store)
    assert {("restated", "基本支出"), ("sangong_sum", "三公经费")} <= rules_of(findings, "确定")
    mine = [f for f in findings if f.rule == "sangong_sum"]
    assert findings_for_facts(findings, mine[0].fact_ids) and all(isinstance(i, int) for i in mine[0].fact_ids)
    assert {f.doc for f in run_audit(store, ["004"])} == {seed("004").name}

    args = argparse.Namespace(doc=["004"], json=True, export=None, min_severity="疑似", rule=None)
    assert run(args, settings) == 0
    out = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in out["findings"]] == ["sangong_sum"]
    args = argparse.Namespace(doc=["不存在"], json=False, export=None, min_severity="提示", rule=None)
    assert run(args, settings) == 2


def test_a_part_larger_than_its_whole_in_a_table():
    facts = [fact("通用设备", "56.0704", table=1, row=6, col=2, column="价值", label="二、通用设备"),
             fact("车辆", "61.2346", table=1, row=7, col=2, column="价值", label="其中：汽车"),
             fact("家具用具", "17.078", table=1, row=14, col=2, column="价值", label="六、家具、用具、装具及动植物"),
             fact("家具用具", "17.078", table=1, row=15, col=2, column="价值", label="其中：家具用具")]
    found = [f for f in audit_facts(facts, "x.txt") if f.rule == "subset"]
    assert [(f.item, f.severity) for f in found] == [("车辆", "确定")] and "56.0704" in found[0].message


def test_measure_builds_mutations_and_scores_predictions(tmp_path):
    from budgetqa.audit.findings import Finding
    from budgetqa.audit.measure import DEFAULT_LABELS, load_cases, score

    cases = load_cases(DEFAULT_LABELS, tmp_path)
    mutated = [c for c in cases if c.name.startswith("mut_")]
    assert mutated and all(c.path.exists() and c.expected for c in mutated)
    case = next(c for c in cases if c.name.startswith("004_"))
    case.findings = [Finding("sangong_sum", "确定", "…", case.name, item="三公经费"),
                     Finding("restated", "确定", "…", case.name, item="基本支出")]
    report = score([case])
    assert report["确定"]["tp"] == 1 and report["确定"]["fp"] == 1 and report["确定"]["recall"] == 1.0
    assert report["全部(含提示)"]["fn"] == 1  # the 提示 about missing tables was not predicted
