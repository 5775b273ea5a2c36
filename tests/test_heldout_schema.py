"""The held-aside sets tests/data/eval_heldout3.jsonl, eval_heldout4.jsonl and eval_heldout5.jsonl: their schema
only. No test answers their questions — each set is measured once, by hand, when answering is done
(`budgetqa eval tests/data/eval_heldoutN.jsonl`)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest

from budgetqa.evaluation import load_items
from tests.conftest import DEV2_SET, DEV_SET, PDFS, SEEDS

REPO = Path(__file__).resolve().parents[1]
HELDOUT3 = REPO / "tests" / "data" / "eval_heldout3.jsonl"
HELDOUT4 = REPO / "tests" / "data" / "eval_heldout4.jsonl"
HELDOUT5 = REPO / "tests" / "data" / "eval_heldout5.jsonl"
MIN_SIZE = {HELDOUT3: 35, HELDOUT4: 45, HELDOUT5: 45}
KINDS = {"lookup", "compare", "list", "narrative", "unanswerable"}
MONEY = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


@pytest.fixture(scope="module", params=[HELDOUT3, HELDOUT4, HELDOUT5], ids=lambda p: p.stem)
def heldout(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def items(heldout) -> list[dict]:
    return load_items(heldout)


def _page_count(name: str) -> int:
    pdf = pypdfium2.PdfDocument(str(PDFS / name))
    try:
        return len(pdf)
    finally:
        pdf.close()


def test_size_ids_and_fields(items, heldout):
    assert len(items) >= MIN_SIZE[heldout]
    ids = [i["id"] for i in items]
    assert len(set(ids)) == len(ids)
    for i in items:
        assert {"id", "doc", "kind", "question", "gold", "pages", "note"} <= set(i), i["id"]
        assert i["kind"] in KINDS, i["id"]
        assert isinstance(i["question"], str) and i["question"].strip(), i["id"]
        assert isinstance(i["note"], str) and i["note"].strip(), i["id"]
        assert isinstance(i["gold"], dict) and i["gold"], i["id"]


def test_documents_and_pages_exist(items):
    shared = {p.name for p in SEEDS.glob("*.txt")} | {p.name for p in PDFS.glob("*.pdf")}
    pages_of = {}
    for i in items:
        if i["kind"] == "unanswerable":
            assert i["doc"] is None and i["gold"] == {"abstain": True} and i["pages"] is None, i["id"]
            continue
        assert i["doc"] in shared, i["id"]
        if i["doc"].endswith(".pdf"):
            n = pages_of.setdefault(i["doc"], _page_count(i["doc"]))
            assert i["pages"] and all(isinstance(p, int) and 1 <= p <= n for p in i["pages"]), i["id"]
        else:
            assert i["pages"] is None, i["id"]  # a text file has no pages


def test_gold_per_kind(items):
    for i in items:
        gold, kind = i["gold"], i["kind"]
        if kind in ("lookup", "compare"):
            assert "value" in gold or "text" in gold, i["id"]
            if "value" in gold:
                assert isinstance(gold["value"], (int, float)) and gold.get("unit"), i["id"]
                if gold["unit"] in MONEY:  # value_wan is the value in 万元
                    wan = Decimal(str(gold["value"])) * MONEY[gold["unit"]] / MONEY["万元"]
                    assert Decimal(str(gold["value_wan"])) == wan, i["id"]
        elif kind == "list":
            assert gold.get("items") and all(isinstance(x, str) and x for x in gold["items"]), i["id"]
        elif kind == "narrative":
            assert gold.get("keywords") and all(isinstance(x, str) and x for x in gold["keywords"]), i["id"]


def test_varied_and_new(items, heldout):
    """Every kind but narrative is present, with counts, shares and several organisations; no question repeats
    one of the tuning or earlier held-out sets."""
    kinds = {i["kind"] for i in items}
    assert {"lookup", "compare", "list", "unanswerable"} <= kinds
    units = {i["gold"].get("unit") for i in items}
    assert {"万元", "元", "%", "辆"} <= units
    assert len({i["doc"] for i in items if i["doc"]}) >= 8
    others = [DEV_SET, DEV2_SET, *sorted((REPO / "tests" / "data").glob("eval_*.jsonl"))]
    seen = {x["question"] for f in others if f != heldout for x in load_items(f)}
    assert not [i["id"] for i in items if i["question"] in seen]
