"""The upload page's optional organisation / year / kind (streamlit.testing AppTest, as tests/test_app.py)."""
from __future__ import annotations

import io

from tests.test_app import _app, app_env, sample_store  # noqa: F401 - fixtures
from tests.test_metadata_general import EXPENSE_ROWS, HEALTH_TITLE


def _xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in [[HEALTH_TITLE], ["单位：万元"], *EXPENSE_ROWS]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_upload_page_sets_validated_metadata(tmp_path, app_env):  # noqa: F811
    app_env.setenv("BUDGETQA_STORE", str(tmp_path / "fresh"))
    at = _app().run()
    at.switch_page("webui/pages/upload.py").run()
    at.file_uploader[0].set_value([("支出表.xlsx", _xlsx_bytes(), XLSX)]).run()
    at.text_input(key="upload_org").set_value("示范县卫健委")
    at.text_input(key="upload_year").set_value("24")
    at.button(key="upload_go").click().run()
    assert not at.exception, at.exception
    assert any("年度“24”无效" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.success and not (tmp_path / "fresh" / "uploads").exists()  # nothing saved or ingested

    at.text_input(key="upload_year").set_value("2025")
    at.selectbox(key="upload_kind").set_value("部门决算")
    at.button(key="upload_go").click().run()
    assert not at.exception, at.exception
    done = [s.value for s in at.success]
    assert any("示范县卫健委 2025年 部门决算" in s and "用户指定" in s for s in done), done

    at.switch_page("webui/pages/documents.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    row = table[table["文件"] == "支出表.xlsx"].iloc[0]
    assert (row["机构"], row["年度"], row["类型"]) == ("示范县卫健委", 2025, "部门决算")
    assert row["信息来源"] == "机构、年度、类型用户指定"
