"""The package's shape: imports flow one way (no cycles), layers are respected, no private names cross modules,
and a non-editable install exposes only the `budgetqa` namespace."""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Lower layers never import higher ones (docs/architecture.md explains the order).
LAYERS = [
    ("budgetqa.core",),
    ("budgetqa.store", "budgetqa.prompts"),
    ("budgetqa.retrieval",),
    ("budgetqa.ingest",),
    ("budgetqa.audit",),
    ("budgetqa.answering",),
    ("budgetqa.evaluation", "budgetqa.webui", "budgetqa.cli", "budgetqa.commands", "budgetqa.eval_commands",
     "budgetqa.benchmarks"),
]


def package_dirs() -> dict[str, Path]:
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return {pkg: REPO / d for pkg, d in cfg["package-dir"].items()}


def modules() -> dict[str, Path]:
    """Every module of the distribution by dotted name."""
    dirs = package_dirs()
    found: dict[str, Path] = {}
    for pkg, folder in dirs.items():
        for path in folder.glob("*.py"):
            name = pkg if path.stem == "__init__" else f"{pkg}.{path.stem}"
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, list[str]]]:
    """(imported module, names imported from it) for every import statement, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.stem == "__init__" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names if a.name.startswith("budgetqa")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("budgetqa"):
                continue
            names = [a.name for a in node.names]
            submodules = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in known]
            out += [(s, []) for s in submodules]
            out.append((mod, [n for n in names if f"{mod}.{n}" not in known]))
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, _ in imports_of(name, path, known):
            if target in known and target != name:
                edges[name].add(target)
    return edges


def layer_of(module: str) -> int | None:
    for i, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    return None


def test_every_module_has_a_layer():
    assert [m for m in modules() if m != "budgetqa" and layer_of(m) is None] == []


def test_import_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n, [n])
    assert cycles == []


def test_imports_respect_layers():
    bad = []
    for src, targets in graph().items():
        for dst in targets:
            ls, ld = layer_of(src), layer_of(dst)
            if ls is not None and ld is not None and ld > ls:
                bad.append(f"{src} -> {dst}")
    assert bad == []


def test_no_private_names_imported_across_modules():
    mods = modules()
    bad = []
    for name, path in mods.items():
        for target, names in imports_of(name, path, set(mods)):
            bad += [f"{name}: from {target} import {n}" for n in names if n.startswith("_") and target != name]
    assert bad == []


def test_no_feature_hidden_behind_a_broad_import_guard():
    """`try: import … except Exception/ImportError` around project modules silently removes a feature."""
    bad = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            guarded = [n for stmt in node.body for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))]
            own = [n for n in guarded if (getattr(n, "module", None) or "").startswith("budgetqa")
                   or any(a.name.startswith("budgetqa") for a in n.names)]
            if own:
                bad.append(f"{name}:{node.lineno}")
    assert bad == []


def test_installed_top_level_is_only_budgetqa():
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert {p.split(".")[0] for p in cfg["packages"]} == {"budgetqa"}
    assert set(cfg["package-dir"]) <= set(cfg["packages"])


@pytest.mark.slow
def test_non_editable_wheel_installs_only_budgetqa(tmp_path):
    """Build the wheel the way `pip install .` does and read what it would put into site-packages."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("budgetqa-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"budgetqa"}
    top_level = [n for n in names if n.endswith("top_level.txt")]
    if top_level:
        assert zipfile.ZipFile(wheel).read(top_level[0]).decode().split() == ["budgetqa"]
    for data in ("budgetqa/core/data/vocabulary.yaml", "budgetqa/store/migrations/001_documents_chunks.sql",
                 "budgetqa/prompts/answer_system.md", "budgetqa/webui/main.py", "budgetqa/webui/pages/chat.py"):
        assert data in names
