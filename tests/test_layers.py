"""The house: layers import one way, no import cycle, deferred imports say why, one meta-word list."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import dispatcher
from explorer.lang.commands import META_WORDS

PACKAGE = Path(__file__).resolve().parent.parent / "explorer"


def modules() -> dict:
    """Dotted module name → parsed source, for every module of explorer/."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def imported(name: str, tree: ast.AST, known) -> set:
    """The modules of `known` that `name` imports, every import statement counted (in functions too)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".")
                base = ".".join(here[:len(here) - node.level] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not target.startswith(name + "."):
                out.add(target)
    return out


def test_the_layers_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    done = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, timeout=120,
                          cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
    assert "1 kept, 0 broken" in done.stdout


def test_no_import_cycle():
    found = modules()
    graph = {name: imported(name, tree, found) for name, (_, tree) in found.items()}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []
    assert sum(len(targets) for targets in graph.values()) > 150  # the walk really saw the imports


def test_every_deferred_import_says_why():
    """An import inside a function keeps something heavy off a path that rarely needs it: say what."""
    silent = []
    for _name, (path, tree) in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    here = lines[node.lineno - 1]
                    if "#" not in here and not _commented_group(lines, node.lineno):
                        silent.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {here.strip()}")
    assert silent == []


def _commented_group(lines: list, lineno: int) -> bool:
    """The reason is on the line above, or on an import of the same block above it."""
    i = lineno - 2
    while i >= 0 and lines[i].strip().startswith(("import ", "from ")):
        if "#" in lines[i]:
            return True
        i -= 1
    return i >= 0 and lines[i].strip().startswith("#")


# pycurl: the transport, and its table of libcurl's error codes
@pytest.mark.parametrize("library, allowed", [("pycurl", {"explorer/http/transport.py",
                                                          "explorer/http/curlerrors.py"}),
                                               ("prompt_toolkit", {"explorer/repl/"})])
def test_one_layer_imports_each_heavy_library(library, allowed):
    importers = set()
    for _name, (path, tree) in modules().items():
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == library or n.startswith(library + ".") for n in names):
                importers.add(str(path.relative_to(PACKAGE.parent)))
    assert importers and all(any(p.startswith(a) for a in allowed) for p in importers), importers


def test_the_parser_knows_exactly_the_commands_the_shell_runs():
    commands = dispatcher()
    assert commands.names() == META_WORDS
    for name in sorted(META_WORDS):
        assert callable(commands.resolve(name)), name


def test_the_layers_are_folders():
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"core", "lang", "http", "response", "spec", "completion", "shell", "workflow", "repl"} <= layers
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "cli.py", "options.py"], flat
    assert os.path.isdir(PACKAGE / "specs") or (PACKAGE.parent / "specs").is_dir()
