"""The cold-start measurement runs a real new process that opens the store and answers."""
from budgetqa.benchmarks.cold_start import cold_start
from budgetqa.ingest.pipeline import Ingestor


def test_cold_start_answers_in_a_new_process(settings, corpus):
    Ingestor(settings, embed=False).ingest([corpus])
    out = cold_start(settings, "鹿泉区信访局2021年取暖费预算是多少？")
    assert out["status"] == "answered", out
    assert out["process_to_first_answer_s"] >= out["imports_s"] + out["first_answer_s"] > 0
    empty = cold_start(settings.model_copy(update={"store": settings.store.parent / "empty"}), "取暖费是多少？")
    assert empty["status"] != "answered", empty
