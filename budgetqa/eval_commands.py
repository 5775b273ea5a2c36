"""The `budgetqa` commands that measure: eval, eval-retrieval and the benchmarks (the parser is in budgetqa/cli.py)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from budgetqa.core.errors import BudgetQAError
from budgetqa.core.settings import Settings
from budgetqa.commands import make_engine, print_json

log = logging.getLogger(__name__)


# --- evaluation and benchmarks ---------------------------------------------------------
def read_jsonl(path: str) -> list[dict]:
    items = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BudgetQAError(f"{path}：无法读取（{getattr(exc, 'strerror', None) or exc}）") from None
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BudgetQAError(f"{path}:{n}：不是有效的 JSON（{exc.msg}）") from None
    return items


def cmd_eval(args, settings: Settings) -> int:
    """Each gold file is a set: a block per set (right / wrong figure / abstained per kind), then the total."""
    from budgetqa.evaluation import format_reports, reports_json, run_eval

    sets = [(Path(f).name, read_jsonl(f)) for f in args.files]  # every file read before any question is asked
    engine = make_engine(settings)
    reports = [run_eval(engine, items, name=name) for name, items in sets]
    if args.json:
        print_json(reports_json(reports))
    else:
        print(format_reports(reports, show=args.show))
    return 0


def cmd_eval_retrieval(args, settings: Settings) -> int:
    from budgetqa.retrieval.evaluate import evaluate_retrieval, format_report

    engine = make_engine(settings)
    items = [i for f in args.files for i in read_jsonl(f)]
    report = evaluate_retrieval(engine.retriever, items, methods=args.methods.split(","))
    print(format_report(report))
    return 0


def cmd_bench(args, settings: Settings) -> int:
    from budgetqa.retrieval.bench import bench_queries

    engine = make_engine(settings)
    questions = [i["question"] for i in read_jsonl(args.file)]
    result = bench_queries(engine.retriever, questions, repeats=args.repeats)
    result["ask"] = bench_answers(engine, questions, repeats=args.repeats)
    print_json(result)
    return 0


def bench_answers(engine, questions: list[str], repeats: int) -> dict:
    """End-to-end latency of Engine.ask (parse, facts, retrieval, answer composition)."""
    import statistics
    import time

    engine.ask(questions[0])  # warm-up: models and indexes loaded
    timings = []
    for _ in range(max(1, repeats)):
        for q in questions:
            t0 = time.perf_counter()
            engine.ask(q)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    pick = lambda q: timings[max(0, min(len(timings) - 1, round(q * len(timings)) - 1))]  # noqa: E731
    return {"n": len(timings), "p50_ms": round(pick(0.5), 2), "p95_ms": round(pick(0.95), 2),
            "mean_ms": round(statistics.fmean(timings), 2), "max_ms": round(timings[-1], 2)}


def cmd_bench_extract(args, settings: Settings) -> int:
    from budgetqa.ingest.bench import bench_extraction

    print_json(bench_extraction(args.paths, settings))
    return 0


def cmd_bench_ingest(args, settings: Settings) -> int:
    from budgetqa.benchmarks.ingest_speed import bench_ingest

    print_json(bench_ingest(args.paths, settings, args.question, args.embed_sample))
    return 0


def cmd_bench_backends(args, settings: Settings) -> int:
    from budgetqa.benchmarks.store_backends import bench_backends

    questions = [i["question"] for i in read_jsonl(args.file)]
    print_json(bench_backends(questions, [Path(p) for p in args.paths], settings, args.work, args.repeats))
    return 0


def cmd_bench_scale(args, settings: Settings) -> int:
    from budgetqa.benchmarks.scale import bench_scale

    print_json(bench_scale(args.sizes, settings, args.work, args.questions, args.baseline, args.reuse,
                           args.embed_limit_s))
    return 0


def cmd_refit(args, settings: Settings) -> int:
    """Fit the ranking weights on labelled sets; print held-out accuracy; write the weights file."""
    from rich.progress import Progress

    from budgetqa.core.ranking_weights import data_path
    from budgetqa.evaluation.refit import check_sets, default_sets, format_fit, run_refit, write_weights

    paths = [Path(p) for p in args.sets] if args.sets else default_sets(settings)
    check_sets(paths)
    engine = make_engine(settings)
    total = sum(1 for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    with Progress(transient=True) as progress:
        task = progress.add_task("收集排序", total=total)
        report = run_refit(engine, paths, settings, prior=args.prior, on_item=lambda _i: progress.advance(task))
    print(format_fit(report))
    if args.dry_run:
        return 0
    out = Path(args.out) if args.out else data_path()
    write_weights(report.weights, out)
    print(f"已写入：{out}")
    return 0
