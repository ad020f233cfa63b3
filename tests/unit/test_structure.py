"""The shape of the package: module sizes, no import cycles, imports pointing one way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "archiver"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path, known: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports (at any depth, but not for type checking)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found.update(n for n in names if n in known)
    return found


def test_no_module_over_the_limit() -> None:
    long = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in modules().items()}
    assert {n: c for n, c in long.items() if c > MAX_LINES} == {}


def test_no_import_cycle() -> None:
    mods = modules()
    graph = {name: imports(path, set(mods)) - {name} for name, path in mods.items()}
    # a package's __init__ importing its own submodules is how a package is assembled
    for name in graph:
        graph[name] = {m for m in graph[name] if not (m.startswith(name + ".") and name in mods)}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_core_never_imports_the_command_line() -> None:
    for name, path in modules().items():
        if not name.startswith(("archiver.cli", "archiver.__main__")):
            assert not any(m.startswith("archiver.cli") for m in imports(path, set(modules()))), (
                name
            )


def test_command_modules_do_not_import_each_other() -> None:
    mods = modules()
    for name, path in mods.items():
        if name.startswith("archiver.cli.") and name != "archiver.cli.base":
            others = {m for m in imports(path, set(mods)) if m.startswith("archiver.cli.")}
            assert others <= {"archiver.cli.base"}, name


def test_package_inits_hold_only_a_docstring() -> None:
    for name in ("archiver.binding", "archiver.scan", "archiver.status"):
        tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
        assert all(isinstance(n, ast.Expr) for n in tree.body), name


def test_importing_a_pure_stage_does_not_load_the_pdf_engines() -> None:
    import subprocess
    import sys

    code = (
        "import sys, archiver.binding.plan, archiver.binding.parts, archiver.binding.verify;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pypdf', 'docx', 'docxtpl')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
