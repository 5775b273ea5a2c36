"""The `budgetqa` commands that ingest, list, ask and maintain the store (the parser is in budgetqa/cli.py).
Friendly one-line errors are printed by `cli.main`; logic lives in the packages."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from budgetqa.audit import measure
from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


# --- ingest / docs ---------------------------------------------------------------------
def cmd_ingest(args, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from budgetqa.core.meta_override import parse_override
    from budgetqa.ingest.pipeline import Ingestor, expand_paths

    console = Console(stderr=True)
    meta = parse_override(args.org, args.year, args.kind)  # a ConfigError names the bad value before any work
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
                f"facts={r.facts} | {m.org or '机构未知'} {m.year or '年度未知'} {m.kind or '类型未知'}"
                f"{_sources_note(m.sources, ' （', '）')}{warn}"
            )

        ingestor_results = []  # all files in one call, so the lexical index is rebuilt once
        try:
            ingestor_results = ingestor.ingest(files, on_file=report, on_wait=lambda m: print(m, file=sys.stderr),
                                               meta=meta, clear_meta=args.clear_meta)
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
        code = drain(ingestor, console, args.quiet)
        if code:
            return code
    return 1 if failed else 0


def _sources_note(sources: dict, before: str = "", after: str = "") -> str:
    """'机构、年度用户指定' for metadata not read from the content ('' when all of it was)."""
    from budgetqa.core.meta_override import describe_sources

    notes = describe_sources(sources)
    return f"{before}{'；'.join(notes)}{after}" if notes else ""


def drain(ingestor, console, quiet: bool) -> int:
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
    code = drain(ingestor, Console(stderr=True), args.quiet)
    if not code and not ingestor.pending():
        print("语义索引已完整。", file=sys.stderr)
    return code


def cmd_docs(args, settings: Settings) -> int:
    from budgetqa.store.side_store import open_store

    docs = open_store(settings).list_documents()
    if args.json:
        print_json([d.__dict__ for d in docs])
        return 0
    if not docs:
        print("存储为空：先运行 budgetqa ingest PATH")
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table("文件", "机构", "年度", "类型", "来源", "页", "表", "片段", "数据", "提示")
    for d in docs:
        t.add_row(d.name, d.org or "未知", str(d.year or "未知"), d.kind or "未知", _sources_note(d.meta_sources),
                  str(d.pages), str(d.tables), str(d.chunks), str(d.facts), "; ".join(d.warnings))
    Console(width=200).print(t)
    return 0


# --- questions -------------------------------------------------------------------------
def make_engine(settings: Settings):
    from budgetqa.answering.engine import Engine

    return Engine(settings)


def print_answer(answer, as_json: bool) -> None:
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
    answer = make_engine(settings).ask(args.question)
    print_answer(answer, args.json)
    return 0


def cmd_chat(args, settings: Settings) -> int:
    from budgetqa.answering.conversation import Session

    engine, session = make_engine(settings), Session()
    interactive = sys.stdin.isatty() and not args.json
    while True:
        if interactive:
            print("问：", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        print_answer(engine.ask(line.strip(), session=session), args.json)
        sys.stdout.flush()


def cmd_facts(args, settings: Settings) -> int:
    from budgetqa.retrieval.fact_export import export_facts, query_facts

    rows = query_facts(settings, org=args.org, year=args.year, item=args.item, code=args.code)
    if args.export:
        export_facts(rows, Path(args.export))
        print(f"{len(rows)} 条数据已导出到 {args.export}", file=sys.stderr)
    elif args.json:
        print_json(rows)
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
    print_json(report.summary())
    return 0 if report.limits_held and report.errors == 0 else 1
